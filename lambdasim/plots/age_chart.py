"""How old events get: the distribution (CDF) of event age, with ``MaximumEventAgeInSeconds``.

Three curves (from :mod:`lambdasim.results.ages`), each the share of rows at or below an age:

- at each execution's dispatch (``attempts.event_age_s`` of ``invoke`` rows: what CloudWatch's
  ``AsyncEventAge`` reports), retries included;
- at each throttled dispatch (only when there were throttles);
- at resolution (``resolved_at - enqueued_at`` of every resolved event).

A vertical line marks each function's ``MaximumEventAgeInSeconds``; one far beyond the oldest
age (more than 3 times it) is named in a note at the right edge instead of squashing the curves.
Curves of more than 5,000 values are drawn through 2,001 quantiles.
"""

from __future__ import annotations

from typing import Any

from matplotlib.ticker import PercentFormatter

from lambdasim.model.rules import LATEST
from lambdasim.plots.style import (
    OKABE_ITO,
    PALETTE,
    apply_time_axis,
    check_result,
    figure_and_axes,
    format_duration,
    legend,
)
from lambdasim.results.ages import ecdf, event_ages

__all__ = ["event_age", "draw_event_age"]

_CURVES = {
    "dispatch": ("at each execution's dispatch", OKABE_ITO["sky_blue"], "-"),
    "throttle": ("at each throttled dispatch", PALETTE["throttled"], "-"),
    "resolution": ("at resolution (its fate)", OKABE_ITO["black"], "-"),
}


def _limits(result: Any) -> dict[float, list[str]]:
    """Each distinct MaximumEventAgeInSeconds the events were held to (from the records: a config
    changed during the run shows both limits) and the functions whose events it applied to."""
    events = result.events
    if not len(events):
        table = result.functions
        table = table[table["qualifier"].astype(str) == LATEST].groupby("function", observed=True).head(1)
        pairs = zip(table["max_event_age_s"], table["function"].astype(str), strict=True)
    else:
        pairs = zip(events["max_event_age_s"], events["function"].astype(str), strict=True)
    out: dict[float, list[str]] = {}
    for limit, name in dict.fromkeys(pairs):
        names = out.setdefault(float(limit), [])
        if name not in names:
            names.append(name)
    return out


def draw_event_age(ax: Any, result: Any, right: float | None = None) -> list:
    """Draw the CDFs on ``ax``; ``right`` fixes the x limit (shared axes). Returns legend handles."""
    samples = event_ages(result.attempts, result.events)
    oldest = max([float(v.max()) for v in samples.values() if v.size] + [1.0])
    for key, values in samples.items():
        if values.size:
            label, colour, style = _CURVES[key]
            x, y = ecdf(values)
            ax.plot(x, y, drawstyle="steps-post", color=colour, ls=style, lw=1.6, gid=f"age:{key}",
                    label=f"{label} (n={values.size:,})")
    right = right if right is not None else oldest * 1.05
    far = []
    for limit, names in sorted(_limits(result).items()):
        label = f"MaximumEventAgeInSeconds {format_duration(limit)} ({', '.join(names)})"
        if limit <= max(3 * oldest, right):
            ax.axvline(limit, color=PALETTE["limit"], ls="--", lw=1.3, gid="max_age", label=label)
            right = max(right, limit * 1.03)
        else:
            far.append(label)
    if far:
        ax.text(0.99, 0.04, "off the chart → " + "; ".join(far), transform=ax.transAxes, ha="right",
                va="bottom", fontsize=8, color="#444444")
    ax.set_xlim(0, right)
    apply_time_axis(ax.xaxis, right, label="event age")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("share at or below this age")
    ax.grid(color="#E5E5E5", lw=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not any(v.size for v in samples.values()):
        ax.text(0.5, 0.5, "no ages: nothing was dispatched or resolved", ha="center", transform=ax.transAxes)
    return ax.get_legend_handles_labels()[0]


def oldest_age(result: Any) -> float:
    """The largest age any curve of ``result`` reaches (s), at least 1."""
    ages = event_ages(result.attempts, result.events)
    return max([float(v.max()) for v in ages.values() if v.size] + [1.0])


def event_age(result: Any, ax: Any = None) -> Any:
    """CDF of the event age at each dispatch and at resolution, with the age limit; returns the Figure.

    Curves carry ``gid`` ``age:dispatch``, ``age:throttle``, ``age:resolution``; limit lines ``max_age``.
    """
    check_result(result)
    fig, ax, owned = figure_and_axes(ax, 9.0, 5.0)
    handles = draw_event_age(ax, result)
    ax.set_title("How old events were when they were dispatched and resolved", loc="left", fontsize=11)
    legend(ax, handles, below=owned, ncols=2)
    return fig
