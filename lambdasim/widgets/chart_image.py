"""A figure as a trimmed PNG, drawn once: what ``savefig(bbox_inches="tight")`` gives, at half the work.

``savefig(..., bbox_inches="tight")`` draws a figure twice: once (with nothing painted) to find the
tight bounding box of everything on it, then again, moved and resized to that box. The explorer
redraws its chart on every slider move, so it draws once instead, on a canvas of the figure's own
size, takes the same tight box (padded by ``savefig.pad_inches``) from the drawn figure and cuts
it out of the pixels; where the padded box reaches past the figure's edge the margin is filled
with the figure's face colour, as the tight save fills it. The image has the tight save's size;
its content sits up to half a pixel from where the tight save puts it (the box's corner is rarely
on a whole pixel, and a cut can only move by whole pixels).

A figure with something drawn outside its own edges (which a tight save would bring into view),
or saved with a face colour or transparency of its own (``savefig.*`` settings), is saved the
ordinary way.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.image import imsave

__all__ = ["trimmed_png"]

#: PNG metadata as savefig writes it.
_SOFTWARE = {"Software": f"Matplotlib version{mpl.__version__}, https://matplotlib.org/"}


def trimmed_png(figure: Any, dpi: float, compress_level: int = 6) -> bytes:
    """``figure`` as PNG bytes at ``dpi``, trimmed to its tight bounding box plus
    ``savefig.pad_inches`` (as ``savefig(bbox_inches="tight")``), from a single drawing."""
    if not _plain_save_settings():
        return _tight_savefig(figure, dpi, compress_level)
    previous_canvas, previous_dpi = figure.canvas, figure.dpi
    canvas = FigureCanvasAgg(figure)  # makes itself the figure's canvas, until restored below
    try:
        figure.dpi = dpi
        canvas.draw()  # the layout engine (constrained layout) runs here, as in a save
        renderer = canvas.get_renderer()
        tight = figure.get_tightbbox(renderer)  # inches
        inside = tight.transformed(figure.dpi_scale_trans)
        width, height = canvas.get_width_height()
        if inside.x0 < 0 or inside.y0 < 0 or inside.x1 > width or inside.y1 > height:
            pixels = None  # something lies outside the drawn canvas: only a tight save shows it
        else:
            box = tight.padded(mpl.rcParams["savefig.pad_inches"]).transformed(figure.dpi_scale_trans)
            pixels = _cut(np.asarray(canvas.buffer_rgba()), box, figure.get_facecolor())
    finally:
        figure.dpi = previous_dpi
        figure.set_canvas(previous_canvas)
    if pixels is None:
        return _tight_savefig(figure, dpi, compress_level)
    buffer = io.BytesIO()
    imsave(buffer, pixels, format="png", dpi=dpi, metadata=_SOFTWARE,
           pil_kwargs={"compress_level": compress_level})
    return buffer.getvalue()


def _plain_save_settings() -> bool:
    """Whether savefig would paint the figure as drawn (no face colour or transparency of its own)."""
    rc = mpl.rcParams
    return (rc["savefig.facecolor"] == "auto" and rc["savefig.edgecolor"] == "auto"
            and not rc["savefig.transparent"])


def _cut(rgba: np.ndarray, box: Any, facecolor: Any) -> np.ndarray:
    """The pixels of ``box`` (figure pixels, origin at the bottom left) out of the drawn ``rgba``
    (rows from the top), sized as a tight save sizes its canvas (whole pixels, truncated) and
    filled with ``facecolor`` where the box lies beyond the drawing."""
    height, width = rgba.shape[:2]
    out_w, out_h = int(box.width), int(box.height)
    left, top = round(box.x0), height - out_h - round(box.y0)
    out = np.empty((out_h, out_w, 4), dtype=np.uint8)
    out[...] = np.round(np.asarray(to_rgba(facecolor)) * 255).astype(np.uint8)
    rows = slice(max(top, 0), min(top + out_h, height))
    cols = slice(max(left, 0), min(left + out_w, width))
    out[rows.start - top:rows.stop - top, cols.start - left:cols.stop - left] = rgba[rows, cols]
    return out


def _tight_savefig(figure: Any, dpi: float, compress_level: int) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight",
                   pil_kwargs={"compress_level": compress_level})
    return buffer.getvalue()
