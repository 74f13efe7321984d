"""The handlers of notebook 13, run by the simulation as AWS's Python runtime runs them."""

from pathlib import Path

import pytest

import lambdasim as ls
from lambdasim.course.handlers import (
    Receipts,
    async_def_handler,
    asyncio_handler,
    node_style_handler,
    sync_handler,
)


def _orders(handler, duration_s=0.05, retries=2, count=3):
    scenario = ls.Scenario.from_dict({
        "seed": 1,
        "queue": {"retry_jitter_s": 0, "throttle_jitter": 0},
        "functions": {"orders": {"Timeout": 10, "duration": {"dist": "constant", "value_s": duration_s},
                                 "cold_start": {"dist": "constant", "value_s": 0},
                                 "EventInvokeConfig": {"MaximumRetryAttempts": retries}}},
        "workloads": [{"function": "orders", "arrivals": "events",
                       "events": [{"at_s": i, "payload": {"order_id": f"o{i}"}} for i in range(count)]}],
    })
    return ls.run(scenario.replace({"functions.orders.handler": handler}))


def test_a_sync_handler_writes_every_receipt():
    receipts = Receipts()
    result = _orders(sync_handler(receipts))
    assert receipts.written == ["o0", "o1", "o2"] and receipts.pending == []
    assert result.fates() == {"succeeded": 3}


def test_an_async_def_handler_never_runs_and_fails_with_a_marshal_error_each_attempt():
    receipts = Receipts()
    result = _orders(async_def_handler(receipts), retries=1)
    assert receipts.written == []
    invokes = result.attempts.query("kind == 'invoke'")
    assert len(invokes) == 6 and set(invokes["error_type"]) == {"Runtime.MarshalError"}
    assert result.fates() == {"retries_exhausted": 3}


def test_running_the_coroutine_with_asyncio_fixes_it():
    receipts = Receipts()
    result = _orders(asyncio_handler(receipts))
    assert receipts.written == ["o0", "o1", "o2"]
    assert result.fates() == {"succeeded": 3}


@pytest.mark.parametrize(("await_write", "written", "pending"), [
    (True, ["o0", "o1", "o2"], []), (False, [], ["o0", "o1", "o2"])])
def test_a_node_style_write_is_done_only_when_awaited(await_write, written, pending):
    receipts = Receipts()
    result = _orders(node_style_handler(receipts, await_write))
    assert (receipts.written, receipts.pending) == (written, pending)
    assert result.fates() == {"succeeded": 3}   # the function succeeds either way


def test_await_write_must_be_a_bool():
    with pytest.raises(ValueError, match=r"await_write must be True or False, got 'yes'"):
        node_style_handler(Receipts(), "yes")


def test_side_by_side_counts_each_handlers_fates_receipts_and_attempts():
    import lambdasim as ls
    from lambdasim.course import handlers

    scenario = ls.Scenario.from_yaml(Path(__file__).resolve().parents[1] / "data/scenarios/retries.yaml")
    receipts = handlers.Receipts()
    run = ls.run(scenario.replace({f"functions.{next(iter(scenario.functions))}.handler":
                                   handlers.sync_handler(receipts)}))
    row = handlers.side_by_side({"def": (receipts, run)}).loc["def"]
    fates = run.fates()
    assert row["succeeded"] == fates.get("succeeded", 0)
    assert row["failed"] == sum(fates.values()) - fates.get("succeeded", 0)
    assert (row["receipts written"], row["receipts pending"]) == (len(receipts.written), 0)
    assert row["attempts"] == (run.attempts["kind"] == "invoke").sum()
    assert row["billed ms"] == run.attempts["billed_ms"].sum()
