"""The course for reading without Jupyter: every notebook executed and written as HTML, charts inside.

The notebooks are committed without outputs and stay the source. :func:`build_course` runs each
notebook in the folder (its own kernel, working directory the notebooks folder, as in JupyterLab),
writes ``NN_name.html`` with every chart embedded as a data URI, so a page is one self-contained
file, and an ``index.html`` that links them in order and says which (if any) failed.
New notebooks are picked up by their file name; nothing lists them.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CoursePage", "build_course", "course_notebooks"]

#: The repository's notebooks folder (beside the package in a clone or an editable install).
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
#: The matplotlib backend of the kernels that run the notebooks (ipykernel's default).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


@dataclass(frozen=True)
class CoursePage:
    """One executed notebook: where its page is, its title, and what went wrong (if anything)."""

    notebook: Path
    page: Path
    title: str
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def course_notebooks(folder: str | os.PathLike = NOTEBOOKS) -> list[Path]:
    """The notebooks of ``folder`` in course order, by name (sub-folders such as solutions/ are skipped)."""
    path = Path(folder)
    if not path.is_dir():
        raise FileNotFoundError(
            f"notebooks: {str(path)!r} is not a directory; allowed: a folder of .ipynb files"
        )
    return sorted(path.glob("*.ipynb"))


def _title(notebook, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#+\s+(.+)$", cell.source, re.M)
            if match:
                return match.group(1).strip()
    return fallback


def _error_outputs(notebook) -> list[str]:
    return [
        f"cell {index}: {output.get('ename', 'Error')}: {output.get('evalue', '')}"
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]


def _execute(notebook, folder: Path, timeout_s: float) -> list[str]:
    """Run every cell in place; the errors (an error output, a timeout, a dead kernel) as text."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    client = NotebookClient(notebook, timeout=timeout_s, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    try:
        # the inline backend, as ipykernel picks when MPLBACKEND is unset: a figure drawn with plain
        # matplotlib shows on the page even when the builder runs with MPLBACKEND=Agg (CI)
        client.execute(env={**os.environ, "MPLBACKEND": INLINE_BACKEND})
    except CellExecutionError:
        pass  # the error output is in the cell; _error_outputs reads it from there
    except (CellTimeoutError, DeadKernelError) as exc:
        return _error_outputs(notebook) + [f"{type(exc).__name__}: {str(exc).splitlines()[0]}"]
    return _error_outputs(notebook)


def _index(pages: list[CoursePage]) -> str:
    rows = "\n".join(
        f'<li><a href="{html.escape(page.page.name)}">{html.escape(page.title)}</a> '
        f'<small>({html.escape(page.notebook.name)}'
        + ("" if page.ok else f'; <strong class="failed">failed: {html.escape(page.errors[0])}</strong>')
        + ")</small></li>"
        for page in pages
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        "<title>lambdasim course</title>\n"
        "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.5}"
        ".failed{color:#b00}</style></head>\n<body>\n"
        "<h1>lambdasim: AWS Lambda asynchronous invocation, simulated</h1>\n"
        "<p>The course's notebooks, executed, with their charts. Open one to read it; to run and "
        "change it, open the notebooks in JupyterLab (<code>python -m lambdasim lab</code>).</p>\n"
        f"<ol>\n{rows}\n</ol>\n</body>\n</html>\n"
    )


def build_course(out_dir: str | os.PathLike, notebooks: str | os.PathLike = NOTEBOOKS, *,
                 timeout_s: float = 600.0, progress=None) -> list[CoursePage]:
    """Execute every notebook of ``notebooks`` and write its HTML page and ``index.html`` into ``out_dir``.

    A notebook that fails still gets its page (with the error output where it stopped) and is marked
    failed in the index; the returned pages say which failed. ``progress(page)`` is called after each.
    """
    import nbformat
    from nbconvert import HTMLExporter

    folder = Path(notebooks).resolve()
    sources = course_notebooks(folder)
    if not sources:
        raise FileNotFoundError(f"notebooks: {str(folder)!r} holds no .ipynb file")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab", embed_images=True)
    pages = []
    for source in sources:
        notebook = nbformat.read(source, as_version=4)
        errors = _execute(notebook, folder, timeout_s)
        body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"path": str(folder)}})
        page = CoursePage(source, out / f"{source.stem}.html", _title(notebook, source.stem), errors)
        page.page.write_text(body, encoding="utf-8")
        pages.append(page)
        if progress is not None:
            progress(page)
    (out / "index.html").write_text(_index(pages), encoding="utf-8")
    return pages
