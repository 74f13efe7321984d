"""Where a figure's layout put things, put back after an export so the next export starts there too.

A layout engine does not place a figure from scratch: it measures every Axes where the last layout
left it (its tick labels, a legend anchored outside it in Axes coordinates) and moves it by what it
measured. The tick labels and the anchored legend move with the Axes, so each pass lands a little
away from the last one (a timeline's right edge by a few millionths of its width, a tight-layout
figure's by about a thousandth), and ``savefig(bbox_inches="tight")`` lays out twice. A figure
exported twice therefore gave two different files, and the third differed again.

:func:`layout_kept` notes every position a layout moves (each Axes' original and active box, the
subplot parameters the tight layout rewrites, subfigure boxes and the ``sup*`` titles the
constrained layout places) and puts them back when the export ends, so the export leaves the figure
as it found it and exporting it again gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["layout_kept"]

_SUBPLOT_PARAMETERS = ("left", "bottom", "right", "top", "wspace", "hspace")
_SUPER_TEXTS = ("_suptitle", "_supxlabel", "_supylabel")  # the figure's sup* texts, None until set


def _figures(fig: Any) -> Iterator[Any]:
    """The figure and its subfigures, at any depth."""
    yield fig
    for sub in getattr(fig, "subfigs", ()):
        yield from _figures(sub)


@contextmanager
def layout_kept(fig: Any) -> Iterator[None]:
    """Run the block (an export that lays ``fig`` out) and put back every position a layout moves."""
    figures = list(_figures(fig))
    axes = [(ax, ax.get_position(original=True).frozen(), ax.get_position(original=False).frozen())
            for f in figures for ax in f.axes]
    # a subfigure shares its parent's subplot parameters: noted once
    pars = list({id(f.subplotpars): f.subplotpars for f in figures}.values())
    parameters = [(p, {name: getattr(p, name) for name in _SUBPLOT_PARAMETERS}) for p in pars]
    boxes = [(f.bbox_relative, f.bbox_relative.get_points().copy()) for f in figures[1:]]
    texts = [(text, text.get_position()) for f in figures
             for text in (getattr(f, name, None) for name in _SUPER_TEXTS) if text is not None]
    try:
        yield
    finally:
        for subplotpars, values in parameters:
            subplotpars.update(**values)
        for box, points in boxes:
            box.set_points(points)
        for text, position in texts:
            text.set_position(position)
        # Axes._set_position: the public set_position also takes the Axes out of the layout
        for ax, original, active in axes:
            ax._set_position(original, which="original")
            ax._set_position(active, which="active")
