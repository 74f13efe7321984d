"""The same figure exported again gives the same bytes (lambdasim.plots.layout_state and svg_ids).

A layout engine moves each Axes from where the last layout left it, so before this every export of a
figure started from where the previous one had moved it, and the second PNG, SVG or PDF differed from
the first (the timeline's SVG and PDF from every export to the next)."""

from __future__ import annotations

import hashlib

import pytest
from chart_cases import CHARTS, small_run
from matplotlib.figure import Figure

import lambdasim.plots as lp
from lambdasim.plots.layout_state import layout_kept
from lambdasim.plots.svg_ids import stable_clip_ids
from lambdasim.widgets.exploration import chart_png

EXPORTS = 3  # a drift shows from the second export on; the third catches one that alternates


@pytest.fixture(scope="module")
def run():
    return small_run()


def _users_figure(layout: str | None) -> Figure:
    """Not drawn by lambdasim: a legend anchored outside the Axes (it moves with them), a colour bar,
    a suptitle, and a second panel in a subfigure."""
    fig = Figure(figsize=(6, 3), layout=layout)
    left, right = fig.subfigures(1, 2, width_ratios=[2, 1]) if layout == "constrained" else (fig, fig)
    ax = left.add_subplot(1, 2, 1) if left is fig else left.add_subplot()
    ax.plot([0, 1, 2], [2, 0, 1], label="a line")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
    other = right.add_subplot(1, 2, 2) if right is fig else right.add_subplot()
    image = other.imshow([[0, 1], [2, 3]])
    right.colorbar(image, ax=other)
    fig.suptitle("someone's chart")
    return fig


def _exported(fig, tmp_path, ext, **options) -> list[str]:
    return [hashlib.sha256(lp.save_figure(fig, tmp_path / f"{i}.{ext}", **options).read_bytes()).hexdigest()
            for i in range(EXPORTS)]


@pytest.mark.parametrize("ext", ["png", "svg", "pdf"])
@pytest.mark.parametrize("chart", CHARTS)
def test_a_chart_saved_again_gives_the_same_bytes(run, tmp_path, chart, ext):
    fig = CHARTS[chart](run)
    assert len(set(_exported(fig, tmp_path, ext, dpi=40, caption=lp.caption_for(run)))) == 1


@pytest.mark.parametrize("ext", ["png", "svg", "pdf"])
@pytest.mark.parametrize("layout", [None, "tight", "constrained"])
def test_a_users_figure_saved_again_gives_the_same_bytes(tmp_path, layout, ext):
    assert len(set(_exported(_users_figure(layout), tmp_path, ext, dpi=40))) == 1


@pytest.mark.parametrize("layout", [None, "tight", "constrained"])
def test_an_export_leaves_every_position_as_it_was(tmp_path, layout):
    fig = _users_figure(layout)
    figures = [fig, *fig.subfigs]

    def positions():
        return ([(tuple(ax.get_position(original=True).bounds), tuple(ax.get_position().bounds))
                 for f in figures for ax in f.axes],
                [tuple(f.bbox_relative.get_points().ravel()) for f in fig.subfigs],
                vars(fig.subplotpars).copy(), fig._suptitle.get_position())

    before = positions()
    for ext in ("png", "svg"):
        lp.save_figure(fig, tmp_path / f"f.{ext}", dpi=40)
        assert positions() == before  # exactly: not a bit moved


@pytest.mark.parametrize("layout", [None, "tight", "constrained"])
def test_the_first_export_is_that_of_a_new_figure(tmp_path, layout):
    """Nothing is left behind for the next export: the second export of one figure is the export of
    another figure drawn the same way."""
    fig = _users_figure(layout)
    lp.save_figure(fig, tmp_path / "first.png", dpi=40)
    again = lp.save_figure(fig, tmp_path / "again.png", dpi=40).read_bytes()
    assert again == lp.save_figure(_users_figure(layout), tmp_path / "new.png", dpi=40).read_bytes()


def test_the_explorers_chart_image_is_the_same_when_drawn_again(run):
    fig = lp.concurrency(run)
    assert len({chart_png(fig) for _ in range(EXPORTS)}) == 1


def test_layout_kept_puts_back_what_a_layout_pass_moved():
    fig = _users_figure("tight")
    before = [tuple(ax.get_position().bounds) for ax in fig.axes], vars(fig.subplotpars).copy()
    with layout_kept(fig):
        fig.draw_without_rendering()  # runs the tight layout: subplot parameters and Axes move
        moved = [tuple(ax.get_position().bounds) for ax in fig.axes], vars(fig.subplotpars).copy()
    assert moved != before
    assert ([tuple(ax.get_position().bounds) for ax in fig.axes], vars(fig.subplotpars)) == before


_SVG = """<svg>
 <path clip-path="url(#p0000000001)"/>
 <path clip-path="url(#p0000000002)"/>
 <path clip-path="url(#p0000000003)"/>
 <defs>
  <clipPath id="p0000000001">
   <rect x="1" y="2" width="3" height="4"/>
  </clipPath>
  <clipPath id="p0000000002">
   <rect x="1" y="2" width="3" height="4"/>
  </clipPath>
  <clipPath id="p0000000003">
   <rect x="1" y="2" width="3" height="5"/>
  </clipPath>
 </defs>
</svg>
"""


def test_clip_paths_are_named_by_what_they_clip_and_written_once():
    svg = stable_clip_ids(_SVG, "lambdasim")
    same, other = sorted(set(svg.split('url(#')[1:]), key=svg.index)
    same, other = same.split(")")[0], other.split(")")[0]
    # the two rectangles written alike (ids that differed only by their last float bits) share a name
    assert svg.count(f'url(#{same})') == 2 and svg.count(f'url(#{other})') == 1
    assert svg.count("<clipPath") == 2 and svg.count(f'<clipPath id="{same}">') == 1
    assert "p000000000" not in svg  # no reference left to a name that is gone
    assert same != other and len(same) == len(other) == len("p0000000001")
    assert same.startswith("p") and all(c in "0123456789abcdef" for c in same[1:])
    # the name rests on the salt and the definition only, not on matplotlib's id
    assert stable_clip_ids(_SVG.replace("p0000000001", "p00000000aa"), "lambdasim") == svg
    assert stable_clip_ids(_SVG, "another salt") != svg


def test_an_svg_without_clip_paths_is_left_alone():
    assert stable_clip_ids("<svg><path/></svg>", "lambdasim") == "<svg><path/></svg>"
