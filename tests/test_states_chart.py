"""The aggregated timeline (events by state): where its title goes, and drawing it again on its figure."""

import io

import numpy as np
import pytest
from helpers import one_function
from matplotlib.figure import Figure
from PIL import Image

import lambdasim as ls
from lambdasim.model.dists import Constant
from lambdasim.model.failures import FailureModel
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


def _run(count, *, at=0.0, error=False, horizon_s=None):
    function = {"reserved_concurrency": 2, "duration": Constant(1.0)}
    if error:
        function["failures"] = FailureModel(error_probability=1.0)
    return ls.run(one_function([Burst("orders", count=count, at_s=at)], retries=0, horizon_s=horizon_s,
                               **function))


def test_drawn_again_on_its_figure_it_is_the_image_of_a_new_figure():
    # each run differs from the one before in what the chart shows: the span and its unit (s, min),
    # the layers and so the legend (failed), the hint under the title, events still pending
    runs = [(_run(30), None), (_run(400, at=200.0), 200), (_run(50, error=True), 20),
            (_run(300, horizon_s=100.0), None), (_run(30), None)]
    figure = states(runs[0][0], max_rows=runs[0][1])
    for result, max_rows in runs[1:]:
        again = states(result, max_rows=max_rows, figure=figure)
        assert again is figure
        assert np.array_equal(_png(again), _png(states(result, max_rows=max_rows)))
    assert len(figure.axes) == 2 and len(figure.axes[1].collections) == 2  # succeeded, not yet resolved


def test_only_its_own_figures_are_drawn_again():
    result = _run(30)
    fig = Figure()
    pair = fig.subplots(2, 1)
    with pytest.raises(ValueError, match="figure: .* is not valid; allowed: None, or a Figure that states"):
        states(result, figure=fig)
    states(result, ax=pair)
    with pytest.raises(ValueError, match="figure: "):
        states(result, figure=fig)  # drawn on by states(), but not made by it
    with pytest.raises(ValueError, match="figure: "):
        states(result, ax=pair, figure=states(result))


def test_with_nothing_to_draw_a_new_figure_is_returned():
    figure = states(_run(30))
    empty = ls.run(one_function([Burst("orders", count=1, at_s=50.0)], horizon_s=10.0))
    assert len(empty.events) == 0
    again = states(empty, figure=figure)
    assert again is not figure and np.array_equal(_png(again), _png(states(empty)))
