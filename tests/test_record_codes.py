"""The integer codes the recorder stores are the labels' positions in the schema tuples."""

import pytest

from lambdasim.engine import live_function
from lambdasim.records import schema
from lambdasim.records.schema import FATES, KINDS, OUTCOMES


@pytest.mark.parametrize("prefix, labels", [("KIND", KINDS), ("OUTCOME", OUTCOMES), ("FATE", FATES)])
def test_every_code_is_its_labels_position(prefix, labels):
    for position, label in enumerate(labels):
        assert getattr(schema, f"{prefix}_{label.upper()}") == position
    defined = {name for name in vars(schema) if name.startswith(prefix + "_")}
    assert defined == {f"{prefix}_{label.upper()}" for label in labels}


def test_existing_codes_keep_their_values():
    # Codes are stored in buffers and frames: a new label goes at the end, nothing moves.
    assert KINDS[:4] == ("invoke", "throttle", "expire", "duplicate")
    assert KINDS[4] == "sync"
    assert KINDS[5] == "system_error"
    assert OUTCOMES[:6] == ("success", "error", "timeout", "throttled", "expired", "running")
    assert OUTCOMES[6] == "system_error"
    assert FATES == ("succeeded", "retries_exhausted", "event_age_exceeded", "zero_reserved_concurrency",
                     "recursion_stopped", "pending")


def test_the_engine_uses_the_schema_codes():
    engine_codes = (live_function.SUCCESS, live_function.ERROR, live_function.TIMEOUT)
    assert engine_codes == tuple(OUTCOMES.index(label) for label in ("success", "error", "timeout"))


def test_no_module_reuses_a_code_for_another_label():
    # THROTTLED (an outcome) and DUPLICATE (a kind) once shared the value 3 as two hand-copied ints.
    assert schema.OUTCOME_THROTTLED == 3 and schema.KIND_DUPLICATE == 3
    assert KINDS[schema.KIND_DUPLICATE] == "duplicate" and OUTCOMES[schema.OUTCOME_THROTTLED] == "throttled"
