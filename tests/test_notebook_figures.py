"""Figures in a notebook kernel: a chart shows itself (ChartFigure._repr_png_), and importing
lambdasim changes nothing about how any other figure shows (no Figure printer registered in IPython).

Before, ``import lambdasim.plots`` registered a PNG printer for every Figure in the shell: in a kernel
not on the inline backend a plain Figure showed as an image only once lambdasim.plots had been used.
"""

from __future__ import annotations

import io
import os
import re

import nbformat
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

import lambdasim as ls
import lambdasim.plots as lp
from lambdasim.course.html import INLINE_BACKEND
from lambdasim.plots.chart_figure import ChartFigure

PLAIN_FIGURE = ("from matplotlib.figure import Figure\n"
                "figure = Figure(figsize=(2, 2))\nfigure.add_subplot().plot([0, 1], [1, 0])\nfigure")
PANDAS = "import pandas as pd\npd.Series([1, 2]).plot()"
CHART = ("import lambdasim as ls\nimport lambdasim.plots as lp\n"
         "lp.outcomes(ls.run(ls.Scenario.from_dict({'functions': {'f': {}},\n"
         "    'workloads': [{'function': 'f', 'arrivals': 'burst', 'count': 2, 'at_s': 0}]})))")
IMPORTS = "import lambdasim as ls\nimport lambdasim.plots"


@pytest.fixture(scope="module")
def scenario_run():
    return ls.run(ls.Scenario.from_dict({"functions": {"f": {}},
                                         "workloads": [{"function": "f", "arrivals": "burst", "count": 2}]}))


def _kinds(cells: list[str], backend: str) -> list[list[str]]:
    """Each cell's output kinds (MIME types, or the stream name) from a fresh kernel on ``backend``."""
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell) for cell in cells])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute(
        env={**os.environ, "MPLBACKEND": backend})
    return [sorted({kind for output in cell.outputs
                    for kind in output.get("data", {output.get("name", output.output_type): None})})
            for cell in notebook.cells]


@pytest.mark.slow
@pytest.mark.parametrize("backend", [INLINE_BACKEND, "Agg"])
def test_plain_figures_show_the_same_whether_lambdasim_was_imported_or_not(backend):
    without = _kinds(["pass", PLAIN_FIGURE, PANDAS, PLAIN_FIGURE], backend)
    with_lambdasim = _kinds([IMPORTS, PLAIN_FIGURE, PANDAS, PLAIN_FIGURE, CHART], backend)
    assert with_lambdasim[1:4] == without[1:]
    assert with_lambdasim[-1] == ["image/png", "text/plain"]  # the chart shows itself on any backend
    if backend == INLINE_BACKEND:  # pyplot (through pandas) loads the inline backend: all figures show
        assert without[2:] == [["image/png", "text/plain"]] * 2


def test_importing_the_charts_registers_no_figure_printer_in_the_shell(monkeypatch, scenario_run):
    import IPython
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    printers = shell.display_formatter.formatters["image/png"]
    before = dict(printers.type_printers)
    import importlib

    importlib.reload(lp)
    assert printers.type_printers == before
    plain = Figure()
    plain.add_subplot().plot([0, 1], [1, 0])
    chart = lp.outcomes(scenario_run)
    if Figure not in before:  # the shell shows a plain Figure only if matplotlib's set-up said so
        assert "image/png" not in shell.display_formatter.format(plain)[0]
    assert shell.display_formatter.format(chart)[0]["image/png"][:8] == b"\x89PNG\r\n\x1a\n"


def test_a_chart_shows_the_pixels_ipython_would_print_and_stays_as_it_was(scenario_run):
    from IPython.core.pylabtools import print_figure

    chart = lp.concurrency(scenario_run)
    assert isinstance(chart, ChartFigure)
    positions = [tuple(ax.get_position().bounds) for ax in chart.axes]
    shown = chart._repr_png_()
    assert shown == chart._repr_png_()  # shown again: the same image
    assert [tuple(ax.get_position().bounds) for ax in chart.axes] == positions
    printed = print_figure(lp.concurrency(scenario_run), "png", bbox_inches="tight")
    with Image.open(io.BytesIO(shown)) as a, Image.open(io.BytesIO(printed)) as b:
        assert np.array_equal(np.asarray(a.convert("RGBA")), np.asarray(b.convert("RGBA")))


def test_an_empty_chart_figure_shows_nothing_as_ipython():
    assert ChartFigure()._repr_png_() is None


@pytest.mark.slow
def test_the_course_builder_shows_a_plain_pyplot_figure_whatever_mplbackend_says(tmp_path, monkeypatch):
    from lambdasim.course.html import build_course

    monkeypatch.setenv("MPLBACKEND", "Agg")  # as CI runs it; the kernels are started on the inline backend
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A plain figure"),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3]);"),
    ]), lessons / "01_plain.ipynb")
    [page] = build_course(tmp_path / "out", lessons, timeout_s=120)
    assert page.ok
    assert re.search(r'<img[^>]+src="data:image/png;base64,', page.page.read_text())  # not the page's CSS
