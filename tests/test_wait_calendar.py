"""The retry waits' calendar queue gives its entries back in exactly the order a heap would."""

import heapq
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambdasim.engine.wait_calendar import WaitCalendar

# An operation: push an entry due ``now + delay`` (the clock then moves on by ``step``), pop, or
# take (pop_then_earliest).
operations = st.lists(
    st.one_of(st.tuples(st.just("push"), st.floats(0, 400, allow_nan=False), st.floats(0, 3)),
              st.tuples(st.sampled_from(["pop", "take"]), st.just(0.0), st.just(0.0))),
    max_size=300)


@settings(max_examples=300, deadline=None)
@given(operations, st.sampled_from([0.0, 0.5, 59.999]))
def test_entries_come_out_as_from_a_heap_whatever_the_pushes_and_pops(ops, start):
    calendar, heap, ids = WaitCalendar(), [], itertools.count()
    now = start
    for op, delay, step in ops:
        if op == "push":
            # whole-second and repeated dues, so that ties (broken by the id) and bucket edges occur
            entry = (now + (round(delay) if delay > 200 else delay), next(ids), object())
            became_earliest = calendar.push(entry)
            heapq.heappush(heap, entry)
            assert became_earliest == (heap[0] is entry)
            now += step
        elif heap and op == "pop":
            assert calendar.earliest() is heap[0]
            assert calendar.pop() is heapq.heappop(heap)
        elif heap:  # "take": pop_then_earliest
            taken, following = calendar.pop_then_earliest()
            assert taken is heapq.heappop(heap)
            assert following is (heap[0] if heap else None)
        else:
            assert calendar.earliest() is None
        assert len(calendar) == len(heap)
        assert calendar.entries() == sorted(heap)
    while heap:
        assert calendar.pop() is heapq.heappop(heap)
    assert len(calendar) == 0 and calendar.earliest() is None


def test_an_entry_earlier_than_the_loaded_second_comes_out_first():
    calendar = WaitCalendar()
    for entry in [(70.2, 1, "a"), (70.1, 2, "b"), (75.0, 3, "c")]:
        calendar.push(entry)
    assert calendar.earliest() == (70.1, 2, "b")        # the 70 s bucket is loaded and sorted
    calendar.push((70.15, 4, "d"))                       # into the loaded bucket, in place
    calendar.push((69.9, 5, "e"))                        # before it: the loaded bucket goes back
    assert [calendar.pop()[2] for _ in range(5)] == ["e", "b", "d", "a", "c"]
    with pytest.raises(IndexError, match="empty WaitCalendar"):
        calendar.pop()
