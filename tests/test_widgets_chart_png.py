"""The explorer's chart image: the pixels of a tight savefig, with one render instead of two draws."""

import io

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from PIL import Image

from lambdasim.widgets.explorer import (
    CHART_DPI,
    TIMELINE_ROWS,
    ChartImages,
    ExplorerSettings,
    chart_png,
    explore,
)


class _CountsDraws(Artist):
    """An invisible artist that counts how often its figure is drawn."""

    def __init__(self) -> None:
        super().__init__()
        self.draws = 0

    def draw(self, renderer) -> None:
        self.draws += 1


def _figure(facecolor="white") -> Figure:
    fig = Figure(figsize=(4.0, 3.0), layout="constrained", facecolor=facecolor)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [0, 2, 1], color="#D55E00")
    ax.set_title("a title", loc="left")
    ax.set_xlabel("virtual time (s)")
    return fig


def _tight_savefig(fig: Figure, dpi: float = CHART_DPI) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)


def _ink(pixels: np.ndarray) -> tuple[int, int, int, int]:
    """First and last row and column that are not the background (the top-left pixel)."""
    rows, cols = np.nonzero((pixels != pixels[0, 0]).any(axis=2))
    return rows.min(), rows.max(), cols.min(), cols.max()


def test_the_image_is_the_tight_save_with_one_render():
    counter = _CountsDraws()
    fig = _figure()
    fig.add_artist(counter)
    tight = _pixels(_tight_savefig(fig))
    assert counter.draws == 2  # the tight save: a pass to measure, a pass to paint
    counter.draws = 0
    shown = _pixels(chart_png(fig))
    assert counter.draws == 1  # the layout engine measures; only the render draws
    assert (shown == tight).all()


def test_the_margin_past_the_figure_edge_has_the_figure_colour():
    # constrained layout leaves 3 pt to the edge, the trim pads 0.1 in: the image is wider than the
    # figure, and the strip beyond its edge is the figure's face colour (as a tight save paints it)
    fig = _figure(facecolor="#F0E442")
    pixels = _pixels(chart_png(fig))
    assert pixels.shape[1] > fig.bbox.width
    assert (pixels[:, 0] == [0xF0, 0xE4, 0x42, 255]).all()
    assert (pixels[-1] == [0xF0, 0xE4, 0x42, 255]).all()
    assert (pixels == _pixels(_tight_savefig(fig))).all()


def test_the_figure_keeps_its_canvas_dpi_and_layout():
    fig = _figure()
    canvas, dpi, engine = fig.canvas, fig.dpi, fig.get_layout_engine()
    chart_png(fig)
    assert fig.canvas is canvas and fig.dpi == dpi and fig.get_layout_engine() is engine


def test_something_outside_the_figure_is_in_the_image_as_in_a_tight_save():
    fig = _figure()
    fig.text(1.15, 0.5, "outside", ha="left")
    assert (_pixels(chart_png(fig)) == _pixels(_tight_savefig(fig))).all()


@pytest.mark.parametrize("setting, value", [("savefig.facecolor", "black"), ("savefig.transparent", True),
                                            ("savefig.pad_inches", 0.5)])
def test_savefig_settings_of_their_own_are_honoured(setting, value):
    fig = _figure()
    with mpl.rc_context({setting: value}):
        assert (_pixels(chart_png(fig)) == _pixels(_tight_savefig(fig))).all()


def test_the_explorer_chart_matches_a_tight_save_of_the_aggregated_view():
    # 1,500 events: more than the timeline's 200 rows, so the chart in view is events by state
    # (each image from a figure not drawn before: a first draw can move a constrained layout a little)
    settings = ExplorerSettings(arrivals="burst", burst_count=1500, reserved_concurrency=None)
    fig = explore(settings).figures["timeline"]
    assert fig.axes[0].get_title(loc="left").startswith("Events by state over time (1,500 events")
    assert (_pixels(chart_png(fig)) == _pixels(_tight_savefig(explore(settings).figures["timeline"]))).all()


def test_chart_images_draw_the_states_view_again_on_one_figure_with_a_new_figures_image():
    images = ChartImages()
    # more than TIMELINE_ROWS events: the events-by-state view, each update on the same figure
    for count, error_probability in ((1500, 0.0), (900, 0.5), (1200, 0.1)):
        exploration = explore(ExplorerSettings(arrivals="burst", burst_count=count, reserved_concurrency=None,
                                               error_probability=error_probability))
        shown = images.png(exploration, "timeline")
        assert exploration.figures.built() == []  # the exploration's own figure is not the one drawn on
        assert shown == chart_png(exploration.figures["timeline"])
    # a row per event (TIMELINE_ROWS or fewer) and the other charts: the exploration's figures
    few = explore(ExplorerSettings(arrivals="burst", burst_count=TIMELINE_ROWS))
    for name in ("timeline", "outcomes"):
        assert images.png(few, name) == chart_png(few.figures[name])
    assert few.figures.built() == ["timeline", "outcomes"]
