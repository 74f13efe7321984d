"""How :func:`~lambdasim.plots.save_figure` writes a PNG: matplotlib's Agg canvas (same renderer,
same pixels) with one layout pass instead of a whole draw before the render, and its own PNG encoder.

``savefig(bbox_inches="tight")`` draws the figure twice: once with rendering switched off (to run
the layout and place every artist), then for real on a canvas cropped to the tight box. Of the
first draw only the layout is needed to measure the tight box, so :func:`save_tight_png` runs the
layout engine and measures the box itself, then lets ``savefig`` render once into that box (for
the 200-event timeline the layout costs two thirds of that first draw). The pixels are those of
``savefig``; tests compare them for every chart and for figures in each layout.

matplotlib hands the rendered RGBA buffer to Pillow, which tries the five PNG row filters on every
row and keeps the alpha channel. A chart is flat colours with antialiased edges on an opaque white
background: DEFLATE compresses its rows best unfiltered, and its alpha is 255 everywhere. Written
unfiltered, as RGB when nothing is transparent, the 200-event timeline's PNG is about 30 % smaller
and is encoded in about a third of the time (benchmarks/README.md, "Timeline export"); decoded,
the pixels are the ones Pillow would have written.

The PNG format (W3C PNG specification, https://www.w3.org/TR/png/): the signature, then chunks of
length, type, data and the CRC-32 of type and data: ``IHDR`` (size, bit depth 8, colour type 2 RGB
or 6 RGBA, no interlace), ``tEXt`` (keyword, NUL, Latin-1 text), ``pHYs`` (pixels per metre, unit
1), ``IDAT`` (the zlib stream of the rows, each prefixed by its filter type, 0 = none) and ``IEND``.

A matplotlib backend module in the sense of ``savefig(..., backend="module://…")``: it has the
``FigureCanvas`` that call needs, and is used only for saving.
"""

from __future__ import annotations

import contextlib
import struct
import zlib
from collections.abc import Mapping
from typing import Any

import matplotlib
import numpy as np
from matplotlib import cbook
from matplotlib.backends.backend_agg import FigureCanvasAgg

from lambdasim.plots.layout_state import layout_kept

__all__ = ["FigureCanvas", "BACKEND", "png_bytes", "save_tight_png"]

#: What ``savefig(backend=...)`` names this module by.
BACKEND = "module://lambdasim.plots.png_canvas"
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_RGB, _RGBA = 2, 6  # IHDR colour types
_LEVEL = 6  # zlib's default: level 1 is barely faster here and 40-70 % larger
_METRES_PER_INCH = 0.0254
_NO_AUTOMATIC_LAYOUT = {"figure.autolayout": False, "figure.constrained_layout.use": False}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))


def png_bytes(rgba: np.ndarray, dpi: float, metadata: Mapping[str, str | None] | None = None) -> bytes:
    """A PNG file of an (height, width, 4) uint8 RGBA image: RGB when every pixel is opaque,
    unfiltered rows, ``dpi`` in ``pHYs`` and each ``metadata`` entry (None skipped) as ``tEXt``."""
    height, width, _ = rgba.shape
    opaque = bool((rgba[..., 3] == 255).all())
    pixels = rgba[..., :3] if opaque else rgba
    rows = np.zeros((height, 1 + width * pixels.shape[2]), np.uint8)  # column 0: filter type 0
    rows[:, 1:] = pixels.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, _RGB if opaque else _RGBA, 0, 0, 0)
    texts = [_chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1"))
             for key, value in (metadata or {}).items() if value is not None]
    per_metre = int(dpi / _METRES_PER_INCH + 0.5)
    return b"".join([_SIGNATURE, _chunk(b"IHDR", header), *texts,
                     _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
                     _chunk(b"IDAT", zlib.compress(rows, _LEVEL)), _chunk(b"IEND", b"")])


class FigureCanvas(FigureCanvasAgg):
    """The Agg canvas, writing its PNG files with :func:`png_bytes`."""

    def print_png(self, filename_or_obj: Any, *, metadata: Mapping[str, str | None] | None = None,
                  **_print_figure_kwargs: Any) -> None:
        # print_figure passes a third-party canvas every keyword (facecolor, orientation, …): the
        # figure already carries them when it draws, so they are not needed here
        FigureCanvasAgg.draw(self)
        data = png_bytes(np.asarray(self.buffer_rgba()), self.figure.dpi, metadata)
        with cbook.open_file_cm(filename_or_obj, "wb") as file:
            file.write(data)


def save_tight_png(fig: Any, path: Any, dpi: float, pad_inches: float | None = None, facecolor: Any = None,
                   metadata: Mapping[str, str | None] | None = None) -> None:
    """Write ``fig`` as what ``fig.savefig(path, format="png", dpi=dpi, bbox_inches="tight",
    pad_inches=pad_inches, facecolor=facecolor, metadata=metadata)`` renders, encoded by
    :func:`png_bytes`, with one layout pass instead of a draw with rendering off. ``pad_inches`` and
    ``facecolor`` left as None are savefig's (``savefig.pad_inches``, ``savefig.facecolor``).

    The figure is left as it was: its canvas, dpi, layout engine and every position the layout moved
    (:func:`~lambdasim.plots.layout_state.layout_kept`) are restored, so the same figure written again
    gives the same bytes.
    """
    if pad_inches is None:
        pad_inches = matplotlib.rcParams["savefig.pad_inches"]
    canvas, figure_dpi, engine = fig.canvas, fig.dpi, fig.get_layout_engine()
    ours = FigureCanvas(fig)  # the figure's canvas until restored: layout and tight box share its renderer
    with layout_kept(fig):  # as the figure was, however the layout moved it
        try:
            fig.dpi = dpi
            renderer = ours.get_renderer()
            if fig.axes and engine is not None:
                # what Figure.draw does first, and all of that draw the tight box needs; Figure.draw
                # ignores a ValueError here too (a window being resized)
                with contextlib.suppress(ValueError):
                    engine.execute(fig)
            bbox = fig.get_tightbbox(renderer).padded(pad_inches)
            fig.dpi = figure_dpi
            if engine is not None:  # laid out above: the render must not lay out again
                with matplotlib.rc_context(_NO_AUTOMATIC_LAYOUT):
                    fig.set_layout_engine(None)  # None (not 'none') leaves no engine at all
            # with no engine and an explicit box, savefig renders once: no draw before it
            colour = {} if facecolor is None else {"facecolor": facecolor}
            fig.savefig(path, format="png", dpi=dpi, bbox_inches=bbox, metadata=metadata, **colour)
        finally:
            if engine is not None:
                fig.set_layout_engine(engine)
            fig.dpi = figure_dpi
            fig.set_canvas(canvas)
