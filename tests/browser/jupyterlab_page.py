"""Steps of a person using a notebook in JupyterLab, shared by the browser tests that open one.

Why the kernel wait reads the status bar: the toolbar's execution indicator
(``.jp-Notebook-ExecutionIndicator``) says ``data-status="idle"`` as soon as the notebook is drawn,
while the status bar still says "No Kernel | Initializing" and before the page has even asked the
server for a session. A Run All sent then finds no kernel: JupyterLab starts one itself and opens its
"Select Kernel" dialog, and the cells are not run (the cause of the flaky 1280x800 case of
``test_explorer_page.py``, 2026-11-27). The status bar's kernel item reads "<kernel> | Idle" only
after the kernel is connected and has answered.
"""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect
from servers import read_json


def served_kernel_name(base_url: str, notebook: Path) -> str:
    """The name JupyterLab shows for the kernel the notebook asks for ("Python 3 (ipykernel)": the
    server's kernelspec names it, not the notebook's metadata), failing if the server has none such
    (JupyterLab would then ask which kernel to use)."""
    wanted = json.loads(notebook.read_text())["metadata"]["kernelspec"]["name"]
    offered = read_json(f"{base_url}/api/kernelspecs")["kernelspecs"]
    assert wanted in offered, (
        f"{notebook.name} asks for kernel {wanted!r}; this JupyterLab offers {sorted(offered)} "
        "(install ipykernel into the environment running the tests)"
    )
    return offered[wanted]["spec"]["display_name"]


def wait_until_kernel_idle(page, notebook_name: str, kernel_name: str, timeout_ms: float) -> None:
    """Wait until the status bar says the notebook's kernel is connected and idle."""
    status = page.get_by_title(f"Change kernel for {notebook_name}", exact=True)
    expect(status).to_have_text(f"{kernel_name} | Idle", timeout=timeout_ms)


def run_all_cells(page, timeout_ms: float) -> None:
    """Run > Run All Cells, from the menu bar."""
    page.get_by_role("menuitem", name="Run", exact=True).click(timeout=timeout_ms)
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click(timeout=timeout_ms)


def open_dialog_text(page) -> str | None:
    """The text of a JupyterLab dialog that is open (one would stop a run), or None."""
    dialog = page.locator(".jp-Dialog")
    return dialog.first.inner_text() if dialog.count() else None
