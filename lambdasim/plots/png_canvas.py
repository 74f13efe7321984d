"""The canvas :func:`~lambdasim.plots.save_figure` renders PNG files with: matplotlib's Agg canvas
(same renderer, same pixels) with its own PNG encoder.

matplotlib hands the rendered RGBA buffer to Pillow, which tries the five PNG row filters on every
row and keeps the alpha channel. A chart is flat colours with antialiased edges on an opaque white
background: DEFLATE compresses its rows best unfiltered, and its alpha is 255 everywhere. Written
unfiltered, as RGB when nothing is transparent, the 200-event timeline's PNG is a third smaller and
is encoded three times faster (measured in benchmarks/README.md, "Timeline export"); decoded, the
pixels are the ones Pillow would have written.

The PNG format (W3C PNG specification, https://www.w3.org/TR/png/): the signature, then chunks of
length, type, data and the CRC-32 of type and data: ``IHDR`` (size, bit depth 8, colour type 2 RGB
or 6 RGBA, no interlace), ``tEXt`` (keyword, NUL, Latin-1 text), ``pHYs`` (pixels per metre, unit
1), ``IDAT`` (the zlib stream of the rows, each prefixed by its filter type, 0 = none) and ``IEND``.

A matplotlib backend module in the sense of ``savefig(..., backend="module://…")``: it has the
``FigureCanvas`` that call needs, and is used only for saving.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib import cbook
from matplotlib.backends.backend_agg import FigureCanvasAgg

__all__ = ["FigureCanvas", "BACKEND", "png_bytes"]

#: What ``savefig(backend=...)`` names this module by.
BACKEND = "module://lambdasim.plots.png_canvas"
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_RGB, _RGBA = 2, 6  # IHDR colour types
_LEVEL = 6  # zlib's default: level 1 is barely faster here and 40-70 % larger
_METRES_PER_INCH = 0.0254


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
