"""Load over time: executions in flight against their limit, queue depth, throttles, CloudWatch-like
metrics, cost. The numbers come from :mod:`lambdasim.results.series` and the Result; this module draws.

``concurrency`` draws three panels on one time axis:

1. executions in flight (:func:`~lambdasim.results.series.in_flight`, an exact step function), with
   the limit that applies: the function's reserved concurrency, or the unreserved pool (account
   limit minus every reservation), each pool's line in its own style and named at its right end;
   a limit far above the peak is named in a note rather than squashing the chart;
2. the queue depth (:func:`~lambdasim.results.series.queue_depth`): events accepted and not yet
   resolved that are not executing (what the engine records as ``queue_depth_at_start``);
3. throttled dispatches per period (:func:`~lambdasim.results.series.throttles`).

Every panel's y axis starts at 0 and reaches 30 % above its highest line (limit lines included),
so notes at the top sit clear of the data; an empty panel reads 0…1.

A step series with more than 1,500 changes (too dense to read as a line) is drawn as its peak and
its time-weighted mean over about 200 periods (:func:`~lambdasim.results.series.binned`), so a
million events still draw in a moment and no peak is lost.

``cloudwatch`` draws chosen series of ``result.metrics(period_s)``; ``cost`` draws ``result.cost()``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from lambdasim.plots.style import (
    OKABE_ITO,
    PALETTE,
    apply_time_axis,
    check_result,
    count_of,
    legend,
    new_figure,
    nice_period,
)
from lambdasim.results import series
from lambdasim.results.metrics import ALL, METRICS

__all__ = ["concurrency", "draw_concurrency", "fit_y", "data_top", "cloudwatch", "cost", "FUNCTION_COLOURS",
           "LIMIT_STYLES"]


#: Colours of functions (when a chart has one line per function), in order.
FUNCTION_COLOURS = tuple(OKABE_ITO[c] for c in ("blue", "reddish_purple", "sky_blue", "black", "bluish_green",
                                                "vermillion", "orange", "yellow"))
#: Step series with more changes than this are drawn as peak and mean per period.
DENSE = 1500


def _steps(ax: Any, steps: dict, t_end: float, colours: dict, gid: str, label: str) -> float:
    """Draw step lines (one per function, named by ``label`` when alone); return the peak.

    A series with more than :data:`DENSE` changes would be a solid block of ink: it is drawn as
    its peak (line) and its time-weighted mean (filled) over about 200 periods instead.
    """
    peak = 0.0
    for name, (times, levels) in steps.items():
        if not times.size:
            continue
        what = label if len(steps) == 1 else name
        if times.size > DENSE:
            period = nice_period(t_end, 200)
            edges = np.arange(0.0, t_end + period, period)
            top, mean = series.binned(times, levels, edges)
            ax.stairs(mean, edges, fill=True, color=colours[name], alpha=0.3, lw=0, gid=f"{gid}:{name}:mean",
                      label=f"{what}: average per {period:g} s")
            ax.stairs(top, edges, color=colours[name], lw=1.2, gid=f"{gid}:{name}",
                      label=f"{what}: peak per {period:g} s")
        else:
            x, y = np.r_[0.0, times, t_end], np.r_[0, levels, levels[-1]]
            ax.plot(x, y, drawstyle="steps-post", color=colours[name], lw=1.3, gid=f"{gid}:{name}",
                    label=what)
        peak = max(peak, float(levels.max()))
    return peak


#: Line styles of the limit lines of one panel, in pool order: two pools (a reservation and the
#: unreserved pool) never share a style, and each line is also named at its right end.
LIMIT_STYLES = ("--", ":", "-.", (0, (6, 2, 1, 2, 1, 2)))
#: The y axes of the load panels reach this far above the highest line, so that a note at the top
#: and the limit lines' names sit clear of the data.
HEADROOM = 1.3


def _limits(ax: Any, result: Any, names: list[str], peak: float, t_end: float) -> None:
    """The concurrency limit of each pool over the run (from the records), or a note when it is far
    above the peak. Each drawn line has its own style and its name at its right end."""
    account = result.scenario.account.concurrent_executions  # not changed by any API call
    far = []
    drawn = 0
    for (pool, reserved), steps in series.pool_limits(result.functions, names).items():
        levels = steps.levels[steps.levels > 0]
        if not levels.size:
            continue
        values = ", ".join(f"{v:,}" for v in dict.fromkeys(levels.tolist()))
        label = (f"{pool}: reserved concurrency {values}" if reserved
                 else f"unreserved pool limit {values} (account {account:,})")
        if levels.min() <= max(3 * peak, 5):
            x = np.r_[steps.times, t_end]
            y = np.r_[steps.levels, steps.levels[-1]].astype(float)
            y[y == 0] = np.nan  # no line while the pool holds none of the charted functions
            style = LIMIT_STYLES[drawn % len(LIMIT_STYLES)]
            ax.plot(x, y, drawstyle="steps-post", color=PALETTE["limit"], ls=style, lw=1.3, label=label,
                    gid="limit")
            last = levels[-1]
            name = f"{pool} reserved {last:,}" if reserved else f"unreserved pool {last:,}"
            ax.annotate(name, (t_end, last), xytext=(-3, 2), textcoords="offset points", ha="right",
                        va="bottom", fontsize=7.5, color=PALETTE["limit"], gid="limit_label",
                        bbox={"facecolor": "white", "alpha": 0.8, "lw": 0, "pad": 0.5})
            drawn += 1
        else:
            far.append(label)
    if far:
        ax.text(0.99, 0.97, "above the chart: " + "; ".join(far), transform=ax.transAxes, ha="right",
                va="top", fontsize=8, color="#444444", gid="limit_note")


def data_top(ax: Any) -> float:
    """The highest value any line or step area of ``ax`` draws (0 when none)."""
    tops = [0.0]
    for line in ax.get_lines():
        y = np.asarray(line.get_ydata(), float)
        if np.isfinite(y).any():
            tops.append(float(np.nanmax(y)))
    for patch in ax.patches:
        if hasattr(patch, "get_data"):  # a StepPatch (stairs)
            values = np.asarray(patch.get_data().values, float)
            if values.size:
                tops.append(float(np.nanmax(values)))
    return max(tops)


def fit_y(axes: Any) -> None:
    """One y range for ``axes`` (a panel, or a row of panels sharing y): from 0 to :data:`HEADROOM`
    times the highest line of any of them (every limit line included), at least 0…1.

    Set once all of them are drawn: a shared axis fixed after the first panel would clip the
    others (a ``reserved 20`` line above a ``reserved 10`` panel's range never showed).
    """
    axes = list(np.atleast_1d(axes))
    top = max(data_top(ax) for ax in axes)
    for ax in axes:
        ax.set_ylim(0, max(top * HEADROOM, 1.0))


def draw_concurrency(axes: Any, result: Any, period_s: float | None = None) -> list:
    """Draw the three panels on ``axes`` (three Axes sharing x); return the legend handles."""
    top, middle, bottom = axes
    att, ev = result.attempts, result.events
    names = series.function_names(att, ev, known=result.scenario.functions)
    colours = {n: FUNCTION_COLOURS[i % len(FUNCTION_COLOURS)] for i, n in enumerate(names)}
    t_end = float(result.stats.get("ended_at", 0.0)) or 1.0
    peak = _steps(top, series.in_flight(att, names), t_end, colours, "in_flight", "executions in flight")
    _limits(top, result, names, peak, t_end)
    top.set_ylabel("executions\nin flight")
    _steps(middle, series.queue_depth(att, ev, names), t_end, colours, "queue_depth", "events waiting")
    middle.set_ylabel("events waiting\nin the queue")
    period = float(period_s) if period_s else nice_period(t_end)
    counts, edges = series.throttles(att, period, t_end)
    bottom.stairs(counts, edges, fill=True, color=PALETTE["throttled"], gid="throttles",
                  label=f"throttles per {period:g} s")
    if not counts.any():
        bottom.text(0.5, 0.5, "no throttles", transform=bottom.transAxes, ha="center", va="center",
                    fontsize=8, color="#777777", gid="no_throttles")
    bottom.set_ylabel(f"throttles\nper {period:g} s")
    bottom.set_xlim(0, t_end)
    apply_time_axis(bottom.xaxis, t_end)
    for ax in axes:
        fit_y(ax)  # from 0 (never -0.05…0.05 when empty), with room above the data for the notes
        ax.yaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
        ax.grid(axis="y", color="#E5E5E5", lw=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return top.get_legend_handles_labels()[0]


def concurrency(result: Any, period_s: float | None = None) -> Any:
    """Executions in flight against the limit, queue depth and throttles per period; returns the Figure.

    ``period_s`` is the throttle bars' period (default: a round period giving about 60 bars).
    Artists carry ``gid`` ``in_flight:<function>``, ``queue_depth:<function>``, ``limit`` and
    ``throttles``.
    """
    check_result(result)
    fig = new_figure(10.0, 6.4)
    axes = fig.subplots(3, 1, sharex=True, height_ratios=[2, 1.4, 1])
    handles = draw_concurrency(axes, result, period_s)
    axes[0].set_title("Concurrency, queue and throttles", loc="left", fontsize=11)
    legend(axes[-1], handles, ncols=3)
    return fig


def _metric_names(names: Any) -> list[tuple[str, str]]:
    """``"Throttles"``, ``"Duration:p99"`` or ``("Duration", "p99")`` → (metric, statistic) pairs."""
    if isinstance(names, str) or (isinstance(names, tuple) and tuple(names) in METRICS):
        names = [names]   # one name, or one (metric, statistic) pair; any other tuple lists names
    pairs = []
    for name in names:
        pair = isinstance(name, tuple) and all(isinstance(part, str) for part in name)
        text = name if isinstance(name, str) else ":".join(name) if pair else ""
        metric, _, stat = text.partition(":")
        known = [s for m, s in METRICS if m == metric]
        if not known or (stat and stat not in known):
            allowed = ", ".join(dict.fromkeys(f"{m}:{s}" for m, s in METRICS))
            raise ValueError(f"metric {name!r} is not one of {allowed}")
        pairs.append((metric, stat or known[0]))
    return pairs


def cloudwatch(result: Any, names: Any = ("Invocations", "Errors", "Throttles"), period_s: float = 60) -> Any:
    """CloudWatch-like metrics from ``result.metrics(period_s)``, one panel per name, one line per function.

    ``names`` are metric names (their first statistic, e.g. ``Duration`` → Average) or
    ``"Metric:Statistic"`` (``"Duration:p99"``). With several functions the ``(all)`` total is
    drawn too, dashed. Each line is an artist with ``gid`` ``metric:<Metric>:<Statistic>:<function>``.
    """
    check_result(result)
    pairs = _metric_names(names)
    frame = result.metrics(period_s)
    fig = new_figure(10.0, 1.2 + 1.8 * len(pairs))
    axes = np.atleast_1d(fig.subplots(len(pairs), 1, sharex=True, squeeze=False)[:, 0])
    functions = [str(f) for f in frame["function"].cat.categories if str(f) != ALL] if len(frame) else []
    shown = functions + [ALL] if len(functions) > 1 else functions
    colours = {n: FUNCTION_COLOURS[i % len(FUNCTION_COLOURS)] for i, n in enumerate(functions)}
    colours[ALL] = "black"
    end = float(frame["period_start"].max()) + period_s if len(frame) else period_s
    edges = np.arange(0.0, end + period_s / 2, period_s)
    for ax, (metric, stat) in zip(axes, pairs, strict=True):
        table = series.metric_table(frame, metric, stat, period_s, shown, edges.size - 1)
        for name in shown:
            ax.stairs(table[name].to_numpy(), edges, baseline=None, color=colours[name], lw=1.4,
                      ls="--" if name == ALL else "-", label=name, gid=f"metric:{metric}:{stat}:{name}")
        unit = " (ms)" if metric in ("Duration", "AsyncEventAge") else ""
        ax.set_ylabel(f"{metric}\n{stat}{unit}", fontsize=9)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", color="#E5E5E5", lw=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[-1].set_xlim(0, end)
    apply_time_axis(axes[-1].xaxis, end)
    axes[0].set_title(f"CloudWatch-like metrics per {period_s:g} s", loc="left", fontsize=11)
    if len(shown) > 1:
        legend(axes[-1], axes[0].get_legend_handles_labels()[0], ncols=len(shown))
    return fig


def _money(usd: float) -> str:
    return f"${usd:,.2f}" if usd >= 0.01 or usd == 0 else f"${usd:.3g}"


def cost(result: Any, free_tier: bool = False) -> Any:
    """What the run would cost per function: request charges, on-demand duration charges and
    provisioned-concurrency charges (configured time and duration on its environments), stacked.

    Bars carry ``gid`` ``cost:requests:<function>``, ``cost:duration:<function>`` and
    ``cost:provisioned:<function>``.
    """
    check_result(result)
    table = result.cost(free_tier=free_tier)
    if (table["function"] != ALL).sum() == 1:
        table = table[table["function"] != ALL]
    fig = new_figure(9.0, 1.8 + 0.55 * len(table))
    ax = fig.add_subplot()
    y = np.arange(len(table))
    names = table["function"].astype(str).tolist()
    requests, duration = table["request_cost"].to_numpy(float), table["duration_cost"].to_numpy(float)
    provisioned = (table["provisioned_duration_cost"].to_numpy(float)
                   + table["provisioned_concurrency_cost"].to_numpy(float))
    for i, name in enumerate(names):
        ax.barh(i, requests[i], color=PALETTE["requests"], height=0.6, gid=f"cost:requests:{name}")
        ax.barh(i, duration[i], left=requests[i], color=PALETTE["duration"], height=0.6,
                gid=f"cost:duration:{name}")
        ax.barh(i, provisioned[i], left=requests[i] + duration[i], color=PALETTE["provisioned"], height=0.6,
                gid=f"cost:provisioned:{name}")
    ends = requests + duration + provisioned
    top = float(ends.max()) if len(table) else 0.0
    for i, row in enumerate(table.itertuples(index=False)):
        ax.text(ends[i] + top * 0.01, i,
                f"{_money(row.total_cost)}  ({count_of(row.requests, 'request')}, "
                f"{row.gb_seconds + row.provisioned_gb_seconds:,.1f} GB-s executed)",
                va="center", fontsize=8)
    ax.set_yticks(y, names)
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xlim(0, max(top, 1e-9) * 1.6)
    ax.set_xlabel("USD (us-east-1 prices" + (", free tier deducted)" if free_tier else ")"))
    ax.set_title("What the run would cost", loc="left", fontsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [Patch(color=PALETTE["requests"], label="requests"),
               Patch(color=PALETTE["duration"], label="duration (GB-seconds)")]
    if provisioned.any():
        handles.append(Patch(color=PALETTE["provisioned"], label="provisioned concurrency"))
    legend(ax, handles, ncols=len(handles))
    return fig
