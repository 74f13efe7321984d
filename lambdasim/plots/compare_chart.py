"""The same chart for two or more configurations, on shared axes, so differences are read off directly.

- ``outcomes``: one row of bars per configuration, stacked top to bottom on a shared count axis;
- ``event_age``: one CDF panel per configuration, side by side, sharing both axes; the age axis
  is logarithmic above 1 s (linear below, so age 0 shows), so a run whose events are seconds old
  reads beside one whose events are minutes old;
- ``concurrency``: one column per configuration (in flight, queue, throttles), every panel sharing
  the time axis and each row sharing its y axis, fitted once every column is drawn so that each
  panel's limit line is inside the range.

One legend serves the whole figure, under it (the curves' counts differ by panel, so they are left
out of it; each age limit and each concurrency limit is named on its line).

Colours are the one palette of :mod:`lambdasim.plots.style`, so a fate or an outcome looks the same
in every panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.patches import Patch

from lambdasim.model.errors import invalid_value
from lambdasim.plots.age_chart import _limits, draw_event_age, oldest_age
from lambdasim.plots.load_charts import draw_concurrency, fit_y
from lambdasim.plots.outcomes_chart import draw_outcomes, outcome_segments
from lambdasim.plots.style import apply_time_axis, check_result, legend, new_figure, nice_period

__all__ = ["compare", "KINDS"]

#: The views :func:`compare` can draw.
KINDS = ("outcomes", "event_age", "concurrency")


def compare(results: Sequence[Any], labels: Sequence[str] | None = None, kind: str = "outcomes",
            period_s: float | None = None) -> Any:
    """Draw the ``kind`` view of each result side by side on shared axes; returns the Figure.

    Parameters
    ----------
    results
        Two or more :class:`~lambdasim.Result` (one is allowed, for symmetry).
    labels
        A title per result (default ``run 1``, ``run 2``, …).
    kind
        ``"outcomes"``, ``"event_age"`` or ``"concurrency"``.
    period_s
        The throttle period of the ``concurrency`` view.
    """
    if not isinstance(results, (list, tuple)):
        raise invalid_value("results", results, "a list of lambdasim Results")
    results = list(results)
    if not results:
        raise ValueError("compare needs at least one result")
    for i, result in enumerate(results):
        check_result(result, f"results[{i}]")
    labels = [f"run {i + 1}" for i in range(len(results))] if labels is None else [str(x) for x in labels]
    if len(labels) != len(results):
        raise ValueError(f"labels: got {len(labels)} labels for {len(results)} results")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    return {"outcomes": _outcomes, "event_age": _event_age, "concurrency": _concurrency}[kind](
        results, labels, period_s)


def _outcomes(results: list, labels: list, _period: Any) -> Any:
    n = len(results)
    fig = new_figure(10.0, 1.4 + 2.6 * n)
    # y not shared: each panel's row labels carry its own counts, and a shared y axis shares its
    # tick labels too (panel A would show panel B's "invokes N")
    axes = np.atleast_1d(fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0])
    seen: dict[str, Patch] = {}
    widest = 0.0
    for ax, result, label in zip(axes, results, labels, strict=True):
        draw_outcomes(ax, result)
        widest = max(widest, ax.get_xlim()[1])
        ax.set_title(label, loc="left", fontsize=10)
        for segments in outcome_segments(result).values():
            for s in segments:
                patch = Patch(facecolor=s["colour"], edgecolor=s["edge"], hatch=s["hatch"], label=s["label"])
                seen.setdefault(s["label"], patch)
    axes[0].set_xlim(0, widest)
    for ax in axes[:-1]:
        ax.set_xlabel("")
    fig.suptitle("Where the events ended", x=0.01, ha="left", fontsize=11)
    legend(axes[-1], list(seen.values()), ncols=3)
    return fig


def _figure_legend(fig: Any, axes: Any, ncols: int) -> None:
    """One legend for the whole figure, under it: each label once, from every panel (a panel may
    draw a curve another does not), instead of the same legend repeated in each panel."""
    seen: dict[str, Any] = {}
    for ax in np.ravel(axes):
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(label, handle)
    if seen:
        fig.legend(list(seen.values()), list(seen), loc="outside lower center", ncols=min(ncols, len(seen)),
                   fontsize=8, frameon=False)


def _event_age(results: list, labels: list, _period: Any) -> Any:
    n = len(results)
    fig = new_figure(min(4.6 * n, 18.0), 5.4)
    axes = np.atleast_1d(fig.subplots(1, n, sharex=True, sharey=True, squeeze=False)[0])
    oldest = max(oldest_age(r) for r in results)
    limits = [limit for r in results for limit in _limits(r) if limit <= 3 * oldest]
    right = max([oldest * 1.05] + [limit * 1.03 for limit in limits])
    for ax, result, label in zip(axes, results, labels, strict=True):
        # log: one shared axis must show a run whose events are seconds old beside one whose are
        # an hour old (a linear axis squashed the short run against 0)
        draw_event_age(ax, result, right=right, log=True, counts=False, note_above=True)
        ax.set_title(label, loc="left", fontsize=10)
    for ax in axes[1:]:
        ax.set_ylabel("")
    fig.suptitle("Event age (CDF)", x=0.01, ha="left", fontsize=11)
    _figure_legend(fig, axes, ncols=4)
    return fig


def _concurrency(results: list, labels: list, period_s: float | None) -> Any:
    n = len(results)
    fig = new_figure(min(4.8 * n, 18.0), 7.2)
    grid = fig.subplots(3, n, sharex=True, sharey="row", squeeze=False, height_ratios=[2, 1.4, 1])
    end = max(float(r.stats.get("ended_at", 0.0)) for r in results) or 1.0
    period = float(period_s) if period_s else nice_period(end)  # one period, so the bars compare
    for column, result, label in zip(grid.T, results, labels, strict=True):
        draw_concurrency(column, result, period)
        column[0].set_title(label, loc="left", fontsize=10)
    for row in grid:
        fit_y(row)  # once every column is drawn: each panel's limit line inside the shared range
        for ax in row[1:]:
            ax.set_ylabel("")
    grid[0, 0].set_xlim(0, end)
    for ax in grid[-1]:
        apply_time_axis(ax.xaxis, end)
    fig.suptitle("Concurrency, queue and throttles", x=0.01, ha="left", fontsize=11)
    _figure_legend(fig, grid[0], ncols=3)
    return fig
