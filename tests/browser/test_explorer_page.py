"""The explorer as a web page (app/explorer.ipynb served by Voila), as a person sees it in Chromium.

One Voila server serves the module's tests (each page load runs its own kernel); it is started on a
free localhost port and stopped by its process group (tests/servers.py). One JupyterLab server (its
settings and workspaces in a scratch folder) serves the layout checks inside JupyterLab: each size
opens its own copy of the notebook in its own workspace and runs it once its kernel is idle
(tests/browser/jupyterlab_page.py says why the status bar is the signal). Screenshots of each step go
to the shared screenshot folder (``test-screenshots/``) as ``explorer-*.png``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from jupyterlab_page import (
    open_dialog_text,
    run_all_cells,
    served_kernel_name,
    wait_until_kernel_idle,
)
from servers import find_free_port, jupyterlab_environment, serving

from lambdasim.widgets.explorer import ExplorerSettings, explore

REPO = Path(__file__).resolve().parents[2]
#: Voila runs the notebook before the page shows widgets; a cold first kernel takes longer.
LOAD_TIMEOUT_MS = 120_000
UPDATE_TIMEOUT_MS = 30_000
SIZES = [(1280, 800), (1920, 1080)]
#: The panel's parts, top to bottom: what the page must show whole.
PANEL_PARTS = ["preset", "maximum-retry-attempts", "maximum-event-age-s", "reserved-concurrency",
               "error-probability", "outage-s", "arrivals", "rate-per-s", "window-s", "burst-count",
               "duration", "duration-s", "timeout-s", "dispatch", "retry-jitter-s", "throttle-jitter",
               "on-success", "on-failure", "dlq", "seed", "export", "compare"]


@pytest.fixture(scope="module")
def explorer_url(browser):
    """The page's URL, with Voila serving app/explorer.ipynb from this checkout (the ``browser``
    fixture first, so a machine without Chromium skips before a server is started)."""
    port = find_free_port()
    command = [sys.executable, "-m", "voila", str(REPO / "app" / "explorer.ipynb"), "--no-browser",
               f"--port={port}", "--Voila.ip=127.0.0.1", "--show_tracebacks=True"]
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
           "MPLBACKEND": "Agg"}
    with serving(command, port, cwd=REPO, env=env) as base_url:
        yield base_url + "/"


def open_explorer(browser_page, url, width, height, **options):
    page = browser_page(width, height, **options)
    page.goto(url)
    page.wait_for_selector("img[alt^='timeline chart']", timeout=LOAD_TIMEOUT_MS)
    return page


def box(page, selector: str) -> dict:
    found = page.locator(selector)
    assert found.count() == 1, f"{selector}: {found.count()} elements"
    return found.bounding_box()


def inside(inner: dict, outer: dict, slack: float = 0.5) -> bool:
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack)


def overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] - 0.5 and b["x"] < a["x"] + a["width"] - 0.5
            and a["y"] < b["y"] + b["height"] - 0.5 and b["y"] < a["y"] + a["height"] - 0.5)


def kpi_values(page) -> dict[str, float]:
    rows = page.locator(".lambdasim-kpis tr").all_inner_texts()
    return {name.strip(): float(value.replace(",", "")) for name, value in (row.split("\t") for row in rows)}


def assert_no_error_text(page) -> None:
    text = page.inner_text("body")
    for phrase in ("Traceback", "Exception", "Not run:", "is not valid"):
        assert phrase not in text, f"{phrase!r} on the page:\n{text[:2000]}"
    assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0


@pytest.fixture(scope="module")
def lab_url(browser, tmp_path_factory):
    """JupyterLab serving a copy of app/ (JupyterLab autosaves: the checkout's copy stays as committed),
    its settings and workspaces in a scratch folder; no token, as it listens on 127.0.0.1 only. Yields
    the base URL and the served folder."""
    scratch = tmp_path_factory.mktemp("lab")
    root = scratch / "root"
    shutil.copytree(REPO / "app", root / "app")
    port = find_free_port()
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
               f"--ServerApp.root_dir={root}", "--allow-root", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
           "MPLBACKEND": "Agg", **jupyterlab_environment(scratch)}
    with serving(command, port, cwd=root, env=env, path="/api") as base_url:
        yield base_url, root


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_control_is_clipped_or_overlapped_in_jupyterlab(lab_url, browser_page, screenshot_dir, width,
                                                            height):
    base_url, root = lab_url
    size = f"{width}x{height}"
    # Each size opens its own copy in its own workspace: its own kernel, no tab restored from the
    # other size's layout, no save of the same file from another page.
    notebook = root / "app" / f"explorer-{size}.ipynb"
    shutil.copy(root / "app" / "explorer.ipynb", notebook)
    kernel = served_kernel_name(base_url, notebook)
    page = browser_page(width, height)
    page.goto(f"{base_url}/lab/workspaces/explorer-{size}/tree/app/{notebook.name}")
    try:
        wait_until_kernel_idle(page, notebook.name, kernel, timeout_ms=LOAD_TIMEOUT_MS)
        run_all_cells(page, timeout_ms=UPDATE_TIMEOUT_MS)
        try:
            page.wait_for_selector("img[alt^='timeline chart']", timeout=LOAD_TIMEOUT_MS)
        except Exception:  # Playwright's TimeoutError: say what stopped the run, if a dialog did
            dialog = open_dialog_text(page)
            if dialog is not None:
                pytest.fail(f"Run All did not draw the chart; JupyterLab shows a dialog: {dialog!r}")
            raise
    finally:
        page.screenshot(path=screenshot_dir / f"explorer-jupyterlab-{size}-ran.png")
    page.locator(".lambdasim-panel").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / f"explorer-jupyterlab-{size}.png")
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert_whole(page, width)


def assert_whole(page, width: int) -> None:
    """The control column keeps its width, and nothing in it is clipped, cut short or overlapped."""
    panel, results = box(page, ".lambdasim-panel"), box(page, ".lambdasim-results")
    assert panel["width"] >= 460 and not overlap(panel, results)
    assert panel["x"] >= 0 and results["x"] + results["width"] <= width  # nothing off the page's sides
    parts = {name: box(page, f".lambdasim-{name}") for name in PANEL_PARTS}
    for name, part in parts.items():
        assert inside(part, panel), f"{name} sticks out of the control column: {part} vs {panel}"
        assert part["width"] > 0 and part["height"] > 0, name
    names = list(parts)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if {a, b} != {"export", "compare"}:  # the two buttons share a row, side by side
                assert parts[a]["y"] + parts[a]["height"] <= parts[b]["y"] + 0.5, f"{a} overlaps {b}"
    assert not overlap(parts["export"], parts["compare"])
    # Inside each control: its label, slider, readout, buttons and fields sit whole within it, and no
    # text is cut short (an element whose content is wider than itself shows an ellipsis or clips).
    pieces = page.evaluate("""() => [...document.querySelectorAll('.lambdasim-panel [class*="lambdasim-"]')]
        .flatMap(control => [...control.querySelectorAll(
            'label, .noUi-handle, .widget-readout, select, input, button')]
          .filter(piece => piece.getClientRects().length > 0)  // not displayed (an empty HTML label)
          .map(piece => {
          const r = piece.getBoundingClientRect(), c = control.getBoundingClientRect();
          return {control: control.className.match(/lambdasim-[a-z-]+/)[0], tag: piece.tagName,
                  text: piece.textContent.trim().slice(0, 30),
                  inside: r.left >= c.left - 0.5 && r.right <= c.right + 0.5 && r.top >= c.top - 0.5
                          && r.bottom <= c.bottom + 0.5,
                  cut: piece.scrollWidth > piece.clientWidth + 1
                       && (['LABEL', 'BUTTON', 'SELECT'].includes(piece.tagName)
                           || piece.classList.contains('widget-readout'))};
        }))""")
    assert len(pieces) > 50
    assert [p for p in pieces if not p["inside"] or p["cut"]] == []


def test_keyboard_moves_update_the_kpis_and_chart_to_what_explore_computes(explorer_url, browser_page,
                                                                            screenshot_dir):
    page = open_explorer(browser_page, explorer_url, 1280, 800)
    chart = page.locator(".lambdasim-charts img").first
    before_src, before_kpis = chart.get_attribute("src"), kpi_values(page)
    assert before_kpis == pytest.approx(explore(ExplorerSettings()).kpis, rel=1e-5)
    page.screenshot(path=screenshot_dir / "explorer-1-loaded.png")

    retries = page.locator(".lambdasim-maximum-retry-attempts [role='slider']")
    retries.focus()
    page.keyboard.press("ArrowLeft")  # 2 → 1
    page.wait_for_selector("img[alt*='retries 1, max age 60 min']", timeout=UPDATE_TIMEOUT_MS)
    age = page.locator(".lambdasim-maximum-event-age-s [role='slider']")
    age.focus()
    page.keyboard.press("Home")  # 3600 s → the minimum, 60 s
    page.wait_for_selector("img[alt*='retries 1, max age 60 s,']", timeout=UPDATE_TIMEOUT_MS)
    page.screenshot(path=screenshot_dir / "explorer-2-after-keys.png")

    assert retries.get_attribute("aria-valuenow") == "1.0" and age.get_attribute("aria-valuenow") == "60.0"
    expected = explore(ExplorerSettings(maximum_retry_attempts=1, maximum_event_age_s=60)).kpis
    page.wait_for_function("""(delivered) => [...document.querySelectorAll('.lambdasim-kpis tr')]
        .some(row => row.innerText.startsWith('delivered') && row.innerText.endsWith(delivered))""",
                           arg=f"{expected['delivered']:,}", timeout=UPDATE_TIMEOUT_MS)
    after = kpi_values(page)
    assert after == pytest.approx(expected, rel=1e-5)
    assert after != before_kpis and after["expired"] > 0  # a 60-s limit expires events the hour did not
    assert chart.get_attribute("src") != before_src
    assert_no_error_text(page)


def test_tab_order_follows_the_layout_and_every_control_is_named(explorer_url, browser_page):
    page = open_explorer(browser_page, explorer_url, 1280, 800)
    page.locator(".lambdasim-preset select").focus()
    seen = []
    for _ in range(40):
        focused = page.evaluate("""() => {
            const e = document.activeElement, part = e.closest('[class*="lambdasim-"]');
            const name = e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].textContent)
                         || e.textContent;
            return {part: part && part.className.match(/lambdasim-[a-z-]+/)[0].slice(10),
                    name: (name || '').trim(),  // the top within the column (the page scrolls as focus moves)
                    y: e.getBoundingClientRect().top
                       - document.querySelector('.lambdasim-panel').getBoundingClientRect().top};
        }""")
        if focused["part"] in (None, "charts", "results", "kpis"):
            break
        seen.append(focused)
        page.keyboard.press("Tab")
    order = list(dict.fromkeys(f["part"] for f in seen))
    # ipywidgets keeps a disabled slider (burst size, with Poisson arrivals) focusable: it is in its place.
    assert order == PANEL_PARTS
    tops = {}
    for f in seen:
        tops.setdefault(f["part"], f["y"])  # each part's first stop
    tops = list(tops.values())
    assert tops == sorted(tops)  # down the column (Export and Compare share a row)
    unnamed = [f for f in seen if not f["name"]]
    assert unnamed == []
    names = {}
    for f in seen:
        names.setdefault(f["part"], f["name"])
    assert names["maximum-retry-attempts"] == "MaximumRetryAttempts"
    assert names["arrivals"] == "Arrivals: poisson"  # a toggle button says what it sets
    assert names["seed"] == "Seed"


def test_a_preset_loads_its_scenario(explorer_url, browser_page, screenshot_dir):
    page = open_explorer(browser_page, explorer_url, 1280, 800)
    page.locator(".lambdasim-preset select").select_option(label="throttling")
    page.wait_for_selector("img[alt*='reserved concurrency 1, timeout 60 s']", timeout=UPDATE_TIMEOUT_MS)
    page.screenshot(path=screenshot_dir / "explorer-3-preset.png")
    from lambdasim.widgets import load_preset, preset_files

    settings, notes = load_preset(preset_files()["throttling"])
    assert kpi_values(page) == pytest.approx(explore(settings).kpis, rel=1e-5)
    assert page.locator(".lambdasim-panel").inner_text().count("cold start stays the explorer's default") == 1
    assert page.locator(".lambdasim-burst-count .widget-readout").inner_text() == "10"


def test_export_downloads_a_zip_of_the_charts_and_tables(explorer_url, browser_page, screenshot_dir,
                                                         tmp_path):
    page = open_explorer(browser_page, explorer_url, 1280, 800, accept_downloads=True)
    accepted = kpi_values(page)["accepted"]
    page.locator(".lambdasim-export button, button.lambdasim-export").first.click()
    link = page.locator(".lambdasim-download a[download]")
    link.wait_for(timeout=UPDATE_TIMEOUT_MS)
    page.screenshot(path=screenshot_dir / "explorer-4-export.png")
    with page.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename == "lambdasim-export-001.zip"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    archive = zipfile.ZipFile(path)
    assert sorted(archive.namelist()) == sorted([
        "attempts.csv", "deliveries.csv", "events.csv", "event_age.png", "event_age.svg", "outcomes.png",
        "outcomes.svg", "timeline.png", "timeline.svg"])
    events = archive.read("events.csv").decode().splitlines()
    assert len(events) == 1 + accepted
    for name in ("timeline.png", "outcomes.png", "event_age.png"):
        assert archive.read(name)[:8] == b"\x89PNG\r\n\x1a\n"
    assert re.search(rb"<svg", archive.read("timeline.svg"))
    assert not list((REPO / "app").glob("exports*"))  # nothing written beside the page on the server
    assert zipfile.ZipFile(io.BytesIO(path.read_bytes())).testzip() is None
