"""The record frames are the same, value for value, as before issue 13's record-writing work.

The hashes below were computed on the code before that work (commit 8f19b75) and pinned: a change to
how rows are stored (packed rows, ids made on demand, derived columns) must not change one value,
dtype, category or column of ``attempts`` or ``events``. Two runs: W1 at 100,000 events (the
benchmark's workload, benchmarks/w1.py) and a small run with every kind of row — function errors
and timeouts, retries, throttles, expiries, system errors, duplicates, synchronous invokes,
destinations and a DLQ, and a horizon that leaves executions running and events pending.
"""

import contextlib
import gc
import hashlib

import numpy as np
import pandas as pd
import pytest

import lambdasim as ls
from lambdasim.model.errors import TooManyRequestsException
from lambdasim.records import RequestIds

QUEUE = "arn:aws:sqs:us-east-1:123456789012:"


def frame_digest(frame: pd.DataFrame) -> str:
    """A digest of every column: its name, dtype and values (a categorical's by label; NaN included)."""
    digest = hashlib.sha256()
    for name in frame.columns:
        column = frame[name]
        digest.update(f"{name}|{column.dtype}|".encode())
        if isinstance(column.dtype, pd.CategoricalDtype):
            # the labels of the values, not the list of categories: a category added to the schema
            # (issue 12's attempt kind ``esm``) that no row uses leaves the frame's values as they were
            digest.update("\x00".join(map(str, column.astype(object).tolist())).encode())
        elif column.dtype.kind in "biuf":
            digest.update(np.ascontiguousarray(column.to_numpy()).tobytes())
        else:
            digest.update("\x00".join(map(str, column.tolist())).encode())
    digest.update(str(frame.index.tolist() if len(frame) < 10 else (len(frame), frame.index.dtype)).encode())
    return digest.hexdigest()


def w1_100k():
    function = ls.FunctionConfig(timeout_s=900, duration=ls.dists.Exponential(1.0),
                                 cold_start=ls.dists.Exponential(0.5), keep_alive_s=600.0)
    return ls.Scenario(functions={"w1": function},
                       workloads=(ls.workloads.Poisson("w1", rate_per_s=100.0, end_s=1000.0),),
                       account=ls.Account(concurrent_executions=1000), seed=1)


def failures_and_destinations():
    config = ls.EventInvokeConfig(maximum_event_age_s=200, maximum_retry_attempts=2,
                                  destination_config=ls.DestinationConfig(on_success=QUEUE + "ok",
                                                                          on_failure=QUEUE + "failed"))
    orders = ls.FunctionConfig(
        timeout_s=3, duration=ls.dists.Exponential(1.5), cold_start=ls.dists.Constant(0.25), keep_alive_s=30,
        reserved_concurrency=5,
        failures=ls.FailureModel(error_probability=0.3, system_error_probability=0.05),
        event_invoke_config=config, dead_letter_target_arn=QUEUE + "dlq")
    audit = ls.FunctionConfig(timeout_s=10, duration=ls.dists.Constant(0.5), reserved_concurrency=2)
    return ls.Scenario(
        functions={"orders": orders, "audit": audit},
        workloads=(ls.workloads.Poisson("orders", rate_per_s=4.0, end_s=600.0, payload={"id": 1}),
                   ls.workloads.Poisson("audit", rate_per_s=3.0, end_s=600.0)),
        queue=ls.QueueSettings(duplicate_probability=0.05), seed=7)


def run_w1_100k():
    return ls.run(w1_100k())


def run_failures_and_destinations():
    """Synchronous invokes among the async events, then a horizon that leaves some runs unfinished."""
    sim = ls.Simulation(failures_and_destinations())
    for at in range(10, 400, 37):
        sim.run(until=at)
        with contextlib.suppress(TooManyRequestsException):  # refused: a sync throttle row
            sim.invoke_sync("audit", {"at": at})
    sim.run(until=500)
    return sim.result()


PINNED = {
    "w1_100k": {"attempts": "626822f8fbbe194856a595f04187026b1fd72e26e7362bfb985f9a9cc03a8b8d",
                "events": "25fc56273e5985b283d0513962adb56ee896f4738fc3df49b1000487e474daa1"},
    # 15,466 attempt rows (throttle, invoke, expire, system_error, duplicate, sync; 5 running) and
    # 3,537 events (succeeded, event_age_exceeded, retries_exhausted, 401 pending).
    "failures_and_destinations": {
        "attempts": "611fd998b04e6e85633ee8c6a6e2864176b96684e5e83f2a5884b393d6af47fa",
        "events": "9812c11e1ba98d6c67dfda34a7201b2b5785cb3c11d6862fdc19204833225fa5"},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PINNED))
def test_the_frames_hash_as_pinned_before_the_change(name):
    result = globals()[f"run_{name}"]()
    assert {table: frame_digest(getattr(result, table)) for table in ("attempts", "events")} == PINNED[name]


@pytest.mark.parametrize("seed, stream", [(0, 0), (1, 0), (7, 1), (2**63 + 5, 3)])
def test_request_ids_made_in_bulk_are_the_ids_made_one_at_a_time(seed, stream):
    """The frames make ids in bulk (numpy), the engine one at a time: the same strings, UUID-4 shaped."""
    ids = RequestIds(seed, stream)
    indices = [0, 1, 2, 255, 65_535, 65_536, 10**6, 2**31 - 1]
    bulk = ids.many(np.array(indices))
    assert bulk == [ids(i) for i in indices]
    assert all(len(i) == 36 and i[14] == "4" and i[19] in "89ab" and i.count("-") == 4 for i in bulk)
    assert ids.many(np.array([], dtype=np.int64)) == []


def _collector_states(scenario):
    """Whether the cyclic collector was on while the clock ran (seen from a callback) and after."""
    sim = ls.Simulation(scenario)
    seen = []
    sim.env.timeout(1).callbacks.append(lambda _: seen.append(gc.isenabled()))
    sim.run(until=5)
    return seen, gc.isenabled()


def test_the_collector_is_paused_while_the_clock_runs_and_back_after():
    scenario = ls.Scenario(functions={"f": ls.FunctionConfig()},
                           workloads=(ls.workloads.Poisson("f", rate_per_s=2.0, end_s=10.0),))
    assert _collector_states(scenario) == ([False], True)


def test_the_collector_stays_on_when_a_python_handler_runs():
    """User code may build reference cycles: they are collected as usual during the run."""
    scenario = ls.Scenario(functions={"f": ls.FunctionConfig(handler=lambda event, context: None)},
                           workloads=(ls.workloads.Poisson("f", rate_per_s=2.0, end_s=10.0),))
    assert _collector_states(scenario) == ([True], True)


def test_with_a_python_handler_the_collector_runs_rarer_during_the_run_and_as_before_after():
    scenario = ls.Scenario(functions={"f": ls.FunctionConfig(handler=lambda event, context: None)},
                           workloads=(ls.workloads.Poisson("f", rate_per_s=2.0, end_s=10.0),))
    sim = ls.Simulation(scenario)
    before = gc.get_threshold()
    seen = []
    sim.env.timeout(1).callbacks.append(lambda _: seen.append(gc.get_threshold()[0]))
    sim.run(until=5)
    assert seen == [max(before[0], 50_000)] and gc.get_threshold() == before


def test_the_collector_is_back_on_when_a_run_raises():
    sim = ls.Simulation(ls.Scenario(functions={"f": ls.FunctionConfig()}))

    def fail(_):
        raise RuntimeError("stop")

    sim.env.timeout(1).callbacks.append(fail)
    with pytest.raises(RuntimeError, match="stop"):
        sim.run(until=5)
    assert gc.isenabled()
