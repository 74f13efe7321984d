"""The engine's own timers: ``timers.after`` and ``timers.at`` (SimPy Timeouts made without their
constructor)
and the queue's waits (events waiting out a retry delay or a throttle backoff, off SimPy's heap but for the
earliest: ``EventQueue._wait``, in a :class:`~lambdasim.engine.wait_calendar.WaitCalendar`).

Both reach into SimPy's internals (``Environment._queue``, ``_eid``, ``_now``, the attributes a
``Timeout`` sets, the ``NORMAL`` priority). The first test fails with a message that says so if a
SimPy release changes them (requirements.txt pins ``simpy>=4.1.2,<5``).
"""

import pandas as pd
import pytest
import simpy
from simpy.events import NORMAL, Timeout

import lambdasim as ls
from lambdasim.engine import queue as queue_module
from lambdasim.engine.timers import after as _after
from lambdasim.engine.timers import at

SIMPY_CHANGED = (f"SimPy {simpy.__version__} changed an internal that lambdasim/engine/timers.py's after and "
                 "retry timers rely on (Environment._queue/_eid/_now, Timeout's attributes, the NORMAL "
                 "priority): revise them against SimPy's Timeout.__init__ and Environment.schedule/step, "
                 "or pin SimPy below this release in requirements.txt")


def test_simpy_internals_that_the_engine_timers_rely_on_are_as_they_were():
    env = simpy.Environment(initial_time=3.0)
    seen = []
    real = env.timeout(2.5, "real")
    _after(env, 2.5, "ours", seen.append)
    assert isinstance(env._queue, list) and env._now == env.now == 3.0, SIMPY_CHANGED
    assert [entry[:3] for entry in env._queue] == [(5.5, NORMAL, 0), (5.5, NORMAL, 1)], SIMPY_CHANGED
    ours = env._queue[1][3]
    assert type(ours) is Timeout and env._queue[0][3] is real, SIMPY_CHANGED
    # A Timeout made by SimPy holds exactly the attributes _after sets, with the same values.
    assert sorted(vars(real)) == sorted(vars(ours)) == ["_delay", "_ok", "_value", "callbacks", "env"], \
        SIMPY_CHANGED
    assert (ours.env, ours._delay, ours._ok, ours._value) == (env, 2.5, True, "ours"), SIMPY_CHANGED
    assert next(env._eid) == 2, SIMPY_CHANGED  # the event ids are a counter both take from
    env.run()
    assert seen == [ours] and env.now == 5.5 and ours.processed and ours.value == "ours", SIMPY_CHANGED
    # ``at``: an id taken earlier, a time given; it runs before a timer for the same time set later.
    early = next(env._eid)
    _after(env, 1.0, "later", seen.append)
    at(env, 6.5, early, "at", seen.append)
    env.run()
    assert [t.value for t in seen[1:]] == ["at", "later"] and env.now == 6.5, SIMPY_CHANGED


def failing_with_ties():
    """Every execution fails; arrivals, run times and retry delays are whole seconds, so retries fall
    due at the same instants as arrivals and as each other (SimPy orders those by event id)."""
    function = ls.FunctionConfig(timeout_s=30, duration=ls.dists.Constant(2.0), keep_alive_s=600,
                                 reserved_concurrency=3,
                                 failures=ls.FailureModel(error_probability=1.0),
                                 event_invoke_config=ls.EventInvokeConfig(maximum_retry_attempts=2))
    return ls.Scenario(
        functions={"f": function},
        workloads=(ls.workloads.Constant("f", rate_per_s=0.5, end_s=200.0),
                   ls.workloads.Constant("f", rate_per_s=0.5, end_s=200.0)),
        queue=ls.QueueSettings(retry_delays_s=(10.0, 20.0), retry_jitter_s=0.0,
                               throttle_jitter=0.0), seed=3)


@pytest.mark.parametrize("jitter", [0.0, 7.0])
def test_waits_end_at_the_times_and_in_the_order_they_would_with_a_timer_each(monkeypatch, jitter):
    import dataclasses

    scenario = failing_with_ties()
    scenario = dataclasses.replace(scenario, queue=dataclasses.replace(scenario.queue, retry_jitter_s=jitter))
    waited = []
    put = queue_module.EventQueue._wait

    def counted(self, event, now, delay):
        waited.append(event.index)
        put(self, event, now, delay)

    monkeypatch.setattr(queue_module.EventQueue, "_wait", counted)
    kept = ls.run(scenario)
    throttles = int((kept.attempts["kind"] == "throttle").sum())
    assert throttles > 0  # ties with throttle backoffs too
    # 200 events, two retries each, and a backoff after every throttle: all waited off SimPy's heap
    assert len(waited) == 400 + throttles

    def one_timer_each(self, event, now, delay):  # what the queue did before: a SimPy timeout per wait
        def due(timeout):
            timeout._value.fn.queued -= 1
            self.dispatch(timeout._value)

        _after(self.env, delay, event, due)

    monkeypatch.setattr(queue_module.EventQueue, "_wait", one_timer_each)
    timed = ls.run(scenario)
    pd.testing.assert_frame_equal(kept.attempts, timed.attempts)
    pd.testing.assert_frame_equal(kept.events, timed.events)


def test_events_waiting_to_retry_hold_no_place_in_simpys_heap():
    function = ls.FunctionConfig(timeout_s=30, duration=ls.dists.Constant(1.0),
                                 failures=ls.FailureModel(error_probability=1.0))
    scenario = ls.Scenario(functions={"f": function},
                           workloads=(ls.workloads.Poisson("f", rate_per_s=100.0, end_s=20.0),), seed=5)
    sim = ls.Simulation(scenario)
    sim.run(until=40.0)  # every event has failed once and waits out its 60-70 s first retry
    waiting, timed = sim.queue.waiting, sim.queue.timed
    assert len(waiting) == len(sim.queue.live) > 1_900
    # The earliest has a timer, and a few that came due ahead of the earliest timer then (jitter).
    assert waiting.earliest()[1] in timed and len(timed) < 10
    assert len(sim.env._queue) < 20
    sim.run()
    assert not waiting and not timed
    assert (sim.result().events["attempts"] == 3).all()
