"""Writing charts to files: PNG, SVG or PDF with a caption that says what was simulated.

``export(fig, "timeline.png")`` picks the format from the extension; ``caption_for(result)``
summarises a run's configuration in one line (each function's retries, maximum event age,
reserved concurrency and timeout; the account limit, dispatch policy and seed), to put under a
chart so an image never loses its context. ``export_result(result, folder)`` writes the standard
chart set and the record tables.

Files are reproducible: SVG and PDF carry no creation date and SVG ids are seeded, so the same
run exported twice gives the same bytes (useful for images committed beside documentation).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from lambdasim.plots.ages import event_age
from lambdasim.plots.load import concurrency
from lambdasim.plots.outcomes import outcomes
from lambdasim.plots.style import format_duration
from lambdasim.plots.timeline import timeline

__all__ = ["FORMATS", "CHARTS", "export", "caption_for", "export_result"]

#: File extensions :func:`export` writes.
FORMATS = ("png", "svg", "pdf")
#: The standard chart set of :func:`export_result`, by file stem.
CHARTS = {"timeline": timeline, "outcomes": outcomes, "event_age": event_age, "concurrency": concurrency}
_METADATA = {"png": {"Software": "lambdasim (matplotlib)"}, "svg": {"Date": None},
             "pdf": {"CreationDate": None, "Creator": "lambdasim (matplotlib)"}}


def export(fig: Any, path: str | os.PathLike, dpi: float = 150, caption: str | None = None) -> Path:
    """Write ``fig`` (a Figure, or an Axes of one) to ``path``; the extension picks the format.

    Parameters
    ----------
    fig
        The chart.
    path
        Where to write: ``.png`` (raster, at ``dpi``), ``.svg`` or ``.pdf`` (vector). Missing
        folders are created.
    dpi
        Dots per inch of a PNG (and of any raster parts of a PDF or SVG).
    caption
        Text written under the chart (wrapped to its width), e.g. :func:`caption_for`. The figure
        itself is left unchanged.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    if ext not in FORMATS:
        allowed = ", ".join(f".{f}" for f in FORMATS)
        given = path.suffix or "(none)"
        raise ValueError(f"cannot export to {path.name!r}: extension {given!r} is not one of {allowed}")
    if not isinstance(fig, Figure):
        fig = getattr(fig, "figure", None)
        if not isinstance(fig, Figure):
            raise TypeError("export needs a matplotlib Figure or Axes")
    if not dpi or dpi <= 0:
        raise ValueError(f"dpi must be > 0; got {dpi!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = None
    if caption:
        text = fig.text(0.01, 0.0, caption, ha="left", va="top", fontsize=8, color="#333333", wrap=True)
    try:
        with matplotlib.rc_context({"svg.hashsalt": "lambdasim"}):
            fig.savefig(path, format=ext, dpi=dpi, bbox_inches="tight", pad_inches=0.15,
                        metadata=_METADATA[ext], facecolor="white")
    finally:
        if text is not None:
            text.remove()
    return path


def caption_for(result: Any) -> str:
    """One line describing the run's configuration, e.g.

    ``orders: retries 2, max age 60 s, reserved concurrency 1, timeout 60 s · account limit 1,000 ·
    dispatch aws · seed 1 · 10 events accepted``
    """
    scenario = result.scenario
    parts = []
    for name, f in scenario.functions.items():
        eic = f.event_invoke_config
        reserved = ("unreserved" if f.reserved_concurrency is None
                    else f"reserved concurrency {f.reserved_concurrency:,}")
        parts.append(f"{name}: retries {eic.maximum_retry_attempts}, max age "
                     f"{format_duration(eic.maximum_event_age_s)}, {reserved}, timeout {f.timeout_s} s")
    parts.append(f"account limit {scenario.account.concurrent_executions:,}")
    parts.append(f"dispatch {scenario.dispatch}")
    parts.append(f"seed {scenario.seed}")
    if scenario.horizon_s is not None:
        parts.append(f"horizon {format_duration(scenario.horizon_s)}")
    parts.append(f"{result.stats.get('accepted', len(result.events)):,} events accepted")
    return " · ".join(parts)


def export_result(result: Any, folder: str | os.PathLike, dpi: float = 150,
                  formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write the standard charts and the record tables of a run into ``folder``.

    Charts: ``timeline``, ``outcomes``, ``event_age`` and ``concurrency``, each in every one of
    ``formats`` with :func:`caption_for` under it (the timeline shows the aggregated view above
    200 events). Tables: ``attempts.csv``, ``events.csv``, ``deliveries.csv`` (with each JSON
    body) and ``rejected.csv``. Returns the paths written, charts first.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    caption = caption_for(result)
    paths = []
    for stem, draw in CHARTS.items():
        fig = draw(result)
        paths += [export(fig, folder / f"{stem}.{ext}", dpi=dpi, caption=caption) for ext in formats]
    for name in ("attempts", "events", "deliveries", "rejected"):
        path = folder / f"{name}.csv"
        getattr(result, name).to_csv(path, index=False)
        paths.append(path)
    return paths
