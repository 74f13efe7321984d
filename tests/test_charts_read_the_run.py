"""Charts draw the run that happened: limits changed through the client appear as they were."""

from __future__ import annotations

import numpy as np

import lambdasim as ls
import lambdasim.plots as lp
from lambdasim.plots.timeline_rows import age_limits
from lambdasim.results import series


def constant(seconds):
    return {"dist": "constant", "value_s": seconds}


def reconfigured():
    """``orders`` (reserved 1, 10-s runs) gets one event at 0 s; at 15 s (after the first event
    ended) the client reserves 3 and cuts MaximumEventAgeInSeconds to 60; at 20 s the reservation
    is removed and a second event arrives. A synchronous invoke at 22 s runs 10 s beside it."""
    sim = ls.Simulation(ls.Scenario.from_dict({
        "seed": 1,
        "functions": {"orders": {"ReservedConcurrentExecutions": 1, "Timeout": 900,
                                 "duration": constant(10), "cold_start": constant(0)}},
        "workloads": [{"function": "orders", "arrivals": "events",
                       "events": [{"at_s": 0}, {"at_s": 20}]}],
    }))
    lam = sim.client()
    sim.run(until=15)
    lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=3)
    lam.put_function_event_invoke_config(FunctionName="orders", MaximumEventAgeInSeconds=60)
    sim.run(until=20)
    lam.delete_function_concurrency(FunctionName="orders")
    sim.run(until=22)
    lam.invoke(FunctionName="orders", Payload=b"{}")
    sim.run()
    return sim.result()


def test_pool_limits_follow_the_reservations_made_during_the_run():
    limits = series.pool_limits(reconfigured().functions, ["orders"])
    reserved, unreserved = limits[("orders", True)], limits[("unreserved", False)]
    assert (reserved.times.tolist(), reserved.levels.tolist()) == ([0.0, 15.0, 20.0], [1, 3, 0])
    assert (unreserved.times.tolist(), unreserved.levels.tolist()) == ([0.0, 20.0], [0, 1000])


def test_in_flight_counts_synchronous_invokes():
    steps = series.in_flight(reconfigured().attempts, ["orders"])["orders"]
    assert steps.times.tolist() == [0.0, 10.0, 20.0, 22.0, 30.0, 32.0]
    assert steps.levels.tolist() == [1, 0, 1, 2, 1, 0]


def test_a_run_to_the_end_waits_for_a_synchronous_execution_in_flight():
    sync = reconfigured().attempts.query("kind == 'sync'")
    assert sync[["start_at", "end_at", "outcome"]].values.tolist() == [[22.0, 32.0, "success"]]


def test_each_event_is_drawn_against_the_age_limit_it_was_held_to():
    result = reconfigured()
    assert result.events["max_event_age_s"].tolist() == [21600, 60]
    # Both events started at once, so both limits are far right of the ages: the chart names both.
    note = " ".join(t.get_text() for t in lp.event_age(result).axes[0].texts)
    assert "MaximumEventAgeInSeconds 60 s (orders)" in note
    assert "MaximumEventAgeInSeconds 6 h (orders)" in note
    # The timeline marks each event's own limit: enqueued at 0 s under 6 h, at 20 s under 60 s.
    assert age_limits(result, result.events).tolist() == [21600.0, 80.0]


def test_the_concurrency_chart_draws_the_limit_as_it_moved():
    figure = lp.concurrency(reconfigured())
    limits = [line for line in figure.axes[0].get_lines() if line.get_gid() == "limit"]
    reserved = next(line for line in limits if "reserved concurrency" in line.get_label())
    assert reserved.get_label() == "orders: reserved concurrency 1, 3"
    y = np.asarray(reserved.get_ydata(), dtype=float)
    assert y[:2].tolist() == [1.0, 3.0] and np.isnan(y[2])  # no reserved pool after 20 s


def test_the_caption_flags_settings_changed_during_the_run():
    caption = lp.caption_for(reconfigured())
    assert caption.startswith("orders: retries 2, max age 6 h, reserved concurrency 1, timeout 900 s, "
                              "changed at 15 s, 20 s · account limit 1,000")
