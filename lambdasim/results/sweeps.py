"""Replications, parameter sweeps and confidence intervals over whole runs.

A sweep is the Cartesian product of config overrides (desmod's idea): each key of the grid is a
:meth:`Scenario.replace <lambdasim.model.scenario.Scenario.replace>` dotted path, each value a list of
settings to try. Every configuration runs once per replication seed; each run is reduced to a dict
of numbers by a ``measure`` function (by default :func:`summary_with_cost`), and the runs become
one DataFrame, one row per run. (``measure`` is a reducer of whole runs; "metrics" in lambdasim
means the CloudWatch-like series of :meth:`Result.metrics <lambdasim.results.result.Result.metrics>`.)
:func:`confidence` turns that frame into means with Student-t intervals per configuration.

    from lambdasim.results.sweeps import confidence, sweep
    runs = sweep(scenario, {"functions.orders.reserved_concurrency": [5, 10, None]}, replications=10)
    confidence(runs)      # per configuration and metric: n, mean, std, half_width, low, high

Choices (documented here as choices):

- **Seeds.** Replication 0 uses the scenario's own seed, so ``replicate(s, n=1)`` reproduces
  ``ls.run(s)``; replications 1 … n-1 use ``SeedSequence(scenario.seed).generate_state(n - 1)``.
  The list depends only on the scenario's seed, and the first k seeds of n are the seeds of k.
- **Common random numbers.** Every configuration of a sweep runs with the same seeds, so rows of
  the same ``replication`` are paired: arrivals (keyed by name in the engine) are identical and
  differences between configurations carry less noise.
- **Executors.** Runs go through ``executor.map(fn, tasks)``: the built-in ``map`` by default (in
  process, one after another), or any object with ``map`` such as
  :class:`concurrent.futures.ProcessPoolExecutor`, a ``dask.distributed`` client's
  ``get_executor()``, or the :class:`distributed.Client` itself (its futures are gathered in task
  order; a cluster of many machines: ``Client("tcp://host:8786")``). Scenarios are built and
  validated before any run starts, each run depends only on its scenario, and rows keep the task
  order, so the frame is the same whatever the executor. A process pool needs a picklable
  ``measure`` function (defined at module level, not a lambda) and picklable scenarios (handlers
  importable by name); Dask's workers must be able to import lambdasim (and the handlers).
- **Progress.** ``progress=True`` shows a bar of finished runs (tqdm; in task order, so with a pool
  it moves as the earliest unfinished run ends).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from lambdasim.model.errors import invalid_value
from lambdasim.model.scenario import Scenario
from lambdasim.results.progress import check_progress, counted
from lambdasim.results.result import run

__all__ = ["replicate", "sweep", "confidence", "paired_differences", "per_replication", "interval_table",
           "first_configuration", "seeds_for", "summary_with_cost", "t_quantile"]

#: Columns a sweep adds besides the overrides and the measures; :func:`confidence` does not summarise them.
RUN_COLUMNS = ("replication", "seed")

#: The columns :func:`confidence` adds after the group columns.
STAT_COLUMNS = ["metric", "n", "mean", "std", "half_width", "low", "high"]

#: A reducer of one run to named numbers: ``measure(result) -> {name: value}``.
Measure = Callable[[Any], Mapping[str, Any]]


def summary_with_cost(result: Any) -> dict:
    """The default measure of a run: ``result.summary()`` plus ``cost_usd``, the total cost (USD)."""
    out = dict(result.summary())
    cost = result.cost()
    out["cost_usd"] = float(cost.loc[cost["function"] == "(all)", "total_cost"].iloc[0])
    return out


def seeds_for(scenario: Any, n: int) -> list[int]:
    """The ``n`` replication seeds of ``scenario``: its own seed, then ``n - 1`` derived from it."""
    _check_scenario(scenario)
    n = _count(n, "n")
    seed = int(scenario.seed)
    derived = np.random.SeedSequence(seed).generate_state(n - 1) if n > 1 else []
    return [seed, *(int(s) for s in derived)]


def replicate(scenario: Any, n: int = 10, seeds: Sequence[int] | None = None,
              measure: Measure = summary_with_cost, executor: Any = None,
              progress: bool = False) -> pd.DataFrame:
    """Run ``scenario`` once per seed and collect ``measure`` of each run.

    Parameters
    ----------
    scenario
        The :class:`~lambdasim.model.scenario.Scenario` to replicate.
    n
        Number of replications; ignored when ``seeds`` is given.
    seeds
        Explicit seeds; by default :func:`seeds_for` ``(scenario, n)``.
    measure
        ``measure(result) -> dict`` of named numbers; :func:`summary_with_cost` by default.
    executor
        None (in process, sequentially), any object with ``map(fn, iterable)`` (a process pool,
        a Dask client's ``get_executor()``) or a ``distributed.Client``.
    progress
        Show a bar of finished runs (tqdm).

    Returns
    -------
    pandas.DataFrame
        One row per replication: ``replication``, ``seed`` and the measures.
    """
    if seeds is None:
        n = _count(n, "n")
    return sweep(scenario, {}, replications=n, seeds=seeds, measure=measure, executor=executor,
                 progress=progress)


def sweep(scenario: Any, grid: Mapping[str, Sequence[Any]], replications: int = 1,
          measure: Measure = summary_with_cost, executor: Any = None,
          seeds: Sequence[int] | None = None, progress: bool = False) -> pd.DataFrame:
    """Run every combination of the ``grid`` overrides, ``replications`` times each.

    Parameters
    ----------
    scenario
        The base :class:`~lambdasim.model.scenario.Scenario`.
    grid
        ``{dotted path: values}``; paths as :meth:`Scenario.replace` takes them, e.g.
        ``"functions.orders.reserved_concurrency"`` or
        ``"functions.orders.event_invoke_config.maximum_retry_attempts"``. The runs are the
        Cartesian product of the value lists (an empty grid: the scenario alone).
    replications
        Runs per configuration, with the seeds :func:`seeds_for` ``(scenario, replications)``,
        the same for every configuration (common random numbers).
    measure
        ``measure(result) -> dict`` of named numbers; :func:`summary_with_cost` by default.
    executor
        None (in process, sequentially), any object with ``map(fn, iterable)``, e.g. a
        :class:`concurrent.futures.ProcessPoolExecutor` or a Dask client's ``get_executor()``, or a
        ``distributed.Client``; the frame is the same whichever.
    seeds
        Explicit seeds instead of the derived ones (``replications`` is then ignored).
    progress
        Show a bar of finished runs (tqdm: a widget in Jupyter, text on stderr elsewhere).

    Returns
    -------
    pandas.DataFrame
        One row per run, configurations in grid order (the last key varies fastest): a column per
        grid key with the value used, ``replication``, ``seed``, then the measures.
        ``frame.attrs["overrides"]`` lists the grid keys, which :func:`confidence` groups by.

    Raises
    ------
    InvalidParameterValueException
        A path or value that :meth:`Scenario.replace` refuses, before anything runs.
    """
    _check_scenario(scenario)
    progress = check_progress(progress)
    keys, values = _grid(grid)
    if seeds is None:
        seeds = seeds_for(scenario, _count(replications, "replications"))
    else:  # Scenario validates each seed (an integer >= 0); numpy integers become ints there
        seeds = [scenario.replace(seed=s).seed for s in seeds]
        if not seeds:
            raise ValueError("seeds: give at least one seed")
    points = list(itertools.product(*values))
    # Build (and validate) every scenario before the first run: a bad path fails at once.
    tasks = [(scenario.replace(dict(zip(keys, point, strict=True)), seed=seed), measure)
             for point in points for seed in seeds]
    measured = list(counted(_results(executor, tasks), len(tasks), "runs", progress))
    return _frame(keys, points, seeds, measured)


def _results(executor: Any, tasks: list[tuple[Any, Measure]]) -> Iterable[dict]:
    """Each task's measures, in task order, from whichever executor was given."""
    if executor is None:
        return map(_measure, tasks)
    if _is_dask_client(executor):
        # Client.map returns futures; pure=False: every task is its own run (no result sharing by hash).
        futures = executor.map(_measure, tasks, pure=False)
        return (future.result() for future in futures)
    if callable(getattr(executor, "map", None)):
        return executor.map(_measure, tasks)
    raise TypeError(f"executor: expected None, an object with a map(fn, iterable) method (a process pool, "
                    f"client.get_executor()) or a dask.distributed Client, got {type(executor).__name__}")


def _is_dask_client(executor: Any) -> bool:
    """A ``distributed.Client`` (duck-typed, so dask is imported only by whoever made the client):
    its ``map`` returns futures, not results."""
    return all(callable(getattr(executor, name, None)) for name in ("map", "submit", "gather", "scatter"))


def _measure(task: tuple[Any, Measure]) -> dict:
    """Run one scenario and reduce it with its measure (module level, so process pools can pickle it)."""
    scenario, measure = task
    measured = measure(run(scenario))
    if not isinstance(measured, Mapping):
        raise TypeError(f"measure must return a mapping of names to values, got {type(measured).__name__}")
    return dict(measured)


def _check_scenario(scenario: Any) -> None:
    if not isinstance(scenario, Scenario):
        raise invalid_value("scenario", scenario,
                            "a lambdasim Scenario (from a file: Scenario.from_yaml(path))")


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}: expected an integer >= 1, got {value!r}")
    return int(value)


def _grid(grid: Mapping[str, Sequence[Any]]) -> tuple[list[str], list[list[Any]]]:
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid: expected a mapping of dotted paths to lists of values, "
                        f"got {type(grid).__name__}")
    keys, values = [], []
    for key, options in grid.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"grid: keys are Scenario.replace paths (non-empty strings), got {key!r}")
        if key in RUN_COLUMNS:
            raise ValueError(f"grid: {key!r} is set per replication; use replications= or seeds= instead")
        if isinstance(options, (str, bytes)) or not isinstance(options, Iterable):
            raise ValueError(f"grid[{key!r}]: expected a list of values, got {options!r}")
        options = list(options)
        if not options:
            raise ValueError(f"grid[{key!r}]: expected at least one value, got an empty list")
        keys.append(key)
        values.append(options)
    return keys, values


def _column(values: list[Any]) -> pd.Series:
    """Override values as given: ints stay ints, and None stays None (not NaN) beside numbers."""
    column = pd.Series(values, dtype=object)
    return column if any(v is None for v in values) else column.infer_objects()


def _frame(keys: list[str], points: list[tuple], seeds: list[int], measured: list[dict]) -> pd.DataFrame:
    taken = set(keys) | set(RUN_COLUMNS)
    clash = sorted({name for values in measured for name in values} & taken)
    if clash:
        raise ValueError(f"measure: the names {clash} are taken by the override and run columns")
    rows = [point for point in points for _ in seeds]
    frame = pd.DataFrame({key: _column([row[i] for row in rows]) for i, key in enumerate(keys)})
    frame["replication"] = np.tile(np.arange(len(seeds)), len(points))
    frame["seed"] = np.tile(np.array(seeds, dtype=np.int64), len(points))
    values = pd.DataFrame.from_records(measured, index=frame.index)
    frame = pd.concat([frame, values], axis=1) if len(values.columns) else frame
    frame.attrs["overrides"] = list(keys)
    return frame


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
    out = pd.DataFrame({column: _column([key[i] for key in keys]) for i, column in enumerate(by)})
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
