"""Time series of a run, computed from its record frames: what the load and state charts draw.

Pure functions of the ``attempts`` and ``events`` DataFrames (:mod:`lambdasim.records.schema`), like
:mod:`lambdasim.results.metrics`: nothing here simulates or draws. The charts in
:mod:`lambdasim.plots` only draw what these return.

- :func:`in_flight`: executions in flight over time, per function, an exact step function. An
  execution occupies ``[dispatched_at, end_at)`` (cold start included, as in ``ConcurrentExecutions``);
  duplicate deliveries and synchronous invokes run the code and count; one still ``running`` at the
  end never ends.
- :func:`queue_depth`: events waiting in the async queue over time, per function: accepted and not
  yet resolved, and not executing (waiting for a dispatch, backing off after a throttle or waiting
  for a retry). Just after a dispatch it is what the engine records as ``queue_depth_at_start``
  (events accepted at the very instant of the dispatch aside).
- :func:`throttles`: throttled dispatches per period.
- :func:`pool_limits`: each concurrency pool's limit over time, from the functions settings table
  (reservations made or removed during the run move it).
- :func:`state_counts`: how many events are in each of :data:`STATES` over time.
- :func:`binned`: the peak and time-weighted mean of a step function per period (how a series too
  dense to read as a line is summarised without losing a peak).
- :func:`metric_table`: one CloudWatch-like metric of :meth:`Result.metrics
  <lambdasim.results.result.Result.metrics>` as a period × function table.

A step function is a :class:`Steps`: the times at which the level changes and the level from each
time on (0 before the first). Changes at equal times are merged: the level after all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from lambdasim.model.rules import LATEST
from lambdasim.records import FAILED_FATES
from lambdasim.results.columns import EXECUTED_OUTCOMES, codes
from lambdasim.results.columns import executed as ran

__all__ = [
    "STATES", "Steps", "step_series", "binned", "function_names", "in_flight", "queue_depth", "throttles",
    "pool_limits", "state_counts", "metric_table",
]

#: The states an accepted event is in at any instant (:func:`state_counts`), bottom of a stack first.
STATES = ("succeeded", "failed", "running", "retry_wait", "queued")
_FAILED_OUTCOMES = ("error", "timeout")
#: Above this many distinct change times, :func:`state_counts` samples an even grid instead.
EXACT_POINTS = 20000


class Steps(NamedTuple):
    """A step function: the level is ``levels[k]`` on ``[times[k], times[k + 1])``, 0 before ``times[0]``."""

    times: np.ndarray
    levels: np.ndarray

    def at(self, t: float | np.ndarray) -> np.ndarray:
        """The level at each instant ``t`` (a change at ``t`` counts: the steps are right-continuous)."""
        k = np.searchsorted(self.times, np.asarray(t, dtype=float), side="right")
        return np.r_[0, self.levels][k]

    def peak(self) -> int:
        """The highest level (0 for a series that never changes)."""
        return int(self.levels.max()) if self.levels.size else 0


def step_series(times: np.ndarray, deltas: np.ndarray) -> Steps:
    """A step function from +/- changes: each distinct time and the level from it on.

    Decreases count first at equal times (intervals are half-open); changes at infinity (an
    execution still running at the end) are left out.
    """
    times, deltas = np.asarray(times, dtype=float), np.asarray(deltas)
    keep = np.isfinite(times)
    times, deltas = times[keep], deltas[keep].astype(np.int64)
    if not times.size:
        return Steps(times, deltas)
    order = np.lexsort((deltas, times))
    times, levels = times[order], np.cumsum(deltas[order])
    last = np.r_[times[1:] != times[:-1], True]  # the level after every change at one instant
    return Steps(times[last], levels[last])


def binned(times: np.ndarray, levels: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The peak and the time-weighted mean of a step function over each bin ``[edges[k], edges[k+1])``."""
    before = np.r_[0, levels]
    entering = before[np.searchsorted(times, edges[:-1], side="right")]
    area = np.r_[0.0, np.cumsum(levels[:-1] * np.diff(times))]  # area up to each change time

    def area_at(t: np.ndarray) -> np.ndarray:
        k = np.searchsorted(times, t, side="right") - 1
        return np.where(k >= 0, area[np.maximum(k, 0)] + before[k + 1] * (t - times[np.maximum(k, 0)]), 0.0)

    mean = np.diff(area_at(edges)) / np.diff(edges)
    starts = np.searchsorted(times, edges[:-1], side="left")
    stops = np.searchsorted(times, edges[1:], side="left")
    peak = entering.astype(float)
    has = stops > starts
    if has.any():
        inner = np.maximum.reduceat(levels, np.minimum(starts, levels.size - 1))
        peak[has] = np.maximum(peak[has], inner[has])
    return peak, mean


def function_names(attempts: pd.DataFrame, events: pd.DataFrame, known: Iterable[str] = ()) -> list[str]:
    """The functions that received events or ran, ``known`` ones first in their order, then the others.

    ``known`` is typically the scenario's functions (functions created during a run come after
    them). With no activity at all, the first known function (if any) alone.
    """
    seen = set(events["function"].astype(str)) | set(attempts["function"].astype(str))
    known = [str(n) for n in known]
    for frame in (events, attempts):
        column = frame["function"]
        known += [str(n) for n in (column.cat.categories if hasattr(column, "cat") else column.unique())]
    names = [n for n in dict.fromkeys(known) if n in seen]
    return names or known[:1]


def in_flight(attempts: pd.DataFrame, functions: Sequence[str] | None = None) -> dict[str, Steps]:
    """Executions in flight over time, ``{function: Steps}`` (default: every function of ``attempts``).

    Each execution (``invoke``, ``duplicate`` or ``sync`` row that ran) adds 1 from ``dispatched_at``
    to ``end_at``; one still ``running`` (no ``end_at``) stays in flight.
    """
    names = list(functions) if functions is not None else function_names(attempts, attempts.iloc[:0])
    executed = ran(attempts)  # every kind that runs code: invoke, duplicate, sync
    fn = codes(attempts["function"], names)[executed]
    start = attempts["dispatched_at"].to_numpy(float)[executed]
    end = np.nan_to_num(attempts["end_at"].to_numpy(float)[executed], nan=np.inf)
    out = {}
    for i, name in enumerate(names):
        mine = fn == i
        out[name] = step_series(np.r_[start[mine], end[mine]], np.repeat([1, -1], mine.sum()))
    return out


def pool_limits(functions: pd.DataFrame, names: Sequence[str]) -> dict[tuple[str, bool], Steps]:
    """The concurrency limit of each pool the named functions run in, over time.

    Read from the functions settings table (``result.functions``), ``$LATEST`` rows: ``{(pool,
    reserved): Steps}`` where ``pool`` is the function's name for a reservation and ``"unreserved"``
    for the shared pool. A pool's level is its limit while some named function is in it, and 0 while
    none is (a reservation removed mid-run ends its line).
    """
    table = functions[(functions["qualifier"].astype(str) == LATEST)
                      & functions["function"].astype(str).isin(list(names))]
    out: dict[tuple[str, bool], Steps] = {}
    pools = table[["pool", "reserved_concurrency"]].astype({"pool": str})
    keys = dict.fromkeys(zip(pools["pool"], pools["reserved_concurrency"].notna(), strict=True))
    for pool, reserved in keys:
        times, levels = [], []
        # The pool's level at each row time: its limit if any named function is in it then, else 0.
        for at in np.unique(table["at"].to_numpy(float)):
            latest = table[table["at"] <= at].groupby("function", observed=True).tail(1)
            inside = latest[(latest["pool"].astype(str) == pool)
                            & (latest["reserved_concurrency"].notna() == reserved)]
            level = int(inside["pool_limit"].max()) if len(inside) else 0
            if not levels or level != levels[-1]:
                times.append(at)
                levels.append(level)
        out[(pool, reserved)] = Steps(np.asarray(times, dtype=float), np.asarray(levels, dtype=np.int64))
    return out


def queue_depth(attempts: pd.DataFrame, events: pd.DataFrame,
                functions: Sequence[str] | None = None) -> dict[str, Steps]:
    """Events waiting in the queue (accepted, not resolved, not executing) over time, ``{function: Steps}``.

    An event adds 1 from ``enqueued_at`` to ``resolved_at`` (never removed while ``pending``) and
    each of its executions takes 1 off from ``dispatched_at`` to ``end_at``. Duplicate deliveries
    are not states of the event, so they leave the depth alone.
    """
    names = list(functions) if functions is not None else function_names(attempts, events)
    runs = ran(attempts, ("invoke",))
    fn = codes(attempts["function"], names)[runs]
    e_fn = codes(events["function"], names)
    enqueued, resolved = events["enqueued_at"].to_numpy(float), events["resolved_at"].to_numpy(float)
    dispatched = attempts["dispatched_at"].to_numpy(float)[runs]
    ended = attempts["end_at"].to_numpy(float)[runs]
    out = {}
    for i, name in enumerate(names):
        mine, e_mine = fn == i, e_fn == i
        times = np.r_[enqueued[e_mine], resolved[e_mine], dispatched[mine], ended[mine]]
        deltas = np.repeat([1, -1, -1, 1], [e_mine.sum(), e_mine.sum(), mine.sum(), mine.sum()])
        out[name] = step_series(np.nan_to_num(times, nan=np.inf), deltas)
    return out


def throttles(attempts: pd.DataFrame, period_s: float, end: float) -> tuple[np.ndarray, np.ndarray]:
    """Throttled dispatches per period: ``(counts, edges)``, periods ``[k·period_s, (k+1)·period_s)``
    from 0 until they cover ``end`` (at least one period).

    Every row with outcome ``throttled`` counts (as ``Throttles`` does), at its ``dispatched_at``.
    """
    if not period_s > 0:
        raise ValueError(f"period_s must be > 0; got {period_s!r}")
    throttled = attempts["dispatched_at"].to_numpy(float)[(attempts["outcome"] == "throttled").to_numpy()]
    edges = np.arange(0.0, float(end) + period_s, period_s)
    if edges.size < 2:
        edges = np.array([0.0, float(period_s)])
    counts, _ = np.histogram(throttled, bins=edges)
    return counts, edges


def state_counts(attempts: pd.DataFrame, events: pd.DataFrame, end: float = np.nan,
                 points: int = 1500) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """How many of ``events`` are in each of :data:`STATES` over time: ``(times, {state: counts})``.

    At every instant each accepted event is in exactly one state:

    - ``queued``: waiting in the async queue for a dispatch (throttle backoff included);
    - ``retry_wait``: after a failed execution, until the retry is dispatched;
    - ``running``: an execution in flight (duplicate deliveries are not states of the event);
    - ``succeeded`` / ``failed``: resolved, by the fate's kind (a fate of ``FAILED_FATES``).

    ``events`` may be a subset of the run's (the attempts of other events are left out). Counts
    hold from each time to the next (a step function); the states add up to the events accepted so
    far. The times run from the first change to the last, or to ``end`` (the end of the run) when
    it is later: events still ``pending`` stay in their last state. The counts are exact at every
    change when there are at most :data:`EXACT_POINTS` of them, and sampled on ``points`` evenly
    spaced instants otherwise.
    """
    code = pd.Index(events["event_id"].to_numpy(), dtype=object).get_indexer(attempts["event_id"].to_numpy())
    keep = (code >= 0) & (attempts["kind"] != "duplicate").to_numpy()
    att, code = attempts[keep], code[keep]
    kind = att["kind"].astype(str).to_numpy()
    outcome = att["outcome"].astype(str).to_numpy()
    dispatched = att["dispatched_at"].to_numpy(float)
    ended = np.nan_to_num(att["end_at"].to_numpy(float), nan=np.inf)
    enqueued = events["enqueued_at"].to_numpy(float)
    resolved = np.nan_to_num(events["resolved_at"].to_numpy(float), nan=np.inf)
    fate = events["fate"].astype(str).to_numpy()

    executed = (kind == "invoke") & np.isin(outcome, EXECUTED_OUTCOMES)
    order = np.lexsort((np.arange(code.size), code))  # each event's rows, in the order they happened
    same_next = np.r_[code[order][1:] == code[order][:-1], False]
    next_dispatch = np.r_[dispatched[order][1:], np.inf]
    failed_run = (executed & np.isin(outcome, _FAILED_OUTCOMES))[order]
    retry_end = np.where(same_next, next_dispatch, resolved[code[order]])[failed_run]
    retry_start = ended[order][failed_run]

    changes = {
        "accepted": np.sort(enqueued), "run_start": np.sort(dispatched[executed]),
        "run_end": np.sort(ended[executed]),
        "retry_start": np.sort(retry_start), "retry_end": np.sort(retry_end),
        "succeeded": np.sort(resolved[fate == "succeeded"]),
        "failed": np.sort(resolved[np.isin(fate, list(FAILED_FATES))]),
    }
    finite_times = np.concatenate([t[np.isfinite(t)] for t in changes.values()])
    if not finite_times.size:
        return np.zeros(0), {s: np.zeros(0, int) for s in STATES}
    t0 = float(finite_times.min())
    t1 = max(float(finite_times.max()), float(end) if np.isfinite(end) else t0)
    grid = np.unique(finite_times) if finite_times.size <= EXACT_POINTS else np.linspace(t0, t1, points)
    if grid[-1] < t1:
        grid = np.r_[grid, t1]
    c = {name: np.searchsorted(times, grid, side="right") for name, times in changes.items()}
    counts = {
        "succeeded": c["succeeded"], "failed": c["failed"], "running": c["run_start"] - c["run_end"],
        "retry_wait": c["retry_start"] - c["retry_end"],
    }
    counts["queued"] = np.maximum(c["accepted"] - sum(counts.values()), 0)
    return grid, {s: counts[s] for s in STATES}


def metric_table(metrics: pd.DataFrame, metric: str, statistic: str, period_s: float,
                 functions: Sequence[str], periods: int) -> pd.DataFrame:
    """One metric of a :func:`~lambdasim.results.metrics.metrics` frame as a table: one row per
    period (``periods`` of them, indexed by ``period_start``), one column per function of
    ``functions`` (``"(all)"`` included if wanted), NaN where the frame has no data point.
    """
    rows = metrics[(metrics["metric"] == metric).to_numpy() & (metrics["statistic"] == statistic).to_numpy()]
    table = pd.DataFrame(np.nan, index=pd.Index(np.arange(periods) * float(period_s), name="period_start"),
                         columns=list(functions))
    for name in table.columns:
        mine = rows[(rows["function"] == name).to_numpy()]
        k = np.round(mine["period_start"].to_numpy(float) / period_s).astype(int)
        values = table[name].to_numpy(copy=True)
        values[k] = mine["value"].to_numpy(float)
        table[name] = values
    return table
