"""save_figure's caption: measured once, drawn unwrapped when it fits, still wrapped when it does not."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from PIL import Image

import lambdasim as ls
import lambdasim.plots as lp


@pytest.fixture(scope="module")
def run():
    return ls.run(ls.Scenario.from_dict({
        "seed": 1,
        "functions": {"orders": {"ReservedConcurrentExecutions": 1,
                                 "duration": {"dist": "constant", "value_s": 2.0}}},
        "workloads": [{"function": "orders", "arrivals": "burst", "count": 3, "at_s": 0}],
    }))


def _rgba(path) -> np.ndarray:
    """A PNG's pixels as RGBA (save_figure writes an opaque chart as RGB, matplotlib as RGBA)."""
    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA"))


def _wrapped_by_matplotlib(fig, caption: str, path, dpi: float):
    """The export as it was before the caption was measured: matplotlib wraps at every draw."""
    text = fig.text(0.01, 0.0, caption, ha="left", va="top", fontsize=8, color="#333333", wrap=True)
    with matplotlib.rc_context({"svg.hashsalt": "lambdasim"}):
        fig.savefig(path, dpi=dpi, bbox_inches="tight", pad_inches=0.15,
                    metadata={"Software": "lambdasim (matplotlib)"}, facecolor="white")
    text.remove()
    return _rgba(path)


@pytest.mark.parametrize("chart", ["timeline", "outcomes"])
def test_a_caption_that_fits_gives_the_same_pixels_as_matplotlib_wrapping_it(run, tmp_path, chart):
    draw = getattr(lp, chart)  # a fresh figure each: a figure's first export can differ from its next
    caption = lp.caption_for(run)
    ours = _rgba(lp.save_figure(draw(run), tmp_path / "ours.png", dpi=70, caption=caption))
    theirs = _wrapped_by_matplotlib(draw(run), caption, tmp_path / "theirs.png", dpi=70)
    assert ours.shape == theirs.shape
    assert np.array_equal(ours, theirs)


def test_a_caption_wider_than_the_figure_is_still_wrapped(run, tmp_path):
    fig = lp.outcomes(run)  # the same figure exported thrice, so only the caption differs
    long = " · ".join([lp.caption_for(run)] * 6)  # several figure widths on one line
    plain = _rgba(lp.save_figure(fig, tmp_path / "plain.png", dpi=60))
    short = _rgba(lp.save_figure(fig, tmp_path / "short.png", dpi=60, caption="x"))
    wrapped = _rgba(lp.save_figure(fig, tmp_path / "long.png", dpi=60, caption=long))
    assert wrapped.shape[1] <= plain.shape[1] + 2  # not widened to hold one long line
    assert wrapped.shape[0] >= short.shape[0] + 2 * 8 * 60 / 72  # at least two more lines of 8-pt text
    theirs = _wrapped_by_matplotlib(lp.outcomes(run), long, tmp_path / "theirs.png", dpi=60)
    assert np.array_equal(wrapped, theirs)
