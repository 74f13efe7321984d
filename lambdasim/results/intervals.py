"""Reading a sweep: confidence intervals per configuration, paired differences, per-seed tables.

:func:`lambdasim.results.sweeps.sweep` makes the frame (one row per run); this module reads it.
:func:`confidence` gives means with Student-t intervals (quantiles from :mod:`scipy.stats`) per
configuration and metric; :func:`paired_differences` subtracts each replication's baseline run
(the seeds are paired across configurations); :func:`per_replication`, :func:`interval_table` and
:func:`first_configuration` lay the results out for a decision.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["confidence", "paired_differences", "per_replication", "interval_table", "first_configuration",
           "t_quantile", "RUN_COLUMNS", "STAT_COLUMNS"]

#: Columns a sweep adds besides the overrides and the measures; :func:`confidence` does not summarise them.
RUN_COLUMNS = ("replication", "seed")

#: The columns :func:`confidence` adds after the group columns.
STAT_COLUMNS = ["metric", "n", "mean", "std", "half_width", "low", "high"]

def override_column(values: list[Any]) -> pd.Series:
    """Override values as given: ints stay ints, and None stays None (not NaN) beside numbers."""
    column = pd.Series(values, dtype=object)
    return column if any(v is None for v in values) else column.infer_objects()


def paired_differences(frame: pd.DataFrame, baseline: Mapping[str, Any]) -> pd.DataFrame:
    """Each run's measures minus those of the baseline configuration's run with the same seed.

    The paired design made explicit: common random numbers give every configuration the same
    arrivals per replication, so the difference of two configurations within one replication
    carries less noise than the difference of their means, and :func:`confidence` of this frame
    gives narrower intervals for "how much better is B than A".

    Parameters
    ----------
    frame
        What :func:`sweep` returns (override columns, ``replication``, ``seed``, measures).
    baseline
        ``{override column: value}`` picking one configuration, e.g.
        ``{"functions.orders.reserved_concurrency": None}``; columns not named may take any value
        (each combination of them is compared with its own baseline).

    Returns
    -------
    pandas.DataFrame
        The rows of the other configurations, measures replaced by their differences from the
        baseline run of the same replication; ``attrs["overrides"]`` and ``attrs["baseline"]`` set.
    """
    overrides = list(frame.attrs.get("overrides", ()))
    if not isinstance(baseline, Mapping) or not baseline:
        raise ValueError(f"baseline: expected a mapping of override columns to values, got {baseline!r}")
    unknown = [key for key in baseline if key not in overrides]
    if unknown:
        raise KeyError(f"baseline: {unknown} are not override columns of the sweep; overrides: {overrides}")
    measures = [c for c in frame.columns if c not in overrides and c not in RUN_COLUMNS
                and pd.api.types.is_numeric_dtype(frame[c])]
    chosen = np.ones(len(frame), dtype=bool)
    for key, value in baseline.items():
        chosen &= np.array([v is value or v == value for v in frame[key]], dtype=bool)
    if not chosen.any():
        raise ValueError(f"baseline: no run has {baseline!r}; values: "
                         f"{ {key: list(dict.fromkeys(frame[key])) for key in baseline} }")
    rest = [key for key in overrides if key not in baseline]
    # Match each run with the baseline run of the same replication and the same other overrides.
    def key_of(row: Any) -> str:
        return repr((row["replication"], *(row[k] for k in rest)))

    base = frame[chosen]
    by_key = {key_of(row): row for _, row in base.iterrows()}
    others = frame[~chosen].reset_index(drop=True)
    matched = [by_key.get(key_of(row)) for _, row in others.iterrows()]
    if any(m is None for m in matched):
        raise ValueError("baseline: some runs have no baseline run with the same replication")
    out = others.copy()
    base_values = pd.DataFrame([m[measures] for m in matched]).reset_index(drop=True).astype(float)
    out[measures] = others[measures].astype(float) - base_values
    out.attrs["overrides"] = overrides
    out.attrs["baseline"] = dict(baseline)
    return out


# -- confidence intervals -------------------------------------------------------------------------

def confidence(frame: pd.DataFrame, by: str | Sequence[str] | None = None,
               level: float = 0.95) -> pd.DataFrame:
    """Mean, standard deviation and Student-t confidence interval of each numeric metric, per group.

    Parameters
    ----------
    frame
        Runs, one per row: what :func:`sweep` or :func:`replicate` returns, or any such frame.
    by
        Columns to group by; by default the sweep's override columns
        (``frame.attrs["overrides"]``; none for :func:`replicate`, so one group).
    level
        Two-sided confidence level in (0, 1).

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per group and metric, groups in order of first appearance, with the ``by``
        columns, ``metric``, ``n`` (non-missing values), ``mean``, ``std`` (sample, ddof 1),
        ``half_width`` = t(1 - (1 - level) / 2, n - 1) · std / √n, ``low`` and ``high``.
        With n < 2 the std and the interval are NaN. Metrics are the numeric (or boolean) columns
        other than ``by``, ``replication`` and ``seed``.
    """
    if not 0 < level < 1:
        raise ValueError(f"level: expected a number in (0, 1), got {level!r}")
    if by is None:
        by = list(frame.attrs.get("overrides", ()))
    elif isinstance(by, str):
        by = [by]
    else:
        by = list(by)
    missing = [column for column in by if column not in frame.columns]
    if missing:
        raise KeyError(f"by: no columns {missing} in the frame; columns: {list(frame.columns)}")
    names = [c for c in frame.columns if c not in by and c not in RUN_COLUMNS
             and pd.api.types.is_numeric_dtype(frame[c])]
    values = frame[names].astype(float)
    # Group on the repr of the keys: keeps None, NaN and unhashable overrides, in grid order.
    labels = [repr(tuple(row)) for row in frame[by].itertuples(index=False)] if by else [""] * len(frame)
    codes, _ = pd.factorize(pd.Series(labels, dtype=object))
    groups = values.groupby(codes, sort=True)
    n, mean, std = groups.count(), groups.mean(), groups.std(ddof=1)
    if by:
        first = frame[by].groupby(codes, sort=True).head(1)
    else:
        first = pd.DataFrame(index=range(min(len(frame), 1)))
    quantiles: dict[int, float] = {}
    keys, rows = [], []
    for g, key in enumerate(first.itertuples(index=False)):
        for name in names:
            count = int(n.iloc[g][name])
            if count not in quantiles:
                quantiles[count] = t_quantile(1 - (1 - level) / 2, count - 1) if count >= 2 else math.nan
            s = float(std.iloc[g][name]) if count >= 2 else math.nan
            m = float(mean.iloc[g][name]) if count else math.nan
            half = quantiles[count] * s / math.sqrt(count) if count >= 2 else math.nan
            keys.append(key)
            rows.append((name, count, m, s, half, m - half, m + half))
    # The group columns keep their values as the sweep frame holds them (None stays None).
    out = pd.DataFrame({column: override_column([key[i] for key in keys]) for i, column in enumerate(by)})
    stats = pd.DataFrame.from_records(rows, columns=STAT_COLUMNS)
    out = pd.concat([out, stats], axis=1) if by else stats
    return out


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` > 0 degrees of freedom (``inf``: the normal),
    from :data:`scipy.stats.t`, e.g. ``t_quantile(0.975, 9)`` = 2.2621572."""
    if not 0 < p < 1:
        raise ValueError(f"p: expected a probability in (0, 1), got {p!r}")
    if not df > 0:
        raise ValueError(f"df: expected degrees of freedom > 0, got {df!r}")
    from scipy import stats  # loaded on first use: scipy is heavy and `import lambdasim` stays light

    return float(stats.norm.ppf(p) if math.isinf(df) else stats.t.ppf(p, df))


# -- reading a sweep ------------------------------------------------------------------------------

def _groups(frame: pd.DataFrame) -> list[str]:
    """The group (override) columns of a runs frame or of confidence()'s frame."""
    if "metric" in frame.columns:
        return list(frame.columns[:list(frame.columns).index("metric")])
    return list(frame.attrs.get("overrides", ()))


def _index(frame: pd.DataFrame, columns: list[str]) -> pd.Index:
    """The configurations of ``frame`` as an index, values as given (None stays None), grid order."""
    if not columns:
        return pd.Index(["all runs"] * len(frame), dtype=object)
    if len(columns) == 1:
        return pd.Index(list(frame[columns[0]]), dtype=object, name=columns[0])
    return pd.MultiIndex.from_tuples(list(frame[columns].itertuples(index=False)), names=columns)


def per_replication(runs: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One measure of a sweep as a table: a row per replication, a column per configuration (grid
    order, override values as given). Reading across a row compares configurations on the same
    seed: the pairs that common random numbers make."""
    if measure not in runs.columns:
        raise KeyError(f"measure: no column {measure!r} in the runs; columns: {list(runs.columns)}")
    columns = _groups(runs)
    configurations = _index(runs, columns)
    order = list(dict.fromkeys(configurations))
    table = {c: [] for c in order}
    for configuration, value in zip(configurations, runs[measure], strict=True):
        table[configuration].append(value)
    out = pd.DataFrame(table, index=pd.Index(sorted(set(runs["replication"])), name="replication"))
    if len(columns) > 1:
        out.columns = pd.MultiIndex.from_tuples(order, names=columns)
    else:
        out.columns = pd.Index(order, dtype=object, name=columns[0] if columns else None)
    return out


def interval_table(intervals: pd.DataFrame, measures: Sequence[str] | None = None,
                   stats: Sequence[str] = ("mean", "low", "high")) -> pd.DataFrame:
    """:func:`confidence`'s tidy frame made wide: a row per configuration (index: the override
    values as given, None included), a column per (measure, statistic)."""
    groups = _groups(intervals)
    if measures is None:
        measures = list(dict.fromkeys(intervals["metric"]))
    missing = [m for m in measures if m not in set(intervals["metric"])]
    if missing:
        raise KeyError(f"measures: {missing} are not in the intervals; measures: "
                       f"{list(dict.fromkeys(intervals['metric']))}")
    first = intervals[intervals["metric"] == measures[0]]
    index = _index(first, groups)
    data = {}
    for measure in measures:
        part = intervals[intervals["metric"] == measure]
        for stat in stats:
            data[(measure, stat)] = part[stat].to_numpy()
    out = pd.DataFrame(data, index=index)
    out.columns = pd.MultiIndex.from_tuples(list(data), names=["measure", "statistic"])
    return out


def first_configuration(intervals: pd.DataFrame, metric: str, high_at_most: float) -> Any:
    """The first configuration in grid order whose interval for ``metric`` lies at or below
    ``high_at_most`` (its ``high`` <= the bound): e.g. the smallest reservation under which no
    event expires in any replication (``"expired"``, 0). Its override value (a tuple for several
    overrides); None if no configuration meets the bound, or if the one that does is None."""
    part = intervals[intervals["metric"] == metric]
    if part.empty:
        raise KeyError(f"metric: {metric!r} is not in the intervals; metrics: "
                       f"{list(dict.fromkeys(intervals['metric']))}")
    groups = _groups(intervals)
    for configuration, high in zip(_index(part, groups), part["high"], strict=True):
        if high <= high_at_most:
            return configuration
    return None
