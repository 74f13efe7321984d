"""The aggregated timeline: how many events are in each state over time, as stacked areas.

Too many events for one row each (more than a timeline's ``max_rows``, 200 by default) are drawn as stacked
areas of :func:`lambdasim.results.series.state_counts`: at every instant each accepted event is
in exactly one state:

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

import weakref
from typing import Any

import numpy as np

from lambdasim.model.errors import invalid_value
from lambdasim.plots.style import PALETTE, apply_time_axis, check_result, count_of, legend, new_figure
from lambdasim.results.series import STATES, state_counts

__all__ = ["states"]

_LABELS = {"succeeded": "succeeded", "failed": "failed", "running": "running",
           "retry_wait": "waiting to retry", "queued": "queued", "pending": "not yet resolved"}

#: The figures states() made for itself (called without ``ax``): the ones it may draw on again.
_OWN_FIGURES: weakref.WeakSet = weakref.WeakSet()


def states(result: Any, chosen: Any = None, ax: Any = None, max_rows: int | None = None,
           figure: Any = None) -> Any:
    """Events by state over time, as stacked areas in two panels sharing the time axis.

    The top panel splits the events not yet resolved (``pending`` at that instant) into queued,
    waiting to retry and running; the bottom one splits every event accepted so far into
    succeeded, failed and pending. ``ax`` may be a pair of Axes (top, bottom) to draw on. Each
    area is one artist with ``gid`` ``state:<name>`` (names in :data:`STATES`, and ``pending``).
    ``max_rows`` (given by :func:`~lambdasim.plots.timeline` when it falls back to this view) adds
    a line under the title, ``gid`` ``sampling_hint``, saying how to get one row per event back:
    ``sample=``, ``first=``, ``fate=`` or a larger ``max_rows=``. Returns the Figure.

    ``figure``, a Figure an earlier ``states()`` call made for itself (without ``ax``), is drawn
    again for this run instead of a new one being built: its last drawing is removed and the image
    is the one a new figure gives, without matplotlib's costly set-up of a Figure's Axes and their
    ticks (the explorer redraws its chart so on each change). With no events to draw a new figure
    is returned; use the figure returned.
    """
    check_result(result)
    if figure is not None and (ax is not None or figure not in _OWN_FIGURES):
        raise invalid_value("figure", figure, "None, or a Figure that states() made without ax (and no ax)")
    owned = ax is None
    times, counts = state_counts(result.attempts, result.events if chosen is None else chosen,
                                 end=float(result.stats.get("ended_at", np.nan)))
    if figure is not None and times.size:
        fig = figure
        top, bottom = _emptied(figure)
    elif owned:
        fig = new_figure(11.0, 6.5)
        top, bottom = fig.subplots(2, 1, sharex=True)
        _OWN_FIGURES.add(fig)
    elif not isinstance(ax, (list, tuple, np.ndarray)):  # one Axes: a single stack of the five states
        handles = _stack(ax, times, {name: counts[name] for name in STATES})
        _finish(ax, ax, result, chosen, times, max_rows)
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
    _finish(top, bottom, result, chosen, times, max_rows, fixed_title=owned)
    legend(bottom, handles, below=owned, ncols=3)
    return fig


def _emptied(figure: Any) -> tuple[Any, Any]:
    """The two panels of a figure states() made, without its last drawing and back where a new
    figure's panels start (constrained layout moves them from there, as on a new figure)."""
    top, bottom = figure.axes
    for axes in (top, bottom):
        for artist in [*axes.collections, *axes.texts]:
            artist.remove()
        if axes.get_legend() is not None:
            axes.get_legend().remove()
        axes.set_subplotspec(axes.get_subplotspec())  # constrained layout starts from the grid cell
    return top, bottom


def _finish(top: Any, bottom: Any, result: Any, chosen: Any, times: np.ndarray,
            max_rows: int | None, fixed_title: bool = False) -> None:
    """Time axis, title (with how to sample rows, when the timeline fell back here) and spines.

    ``fixed_title``: on the chart's own figure nothing sits above the top panel (its ticks are at the
    bottom), so the title stays where matplotlib starts it, at the panel's top (``y=1``); saying so
    spares matplotlib's search for tick labels above the panel, which measures every tick label
    again on each layout pass and each draw (the image is the same, pixel for pixel).
    """
    events = result.events if chosen is None else chosen
    if times.size:
        bottom.set_xlim(times[0], times[-1])
        apply_time_axis(bottom.xaxis, times[-1] - times[0])
    pending = int(events["fate"].eq("pending").sum())
    note = f"; {pending:,} still pending when the run stopped" if pending else ""
    y = 1.0 if fixed_title else None  # None: matplotlib places it above any top ticks
    if max_rows is None:
        top.set_title(f"Events by state over time ({count_of(len(events), 'event')}{note})", loc="left",
                      fontsize=11, y=y)
    else:
        top.set_title(f"Events by state over time ({count_of(len(events), 'event')}: more than "
                      f"max_rows={max_rows:,}, so no row per event{note})", loc="left", fontsize=11, pad=20,
                      y=y)
        top.text(0.0, 1.02, _sampling_hint(max_rows), transform=top.transAxes, ha="left", va="bottom",
                 fontsize=8.5, color="#444444", gid="sampling_hint")
    for axes in {top, bottom}:
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)


def _sampling_hint(max_rows: int) -> str:
    """How to get one row per event back from ``timeline``: the selection parameters it has."""
    n = min(max_rows, 100)
    return (f"For one row per event: timeline(result, sample={n}, seed=0) (a random {n}), first={n}, "
            f"fate=\"retries_exhausted\", or a larger max_rows")


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
