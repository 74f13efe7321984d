"""The HTML course (``python -m lambdasim course-html DIR``): every notebook executed, charts inside.

The whole course is built from a copy of notebooks/ (beside links to data/ and docs/, as in a clone),
so it never writes into the repository nor races the notebook tests that run notebooks/ itself.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from lambdasim.cli import main
from lambdasim.course.html import NOTEBOOKS, build_course, course_notebooks

pytestmark = pytest.mark.slow
REPO = NOTEBOOKS.parent
# How nbconvert renders an error output: IPython's traceback opens with a red line of dashes.
ERROR_OUTPUT = 'ansi-red-fg">-----'


def _like_a_clone(tmp_path: Path) -> Path:
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for folder in ("data", "docs"):
        (tmp_path / folder).symlink_to(REPO / folder)
    return tmp_path / "notebooks"


def test_every_notebook_becomes_a_page_with_its_charts_and_no_error(tmp_path, capsys):
    notebooks = _like_a_clone(tmp_path)
    out = tmp_path / "html-course"
    assert main(["course-html", str(out), "--notebooks", str(notebooks), "--timeout", "300"]) == 0
    printed = capsys.readouterr().out
    sources = course_notebooks(NOTEBOOKS)
    assert len(sources) >= 10
    index = (out / "index.html").read_text(encoding="utf-8")
    for source in sources:
        page = out / f"{source.stem}.html"
        html = page.read_text(encoding="utf-8")
        assert f'href="{page.name}"' in index
        assert f"ok     {page}" in printed
        assert re.search(r'<img[^>]+src="data:image/png;base64,', html), f"{page.name} shows no chart"
        assert ERROR_OUTPUT not in html
    assert 'class="failed"' not in index


def test_a_failing_notebook_still_gets_its_page_and_is_marked_in_the_index(tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "solutions").mkdir()
    good = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A chart\n\nText."),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3]);"),
    ])
    bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")])
    nbformat.write(good, lessons / "01_good.ipynb")
    nbformat.write(bad, lessons / "02_bad.ipynb")
    nbformat.write(bad, lessons / "solutions" / "01_good.ipynb")  # not a lesson: not built
    pages = build_course(tmp_path / "out", lessons, timeout_s=120)
    assert [(page.page.name, page.title, page.ok) for page in pages] == [
        ("01_good.html", "A chart", True), ("02_bad.html", "02_bad", False),
    ]
    assert pages[1].errors == ["cell 0: ZeroDivisionError: division by zero"]
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert written == ["01_good.html", "02_bad.html", "index.html"]
    # an <img> of the chart: the page's own CSS also holds a data URI, so the bare prefix proves nothing
    assert re.search(r'<img[^>]+src="data:image/png;base64,', (tmp_path / "out" / "01_good.html").read_text())
    assert ERROR_OUTPUT in (tmp_path / "out" / "02_bad.html").read_text()
    index = (tmp_path / "out" / "index.html").read_text()
    assert "failed: cell 0: ZeroDivisionError: division by zero" in index


def test_a_folder_without_notebooks_is_named(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match=r"notebooks: '.*' holds no \.ipynb file"):
        build_course(tmp_path / "out", tmp_path)
    assert main(["course-html", str(tmp_path / "out"), "--notebooks", str(tmp_path / "missing")]) == 2
    assert "is not a directory; allowed: a folder of .ipynb files" in capsys.readouterr().err
