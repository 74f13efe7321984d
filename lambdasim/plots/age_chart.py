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

from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator, PercentFormatter

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


def draw_event_age(ax: Any, result: Any, right: float | None = None, log: bool = False,
                   counts: bool = True, note_above: bool = False) -> list:
    """Draw the CDFs on ``ax``; ``right`` fixes the x limit (shared axes). Returns legend handles.

    ``log`` draws the age axis on a symmetric log scale, linear from 0 to :data:`LINEAR_UP_TO`
    (ages of 0 stay on the chart) and logarithmic beyond, so a run whose events are seconds old
    reads beside one whose events are minutes old. ``counts`` puts each curve's ``n`` in its
    label (a legend shared by several panels goes without: the counts differ by panel). Each
    age limit line is named by its value beside it (``gid`` ``max_age_label``). A limit far
    beyond the ages is named in a note (``gid`` ``far_limit_note``): at the bottom right, where a
    linear CDF leaves room, or with ``note_above`` above the panel at the right (on a log axis a
    curve can start anywhere along the bottom).
    """
    samples = event_ages(result.attempts, result.events)
    oldest = max([float(v.max()) for v in samples.values() if v.size] + [1.0])
    for key, values in samples.items():
        if values.size:
            label, colour, style = _CURVES[key]
            x, y = ecdf(values)
            ax.plot(x, y, drawstyle="steps-post", color=colour, ls=style, lw=1.6, gid=f"age:{key}",
                    label=f"{label} (n={values.size:,})" if counts else label)
    right = right if right is not None else oldest * 1.05
    far = []
    for limit, names in sorted(_limits(result).items()):
        label = f"MaximumEventAgeInSeconds {format_duration(limit)} ({', '.join(names)})"
        short = f"age limit {format_duration(limit)} ({', '.join(names)})"  # a panel is narrower
        if limit <= max(3 * oldest, right):
            ax.axvline(limit, color=PALETTE["limit"], ls="--", lw=1.3, gid="max_age",
                       label=label if counts else "MaximumEventAgeInSeconds")
            # left of the line, a third of the way up: the curves are near 100 % at the limit and
            # the far-limit note holds the bottom right
            ax.annotate(format_duration(limit), (limit, 0.35), xytext=(-3, 0), textcoords="offset points",
                        ha="right", va="center", rotation=90, fontsize=7.5, color=PALETTE["limit"],
                        gid="max_age_label", xycoords=("data", "axes fraction"))
            right = max(right, limit * 1.03)
        else:
            far.append(short if note_above else label)
    if far:
        x, y = (1.0, 1.01) if note_above else (0.99, 0.04)
        ax.text(x, y, "off the chart → " + "; ".join(far), transform=ax.transAxes, ha="right", va="bottom",
                fontsize=8, color="#444444", gid="far_limit_note")
    ax.set_xlim(0, right)
    if log:
        _log_age_axis(ax, right)
    else:
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


#: On a log age axis, ages up to this many seconds are drawn on a linear scale (0 has a place).
LINEAR_UP_TO = 1.0
_LOG_TICKS = (0.0, 1.0, 10.0, 60.0, 600.0, 3600.0, 6 * 3600.0, 86400.0)


def _log_age_axis(ax: Any, right: float) -> None:
    """A symmetric log age axis with ticks at round durations (0, 1 s, 10 s, 1 min, 10 min, 1 h, …)."""
    ax.set_xscale("symlog", linthresh=LINEAR_UP_TO, linscale=0.4)
    ax.set_xlim(0, right)
    ticks = [t for t in _LOG_TICKS if t <= right]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: "0" if x == 0 else format_duration(x)))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel(f"event age (log scale above {format_duration(LINEAR_UP_TO)})")


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
