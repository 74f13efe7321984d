"""The house style of every chart: one colour-blind-safe palette, labels, time units, figures.

Colours come from the Okabe–Ito palette (Okabe & Ito, 2008), which stays distinguishable under the
common forms of colour blindness. One mapping serves every chart, so an outcome or a fate has the
same colour in the timeline, the outcomes bars and the comparisons:

- green: a success (an execution that succeeded, an event that succeeded);
- vermillion: a function error, an event whose retries ran out, a failed state;
- reddish purple: a timeout (and, as an ``x`` mark, a Lambda system error); orange: a throttle;
  blue: an expiry (``EventAgeExceeded``);
- sky blue: an execution still running; grey: pending or waiting; yellow: reserved concurrency 0;
  black: a recursion stop, limits and lost events.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import offset_copy

from lambdasim.model.errors import invalid_value
from lambdasim.plots.chart_figure import ChartFigure

__all__ = [
    "OKABE_ITO", "PALETTE", "FATE_LABELS", "OUTCOME_LABELS", "fate_colour", "new_figure", "target_name",
    "time_unit", "format_duration", "apply_time_axis", "nice_period", "scaled_time", "legend", "finite",
    "check_result", "count_of",
]

#: The eight Okabe–Ito colours (plus a neutral grey).
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
_C = OKABE_ITO

#: The one mapping of outcomes, fates, states and marks to colours used by every chart.
PALETTE = {
    # attempts.outcome
    "success": _C["bluish_green"], "error": _C["vermillion"], "timeout": _C["reddish_purple"],
    "throttled": _C["orange"], "expired": _C["blue"], "running": _C["sky_blue"],
    "system_error": _C["reddish_purple"],
    # events.fate
    "succeeded": _C["bluish_green"], "retries_exhausted": _C["vermillion"],
    "event_age_exceeded": _C["blue"], "zero_reserved_concurrency": _C["yellow"],
    "recursion_stopped": _C["black"], "pending": _C["grey"],
    # states over time, marks and channels
    "queued": "#C8C8C8", "retry_wait": "#555555", "failed": _C["vermillion"], "limit": _C["black"],
    "lost": _C["black"], "rejected": "#7F7F7F", "no_destination": "#B8DDD0",
    "on_success": _C["bluish_green"], "on_failure": _C["vermillion"], "dlq": _C["reddish_purple"],
    "requests": _C["blue"], "duration": _C["sky_blue"], "provisioned": _C["orange"],
}

#: How a fate reads on a chart.
FATE_LABELS = {
    "succeeded": "succeeded", "retries_exhausted": "retries exhausted", "event_age_exceeded": "age exceeded",
    "zero_reserved_concurrency": "reserved concurrency 0", "recursion_stopped": "loop stopped",
    "pending": "pending",
}
#: How an execution outcome reads on a chart.
OUTCOME_LABELS = {"success": "success", "error": "function error", "timeout": "timeout",
                  "running": "still running"}


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun agreeing: ``1 event``, ``3 events``, ``1,000 events``."""
    n = int(n)
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


def fate_colour(fate: str) -> str:
    """The colour of a fate (grey for anything unknown)."""
    return PALETTE.get(str(fate), _C["grey"])


def new_figure(width: float, height: float) -> Figure:
    """A Figure outside pyplot (nothing global to close; a notebook shows it once when returned,
    :class:`~lambdasim.plots.chart_figure.ChartFigure`)."""
    return ChartFigure(figsize=(width, height), layout="constrained")


def target_name(arn: str) -> str:
    """The short name of a target ARN: ``arn:aws:sqs:…:orders-failed`` → ``orders-failed``."""
    arn = str(arn)
    return arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1] or arn


# -- time ----------------------------------------------------------------------------------------

#: Spans up to these many seconds are shown in s, then min; longer spans in h.
SECONDS_UP_TO = 300.0
MINUTES_UP_TO = 5 * 3600.0
_UNITS = {"s": 1.0, "min": 60.0, "h": 3600.0}


def time_unit(span_s: float) -> tuple[str, float]:
    """The unit to show a span in, with its length in s: ``("s", 1)``, ``("min", 60)``, ``("h", 3600)``."""
    span_s = abs(float(span_s)) if span_s is not None and math.isfinite(span_s) else 0.0
    if span_s <= SECONDS_UP_TO:
        return "s", 1.0
    if span_s <= MINUTES_UP_TO:
        return "min", 60.0
    return "h", 3600.0


def format_duration(seconds: float) -> str:
    """A short readable duration: ``250 ms``, ``60 s``, ``300 s``, ``12.5 min``, ``6 h``."""
    s = float(seconds)
    if not math.isfinite(s):
        return "∞"
    if abs(s) < 1:
        return f"{s * 1000:.3g} ms"
    if abs(s) < 600:
        return f"{s:.3g} s"
    if abs(s) < 2 * 3600:
        return f"{s / 60:.3g} min"
    return f"{s / 3600:.3g} h"


class _ScaledLocator(MaxNLocator):
    """Nice ticks in the display unit (whole minutes, hours) for an axis kept in seconds."""

    def __init__(self, factor: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.factor = factor

    def tick_values(self, vmin: float, vmax: float) -> np.ndarray:
        return super().tick_values(vmin / self.factor, vmax / self.factor) * self.factor


def apply_time_axis(axis, span_s: float, label: str = "virtual time") -> str:
    """Show an axis holding seconds in the unit its span calls for; return the unit (``s`` | ``min`` | ``h``).

    The data stay in seconds (so markers, limits and shared axes agree); only the ticks and the
    label change: ``virtual time (min)``.
    """
    unit, factor = time_unit(span_s)
    axis.set_major_locator(_ScaledLocator(factor, nbins="auto", steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x / factor:g}"))
    axis.set_label_text(f"{label} ({unit})")
    return unit


def scaled_time(seconds: float, unit: str) -> float:
    """``seconds`` expressed in ``unit``."""
    return float(seconds) / _UNITS[unit]


_NICE_PERIODS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


def nice_period(span_s: float, periods: int = 60) -> float:
    """A round period (1 s … 1 day) giving about ``periods`` bars over ``span_s``."""
    target = max(float(span_s), 1.0) / periods
    for p in _NICE_PERIODS:
        if p >= target:
            return float(p)
    return float(_NICE_PERIODS[-1])


def finite(values: Iterable[float]) -> np.ndarray:
    """The finite values of ``values`` as a float array."""
    a = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float)
    return a[np.isfinite(a)]


def figure_and_axes(ax: Any, width: float, height: float) -> tuple[Figure, Any, bool]:
    """The Axes to draw on: ``ax`` and its Figure, or a new Figure of that size with one Axes.

    The flag says whether the chart owns its Figure (and so may place the legend below it).
    """
    if ax is not None:
        return ax.figure, ax, False
    fig = new_figure(width, height)
    return fig, fig.add_subplot(), True


def legend(ax, handles: list, below: bool = True, ncols: int = 4) -> None:
    """The legend of a chart, outside the data: centred under ``ax`` (below its axis labels).

    The legend belongs to the Axes (not the Figure), so layouts and tight exports keep it in place.
    With ``below`` false it goes inside ``ax`` where it covers the least.
    """
    if not handles:
        return
    if not below:
        ax.legend(handles=handles, loc="best", fontsize=8, framealpha=0.9)
        return
    gap = 44 if ax.get_xlabel() else 22  # points: the tick labels and the axis label
    anchor = offset_copy(ax.transAxes, fig=ax.figure, y=-gap, units="points")
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=anchor,
              ncols=min(ncols, len(handles)), fontsize=8, frameon=False)


def check_result(result: Any, field: str = "result") -> None:
    """Charts draw a run's records: anything without them is refused by name, before drawing
    (not an AttributeError from deep inside a chart)."""
    if not all(hasattr(result, table) for table in ("attempts", "events", "scenario")):
        raise invalid_value(field, result, "a lambdasim Result (ls.run(scenario) or sim.result())")
