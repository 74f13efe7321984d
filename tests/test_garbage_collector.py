"""The collector holds (lambdasim.model.garbage_collector) are counted across threads: a run ending in
one thread leaves the collector paused (or rare) for a run still going in another, and the setting
from before the first hold comes back when the last one ends."""

from __future__ import annotations

import gc
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import lambdasim as ls
from lambdasim.model.garbage_collector import garbage_collection_paused, garbage_collection_rarer

WAIT_S = 30  # a broken hand-over fails the test instead of hanging it


@pytest.fixture(autouse=True)
def collector_as_found():
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.enable() if enabled else gc.disable()
    gc.set_threshold(*thresholds)


def _overlapping(hold, first_seen, second_seen):
    """Two threads in ``hold()`` at once; the first leaves while the second is still inside.
    ``first_seen()`` and ``second_seen()`` are read inside each thread's block: the second one after
    the first thread has left."""
    both_inside = threading.Barrier(2, timeout=WAIT_S)
    first_left = threading.Event()
    seen = {}

    def first():
        with hold():
            both_inside.wait()
            seen["first"] = first_seen()
        first_left.set()

    def second():
        with hold():
            both_inside.wait()
            assert first_left.wait(WAIT_S)
            seen["second"] = second_seen()

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(first), pool.submit(second)]:
            future.result(timeout=WAIT_S)
    return seen


def test_a_pause_ending_in_one_thread_leaves_the_collector_off_for_another():
    gc.enable()
    seen = _overlapping(garbage_collection_paused, gc.isenabled, gc.isenabled)
    assert seen == {"first": False, "second": False}  # before: the first thread's exit turned it on
    assert gc.isenabled()  # on again after the last pause, as it was before the first


def test_the_collector_stays_off_after_the_pauses_when_it_was_off_before():
    gc.disable()
    seen = _overlapping(garbage_collection_paused, gc.isenabled, gc.isenabled)
    assert seen == {"first": False, "second": False}
    assert not gc.isenabled()


def test_nested_pauses_in_one_thread_turn_the_collector_on_only_at_the_outermost_end():
    gc.enable()
    with garbage_collection_paused():
        with garbage_collection_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_rarer_holds_put_the_thresholds_back_only_when_the_last_ends():
    gc.set_threshold(700, 10, 10)
    seen = _overlapping(lambda: garbage_collection_rarer(50_000), gc.get_threshold, gc.get_threshold)
    assert seen == {"first": (50_000, 10, 10), "second": (50_000, 10, 10)}
    # before: the first thread put 700 back under the second, and the second then left 50,000 for good
    assert gc.get_threshold() == (700, 10, 10)


def test_a_rarer_hold_never_lowers_a_threshold_already_higher():
    gc.set_threshold(80_000, 10, 10)
    with garbage_collection_rarer(50_000):
        assert gc.get_threshold() == (80_000, 10, 10)
    assert gc.get_threshold() == (80_000, 10, 10)


def _threaded_runs(function: ls.FunctionConfig, look):
    """Two simulations run in two threads; at virtual t=1 both are inside their run; the first run
    then finishes, and at t=2 the second reads ``look()``."""
    scenario = ls.Scenario(functions={"f": function},
                           workloads=(ls.workloads.Poisson("f", rate_per_s=2.0, end_s=10.0),))
    both_running = threading.Barrier(2, timeout=WAIT_S)
    first_done = threading.Event()
    seen = []

    def run(second: bool):
        sim = ls.Simulation(scenario)
        sim.env.timeout(1).callbacks.append(lambda _: both_running.wait())
        if second:
            sim.env.timeout(2).callbacks.append(lambda _: (first_done.wait(WAIT_S), seen.append(look())))
        sim.run(until=5)
        if not second:
            first_done.set()

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(run, False), pool.submit(run, True)]:
            future.result(timeout=WAIT_S)
    assert first_done.is_set()
    return seen


def test_runs_overlapping_in_threads_keep_the_collector_paused_until_the_last_ends():
    gc.enable()
    assert _threaded_runs(ls.FunctionConfig(), gc.isenabled) == [False]
    assert gc.isenabled()


def test_handler_runs_overlapping_in_threads_keep_the_collector_rarer_until_the_last_ends():
    gc.set_threshold(700, 10, 10)
    handler = ls.FunctionConfig(handler=lambda event, context: None)
    assert _threaded_runs(handler, gc.get_threshold) == [(50_000, 10, 10)]
    assert gc.get_threshold() == (700, 10, 10)
