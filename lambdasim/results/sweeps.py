"""Replications, parameter sweeps and confidence intervals over whole runs.

A sweep is the Cartesian product of config overrides (desmod's idea): each key of the grid is a
:meth:`Scenario.replace <lambdasim.model.scenario.Scenario.replace>` dotted path, each value a list of
settings to try. Every configuration runs once per replication seed; each run is reduced to a dict
of numbers by a ``measure`` function (by default :func:`summary_with_cost`), and the runs become
one DataFrame, one row per run. (``measure`` is a reducer of whole runs; "metrics" in lambdasim
means the CloudWatch-like series of :meth:`Result.metrics <lambdasim.results.result.Result.metrics>`.)
:func:`confidence` turns that frame into means with Student-t intervals per configuration; it and
the other readers of a sweep live in :mod:`lambdasim.results.intervals` and are re-exported here.

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
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from lambdasim.model.errors import invalid_value
from lambdasim.model.scenario import Scenario
from lambdasim.results.intervals import (
    RUN_COLUMNS,
    confidence,
    first_configuration,
    interval_table,
    override_column,
    paired_differences,
    per_replication,
    t_quantile,
)
from lambdasim.results.progress import check_progress, counted
from lambdasim.results.result import run

__all__ = ["replicate", "sweep", "confidence", "paired_differences", "per_replication", "interval_table",
           "first_configuration", "seeds_for", "summary_with_cost", "t_quantile"]

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


def _frame(keys: list[str], points: list[tuple], seeds: list[int], measured: list[dict]) -> pd.DataFrame:
    taken = set(keys) | set(RUN_COLUMNS)
    clash = sorted({name for values in measured for name in values} & taken)
    if clash:
        raise ValueError(f"measure: the names {clash} are taken by the override and run columns")
    rows = [point for point in points for _ in seeds]
    frame = pd.DataFrame({key: override_column([row[i] for row in rows]) for i, key in enumerate(keys)})
    frame["replication"] = np.tile(np.arange(len(seeds)), len(points))
    frame["seed"] = np.tile(np.array(seeds, dtype=np.int64), len(points))
    values = pd.DataFrame.from_records(measured, index=frame.index)
    frame = pd.concat([frame, values], axis=1) if len(values.columns) else frame
    frame.attrs["overrides"] = list(keys)
    return frame
