"""The timeline: one row per event, every attempt, throttle, retry wait and the event's fate.

Reading a row from left to right: a thin grey band while the event waits in the async queue
(throttle backoff included), a bar for each execution coloured by its outcome (the hatched start
of a bar is its cold start), small orange ticks where a dispatch was throttled, purple crosses
where a dispatch met a Lambda system error (5xx; it backs off like a throttle), a dashed connector
labelled with its delay while the event waits for a retry after a failed execution, a dashed
outlined bar just under the row for each duplicate delivery (over every other mark), a black bar at
the event's age limit (``enqueued_at + MaximumEventAgeInSeconds``) when it falls inside the view,
and at the end a marker for the fate; the column to the right says where the event went.

Which events are rows and where each row's marks go is worked out in
:mod:`lambdasim.plots.timeline_rows`; this module draws them. Bars shorter than 0.5 % of the view
are widened to that width so that sub-second executions stay visible on a minutes-long axis (a
drawing choice; the records keep the exact times). Each kind of mark is one collection (one artist
for all the bars of an outcome, one for all the ticks, …), so a 200-row chart draws quickly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from lambdasim.plots.style import (
    FATE_LABELS,
    OUTCOME_LABELS,
    PALETTE,
    apply_time_axis,
    check_result,
    count_of,
    fate_colour,
    figure_and_axes,
    format_duration,
    legend,
)
from lambdasim.plots.timeline_rows import Rows, age_limits, failed_deliveries, fate_text, select_events
from lambdasim.records import FATES

__all__ = ["timeline", "select_events", "LABEL_ROWS"]

#: Up to this many rows, every row gets its name, its fate text and its retry-delay labels.
LABEL_ROWS = 60
_EXECUTED = ("success", "error", "timeout", "running")
_FATE_MARKERS = {"succeeded": "o", "pending": ">"}
_BAR, _BAND = 0.62, 0.2
#: A duplicate delivery's bar: its height and how far below its row's centre it sits (rows are 1 apart).
_DUPLICATE, _DUPLICATE_OFFSET = 0.18, 0.40
_SHADE = (0.0, 0.0, 0.0, 0.4)  # darkens the start of a bar that was a cold start
#: Bars are drawn at least this fraction of the view wide.
MIN_WIDTH = 0.005


def _rects(spans: list, height: float, min_width: float) -> np.ndarray:
    """The corners of each span's bar, as one (n, 4, 2) array (PolyCollection's fast path: one
    shared path code table instead of a closed path built per bar)."""
    x0, x1, y = (np.array([span[i] for span in spans], dtype=float) for i in range(3))
    x1 = np.maximum(x1, x0 + min_width)
    low, high = y - height / 2, y + height / 2
    return np.stack([np.column_stack(corner) for corner in ((x0, low), (x0, high), (x1, high), (x1, low))],
                    axis=1)


def _row_points(n_rows: int, fig_height_in: float) -> float:
    """About how many points tall one row is."""
    return max(2.0, (fig_height_in - 1.9) * 72.0 / max(n_rows, 1))


def timeline(result: Any, events: Iterable | None = None, first: int | None = None,
             sample: int | None = None, fate: str | Iterable[str] | None = None, seed: int = 0,
             ax: Any = None, max_rows: int = 200) -> Any:
    """What happened to each event: one row per event, on the run's virtual time.

    Parameters
    ----------
    result
        A :class:`~lambdasim.Result`.
    events, first, sample, fate, seed
        Which events to show (see :func:`select_events`); all of them by default.
    ax
        An Axes to draw on (default: a new Figure).
    max_rows
        Above this many selected events, the aggregated view is drawn instead: how many events
        are in each state (queued, waiting to retry, running, succeeded, failed) over time. That
        view says so under its title, with how to get rows back: ``sample=100`` (a random 100,
        ``seed=``), ``first=100``, ``fate=...``, or a larger ``max_rows``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; its Axes is ``fig.axes[0]`` (or the ``ax`` given). Every mark kind is one
        artist whose ``gid`` names it: ``executions:<outcome>``, ``cold_starts``, ``queue_wait``,
        ``retry_waits``, ``throttles``, ``system_errors``, ``age_limits``, ``fate:<fate>``, ``duplicates``.
    """
    check_result(result)
    chosen = select_events(result, events, first, sample, fate, seed)
    if len(chosen) > max_rows:
        from lambdasim.plots.states_chart import states

        return states(result, chosen, ax=ax, max_rows=max_rows)
    n = len(chosen)
    fig, ax, owned = figure_and_axes(ax, 11.0, min(max(2.2 + 0.28 * n, 3.6), 13.0))
    view_end = float(result.stats.get("ended_at", np.nan))
    if n == 0:
        ax.text(0.5, 0.5, "no events to show", ha="center", va="center", transform=ax.transAxes)
        ax.set_yticks([])
        return fig
    resolved = chosen["resolved_at"].to_numpy(float)
    if not np.isfinite(view_end):
        view_end = float(np.nanmax(np.r_[resolved, chosen["enqueued_at"].to_numpy(float)]))
    rows = Rows(result, chosen, view_end)
    t0 = float(chosen["enqueued_at"].min())
    ends = [view_end if (~np.isfinite(resolved)).any() else float(np.nanmax(resolved))]
    ends += [x1 for spans in rows.bars.values() for _, x1, _ in spans] + [d[1] for d in rows.duplicates]
    t1 = max(max(ends), t0)
    span = max(t1 - t0, 1e-3)
    left, right = t0 - 0.02 * span, t1 + 0.03 * span
    min_width = MIN_WIDTH * span
    row_pt = _row_points(n, fig.get_figheight())
    handles: list = []

    def add(artist, gid: str, handle=None) -> None:
        artist.set_gid(gid)
        if handle is not None:
            handles.append(handle)

    if rows.waits:
        add(ax.add_collection(PolyCollection(_rects(rows.waits, _BAND, 0.0), facecolors=PALETTE["queued"],
                                             edgecolors="none", zorder=1)),
            "queue_wait", Patch(facecolor=PALETTE["queued"], label="waiting in the queue (incl. backoff)"))
    for outcome in _EXECUTED:
        spans = rows.bars.get(outcome)
        if spans:
            add(ax.add_collection(PolyCollection(_rects(spans, _BAR, min_width), facecolors=PALETTE[outcome],
                                                 edgecolors="white", linewidths=0.4, zorder=3)),
                f"executions:{outcome}",
                Patch(facecolor=PALETTE[outcome], label=f"execution: {OUTCOME_LABELS[outcome]}"))
    if rows.duplicates:
        # in the gap under the row's bars and drawn over the fate markers: a duplicate runs beside
        # the original execution, so at the row's centre it hid under the bar or the fate marker
        lane = [(x0, x1, y + _DUPLICATE_OFFSET, o) for x0, x1, y, o in rows.duplicates]
        coll = PolyCollection(_rects(lane, _DUPLICATE, min_width), zorder=8,
                              facecolors=[PALETTE[o] for *_, o in rows.duplicates], edgecolors="black",
                              linestyles="--", linewidths=0.6)
        add(ax.add_collection(coll), "duplicates",
            Patch(facecolor="white", edgecolor="black", linestyle="--", label="duplicate delivery"))
    if rows.cold:
        add(ax.add_collection(PolyCollection(_rects(rows.cold, _BAR, min_width), facecolors=_SHADE,
                                             edgecolors="#222222", hatch="////", linewidths=0.0, zorder=4)),
            "cold_starts", Patch(facecolor="#8C8C8C", edgecolor="#222222", hatch="////",
                                 label="cold start (init, darker)"))
    if rows.retries:
        segments = [((x0, y), (x1, y)) for x0, x1, y, _ in rows.retries]
        add(ax.add_collection(LineCollection(segments, colors=PALETTE["retry_wait"], linestyles=(0, (3, 2)),
                                             linewidths=1.2, zorder=2)), "retry_waits")
        heads = [(x1, y) for x0, x1, y, d in rows.retries if d is not None]
        if heads:
            ax.plot(*zip(*heads, strict=True), ls="", marker=">", ms=min(max(row_pt * 0.3, 2.5), 6),
                    color=PALETTE["retry_wait"], zorder=2, gid="retry_heads")
        delays = sorted({round(d) for *_, d in rows.retries if d is not None})
        shown = ", ".join(format_duration(d) for d in delays[:3]) + (", …" if len(delays) > 3 else "")
        handles.append(Line2D([], [], color=PALETTE["retry_wait"], ls=(0, (3, 2)), marker=">", ms=5,
                              label=f"waiting to retry ({shown})" if shown else "waiting to retry"))
        if n <= LABEL_ROWS:
            for x0, x1, y, delay in rows.retries:
                if delay is not None:
                    ax.text((x0 + x1) / 2, y - 0.2, format_duration(delay), ha="center", va="bottom",
                            fontsize=7, color=PALETTE["retry_wait"], zorder=5)
    # Dispatches that did not run: a mark per refusal, sized to the row (marker, size cap, legend size).
    for points, gid, marker, scale, cap, legend_ms, width, colour, label in (
        (rows.throttles, "throttles", "|", 0.55, 12, 8, 1.8, PALETTE["throttled"],
         "throttled dispatch (backs off)"),
        (rows.system_errors, "system_errors", "x", 0.45, 9, 7, 1.6, PALETTE["system_error"],
         "system error, 5xx (backs off)"),
    ):
        if points:
            xs, ys = zip(*points, strict=True)
            add(ax.plot(xs, ys, ls="", marker=marker, ms=min(max(row_pt * scale, 3), cap), mew=width,
                        color=colour, zorder=5)[0], gid,
                Line2D([], [], ls="", marker=marker, ms=legend_ms, mew=min(width, 1.6), color=colour,
                       label=label))
    limits = age_limits(result, chosen)
    inside = limits <= right
    if inside.any():
        add(ax.plot(limits[inside], np.flatnonzero(inside), ls="", marker="|",
                    ms=min(max(row_pt * 0.95, 4), 18), mew=2.2, color=PALETTE["limit"], zorder=6)[0],
            "age_limits",
            Line2D([], [], ls="", marker="|", ms=10, mew=2.2, color=PALETTE["limit"],
                   label="age limit (MaximumEventAgeInSeconds)"))
    fates = chosen["fate"].astype(str).to_numpy()
    fate_x = np.where(np.isfinite(resolved), resolved, view_end)
    for f in FATES:
        where = np.flatnonzero(fates == f)
        if where.size:
            marker = _FATE_MARKERS.get(f, "X")
            ms = min(max(row_pt * 0.55, 3.5), 10)
            add(ax.plot(fate_x[where], where, ls="", marker=marker, ms=ms, color=fate_colour(f),
                        mec="black", mew=0.6, zorder=7)[0], f"fate:{f}",
                Line2D([], [], ls="", marker=marker, ms=8, color=fate_colour(f), mec="black", mew=0.6,
                       label=f"fate: {FATE_LABELS[f]}"))
    _finish(ax, result, chosen, n, left, right, span)
    if n <= LABEL_ROWS:
        _fate_column(ax, result, chosen)
    if n <= LABEL_ROWS and failed_deliveries(result, chosen):
        handles.append(Line2D([], [], ls="", marker="$✗$", ms=7, color="black",
                              label="delivery to this target failed"))
    legend(ax, handles, owned)
    return fig


def _fate_column(ax: Any, result: Any, chosen: Any) -> None:
    """Where each event went, in a column to the right of the chart."""
    failed = failed_deliveries(result, chosen)
    transform = ax.get_yaxis_transform()  # x in axes fraction, y in data
    ax.text(1.01, -0.55, "fate → where it went", transform=transform, ha="left", va="bottom", fontsize=8,
            color="#555555", style="italic", clip_on=False, gid="fate_header")
    for y, event in enumerate(chosen.itertuples(index=False)):
        ax.text(1.01, y, fate_text(event, failed.get(event.event_id, set())), transform=transform,
                ha="left", va="center", fontsize=8, clip_on=False, gid="fate_text")


def _finish(ax: Any, result: Any, chosen: Any, n: int, left: float, right: float, span: float) -> None:
    """Axes limits, units, row names and title."""
    ax.set_xlim(left, right)
    ax.set_ylim(n - 0.5, -0.5)  # the first event on top
    apply_time_axis(ax.xaxis, span)
    functions = chosen["function"].astype(str)
    several = functions.nunique() > 1 or len(result.scenario.functions) > 1
    names = [f"#{i} {fn}" if several else f"#{i}" for i, fn in zip(chosen.index, functions, strict=True)]
    if n <= LABEL_ROWS:
        ax.yaxis.set_major_locator(FixedLocator(np.arange(n)))
        ax.set_yticklabels(names, fontsize=8 if n <= 30 else 6)
    else:
        ax.yaxis.set_major_locator(MaxNLocator(nbins=12, integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _p: names[int(y)] if 0 <= int(y) < n else ""))
    ax.set_ylabel("event (row in result.events" + (", function)" if several else ")"))
    ax.grid(axis="x", color="#E5E5E5", lw=0.6, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    total = len(result.events)
    if n == total:
        shown = "the 1 event" if total == 1 else f"all {count_of(total, 'event')}"
    else:
        shown = f"{n:,} of {count_of(total, 'event')}"
    # y given: the title sits where matplotlib's automatic placement puts it on this chart (nothing is
    # above the Axes), without that placement measuring the y axis's tick labels at every draw
    ax.set_title(f"What happened to each event ({shown})", loc="left", fontsize=11, y=1.0)
