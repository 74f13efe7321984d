"""Trace replay: per-minute counts and explicit instants, the Azure trace loaders, and runs on real traces.

The real traces are read in place from ``../shared/data`` beside the project (never copied into the
repository); the tests that need them are skipped, saying so, when that folder is absent.
"""

import itertools
import math
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import one_function

import lambdasim as ls
from lambdasim.model.dists import Constant, Empirical, LogNormal
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.traces import (
    PerMinuteCounts,
    TraceReplay,
    azure2019_counts,
    azure2019_duration,
    azure2021_arrivals,
    azure2021_durations,
)
from lambdasim.model.validation import MISSING
from lambdasim.model.workloads import Arrival, Workload

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
AZURE2019 = DATA / "azure-functions-2019-sample500"
AZURE2021 = DATA / "azure-functions-2021-head200" / "Azure2021_200.csv"
needs_2019 = pytest.mark.skipif(not AZURE2019.is_dir(), reason="the Azure Functions 2019 sample is not "
                                f"beside the project (looked for {AZURE2019})")
needs_2021 = pytest.mark.skipif(not AZURE2021.is_file(), reason="the Azure Functions 2021 excerpt is not "
                                f"beside the project (looked for {AZURE2021})")
Z99 = 2.3263478740408408  # standard normal 99th percentile


def times(workload, seed=0):
    return [a.at_s for a in workload.arrivals(np.random.default_rng(seed))]


# -- PerMinuteCounts ---------------------------------------------------------------------------------

def test_each_minute_holds_its_count_sorted_inside_the_minute():
    got = times(PerMinuteCounts("orders", (2, 0, 3)))
    assert len(got) == 5 and got == sorted(got)
    assert all(0 <= t < 60 for t in got[:2]) and all(120 <= t < 180 for t in got[2:])


def test_start_s_shifts_every_minute():
    got = times(PerMinuteCounts("orders", [1, 4], start_s=30), seed=2)
    assert 30 <= got[0] < 90 and all(90 <= t < 150 for t in got[1:]) and got == sorted(got)
    assert got == [t + 30 for t in times(PerMinuteCounts("orders", [1, 4]), seed=2)]


def test_uniform_spread_is_sorted_uniform_draws_one_minute_at_a_time():
    rng = np.random.default_rng(11)
    first = np.sort(60.0 * rng.random(3)).tolist()
    second = np.sort(120.0 + 60.0 * rng.random(2)).tolist()
    assert times(PerMinuteCounts("orders", (3, 0, 2)), seed=11) == first + second


def test_poisson_spread_draws_each_minutes_count_then_its_instants():
    rng = np.random.default_rng(4)
    expected = []
    for k, count in enumerate((5, 0, 7)):
        n = rng.poisson(count)
        expected += np.sort(60.0 * k + 60.0 * rng.random(n)).tolist()
    assert times(PerMinuteCounts("orders", (5, 0, 7), spread="poisson"), seed=4) == expected


def test_poisson_spread_keeps_the_rate_but_not_the_count():
    counts = (30,) * 2000
    got = np.array(times(PerMinuteCounts("orders", counts, spread="poisson"), seed=5))
    per_minute = np.bincount((got // 60).astype(int), minlength=len(counts))
    assert abs(per_minute.mean() - 30) < 4 * math.sqrt(30 / len(counts))
    assert abs(per_minute.var() - 30) < 5  # Poisson counts: variance = mean (uniform spread: 0)
    assert abs((got % 60).mean() - 30) < 4 * 60 / math.sqrt(12 * len(got))  # uniform within each minute


def test_uniform_spread_keeps_every_count_exactly():
    counts = np.random.default_rng(0).integers(0, 50, 300)
    got = np.array(times(PerMinuteCounts("orders", counts.tolist()), seed=8))
    assert np.bincount((got // 60).astype(int), minlength=300).tolist() == counts.tolist()


@pytest.mark.parametrize("spread", ["uniform", "poisson"])
def test_per_minute_is_deterministic_for_a_seed(spread):
    workload = PerMinuteCounts("orders", (40, 3, 0, 17), spread=spread)
    assert times(workload, seed=3) == times(workload, seed=3)
    assert times(workload, seed=3) != times(workload, seed=4)


def test_per_minute_is_lazy_drawing_one_minute_at_a_time():
    rng = np.random.default_rng(1)
    arrivals = PerMinuteCounts("orders", (2,) + (10**6,) * 1000).arrivals(rng)  # a billion arrivals
    assert isinstance(arrivals, types.GeneratorType)
    assert len(list(itertools.islice(arrivals, 2))) == 2
    reference = np.random.default_rng(1)
    reference.random(2)  # only the first minute was drawn
    assert rng.bit_generator.state == reference.bit_generator.state


def test_arrivals_carry_payload_and_size():
    workload = PerMinuteCounts("orders", (1,), payload={"id": 3}, payload_size_bytes=2048)
    (arrival,) = workload.arrivals(np.random.default_rng(0))
    assert arrival.payload == {"id": 3} and arrival.payload_size_bytes == 2048


def test_numpy_counts_are_stored_as_a_tuple_of_ints():
    workload = PerMinuteCounts("orders", np.array([3, 0, 2]))
    assert workload.counts == (3, 0, 2) and all(type(c) is int for c in workload.counts)
    assert PerMinuteCounts("orders", [2.0]).counts == (2,)


# -- TraceReplay -------------------------------------------------------------------------------------

def test_trace_replays_its_instants_exactly_with_ties():
    workload = TraceReplay("orders", (0, 0.5, 0.5, 90.25), payload="x")
    assert list(workload.arrivals(None)) == [Arrival(0.0, "x", None), Arrival(0.5, "x", None),
                                             Arrival(0.5, "x", None), Arrival(90.25, "x", None)]
    assert workload.times_s == (0.0, 0.5, 0.5, 90.25)


def test_trace_is_lazy_and_accepts_numpy():
    workload = TraceReplay("orders", np.arange(1_000_000) * 0.001)
    arrivals = workload.arrivals(None)
    assert next(arrivals).at_s == 0.0 and next(arrivals).at_s == 0.001
    assert len(workload.times_s) == 1_000_000


def test_long_traces_have_a_short_repr():
    assert repr(TraceReplay("orders", tuple(range(1000)))) == (
        "TraceReplay(function='orders', times_s=<1000 values: 0.0, 1.0, 2.0, ..., 999.0>, payload=None, "
        "payload_size_bytes=None, qualifier=None)")
    assert repr(PerMinuteCounts("orders", (2, 0, 3))) == (
        "PerMinuteCounts(function='orders', counts=(2, 0, 3), start_s=0.0, spread='uniform', payload=None, "
        "payload_size_bytes=None, qualifier=None)")


# -- YAML shape and validation -------------------------------------------------------------------------

def test_yaml_shapes_and_round_trip():
    minute = PerMinuteCounts("orders", (2, 0, 3), start_s=60, spread="poisson", qualifier="live")
    trace = TraceReplay("orders", (0.0, 1.5), payload={"id": 1})
    assert minute.to_dict() == {"function": "orders", "arrivals": "per_minute", "counts": [2, 0, 3],
                                "start_s": 60.0, "spread": "poisson", "qualifier": "live"}
    assert trace.to_dict() == {"function": "orders", "arrivals": "trace", "times_s": [0.0, 1.5],
                               "payload": {"id": 1}}
    for workload in (minute, trace):
        assert Workload.from_dict(workload.to_dict()) == workload


def test_scenario_files_read_trace_workloads():
    scenario = ls.Scenario.from_yaml("""
functions: {orders: {duration: {dist: constant, value_s: 0.1}}}
workloads:
  - {function: orders, arrivals: per_minute, counts: [2, 0, 3]}
  - {function: orders, arrivals: trace, times_s: [0.5, 200]}
""")
    assert scenario.workloads == (PerMinuteCounts("orders", (2, 0, 3)), TraceReplay("orders", (0.5, 200.0)))
    assert ls.Scenario.from_yaml(scenario.to_yaml()) == scenario
    result = ls.run(scenario)
    enqueued = sorted(result.events["enqueued_at"])
    assert len(enqueued) == 7 and sum(t < 60 for t in enqueued) == 3 and 200.0 in enqueued
    assert result.fates() == {"succeeded": 7}


W = "workloads[1]"


@pytest.mark.parametrize("d, field, value, allowed", [
    ({"arrivals": "per_minute", "counts": [1, -1]}, f"{W}.counts[1]", -1, "integer >= 0"),
    ({"arrivals": "per_minute", "counts": [1, 2.5]}, f"{W}.counts[1]", 2.5, "integer >= 0"),
    ({"arrivals": "per_minute", "counts": [True]}, f"{W}.counts[0]", True, "integer >= 0"),
    ({"arrivals": "per_minute", "counts": [3, "4"]}, f"{W}.counts[1]", "4", "integer >= 0"),
    ({"arrivals": "per_minute", "counts": []}, f"{W}.counts", [], "a non-empty list of integers >= 0"),
    ({"arrivals": "per_minute", "counts": "many"}, f"{W}.counts", "many",
     "a non-empty list of integers >= 0"),
    ({"arrivals": "per_minute"}, f"{W}.counts", MISSING, "a non-empty list of integers >= 0"),
    ({"arrivals": "per_minute", "counts": [1], "start_s": -1}, f"{W}.start_s", -1, "number >= 0"),
    ({"arrivals": "per_minute", "counts": [1], "spread": "normal"}, f"{W}.spread", "normal",
     "uniform or poisson"),
    ({"arrivals": "per_minute", "counts": [1], "end_s": 60}, f"{W}.end_s", "end_s",
     "one of the keys function, arrivals, counts, start_s, spread, payload, payload_size_bytes, qualifier"),
    ({"arrivals": "per_minute", "counts": [1], "payload_size_bytes": -1}, f"{W}.payload_size_bytes", -1,
     "None or integer >= 0"),
    ({"arrivals": "trace", "times_s": [3, 1]}, f"{W}.times_s[1]", 1,
     "number >= 3 (times in non-decreasing order)"),
    ({"arrivals": "trace", "times_s": [0, -2]}, f"{W}.times_s[1]", -2, "number >= 0"),
    ({"arrivals": "trace", "times_s": [0, math.inf]}, f"{W}.times_s[1]", math.inf, "number >= 0"),
    ({"arrivals": "trace", "times_s": []}, f"{W}.times_s", [],
     "a non-empty list of numbers >= 0 in non-decreasing order"),
    ({"arrivals": "trace", "times_s": [1], "qualifier": ""}, f"{W}.qualifier", "",
     "None or a version or alias name of 1-128 letters, digits, '$', '-' or '_'"),
])
def test_bad_yaml_names_the_field_value_and_range(d, field, value, allowed):
    with pytest.raises(InvalidParameterValueException) as info:
        Workload.from_dict({"function": "orders", **d}, W)
    assert str(info.value) == f"{field}: {value!r} is not valid; allowed: {allowed}"


def test_python_construction_validates_too():
    with pytest.raises(InvalidParameterValueException, match=r"^PerMinuteCounts\.counts\[2\]: -3 "):
        PerMinuteCounts("orders", (1, 2, -3))
    with pytest.raises(InvalidParameterValueException, match=r"^TraceReplay\.times_s\[2\]: 4\.0 "):
        TraceReplay("orders", np.array([1.0, 5.0, 4.0]))


# -- loaders on small hand-made files ----------------------------------------------------------------

@pytest.fixture
def azure2019(tmp_path):
    (tmp_path / "invocations.csv").write_text(
        "HashOwner,HashApp,HashFunction,Trigger,480,481,482\n"
        "o1,a1,f1,http,2,0,3\n"
        "o2,a2,f2,timer,1,1,1\n")
    head = ("HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,"
            "percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,"
            "percentile_Average_99,percentile_Average_100\n")
    (tmp_path / "durations.csv").write_text(head +
                                            "o2,a2,f2,40,3,40,40,40,40,40,40,40,40,40\n"
                                            "o1,a1,f1,150,5,20,2000,20,30,60,100,200,1000,2000\n"
                                            "o3,a3,f3,1,9,0,12,0,0,0,0,1,9,12\n")
    return tmp_path


def test_azure2019_counts_by_row_hash_and_minutes(azure2019):
    path = azure2019 / "invocations.csv"
    assert azure2019_counts(path, row=0) == (2, 0, 3)
    assert azure2019_counts(path, hash_function="f2") == (1, 1, 1)
    assert azure2019_counts(azure2019, hash_function="f1", minutes=2) == (2, 0)  # a folder works too
    assert azure2019_counts(path, row=0, minutes=slice(1, None)) == (0, 3)
    assert all(type(c) is int for c in azure2019_counts(path, row=1))


def test_azure2019_duration_fits_a_lognormal_to_p50_and_p99(azure2019):
    fitted = azure2019_duration(azure2019 / "durations.csv", hash_function="f1")
    assert isinstance(fitted, LogNormal)
    assert fitted.median_s == pytest.approx(0.1) and fitted.sigma == pytest.approx(math.log(10) / Z99)
    assert azure2019_duration(azure2019, row=0) == Constant(0.04)          # no spread: p99 == p50
    assert azure2019_duration(azure2019, hash_function="f3") == Constant(0.001)  # p50 0 ms: the Average


@pytest.mark.parametrize("call, field, allowed", [
    (lambda p: azure2019_counts(p), "row", "give exactly one of row (0-based) and hash_function"),
    (lambda p: azure2019_counts(p, row=0, hash_function="f1"), "row",
     "give exactly one of row (0-based) and hash_function"),
    (lambda p: azure2019_counts(p, row=2), "row", "integer 0-1"),
    (lambda p: azure2019_counts(p, hash_function="nope"), "hash_function", "a HashFunction of "),
    (lambda p: azure2019_counts(p, row=0, minutes=0), "minutes", "integer >= 1"),
    (lambda p: azure2019_duration(p, hash_function="f9"), "hash_function", "a HashFunction of "),
])
def test_azure2019_loader_errors_name_the_argument(azure2019, call, field, allowed):
    with pytest.raises(InvalidParameterValueException) as info:
        call(azure2019)
    assert info.value.fields["field"] == field and info.value.fields["allowed"].startswith(allowed)


@pytest.fixture
def azure2021(tmp_path):
    path = tmp_path / "trace.csv"
    path.write_text("app,func,end_timestamp,duration\n"
                    "a,x,10.0,2.0\n"
                    "a,y,5.0,1.0\n"
                    "b,x,7.5,0.5\n")
    return path


def test_azure2021_arrivals_are_starts_sorted_from_zero(azure2021):
    assert azure2021_arrivals(azure2021) == (0.0, 3.0, 4.0)        # starts 8, 4, 7
    assert azure2021_arrivals(azure2021, app="a") == (0.0, 4.0)
    assert azure2021_arrivals(azure2021, app="a", func="y") == (0.0,)
    assert azure2021_durations(azure2021, app="a") == Empirical((2.0, 1.0))
    assert sorted(azure2021_durations(azure2021).values_s) == [0.5, 1.0, 2.0]
    with pytest.raises(InvalidParameterValueException, match=r"^app: 'c' is not valid"):
        azure2021_arrivals(azure2021, app="c")
    with pytest.raises(InvalidParameterValueException, match=r"^func: 'y' is not valid.*within the app"):
        azure2021_arrivals(azure2021, app="b", func="y")


# -- the real traces ---------------------------------------------------------------------------------

MINUTES = 30


@needs_2019
def test_a_busy_azure2019_function_keeps_its_count_and_littles_law():
    # The row with the largest 8-hour total under 200,000: a few hundred invocations a minute.
    frame = pd.read_csv(AZURE2019 / "invocations.csv")
    totals = frame.iloc[:, 4:].sum(axis=1)
    row = int(totals[totals < 200_000].idxmax())
    function = frame.loc[row, "HashFunction"]
    counts = azure2019_counts(AZURE2019 / "invocations.csv", row=row, minutes=MINUTES)
    assert len(counts) == MINUTES and len(azure2019_counts(AZURE2019, row=row)) == 480
    assert sum(azure2019_counts(AZURE2019, row=row)) == totals[row]
    assert 100 <= sum(counts) / MINUTES <= 5000
    duration = azure2019_duration(AZURE2019 / "durations.csv", hash_function=function)  # joined by hash
    assert isinstance(duration, LogNormal) and duration.mean < 60

    scenario = one_function([PerMinuteCounts("orders", counts)], duration=duration, cold_start=Constant(0.0),
                            timeout_s=900, account=1000, seed=3)
    result = ls.run(scenario)
    assert len(result.events) == sum(counts) and result.fates() == {"succeeded": sum(counts)}
    per_minute = np.bincount((result.events["enqueued_at"] // 60).astype(int), minlength=MINUTES)
    assert per_minute.tolist() == list(counts)

    attempts = result.attempts
    assert set(attempts["kind"]) == {"invoke"} and set(attempts["outcome"]) == {"success"}
    window = 60.0 * MINUTES
    busy = (attempts["end_at"].clip(0, window) - attempts["start_at"].clip(0, window)).sum()
    in_flight = busy / window                        # time-average executions in flight over the window
    little = sum(counts) / window * duration.mean    # lambda * E[S]
    assert in_flight == pytest.approx(little, rel=0.10)


@needs_2021
def test_the_azure2021_excerpt_parses_and_replays():
    arrivals = azure2021_arrivals(AZURE2021)
    frame = pd.read_csv(AZURE2021)
    starts = frame["end_timestamp"] - frame["duration"]
    assert len(arrivals) == 199 and arrivals[0] == 0.0 and list(arrivals) == sorted(arrivals)
    assert arrivals[-1] == pytest.approx(starts.max() - starts.min())
    durations = azure2021_durations(AZURE2021)
    assert len(durations.values_s) == 199 and max(durations.values_s) < 900

    sizes = frame.groupby(["app", "func"]).size()
    app, func = sizes.idxmax()
    assert len(azure2021_arrivals(AZURE2021, app=app, func=func)) == sizes.max()

    result = ls.run(one_function([TraceReplay("orders", arrivals)], duration=durations, timeout_s=900))
    # The engine reaches each instant as now + (t - now), which may differ from t in the last bit.
    assert sorted(result.events["enqueued_at"]) == pytest.approx(arrivals, abs=1e-9)
    assert result.fates() == {"succeeded": 199}
