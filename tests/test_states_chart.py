"""The aggregated timeline (events by state): where its title goes."""

import io

import numpy as np
from helpers import one_function
from matplotlib.figure import Figure
from PIL import Image

import lambdasim as ls
from lambdasim.model.dists import Constant
from lambdasim.model.workloads import Burst
from lambdasim.plots.states_chart import states


def _png(fig) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60)
    return np.asarray(Image.open(buffer))


def test_on_its_own_figure_the_title_is_fixed_at_the_top_and_drawn_where_matplotlib_would():
    result = ls.run(one_function([Burst("orders", count=30)], reserved_concurrency=2, duration=Constant(1.0)))
    fixed = states(result)
    top = fixed.axes[0]
    assert top.title.get_position()[1] == 1.0 and top._autotitlepos is False
    # matplotlib's own placement (the flag a new Axes starts with: search for tick labels above the
    # panel and lift the title over them) puts it at the same place: the same image, pixel for pixel
    searched = states(result)
    searched.axes[0]._autotitlepos = True
    assert np.array_equal(_png(fixed), _png(searched))


def test_on_axes_given_to_it_the_title_still_moves_above_ticks_on_top():
    result = ls.run(one_function([Burst("orders", count=30)], reserved_concurrency=2, duration=Constant(1.0)))
    fig = Figure(figsize=(8, 5))
    ax = fig.add_subplot()
    ax.xaxis.tick_top()
    states(result, ax=ax)
    fig.draw_without_rendering()
    assert ax.title.get_position()[1] > 1.0  # lifted over the tick labels
