"""The aggregated timeline: how many events are in each state over time.

Too many events for one row each (more than a timeline's ``max_rows``) are drawn as stacked
areas: at every instant each accepted event is in exactly one state:

- ``queued``: waiting in the async queue for a dispatch (throttle backoff included);
- ``waiting to retry``: after a failed execution, until the retry is dispatched;
- ``running``: an execution in flight (duplicate deliveries are not counted: they are not states
  of the event);
- ``succeeded`` / ``failed``: resolved, by the fate's kind (failed: retries exhausted, age
  exceeded, reserved concurrency 0, loop stopped).

The stack's top is the number of events accepted so far. Events still unresolved when a horizon
stopped the run (fate ``pending``) stay in their last state up to the end of the view.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from lambdasim.plots.style import PALETTE, apply_time_axis, legend, new_figure
from lambdasim.records import FAILED_FATES

__all__ = ["STATES", "state_counts", "states"]

#: The states, bottom of the stack first.
STATES = ("succeeded", "failed", "running", "retry_wait", "queued")
_LABELS = {"succeeded": "succeeded", "failed": "failed", "running": "running",
           "retry_wait": "waiting to retry", "queued": "queued", "pending": "not yet resolved"}
_EXACT_POINTS = 20000


def _count(sorted_times: np.ndarray, grid: np.ndarray) -> np.ndarray:
    return np.searchsorted(sorted_times, grid, side="right")


def state_counts(result: Any, chosen: Any = None, points: int = 1500) -> tuple[np.ndarray, dict]:
    """Times and the number of events in each of :data:`STATES` at each time (a step function).

    The counts are exact at every change when there are at most 20,000 changes, and sampled on
    ``points`` evenly spaced instants otherwise.
    """
    events = result.events if chosen is None else chosen
    att = result.attempts
    if chosen is not None and len(chosen) != len(result.events):
        att = att[att["event_id"].isin(set(chosen["event_id"])).to_numpy()]
    att = att[(att["kind"] != "duplicate").to_numpy()]
    code = pd.Index(events["event_id"].to_numpy(), dtype=object).get_indexer(att["event_id"].to_numpy())
    kind = att["kind"].astype(str).to_numpy()
    outcome = att["outcome"].astype(str).to_numpy()
    dispatched = att["dispatched_at"].to_numpy(float)
    end = np.nan_to_num(att["end_at"].to_numpy(float), nan=np.inf)
    enqueued = events["enqueued_at"].to_numpy(float)
    resolved = np.nan_to_num(events["resolved_at"].to_numpy(float), nan=np.inf)
    fate = events["fate"].astype(str).to_numpy()

    executed = (kind == "invoke") & np.isin(outcome, ("success", "error", "timeout", "running"))
    order = np.lexsort((np.arange(code.size), code))  # each event's rows, in the order they happened
    same_next = np.r_[code[order][1:] == code[order][:-1], False]
    next_dispatch = np.r_[dispatched[order][1:], np.inf]
    failed_run = (executed & np.isin(outcome, ("error", "timeout")))[order]
    retry_end = np.where(same_next, next_dispatch, resolved[code[order]])[failed_run]
    retry_start = end[order][failed_run]

    starts = {
        "accepted": np.sort(enqueued), "run_start": np.sort(dispatched[executed]),
        "run_end": np.sort(end[executed]),
        "retry_start": np.sort(retry_start), "retry_end": np.sort(retry_end),
        "succeeded": np.sort(resolved[fate == "succeeded"]),
        "failed": np.sort(resolved[np.isin(fate, list(FAILED_FATES))]),
    }
    view_end = float(result.stats.get("ended_at", np.nan))
    finite_times = np.concatenate([t[np.isfinite(t)] for t in starts.values()])
    if not finite_times.size:
        return np.zeros(0), {s: np.zeros(0, int) for s in STATES}
    t0 = float(finite_times.min())
    t1 = max(float(finite_times.max()), view_end if np.isfinite(view_end) else t0)
    grid = np.unique(finite_times) if finite_times.size <= _EXACT_POINTS else np.linspace(t0, t1, points)
    if grid[-1] < t1:
        grid = np.r_[grid, t1]
    c = {name: _count(times, grid) for name, times in starts.items()}
    counts = {
        "succeeded": c["succeeded"], "failed": c["failed"], "running": c["run_start"] - c["run_end"],
        "retry_wait": c["retry_start"] - c["retry_end"],
    }
    counts["queued"] = np.maximum(c["accepted"] - sum(counts.values()), 0)
    return grid, counts


def states(result: Any, chosen: Any = None, ax: Any = None) -> Any:
    """Events by state over time, as stacked areas in two panels sharing the time axis.

    The top panel splits the events not yet resolved (``pending`` at that instant) into queued,
    waiting to retry and running; the bottom one splits every event accepted so far into
    succeeded, failed and pending. ``ax`` may be a pair of Axes (top, bottom) to draw on. Each
    area is one artist with ``gid`` ``state:<name>`` (names in :data:`STATES`, and ``pending``).
    Returns the Figure.
    """
    owned = ax is None
    times, counts = state_counts(result, chosen)
    if owned:
        fig = new_figure(11.0, 6.5)
        top, bottom = fig.subplots(2, 1, sharex=True)
    elif not isinstance(ax, (list, tuple, np.ndarray)):  # one Axes: a single stack of the five states
        handles = _stack(ax, times, {name: counts[name] for name in STATES})
        _finish(ax, ax, result, chosen, times)
        legend(ax, handles[::-1], below=False)
        return ax.figure
    else:
        top, bottom = ax
        fig = top.figure
    unresolved = counts["queued"] + counts["retry_wait"] + counts["running"]
    layers = {"running": counts["running"], "retry_wait": counts["retry_wait"], "queued": counts["queued"]}
    handles = _stack(top, times, layers)
    handles += _stack(bottom, times, {"succeeded": counts["succeeded"], "failed": counts["failed"],
                                      "pending": unresolved})
    top.set_ylabel("unresolved events")
    bottom.set_ylabel("events accepted so far")
    _finish(top, bottom, result, chosen, times)
    legend(bottom, handles, below=owned, ncols=3)
    return fig


def _finish(top: Any, bottom: Any, result: Any, chosen: Any, times: np.ndarray) -> None:
    """Time axis, title and spines."""
    events = result.events if chosen is None else chosen
    if times.size:
        bottom.set_xlim(times[0], times[-1])
        apply_time_axis(bottom.xaxis, times[-1] - times[0])
    pending = int(events["fate"].eq("pending").sum())
    note = f"; {pending:,} still pending when the run stopped" if pending else ""
    top.set_title(f"Events by state over time ({len(events):,} events, too many for one row each{note})",
                  loc="left", fontsize=11)
    for axes in {top, bottom}:
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)


def _stack(ax: Any, times: np.ndarray, layers: dict) -> list:
    """Stacked step areas, first layer at the bottom; returns the legend handles."""
    handles = []
    base = np.zeros(times.size)
    for name, values in layers.items():
        top = base + values
        if values.any():
            poly = ax.fill_between(times, base, top, step="post", color=PALETTE[name], lw=0,
                                   gid=f"state:{name}")
            poly.set_label(_LABELS[name])
            handles.append(poly)
        base = top
    if not handles:
        ax.text(0.5, 0.5, "none", ha="center", va="center", transform=ax.transAxes, color="#777777")
    ax.set_ylim(0, max(float(base.max()) if base.size else 1.0, 1.0) * 1.05)
    return handles
