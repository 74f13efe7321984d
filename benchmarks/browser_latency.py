"""How long a person waits, in the browser, from a slider move to the updated chart (issue 15: ≤0.5 s median).

Voila serves app/explorer.ipynb on a free localhost port; Debian's Chromium (Playwright, headless)
opens it and sets the page to the 10,000-event scenario of benchmarks/explorer_update.py (10 events/s
for 1,000 s, unreserved, 10 % errors) with the keyboard and the reserved-concurrency picker. Then
it moves the MaximumRetryAttempts slider N times (ArrowLeft / ArrowRight alternately) and measures
in the page, with ``performance.now()``, from the key press to the moment the chart tab holds a new
image: everything a person waits for (the widget message to the kernel, the run, the drawing, the
PNG back over the websocket and its decoding). The server is stopped by its process group.

    python benchmarks/browser_latency.py          # 9 moves, median and worst
    python benchmarks/browser_latency.py --moves 21
    python benchmarks/browser_latency.py --screenshot after-move.png   # the page after the last move
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the browser tests' server helper: start, await, stop by group

from servers import find_free_port, serving  # noqa: E402

CHROMIUM = os.environ.get("LAMBDASIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 120_000

#: Stamps the last key press, and the first new chart image after it (the page's own clock).
WATCH_JS = """() => {
  window.lambdasimPressed = null; window.lambdasimShown = null;
  document.addEventListener('keydown', () => { window.lambdasimPressed = performance.now();
                                               window.lambdasimShown = null; }, true);
  new MutationObserver(() => {
    if (window.lambdasimPressed !== null && window.lambdasimShown === null) {
      window.lambdasimShown = performance.now();
    }
  }).observe(document.querySelector('.lambdasim-charts'), {childList: true, subtree: true,
                                                          attributes: true, attributeFilter: ['src']});
}"""


def press_and_wait(page, handle, key: str) -> float:
    """Seconds from pressing ``key`` on ``handle`` to a new chart image."""
    handle.focus()
    page.keyboard.press(key)
    page.wait_for_function("() => window.lambdasimShown !== null", timeout=TIMEOUT_MS)
    return page.evaluate("() => (window.lambdasimShown - window.lambdasimPressed) / 1000")


def settle(page) -> str:
    """Wait until the status line says an update finished (not an error) and stays the same for 2 s
    (no update still on its way); return it."""
    page.wait_for_function("() => /updated in/.test(document.querySelector('.lambdasim-status').innerText)",
                           timeout=TIMEOUT_MS)
    status = None
    while status != (status := page.locator(".lambdasim-status").inner_text()):
        page.wait_for_timeout(2000)
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=9)
    parser.add_argument("--screenshot", type=Path, help="save the page after the last move (PNG)")
    opts = parser.parse_args()
    moves = opts.moves
    from playwright.sync_api import sync_playwright

    port = find_free_port()
    command = [sys.executable, "-m", "voila", str(REPO / "app" / "explorer.ipynb"), "--no-browser",
               f"--port={port}", "--Voila.ip=127.0.0.1"]
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
           "MPLBACKEND": "Agg"}
    with serving(command, port, cwd=REPO, env=env) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base_url + "/")
        page.wait_for_selector("img[alt^='timeline chart']", timeout=TIMEOUT_MS)
        page.evaluate(WATCH_JS)
        # The 10,000-event scenario: unreserved, 10/s (three 0.1 steps of the log slider from 5/s), 1,000 s.
        page.locator(".lambdasim-reserved-concurrency select").select_option(label="unreserved")
        settle(page)
        for part, key, times in (("rate-per-s", "ArrowRight", 3), ("window-s", "PageUp", 8)):
            for _ in range(times):
                press_and_wait(page, page.locator(f".lambdasim-{part} [role='slider']"), key)
        status = settle(page)
        shown = {part: page.locator(f".lambdasim-{part} .widget-readout").inner_text()
                 for part in ("rate-per-s", "window-s")}
        events = int(re.search(r"\(([\d,]+) events", status).group(1).replace(",", ""))
        retries = page.locator(".lambdasim-maximum-retry-attempts [role='slider']")
        waits = []
        for move in range(moves):
            waits.append(press_and_wait(page, retries, "ArrowLeft" if move % 2 == 0 else "ArrowRight"))
            settle(page)
        if opts.screenshot:
            page.screenshot(path=str(opts.screenshot), full_page=True)
        browser.close()
    print(f"events per update: {events:,} (rate {shown['rate-per-s']}/s, window {shown['window-s']} s; "
          f"{status})")
    print(f"slider move → new chart image in the browser, {moves} moves: "
          f"median {statistics.median(waits):.3f} s, worst {max(waits):.3f} s, best {min(waits):.3f} s"
          "   (goal: 0.5 s median)")
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
          + f" on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
