"""Arrival processes: exact times, laziness, Poisson counts, YAML shape and errors."""

import dataclasses
import itertools
import math
import types

import numpy as np
import pytest

from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.workloads import Arrival, Burst, Constant, Events, Poisson, ScheduledEvent, Workload


def times(workload, seed=0):
    return [a.at_s for a in workload.arrivals(np.random.default_rng(seed))]


def test_constant_arrivals_are_evenly_spaced_before_end():
    assert times(Constant("orders", rate_per_s=2, end_s=3, start_s=1)) == [1.0, 1.5, 2.0, 2.5]
    assert times(Constant("orders", rate_per_s=10, end_s=0.3)) == [0.0, 0.1, 0.2]  # end is excluded


def test_constant_arrivals_cross_block_boundaries():
    got = times(Constant("orders", rate_per_s=1, end_s=10_000))
    assert got == [float(k) for k in range(10_000)]


def test_arrivals_carry_payload_and_size_override():
    first = next(iter(Constant("orders", 1, 5, payload={"id": 7}, payload_size_bytes=300_000).arrivals(None)))
    assert first == Arrival(0.0, {"id": 7}, 300_000)
    assert next(iter(Poisson("orders", 1, 5).arrivals(np.random.default_rng(0)))).payload is None


def test_poisson_first_block_matches_the_numpy_draws():
    rng = np.random.default_rng(42)
    gaps = rng.exponential(1 / 5, 4096)
    expected = (10.0 + np.cumsum(gaps)).tolist()
    arrivals = Poisson("orders", rate_per_s=5, end_s=1e9, start_s=10.0).arrivals(np.random.default_rng(42))
    assert [a.at_s for a in itertools.islice(arrivals, 4096)] == expected


def test_poisson_is_lazy():
    rng = np.random.default_rng(1)
    before = rng.bit_generator.state
    arrivals = Poisson("orders", rate_per_s=1e6, end_s=1e6).arrivals(rng)  # a trillion arrivals
    assert isinstance(arrivals, types.GeneratorType)
    assert rng.bit_generator.state == before  # nothing drawn yet
    first = list(itertools.islice(arrivals, 5))
    assert len(first) == 5 and first[0].at_s > 0
    reference = np.random.default_rng(1)
    reference.exponential(1e-6, 4096)  # exactly one block was drawn
    assert rng.bit_generator.state == reference.bit_generator.state


def test_poisson_is_deterministic_for_a_seed():
    workload = Poisson("orders", rate_per_s=50, end_s=100)
    assert times(workload, seed=3) == times(workload, seed=3)
    assert times(workload, seed=3) != times(workload, seed=4)


def test_poisson_arrivals_are_sorted_and_strictly_inside_the_window():
    got = times(Poisson("orders", rate_per_s=40, start_s=100.0, end_s=400.0), seed=9)
    assert got == sorted(got)
    assert min(got) >= 100.0 and max(got) < 400.0
    assert len(got) > 10_000  # several numpy blocks


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_poisson_count_over_a_long_window_is_rate_times_duration(seed):
    rate, window = 5.0, 20_000.0
    count = sum(1 for _ in Poisson("orders", rate, end_s=window).arrivals(np.random.default_rng(seed)))
    expected = rate * window
    assert abs(count - expected) < 4 * math.sqrt(expected)


def test_poisson_mean_count_over_replications():
    # 200 windows of 10 s at 3/s: the mean count is 30 with standard error sqrt(30 / 200).
    rng = np.random.default_rng(17)
    counts = [sum(1 for _ in Poisson("orders", 3, end_s=10).arrivals(rng)) for _ in range(200)]
    assert abs(np.mean(counts) - 30) < 4 * math.sqrt(30 / 200)
    assert abs(np.var(counts) - 30) < 10  # Poisson: variance equals the mean


def test_burst_is_count_arrivals_at_one_instant():
    burst = Burst("orders", count=3, at_s=2.5, payload={"k": 1})
    assert list(burst.arrivals(None)) == [Arrival(2.5, {"k": 1}, None)] * 3


def test_events_arrive_sorted_by_time_keeping_ties_in_order():
    events = Events("orders", (ScheduledEvent(5, {"id": 2}), ScheduledEvent(1, {"id": 1}),
                               ScheduledEvent(5, {"id": 3})))
    assert [(a.at_s, a.payload["id"]) for a in events.arrivals(None)] == [(1.0, 1), (5.0, 2), (5.0, 3)]
    assert events.events[0].payload == {"id": 2}  # stored as given


def test_workloads_are_frozen_with_readable_repr():
    workload = Burst("orders", 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        workload.count = 3
    assert repr(workload) == ("Burst(function='orders', count=2, at_s=0.0, payload=None, "
                              "payload_size_bytes=None, qualifier=None, target=None)")


ALL = [
    Events("orders", (ScheduledEvent(0, {"id": 1}), ScheduledEvent(2.5))),
    Events("orders", (), qualifier="live"),
    Constant("orders", 2, 60, start_s=5, payload={"a": [1, 2]}, payload_size_bytes=1024),
    Poisson("orders", 5, 600, qualifier="7"),
    Burst("orders", 500, at_s=120, payload="text"),
]


@pytest.mark.parametrize("workload", ALL, ids=lambda w: w.kind)
def test_yaml_shape_round_trips(workload):
    assert Workload.from_dict(workload.to_dict(), "workloads[0]") == workload


def test_to_dict_shapes():
    assert [w.to_dict() for w in ALL] == [
        {"function": "orders", "arrivals": "events", "events": [{"at_s": 0.0, "payload": {"id": 1}},
                                                                {"at_s": 2.5}]},
        {"function": "orders", "arrivals": "events", "events": [], "qualifier": "live"},
        {"function": "orders", "arrivals": "constant", "rate_per_s": 2.0, "end_s": 60.0, "start_s": 5.0,
         "payload": {"a": [1, 2]}, "payload_size_bytes": 1024},
        {"function": "orders", "arrivals": "poisson", "rate_per_s": 5.0, "end_s": 600.0, "start_s": 0.0,
         "qualifier": "7"},
        {"function": "orders", "arrivals": "burst", "count": 500, "at_s": 120.0, "payload": "text"},
    ]


def test_from_dict_reads_the_design_examples():
    assert Workload.from_dict({"function": "orders", "arrivals": "poisson", "rate_per_s": 5, "start_s": 0,
                               "end_s": 600}) == Poisson("orders", 5.0, 600.0)
    assert Workload.from_dict({"function": "orders", "arrivals": "burst", "count": 500, "at_s": 120}) == \
        Burst("orders", 500, 120.0)
    assert Workload.from_dict({"function": "orders", "arrivals": "events",
                               "events": [{"at_s": 0, "payload": {"id": 1}}]}) == \
        Events("orders", (ScheduledEvent(0.0, {"id": 1}),))


def test_end_defaults_to_the_horizon():
    d = {"function": "orders", "arrivals": "constant", "rate_per_s": 1}
    assert Workload.from_dict(d, "workloads[0]", horizon_s=7200) == Constant("orders", 1, 7200)
    assert Workload.from_dict({**d, "end_s": 5}, "workloads[0]", horizon_s=7200).end_s == 5.0
    workload = Poisson("orders", 1, 10)
    assert Workload.from_dict(workload) is workload


W = "workloads[1]"


@pytest.mark.parametrize("d, field, value, allowed", [
    ({"arrivals": "poisson", "rate_per_s": 0, "end_s": 5}, f"{W}.rate_per_s", 0, "number > 0"),
    ({"arrivals": "constant", "rate_per_s": -2, "end_s": 5}, f"{W}.rate_per_s", -2, "number > 0"),
    ({"arrivals": "poisson", "rate_per_s": 1, "start_s": 5, "end_s": 5}, f"{W}.end_s", 5,
     "number > start_s (5)"),
    ({"arrivals": "poisson", "rate_per_s": 1, "start_s": -1, "end_s": 5}, f"{W}.start_s", -1, "number >= 0"),
    ({"arrivals": "burst", "count": 0}, f"{W}.count", 0, "integer >= 1"),
    ({"arrivals": "burst", "count": 2.5}, f"{W}.count", 2.5, "integer >= 1"),
    ({"arrivals": "burst", "count": 2, "at_s": -3}, f"{W}.at_s", -3, "number >= 0"),
    ({"arrivals": "burst", "count": 2, "payload_size_bytes": -1}, f"{W}.payload_size_bytes", -1,
     "None or integer >= 0"),
    ({"arrivals": "burst", "count": 2, "payload": {1, 2}}, f"{W}.payload", {1, 2},
     "a JSON-serialisable value"),
    ({"arrivals": "burst", "count": 2, "qualifier": ""}, f"{W}.qualifier", "",
     "None or a version or alias name of 1-128 letters, digits, '$', '-' or '_'"),
    ({"arrivals": "events", "events": [{"at_s": -1}]}, f"{W}.events[0].at_s", -1, "number >= 0"),
    ({"arrivals": "events", "events": [{"at_s": 1, "when": 2}]}, f"{W}.events[0].when", "when",
     "one of the keys at_s, payload"),
    ({"arrivals": "events", "events": "soon"}, f"{W}.events", "soon", "a list of {at_s, payload}"),
    ({"arrivals": "fixed"}, f"{W}.arrivals", "fixed",
     "one of events, constant, poisson, burst, per_minute, trace"),
    ({"arrivals": "burst", "count": 1, "rate_per_s": 3}, f"{W}.rate_per_s", "rate_per_s",
     "one of the keys function, arrivals, count, at_s, payload, payload_size_bytes, qualifier, target"),
    ({"arrivals": "burst", "count": 1, "function": ""}, f"{W}.function", "",
     "a function name (non-empty string)"),
])
def test_bad_yaml_names_the_field_value_and_range(d, field, value, allowed):
    with pytest.raises(InvalidParameterValueException) as info:
        Workload.from_dict({"function": "orders", **d}, W)
    assert str(info.value) == f"{field}: {value!r} is not valid; allowed: {allowed}"


def test_missing_end_without_horizon_is_an_error():
    with pytest.raises(InvalidParameterValueException) as info:
        Workload.from_dict({"function": "orders", "arrivals": "poisson", "rate_per_s": 5}, "workloads[2]")
    assert str(info.value) == ("workloads[2].end_s: <missing> is not valid; "
                               "allowed: number > start_s (or set horizon_s)")


@pytest.mark.parametrize("d, message", [
    ({"function": "orders", "arrivals": "burst"},
     "workloads[0].count: <missing> is not valid; allowed: integer >= 1"),
    ({"arrivals": "burst", "count": 1},
     "workloads[0].function: <missing> is not valid; allowed: a function name (non-empty string)"),
    ([1, 2], "workloads[0]: [1, 2] is not valid; allowed: a mapping {function, arrivals: events, constant, "
             "poisson, burst, per_minute, trace, ...}"),
])
def test_missing_keys_and_wrong_shapes(d, message):
    with pytest.raises(InvalidParameterValueException) as info:
        Workload.from_dict(d)
    assert str(info.value) == message


@pytest.mark.parametrize("build, message", [
    (lambda: Poisson("orders", 0, 10), "Poisson.rate_per_s: 0 is not valid; allowed: number > 0"),
    (lambda: Constant("orders", 1, 0), "Constant.end_s: 0 is not valid; allowed: number > start_s (0)"),
    (lambda: Burst("orders", 0), "Burst.count: 0 is not valid; allowed: integer >= 1"),
    (lambda: Events("orders", ({"at_s": 1},)),
     "Events.events[0]: {'at_s': 1} is not valid; allowed: a ScheduledEvent"),
    (lambda: ScheduledEvent(math.nan), "ScheduledEvent.at_s: nan is not valid; allowed: number >= 0"),
])
def test_python_construction_validates_too(build, message):
    with pytest.raises(InvalidParameterValueException) as info:
        build()
    assert str(info.value) == message
