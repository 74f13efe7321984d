"""The Figure a chart draws on: it shows itself as an image when a notebook cell returns it.

The charts are built outside pyplot, so matplotlib's inline backend may never have been loaded in
the kernel (pyplot loads it) and nothing there knows how to show a Figure. lambdasim used to register
a PNG printer for *every* :class:`~matplotlib.figure.Figure` in the running IPython shell when
``lambdasim.plots`` was imported: in a kernel not on the inline backend (``MPLBACKEND=Agg`` in the
environment JupyterLab was started from) a plain matplotlib Figure then showed as an image only
after ``lambdasim.plots`` had been used, and in one on the inline backend the printer overrode the
user's ``InlineBackend.figure_formats`` for all figures.

Instead a chart's figure is a :class:`ChartFigure`, which carries its own ``_repr_png_``. IPython
asks a type's registered printer first and the object's ``_repr_png_`` only when there is none, so
where the inline backend is set up a chart shows as every figure does (its formats and settings),
and elsewhere as the tight PNG the inline backend would have made. Nothing global is registered:
figures that are not lambdasim's show, or not, as the kernel's matplotlib set-up decides, whatever
was imported.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

from lambdasim.plots.png_canvas import save_tight_png

__all__ = ["ChartFigure"]


class ChartFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` that shows itself in a notebook (and is one in all else)."""

    def _repr_png_(self) -> bytes | None:
        """What IPython's ``print_figure(fig, "png", bbox_inches="tight")`` shows, the same pixels (at the
        figure's dpi, on its face colour), laid out once and left as it was; nothing for a
        figure with no Axes, as IPython."""
        if not self.axes:
            return None
        buffer = io.BytesIO()
        save_tight_png(self, buffer, self.dpi, facecolor=self.get_facecolor())
        return buffer.getvalue()
