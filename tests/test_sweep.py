"""Replications, sweeps, confidence intervals and executors (lambdasim.results.sweeps)."""

import math
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest
from helpers import one_function

import lambdasim as ls
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.failures import FailureModel
from lambdasim.model.workloads import Poisson
from lambdasim.results.sweeps import (
    confidence,
    first_configuration,
    interval_table,
    paired_differences,
    per_replication,
    replicate,
    seeds_for,
    summary_with_cost,
    sweep,
    t_quantile,
)

RESERVED = "functions.orders.reserved_concurrency"
RETRIES = "functions.orders.event_invoke_config.maximum_retry_attempts"
ERRORS = "functions.orders.failures.error_probability"


def tiny(seed=3, rate_per_s=2.0, end_s=30.0, error_probability=0.2):
    """About 60 Poisson arrivals on one function: a run takes a few milliseconds."""
    return one_function([Poisson("orders", rate_per_s=rate_per_s, end_s=end_s)], seed=seed,
                        reserved_concurrency=2, failures=FailureModel(error_probability=error_probability))


def settings(result):
    """Metrics that report what the run was configured with (module level: picklable)."""
    fn = result.scenario.functions["orders"]
    reserved = fn.reserved_concurrency
    return {"seed_used": result.scenario.seed, "reserved_used": -1 if reserved is None else reserved,
            "retries_used": fn.event_invoke_config.maximum_retry_attempts,
            "succeeded": result.summary()["succeeded"]}


# -- the t quantile ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("p", "df", "expected"), [
    (0.975, 1, 12.706205), (0.975, 2, 4.302653), (0.975, 4, 2.776445), (0.975, 9, 2.262157),
    (0.975, 30, 2.042272), (0.995, 9, 3.249836), (0.95, 4, 2.131847), (0.975, math.inf, 1.959964),
])
def test_t_quantile_matches_tables(p, df, expected):
    assert t_quantile(p, df) == pytest.approx(expected, abs=1e-6)
    assert t_quantile(1 - p, df) == pytest.approx(-expected, abs=1e-6)


def test_t_quantile_is_scipys():
    from scipy import stats

    for p, df in [(0.975, 3), (0.995, 19), (0.9, 1.5), (0.025, 7)]:
        assert t_quantile(p, df) == stats.t.ppf(p, df)
    assert t_quantile(0.975, math.inf) == stats.norm.ppf(0.975)


def test_intervals_are_scipys_t_intervals():
    """The half-widths pinned against scipy.stats.t.interval, as computed values and as numbers."""
    from scipy import stats

    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0], "y": [2.0, 9.0, 4.0, 4.5, 0.25]})
    for level in (0.8, 0.95, 0.99):
        ci = confidence(frame, level=level).set_index("metric")
        for name in ("x", "y"):
            values = frame[name]
            low, high = stats.t.interval(level, len(values) - 1, loc=values.mean(),
                                         scale=values.std(ddof=1) / math.sqrt(len(values)))
            assert (ci.loc[name, "low"], ci.loc[name, "high"]) == pytest.approx((low, high), rel=1e-12)
    ci = confidence(frame).set_index("metric")
    assert (ci.loc["x", "low"], ci.loc["x", "high"]) == pytest.approx((1.0367568385224428, 4.963243161477557),
                                                                    rel=1e-12)
    ninety = confidence(pd.DataFrame({"z": [2.0, 4.0, 6.0]}), level=0.9).iloc[0]
    assert (ninety["low"], ninety["high"]) == pytest.approx((0.6282910783059004, 7.371708921694097),
                                                            rel=1e-12)


def test_t_quantile_matches_closed_forms_for_one_and_two_degrees_of_freedom():
    for p in (0.55, 0.8, 0.9, 0.99, 0.9999):
        assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-9)
        assert t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-9)
    assert t_quantile(0.5, 7) == 0.0
    assert t_quantile(0.975, 1e6) == pytest.approx(1.959964, abs=1e-5)


@pytest.mark.parametrize(("p", "df"), [(0, 3), (1, 3), (0.9, 0), (0.9, -1), (0.9, math.nan)])
def test_t_quantile_refuses_bad_arguments(p, df):
    with pytest.raises(ValueError):
        t_quantile(p, df)


# -- confidence intervals -----------------------------------------------------------------------------

def test_confidence_of_a_known_sample():
    ci = confidence(pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0], "seed": [9, 8, 7, 6, 5]}))
    assert list(ci.columns) == ["metric", "n", "mean", "std", "half_width", "low", "high"]
    assert ci["metric"].tolist() == ["x"]  # seed is not a metric
    row = ci.iloc[0]
    # mean 3, s = sqrt(2.5), half-width t(0.975, 4) * s / sqrt(5) = 2.776445 * 0.7071068
    assert (row["n"], row["mean"]) == (5, 3.0)
    assert row["std"] == pytest.approx(math.sqrt(2.5))
    assert row["half_width"] == pytest.approx(1.963243, abs=1e-6)
    assert (row["low"], row["high"]) == pytest.approx((3 - 1.963243, 3 + 1.963243), abs=1e-6)


def test_confidence_groups_keep_order_none_and_missing_values():
    frame = pd.DataFrame({
        "reserved": pd.Series([10, 10, 10, None, None, None, 5], dtype=object),
        "y": [2.0, 4.0, 6.0, 1.0, np.nan, 3.0, 7.0],
        "flag": [True, False, True, True, True, True, False],
        "label": list("abcdefg"),  # not numeric: not a metric
    })
    ci = confidence(frame, by="reserved", level=0.90)
    assert ci["reserved"].tolist() == [10, 10, None, None, 5, 5]  # first-appearance order, None kept
    assert ci["metric"].tolist() == ["y", "flag"] * 3

    def row(reserved, metric):
        same = ci["reserved"].map(lambda r: r is reserved or r == reserved)
        return ci[same & (ci["metric"] == metric)].iloc[0]

    ten = row(10, "y")
    assert (ten["n"], ten["mean"], ten["std"]) == (3, 4.0, 2.0)
    assert ten["half_width"] == pytest.approx(2.919986 * 2.0 / math.sqrt(3), abs=1e-6)  # t(0.95, 2)
    assert (row(None, "y")["n"], row(None, "y")["mean"]) == (2, 2.0)  # the NaN is left out
    assert row(None, "flag")["mean"] == 1.0 and row(None, "flag")["half_width"] == 0.0
    single = row(5, "y")
    assert single["n"] == 1 and single["mean"] == 7.0
    assert np.isnan([single["std"], single["half_width"], single["low"], single["high"]]).all()


def test_confidence_refuses_a_bad_level_or_unknown_columns():
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="level"):
        confidence(frame, level=95)
    with pytest.raises(KeyError, match="nope"):
        confidence(frame, by="nope")


# -- replications -------------------------------------------------------------------------------------

def test_replication_seeds_are_derived_from_the_scenario_seed():
    scenario = tiny(seed=3)
    five = seeds_for(scenario, 5)
    assert five[0] == 3 and len(set(five)) == 5
    assert seeds_for(scenario, 2) == five[:2]  # more replications extend the list
    assert seeds_for(tiny(seed=4), 5) != five
    assert seeds_for(scenario, 5) == five
    with pytest.raises(ValueError, match="n"):
        seeds_for(scenario, 0)


def test_replicate_is_deterministic_and_starts_with_the_scenario_itself():
    scenario = tiny()
    frame = replicate(scenario, n=4)
    assert len(frame) == 4 and frame["replication"].tolist() == [0, 1, 2, 3]
    assert frame["seed"].tolist() == seeds_for(scenario, 4)
    assert {"accepted", "succeeded", "event_age_p99_s", "cost_usd"} <= set(frame.columns)
    pd.testing.assert_frame_equal(frame, replicate(scenario, n=4))
    first = summary_with_cost(ls.run(scenario))
    assert frame.iloc[0][list(first)].tolist() == pytest.approx(list(first.values()), nan_ok=True)
    assert frame["accepted"].nunique() > 1  # the replications differ
    assert frame["cost_usd"].gt(0).all()


def test_replicate_with_explicit_seeds():
    frame = replicate(tiny(), seeds=[11, np.uint32(12)], measure=settings)
    assert frame["seed"].tolist() == frame["seed_used"].tolist() == [11, 12]
    assert frame.attrs["overrides"] == []
    with pytest.raises(InvalidParameterValueException, match="seed"):
        replicate(tiny(), seeds=[1.5], measure=settings)


# -- sweeps -------------------------------------------------------------------------------------------

def test_sweep_is_the_product_of_the_overrides():
    scenario = tiny()
    grid = {RESERVED: [1, 4, None], RETRIES: [0, 2]}
    frame = sweep(scenario, grid, replications=2, measure=settings)
    assert len(frame) == 3 * 2 * 2
    assert list(frame.columns) == [RESERVED, RETRIES, "replication", "seed", "seed_used", "reserved_used",
                                   "retries_used", "succeeded"]
    assert frame.attrs["overrides"] == [RESERVED, RETRIES]
    # Grid order, the last key fastest; None stays None; each configuration once per replication.
    assert frame[RESERVED].tolist() == [1] * 4 + [4] * 4 + [None] * 4
    assert frame[RETRIES].tolist() == [0, 0, 2, 2] * 3
    assert frame["replication"].tolist() == [0, 1] * 6
    # Every configuration runs with the same seeds (common random numbers), and with its overrides.
    assert frame["seed"].tolist() == seeds_for(scenario, 2) * 6
    assert frame["seed_used"].tolist() == frame["seed"].tolist()
    assert frame["reserved_used"].tolist() == [1] * 4 + [4] * 4 + [-1] * 4
    assert frame["retries_used"].tolist() == frame[RETRIES].tolist()
    ci = confidence(frame)
    assert list(ci.columns[:3]) == [RESERVED, RETRIES, "metric"]
    assert len(ci) == 6 * 4 and ci["n"].eq(2).all()


def test_an_empty_grid_is_the_scenario_alone():
    scenario = tiny()
    pd.testing.assert_frame_equal(sweep(scenario, {}, replications=3), replicate(scenario, n=3))


def test_sweep_refuses_bad_grids_before_running_anything():
    def explode(result):
        raise AssertionError("nothing should run")

    scenario = tiny()
    with pytest.raises(InvalidParameterValueException, match="functions.orders.no_such_field"):
        sweep(scenario, {RETRIES: [0, 1], "functions.orders.no_such_field": [1]}, measure=explode)
    with pytest.raises(InvalidParameterValueException, match="maximum_retry_attempts"):
        sweep(scenario, {RETRIES: [0, 7]}, measure=explode)
    for grid in ({RETRIES: "012"}, {RETRIES: []}, {"seed": [1, 2]}, {RETRIES: 2}):
        with pytest.raises(ValueError):
            sweep(scenario, grid, measure=explode)
    with pytest.raises(ValueError, match="replications"):
        sweep(scenario, {RETRIES: [0]}, replications=0, measure=explode)
    with pytest.raises(TypeError, match="executor"):
        sweep(scenario, {RETRIES: [0]}, executor=object(), measure=explode)


def test_a_process_pool_gives_the_same_frame():
    scenario = tiny()
    grid = {RETRIES: [0, 2], ERRORS: [0.1, 0.5]}
    sequential = sweep(scenario, grid, replications=2)
    with ProcessPoolExecutor(max_workers=2) as pool:
        parallel = sweep(scenario, grid, replications=2, executor=pool)
    pd.testing.assert_frame_equal(parallel, sequential)
    assert parallel.attrs == sequential.attrs


def test_more_retries_save_more_events_under_error_probability_one_half():
    scenario = tiny(rate_per_s=10.0, end_s=20.0, error_probability=0.5)  # about 200 events
    frame = sweep(scenario, {RETRIES: [0, 1, 2]}, replications=3)
    ci = confidence(frame)
    share = ci[ci["metric"] == "succeeded"].set_index(RETRIES)["mean"] / ci[
        ci["metric"] == "accepted"].set_index(RETRIES)["mean"]
    assert share.is_monotonic_increasing and share.is_unique
    # 1 - 0.5^(retries + 1): 0.5, 0.75, 0.875
    assert share.tolist() == pytest.approx([0.5, 0.75, 0.875], abs=0.08)
    by_replication = frame.pivot(index="replication", columns=RETRIES, values="succeeded")
    assert (by_replication.diff(axis=1).iloc[:, 1:] > 0).all().all()  # paired: every replication
    accepted = frame.pivot(index="replication", columns=RETRIES, values="accepted")
    assert accepted.nunique(axis=1).eq(1).all()  # common random numbers: the same arrivals


# -- reading a sweep: pairs, wide tables, a decision --------------------------------------------------

def test_paired_differences_subtract_the_baseline_run_of_the_same_replication():
    scenario = tiny(rate_per_s=10.0, end_s=20.0, error_probability=0.5)
    runs = sweep(scenario, {RETRIES: [0, 2], RESERVED: [1, None]}, replications=3)
    diff = paired_differences(runs, {RETRIES: 0})
    assert len(diff) == 6 and diff[RETRIES].tolist() == [2] * 6
    assert diff.attrs == {"overrides": [RETRIES, RESERVED], "baseline": {RETRIES: 0}}
    for _, row in diff.iterrows():
        same = runs[(runs["replication"] == row["replication"])
                    & runs[RESERVED].map(lambda r, want=row[RESERVED]: r is want or r == want)]
        base, other = same[same[RETRIES] == 0].iloc[0], same[same[RETRIES] == 2].iloc[0]
        assert row["succeeded"] == other["succeeded"] - base["succeeded"]
        assert row["accepted"] == 0  # the same arrivals in both: common random numbers
        assert row["seed"] == base["seed"]
    # Paired intervals are narrower than the two configurations' own intervals.
    paired = confidence(diff).set_index([RESERVED, "metric"])
    alone = confidence(runs).set_index([RETRIES, RESERVED, "metric"])
    assert paired.loc[(1, "succeeded"), "half_width"] < alone.loc[(2, 1, "succeeded"), "half_width"]
    with pytest.raises(KeyError, match="seed"):
        paired_differences(runs, {"seed": 3})
    with pytest.raises(ValueError, match="no run has"):
        paired_differences(runs, {RETRIES: 1})


def test_per_replication_lays_the_pairs_side_by_side():
    runs = sweep(tiny(), {RESERVED: [4, None, 1]}, replications=3, measure=settings)
    table = per_replication(runs, "seed_used")
    assert list(table.columns) == [4, None, 1] and table.columns.name == RESERVED
    assert table.index.tolist() == [0, 1, 2]
    assert (table.nunique(axis=1) == 1).all()  # each replication one seed across configurations
    assert table[None].tolist() == seeds_for(tiny(), 3)
    with pytest.raises(KeyError, match="nope"):
        per_replication(runs, "nope")


def test_interval_table_and_the_first_configuration_meeting_a_bound():
    frame = pd.DataFrame({RESERVED: pd.Series([2, 2, 5, 5, 9, 9, None, None], dtype=object),
                          "expired": [3.0, 5.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
                          "cost_usd": [1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0]})
    frame.attrs["overrides"] = [RESERVED]
    intervals = confidence(frame)
    table = interval_table(intervals, ["expired", "cost_usd"])
    assert table.index.tolist() == [2, 5, 9, None]
    assert table[("expired", "mean")].tolist() == [4.0, 0.5, 0.0, 0.0]
    assert table[("cost_usd", "high")].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert first_configuration(intervals, "expired", 0) == 9
    assert first_configuration(intervals, "expired", 100) == 2
    assert first_configuration(intervals, "cost_usd", 0.5) is None
    with pytest.raises(KeyError, match="nope"):
        first_configuration(intervals, "nope", 0)
    with pytest.raises(KeyError, match="nope"):
        interval_table(intervals, ["nope"])
