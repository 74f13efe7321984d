"""Exporting a run: its charts and record tables written to a folder, each chart with a caption.

Two verbs, one meaning each:

- ``save_figure(fig, "timeline.png")`` writes *one* chart to *one* file (PNG, SVG or PDF, picked
  from the extension), optionally with a caption under it;
- ``export_run(result, folder)`` exports a *run*: its standard chart set (or the figures given)
  in each format, every one captioned with ``caption_for(result)``, and its record tables as CSV.
  This is what the explorer's Export button and ``python -m lambdasim run --export`` do.

``caption_for(result)`` summarises a run's configuration in one line (each function's retries,
maximum event age, reserved concurrency and timeout; the account limit, dispatch policy and seed),
so an image never loses its context.

Files are reproducible: SVG and PDF carry no creation date and SVG ids are seeded (a clip path's
named by what the file draws, :mod:`lambdasim.plots.svg_ids`), so the same run exported twice gives
the same bytes (useful for images committed beside documentation). The same *figure* saved twice
does too: an export puts back every position its layout passes moved
(:mod:`lambdasim.plots.layout_state`), so the next one starts where the first did.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from lambdasim.model.rules import LATEST
from lambdasim.plots.age_chart import event_age
from lambdasim.plots.layout_state import layout_kept
from lambdasim.plots.load_charts import concurrency
from lambdasim.plots.outcomes_chart import outcomes
from lambdasim.plots.png_canvas import save_tight_png
from lambdasim.plots.style import check_result, count_of, format_duration
from lambdasim.plots.svg_ids import stable_clip_ids
from lambdasim.plots.timeline_chart import timeline

__all__ = ["FORMATS", "CHARTS", "TABLES", "save_figure", "caption_for", "export_run"]

#: File extensions :func:`save_figure` writes.
FORMATS = ("png", "svg", "pdf")
#: The standard chart set of :func:`export_run`, by file stem.
CHARTS = {"timeline": timeline, "outcomes": outcomes, "event_age": event_age, "concurrency": concurrency}
#: The record tables :func:`export_run` writes, as ``<name>.csv``.
TABLES = ("attempts", "events", "deliveries", "rejected")
#: Where a caption starts (fraction of the figure's width) and its font size in points.
_CAPTION_X, _CAPTION_POINTS = 0.01, 8
_PAD_INCHES = 0.15  # white margin around the tight box
_SVG_SALT = "lambdasim"  # svg.hashsalt: SVG ids from the content, not random
_METADATA = {"png": {"Software": "lambdasim (matplotlib)"}, "svg": {"Date": None},
             "pdf": {"CreationDate": None, "Creator": "lambdasim (matplotlib)"}}


def save_figure(fig: Any, path: str | os.PathLike, dpi: float = 150, caption: str | None = None) -> Path:
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
        raise ValueError(f"cannot save a figure to {path.name!r}: extension {given!r} is not one of "
                         f"{allowed}")
    if not isinstance(fig, Figure):
        fig = getattr(fig, "figure", None)
        if not isinstance(fig, Figure):
            raise TypeError("save_figure needs a matplotlib Figure or Axes")
    if not dpi or dpi <= 0:
        raise ValueError(f"dpi must be > 0; got {dpi!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = None
    if caption:
        text = fig.text(_CAPTION_X, 0.0, caption, ha="left", va="top", fontsize=_CAPTION_POINTS,
                        color="#333333", wrap=_needs_wrapping(caption, fig, dpi))
    try:
        if ext == "png":  # savefig's tight PNG, laid out once and encoded faster (same pixels)
            save_tight_png(fig, path, dpi, pad_inches=_PAD_INCHES, facecolor="white", metadata=_METADATA[ext])
        else:  # savefig lays the figure out twice (measuring, then drawing): put back where it was
            buffer = io.BytesIO()
            with matplotlib.rc_context({"svg.hashsalt": _SVG_SALT}), layout_kept(fig):
                fig.savefig(buffer, format=ext, dpi=dpi, bbox_inches="tight", pad_inches=_PAD_INCHES,
                            metadata=_METADATA[ext], facecolor="white")
            data = buffer.getvalue()
            if ext == "svg":
                data = stable_clip_ids(data.decode("utf-8"), _SVG_SALT).encode("utf-8")
            path.write_bytes(data)
    finally:
        if text is not None:
            text.remove()
    return path


def _needs_wrapping(caption: str, fig: Figure, dpi: float) -> bool:
    """Whether the caption may be wider than the room right of where it starts (then matplotlib
    wraps it, re-measuring it word by word at every draw: a tenth of a timeline's export).

    A caption that fits with a margin is drawn unwrapped, identically and without that cost. It
    fits in the tight-bbox render too: the tight box holds the whole caption, so the room there is
    at least as wide as the caption.
    """
    if "$" in caption:  # mathtext: leave the measuring to matplotlib
        return True
    renderer = RendererAgg(1, 1, dpi)  # measures text only; the size of its canvas is irrelevant
    font = FontProperties(size=_CAPTION_POINTS)
    widest = max(renderer.get_text_width_height_descent(line, font, ismath=False)[0]
                 for line in caption.split("\n"))
    room = (1 - _CAPTION_X) * fig.get_figwidth() * dpi
    return widest > 0.95 * room


def caption_for(result: Any) -> str:
    """One line describing the run's configuration, from its records, e.g.

    ``orders: retries 2, max age 60 s, reserved concurrency 1, timeout 60 s · account limit 1,000 ·
    dispatch aws · seed 1 · 10 events accepted``

    Each function is described by its ``$LATEST`` settings as the run began (or when the function
    was created); settings changed through the client during the run are flagged with their times.
    """
    check_result(result)
    scenario = result.scenario
    table = result.functions
    table = table[table["qualifier"].astype(str) == LATEST]
    parts = []
    for name, rows in table.groupby("function", observed=True, sort=False):
        first = rows.iloc[0]
        reserved = ("unreserved" if math.isnan(first["reserved_concurrency"])
                    else f"reserved concurrency {int(first['reserved_concurrency']):,}")
        text = (f"{name}: retries {int(first['max_retry_attempts'])}, max age "
                f"{format_duration(float(first['max_event_age_s']))}, {reserved}, "
                f"timeout {float(first['timeout_s']):g} s")
        if first["at"] > 0:
            text += f" (created at {format_duration(float(first['at']))})"
        if len(rows) > 1:
            times = dict.fromkeys(float(t) for t in rows["at"].iloc[1:])
            text += ", changed at " + ", ".join(format_duration(t) for t in times)
        parts.append(text)
    parts.append(f"account limit {scenario.account.concurrent_executions:,}")
    parts.append(f"dispatch {scenario.dispatch}")
    parts.append(f"seed {scenario.seed}")
    if scenario.horizon_s is not None:
        parts.append(f"horizon {format_duration(scenario.horizon_s)}")
    parts.append(f"{count_of(result.stats.get('accepted', len(result.events)), 'event')} accepted")
    return " · ".join(parts)


def export_run(result: Any, folder: str | os.PathLike, dpi: float = 150,
               formats: Sequence[str] = ("png", "svg"), figures: Mapping[str, Any] | None = None,
               tables: Sequence[str] = TABLES) -> list[Path]:
    """Write a run's charts and record tables into ``folder`` (created if missing).

    Parameters
    ----------
    result
        The :class:`~lambdasim.Result` to export.
    folder
        Where to write.
    dpi, formats
        Each chart is written once per format (``png``, ``svg``, ``pdf``) by :func:`save_figure`,
        with :func:`caption_for` under it.
    figures
        ``{file stem: Figure}`` already drawn (e.g. the explorer's); by default the standard set
        :data:`CHARTS` is drawn: ``timeline`` (the aggregated view above 200 events),
        ``outcomes``, ``event_age`` and ``concurrency``.
    tables
        The record tables to write as ``<name>.csv``: by default :data:`TABLES` (``deliveries``
        carries each JSON body).

    Returns
    -------
    list of pathlib.Path
        The files written, charts first.
    """
    check_result(result)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    caption = caption_for(result)
    drawn = (figures.items() if figures is not None  # else drawn one at a time, as they are written
             else ((stem, draw(result)) for stem, draw in CHARTS.items()))
    paths = []
    for stem, fig in drawn:
        paths += [save_figure(fig, folder / f"{stem}.{ext}", dpi=dpi, caption=caption) for ext in formats]
    for name in tables:
        path = folder / f"{name}.csv"
        getattr(result, name).to_csv(path, index=False)
        paths.append(path)
    return paths
