"""notebooks/07_explorer.ipynb opened in JupyterLab in Chromium: run all cells, the explorer renders.

JupyterLab is started with the README's launcher (``python -m lambdasim lab``, so as root it gets
``--allow-root`` as a reader's would) on a scratch folder holding a copy of the notebook, with no
token, its settings and workspaces in that folder, and no update or news check. Screenshots of each
step go to the screenshot folder (``jupyterlab-*.png``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from jupyterlab_page import run_all_cells, served_kernel_name, wait_until_kernel_idle
from servers import jupyterlab_environment

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "07_explorer.ipynb"
RUN_ALL_TIMEOUT_MS = 240_000


@pytest.fixture
def jupyterlab(tmp_path, free_port, served):
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    command = [
        sys.executable, "-m", "lambdasim", "lab", str(root), "--no-browser", "--port", str(free_port), "--",
        "--IdentityProvider.token=", "--ServerApp.password=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.news_url=None",
    ]
    env = {**jupyterlab_environment(tmp_path), "MPLBACKEND": "Agg"}
    with served(command, free_port, path="/api", cwd=root, env=env) as base_url:
        yield base_url, root


def _code_cells_done(page) -> None:
    """Wait until every code cell shows an execution count ([n]:), none running ([*]:)."""
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=RUN_ALL_TIMEOUT_MS,
    )


def test_the_explorer_notebook_runs_in_jupyterlab_and_its_widgets_render(
    jupyterlab, browser_page, screenshot_dir
):
    base_url, root = jupyterlab
    page = browser_page(1500, 1000)
    kernel = served_kernel_name(base_url, root / NOTEBOOK.name)
    with page.expect_websocket(lambda socket: "/api/kernels/" in socket.url, timeout=120_000):
        page.goto(f"{base_url}/lab/tree/{NOTEBOOK.name}")
    page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
    wait_until_kernel_idle(page, NOTEBOOK.name, kernel, timeout_ms=120_000)
    page.screenshot(path=screenshot_dir / "jupyterlab-1-opened.png")

    run_all_cells(page, timeout_ms=30_000)
    _code_cells_done(page)
    wait_until_kernel_idle(page, NOTEBOOK.name, kernel, timeout_ms=120_000)

    explorer = page.locator(".jp-OutputArea-output .widget-hbox")
    explorer = explorer.filter(has=page.locator(".widget-slider")).first
    explorer.wait_for(timeout=60_000)
    explorer.scroll_into_view_if_needed()
    sliders = explorer.locator(".widget-slider")
    kpi_table = explorer.locator(".widget-html table").first
    chart = explorer.locator(".widget-tab img, .jp-OutputArea-output img").first
    kpi_table.wait_for(timeout=60_000)
    chart.wait_for(timeout=60_000)
    page.screenshot(path=screenshot_dir / "jupyterlab-2-ran-all.png")
    explorer.screenshot(path=screenshot_dir / "jupyterlab-3-explorer.png")

    assert sliders.count() >= 10
    assert "MaximumRetryAttempts" in explorer.inner_text()
    assert kpi_table.locator("td, th").count() >= 4
    assert chart.evaluate("img => img.complete && img.naturalWidth > 100 && img.naturalHeight > 100")

    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    error_texts = [text for text in errors.all_inner_texts() if "Error" in text or "Traceback" in text]
    assert error_texts == []
    page_text = page.locator(".jp-Notebook").first.inner_text()
    for failure in ("Error displaying widget", "Model not found", "Traceback"):
        assert failure not in page_text
