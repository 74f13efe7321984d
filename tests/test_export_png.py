"""save_figure's PNG encoder (lambdasim.plots.png_canvas): the pixels matplotlib renders, written
unfiltered, as RGB when opaque, with the dpi and the metadata."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from chart_cases import CHARTS, small_run
from matplotlib.figure import Figure
from PIL import Image

import lambdasim.plots as lp
from lambdasim.plots.png_canvas import BACKEND, png_bytes


@pytest.fixture(scope="module")
def run():
    return small_run()


def _decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()  # decodes every chunk, checking each CRC and the zlib stream
    return image


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        chunks.append((data[at + 4:at + 8], data[at + 8:at + 8 + length]))
        at += 12 + length
    return chunks


def _image(alpha: int) -> np.ndarray:
    rgba = np.random.default_rng(7).integers(0, 256, size=(5, 7, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    rgba[2, 3, 3] = alpha
    return rgba


def test_an_opaque_image_is_written_as_rgb_with_its_pixels():
    rgba = _image(alpha=255)
    image = _decoded(png_bytes(rgba, dpi=100))
    assert image.mode == "RGB" and image.size == (7, 5)
    assert np.array_equal(np.asarray(image), rgba[..., :3])


def test_an_image_with_a_transparent_pixel_keeps_its_alpha():
    rgba = _image(alpha=10)
    image = _decoded(png_bytes(rgba, dpi=100))
    assert image.mode == "RGBA"
    assert np.array_equal(np.asarray(image), rgba)


def test_the_chunks_carry_the_dpi_the_metadata_and_unfiltered_rows():
    rgba = _image(alpha=255)
    data = png_bytes(rgba, dpi=150, metadata={"Software": "lambdasim (matplotlib)", "Title": None})
    chunks = _chunks(data)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"tEXt", b"pHYs", b"IDAT", b"IEND"]
    found = dict(chunks)
    assert found[b"IHDR"] == struct.pack(">IIBBBBB", 7, 5, 8, 2, 0, 0, 0)
    assert found[b"tEXt"] == b"Software\0lambdasim (matplotlib)"  # None entries are left out
    assert found[b"pHYs"] == struct.pack(">IIB", 5906, 5906, 1)  # 150 dpi = 5905.5 px/m, rounded; unit metre
    rows = np.frombuffer(zlib.decompress(found[b"IDAT"]), np.uint8).reshape(5, 1 + 7 * 3)
    assert (rows[:, 0] == 0).all()  # filter type 0 (none) on every row
    assert np.array_equal(rows[:, 1:].reshape(5, 7, 3), rgba[..., :3])
    assert _decoded(data).info["dpi"] == pytest.approx((150, 150), abs=0.02)


@pytest.mark.parametrize("chart", CHARTS)
def test_save_figure_writes_the_pixels_matplotlib_writes_and_a_smaller_file(run, tmp_path, chart):
    draw = CHARTS[chart]  # a fresh figure each: savefig (theirs) moves the layout of the figure it saves
    ours = lp.save_figure(draw(run), tmp_path / "ours.png", dpi=80, caption=lp.caption_for(run))
    # matplotlib's own PNG of the same chart and caption, through Pillow
    fig = draw(run)
    fig.text(0.01, 0.0, lp.caption_for(run), ha="left", va="top", fontsize=8, color="#333333")
    theirs = tmp_path / "theirs.png"
    fig.savefig(theirs, dpi=80, bbox_inches="tight", pad_inches=0.15, facecolor="white")
    with Image.open(ours) as a, Image.open(theirs) as b:
        assert a.mode == "RGB" and b.mode == "RGBA"
        assert np.array_equal(np.asarray(a.convert("RGBA")), np.asarray(b))
        assert a.info["Software"] == "lambdasim (matplotlib)"
    assert ours.stat().st_size < theirs.stat().st_size


def _users_figure(layout: str | None) -> Figure:
    """A figure not drawn by lambdasim: a legend outside the Axes on the right, a title."""
    fig = Figure(figsize=(5, 3), layout=layout)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [2, 0, 1], label="a line")
    ax.bar([0.5, 1.5], [1, 2], hatch="//", label="bars")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
    ax.set_title("someone's chart")
    return fig


@pytest.mark.parametrize("layout", [None, "tight", "constrained"])
def test_a_users_figure_in_any_layout_gets_the_pixels_matplotlib_writes(tmp_path, layout):
    ours = lp.save_figure(_users_figure(layout), tmp_path / "ours.png", dpi=60)
    theirs = tmp_path / "theirs.png"
    _users_figure(layout).savefig(theirs, dpi=60, bbox_inches="tight", pad_inches=0.15, facecolor="white")
    with Image.open(ours) as a, Image.open(theirs) as b:
        assert np.array_equal(np.asarray(a.convert("RGBA")), np.asarray(b))


def test_save_figure_leaves_the_figure_as_it_was(run, tmp_path):
    fig = lp.timeline(run)
    canvas, engine, dpi, size = fig.canvas, fig.get_layout_engine(), fig.dpi, tuple(fig.get_size_inches())
    lp.save_figure(fig, tmp_path / "t.png", dpi=50, caption="x")
    assert fig.canvas is canvas  # a notebook still shows the figure through its own canvas
    assert fig.get_layout_engine() is engine and fig.dpi == dpi and tuple(fig.get_size_inches()) == size
    assert len(fig.texts) == 0  # the caption was taken off again


def test_a_transparent_save_through_the_canvas_keeps_matplotlibs_alpha(run):
    ours, theirs = io.BytesIO(), io.BytesIO()
    lp.outcomes(run).savefig(ours, format="png", dpi=40, transparent=True, backend=BACKEND)
    lp.outcomes(run).savefig(theirs, format="png", dpi=40, transparent=True)
    a, b = _decoded(ours.getvalue()), _decoded(theirs.getvalue())
    assert a.mode == "RGBA" and np.asarray(a)[..., 3].min() == 0
    assert np.array_equal(np.asarray(a), np.asarray(b))
