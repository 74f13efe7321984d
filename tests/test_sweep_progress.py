"""Progress bars: the engine's timer hook, a long run's bar of virtual time, a sweep's bar of runs."""

import pandas as pd
import pytest
from helpers import one_function

import lambdasim as ls
from lambdasim.engine import Model
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.failures import FailureModel
from lambdasim.model.workloads import Burst, Poisson
from lambdasim.results.progress import TICKS, expected_span_s
from lambdasim.results.sweeps import replicate, sweep

FRAMES = ("attempts", "events", "rejected", "deliveries", "functions")


def failing(seed=2, **kwargs):
    """Retries, throttles and destinations' waits: about 100 events over 50 s, resolved minutes later."""
    return one_function([Poisson("orders", rate_per_s=2.0, end_s=50.0)], seed=seed, reserved_concurrency=1,
                        failures=FailureModel(error_probability=0.4), **kwargs)


def assert_same_records(a, b):
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert {k: v for k, v in a.stats.items() if k != "wall_s"} == {k: v for k, v in b.stats.items()
                                                                   if k != "wall_s"}


# -- the engine's hook ----------------------------------------------------------------------------------

def test_every_calls_back_on_the_virtual_clock_while_the_run_has_work():
    model = Model(failing())
    seen = []
    model.every(10.0, lambda m: seen.append(m.env.now))
    model.run()
    end = model.run_stats()["ended_at"]
    assert end > 200  # retries run on for minutes after the last arrival at 50 s
    assert seen == [10.0 * k for k in range(1, len(seen) + 1)]
    assert seen[-1] <= end < seen[-1] + 10.0  # called up to the end, and the run still ends


def test_every_leaves_the_records_unchanged():
    plain = ls.run(failing())
    model = Model(failing())
    model.every(0.7, lambda m: None)
    assert_same_records(ls.Result.of(model.run()), plain)


def test_every_stops_when_nothing_else_is_scheduled():
    model = Model(one_function([Burst("orders", count=1, at_s=3.0)], seed=1))
    calls = []
    model.every(1.0, lambda m: calls.append(m.env.now))
    model.run()
    assert calls == [1.0, 2.0, 3.0] and model.run_stats()["ended_at"] == pytest.approx(3.2)
    model.env.run()  # drains the schedule: the timer left over fires once, finds nothing else and stops
    assert calls == [1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize("interval", [0, -1.0, float("nan"), "1"])
def test_every_refuses_a_bad_interval(interval):
    with pytest.raises(InvalidParameterValueException, match="interval_s"):
        Model(failing()).every(interval, print)


# -- a long run's bar -------------------------------------------------------------------------------------

def test_run_with_progress_shows_virtual_time_and_keeps_the_records(capsys):
    shown = ls.run(failing(), progress=True)
    assert_same_records(shown, ls.run(failing()))
    err = capsys.readouterr().err
    assert "virtual s" in err and "accepted=" in err and "pending=0" in err
    ended = shown.stats["ended_at"]
    assert f"{ended:.0f}" in err.replace(",", "") or f"{ended / 1000:.2f}k" in err


def test_expected_span_is_the_horizon_else_the_last_arrival():
    assert expected_span_s(failing()) == 50.0
    assert expected_span_s(failing(horizon_s=30.0)) == 30.0
    assert expected_span_s(one_function([Burst("orders", count=3, at_s=12.0),
                                         Poisson("orders", rate_per_s=1.0, end_s=5.0)])) == 12.0
    assert expected_span_s(one_function([])) is None
    assert TICKS >= 10


def test_run_refuses_a_progress_that_is_not_a_bool():
    with pytest.raises(InvalidParameterValueException, match="progress: 'yes'"):
        ls.run(failing(), progress="yes")


# -- a sweep's bar -----------------------------------------------------------------------------------------

def test_sweep_and_replicate_show_a_bar_of_runs(capsys):
    grid = {"functions.orders.event_invoke_config.maximum_retry_attempts": [0, 2]}
    with_bar = sweep(failing(), grid, replications=3, progress=True)
    err = capsys.readouterr().err
    assert "runs: 100%" in err and "6/6" in err
    pd.testing.assert_frame_equal(with_bar, sweep(failing(), grid, replications=3))
    assert capsys.readouterr().err == ""  # off by default
    replicate(failing(), n=2, progress=True)
    assert "2/2" in capsys.readouterr().err
    with pytest.raises(InvalidParameterValueException, match="progress"):
        sweep(failing(), grid, progress=1)
