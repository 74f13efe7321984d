"""The standard sweep chart: each measure's mean and confidence interval per configuration.

Drawn from the tidy frame :func:`lambdasim.results.sweeps.confidence` returns (one row per
configuration and measure): one panel per measure, the first override along the x axis (its values
as categories in grid order, ``None`` shown as "none"), one line per combination of the other
overrides, error bars from ``low`` to ``high``. The chart computes nothing; it draws the intervals.
:func:`export_sweep` writes a sweep's runs, its intervals and this chart into a folder (what
``python -m lambdasim sweep`` does).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lambdasim.plots.style import OKABE_ITO, new_figure

__all__ = ["sweep_chart", "export_sweep", "parquet_available", "SWEEP_MEASURES"]

#: The measures the standard chart shows, when the intervals have them.
SWEEP_MEASURES = ("succeeded", "expired", "throttles", "event_age_p99_s", "cost_usd")

#: Readable panel titles for the default measures.
_TITLES = {"succeeded": "events succeeded", "expired": "events expired (EventAgeExceeded)",
           "throttles": "throttles", "event_age_p99_s": "event age p99 (s)", "cost_usd": "cost (USD)",
           "lost": "events lost", "failed": "events failed"}

_LINES = [OKABE_ITO[c] for c in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple",
                                 "sky_blue", "black", "yellow")]


def _label(value: Any) -> str:
    return "none" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def sweep_chart(intervals: Any, measures: Sequence[str] | None = None, x: str | None = None,
                title: str | None = None) -> Any:
    """Means with confidence intervals per configuration, one panel per measure.

    Parameters
    ----------
    intervals
        What :func:`~lambdasim.results.sweeps.confidence` returns: the group columns, then
        ``metric``, ``n``, ``mean``, ``low``, ``high`` …
    measures
        The measures to draw (``metric`` values); by default those of :data:`SWEEP_MEASURES`
        present, else every measure.
    x
        The group column along the x axis; by default the first. The other group columns make
        one line each.
    title
        A title over the panels; by default the level and number of replications.

    Returns
    -------
    matplotlib.figure.Figure
    """
    columns = list(intervals.columns)
    if "metric" not in columns:
        raise ValueError(f"intervals: expected the frame confidence() returns (with a 'metric' column); "
                         f"got columns {columns}")
    groups = columns[:columns.index("metric")]
    available = list(dict.fromkeys(intervals["metric"]))
    if measures is None:
        measures = [m for m in SWEEP_MEASURES if m in available] or available
    unknown = [m for m in measures if m not in available]
    if unknown or not measures:
        raise ValueError(f"measures: {unknown or measures!r} not in the intervals; available: {available}")
    if x is None:
        x = groups[0] if groups else None
    elif x not in groups:
        raise ValueError(f"x: {x!r} is not a group column of the intervals; group columns: {groups}")
    others = [g for g in groups if g != x]
    xs = list(dict.fromkeys(_label(v) for v in intervals[x])) if x else ["all runs"]
    cols = 2 if len(measures) in (2, 4) else min(len(measures), 3)
    rows = -(-len(measures) // cols)
    fig = new_figure(4.2 * cols, 3.2 * rows + 0.6)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    handles = {}
    for ax, measure in zip(axes, measures, strict=False):
        part = intervals[intervals["metric"] == measure]
        keyed = part.assign(_line=[" · ".join(f"{o.split('.')[-1]}={_label(v)}" for o, v in zip(others, row,
                                                                                             strict=True))
                                   for row in part[others].itertuples(index=False)] if others else "")
        lines = list(keyed.groupby("_line", sort=False))
        for i, (line, rows_of_line) in enumerate(lines):
            dodge = (i - (len(lines) - 1) / 2) * 0.06  # side by side, so equal lines do not hide each other
            positions = [(xs.index(_label(v)) if x else 0) + dodge
                         for v in (rows_of_line[x] if x else range(len(rows_of_line)))]
            mean = rows_of_line["mean"].to_numpy(float)
            below = mean - rows_of_line["low"].to_numpy(float)
            above = rows_of_line["high"].to_numpy(float) - mean
            drawn = ax.errorbar(positions, mean, yerr=[below, above], color=_LINES[i % len(_LINES)],
                                marker="o", capsize=4, linewidth=1.4, label=line or None)
            handles.setdefault(line, drawn)
        if not part[["low", "high"]].abs().to_numpy().any():  # all zero: say so, not a ±0.05 axis
            ax.set_ylim(-0.05, 1)
            ax.text(0.5, 0.5, "0 in every run", transform=ax.transAxes, ha="center", va="center",
                    color="#555555", fontsize=9)
        ax.set_title(_TITLES.get(measure, measure), fontsize=10)
        ax.set_xticks(range(len(xs)), xs)
        ax.set_xlabel(x.split(".")[-1] if x else "")
        ax.grid(axis="y", alpha=0.3)
    for ax in axes[len(measures):]:
        ax.set_visible(False)
    n = sorted(set(int(v) for v in intervals["n"]))
    if title is None:
        runs = f"{n[0]}" if len(n) == 1 else f"{n[0]}–{n[-1]}"
        title = f"mean and confidence interval per configuration ({runs} replications each)"
    fig.suptitle(title, fontsize=11)
    labelled = {k: v for k, v in handles.items() if k}
    if labelled:  # one legend for the figure, not one per panel
        fig.legend(list(labelled.values()), list(labelled), loc="outside lower center",
                   ncols=min(len(labelled), 4), frameon=False, fontsize=9)
    return fig


def export_sweep(runs: Any, intervals: Any, folder: str | os.PathLike,
                 formats: Sequence[str] = ("png", "svg"), dpi: float = 150,
                 caption: str | None = None) -> list[Path]:
    """Write a sweep into ``folder`` (created if missing): ``runs.csv`` (one row per run),
    ``intervals.csv`` (:func:`confidence`'s tidy frame), the same two as Parquet when pyarrow is
    importable, and ``sweep.<format>`` (:func:`sweep_chart`). Returns the files written."""
    from lambdasim.plots.export import save_figure

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in (("runs", runs), ("intervals", intervals)):
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False)
        paths.append(path)
        if parquet_available():
            path = folder / f"{name}.parquet"
            frame.to_parquet(path, index=False)
            paths.append(path)
    fig = sweep_chart(intervals)
    for fmt in formats:
        paths.append(save_figure(fig, folder / f"sweep.{fmt}", dpi=dpi, caption=caption))
    return paths


def parquet_available() -> bool:
    """Whether pandas can write Parquet here (pyarrow importable; lambdasim does not depend on it)."""
    return importlib.util.find_spec("pyarrow") is not None
