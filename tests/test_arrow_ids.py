"""Request ids as ASCII rows, and the frames' Arrow id columns when pandas stores ``str`` in Arrow.

With pyarrow installed pandas 3 keeps ``str`` columns as Arrow strings; the frames then write the ids'
ASCII straight into the column's buffer instead of making a Python ``str`` per id. The frames must be
the same, value for value and dtype for dtype, as the ones built from Python strings.
"""

import numpy as np
import pandas as pd
import pytest
from test_frame_hashes import run_failures_and_destinations

from lambdasim.records import RequestIds
from lambdasim.results import frames


@pytest.mark.parametrize("seed, stream", [(0, 0), (7, 1), (2**63 + 5, 3)])
def test_ids_as_ascii_rows_are_the_ids_made_one_at_a_time(seed, stream):
    ids = RequestIds(seed, stream)
    indices = [0, 1, 255, 65_536, 10**6, 2**31 - 1]
    text = ids.many_text(np.array(indices))
    assert text.dtype == np.uint8 and text.shape == (len(indices), 36)
    assert [row.tobytes().decode("ascii") for row in text] == [ids(i) for i in indices]
    assert ids.many_text(np.array([], dtype=np.int64)).shape == (0, 36)


@pytest.mark.slow
def test_arrow_id_columns_hold_the_same_frames_as_python_strings(monkeypatch):
    """Every kind of row (sync invokes, deliveries, running executions): Arrow ids change no value."""
    pytest.importorskip("pyarrow")
    if not frames._ARROW_STR:
        pytest.skip("pandas does not store str columns in Arrow here")
    arrow = run_failures_and_destinations()
    monkeypatch.setattr(frames, "_ARROW_STR", False)
    python = run_failures_and_destinations()
    for table in ("attempts", "events", "deliveries"):
        built, expected = getattr(arrow, table), getattr(python, table)
        assert type(built["event_id"].array).__name__ == "ArrowStringArray"
        assert str(built["event_id"].dtype) == "str"
        # a delivery's body is an object that makes its text on read: compared as text
        if "body" in built:
            assert built.pop("body").map(str).tolist() == expected.pop("body").map(str).tolist()
        pd.testing.assert_frame_equal(built, expected)
    assert len(arrow.deliveries) > 0 and (arrow.attempts["kind"] == "sync").any()
