"""Shared fixtures for the browser tests: Debian's Chromium driven by Playwright, and local servers.

Every test in ``tests/browser/`` is marked ``browser`` and ``slow``. The browser is the system's
Chromium (``/usr/bin/chromium``, or ``LAMBDASIM_CHROMIUM``): Playwright's own browser download is
not available here. Without Chromium or Playwright the tests are skipped with a reason, and the test
summary says so and how to enable them (``tests/conftest.py`` prints it); with ``CI`` set a missing
browser fails the tests instead, so CI can never pass without running them.

Fixtures:

- ``browser``: one headless Chromium per test process (Playwright gives each launch a fresh,
  temporary user-data-dir, removed when the browser closes).
- ``browser_page(width, height)``: a new page in its own context with that viewport, closed after
  the test.
- ``free_port``: a TCP port on 127.0.0.1 that nothing listens on.
- ``served``: ``tests/servers.py``'s ``serving`` context manager, which starts a server command,
  waits until it answers over HTTP and stops its whole process group afterwards.
- ``screenshot_dir``: the folder screenshots go to (``test-screenshots/`` at the repository root, or
  ``LAMBDASIM_SCREENSHOTS``; not committed), so a person can look at what the tests saw.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from servers import find_free_port, serving

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("LAMBDASIM_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(os.environ.get("LAMBDASIM_SCREENSHOTS", REPO / "test-screenshots"))

# The flags keep a headless Chromium quiet and local: no sandbox (root in a container), no GPU, no
# QUIC, and none of the background traffic (updates, sync, first-run pages) it would start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# tests/conftest.py looks for this phrase in the skip reasons to print its summary line.
SKIP_PHRASE = "browser tests skipped"
HOW_TO_ENABLE = (
    "install Chromium (apt-get install chromium) and the requirements (pip install -r requirements.txt)"
)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python Playwright is not installed"
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM}"
    return None


def skip_or_fail_without_browser() -> None:
    reason = missing_browser()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the browser tests; {HOW_TO_ENABLE}", pytrace=False)
    pytest.skip(f"{SKIP_PHRASE}: {reason}; to run them, {HOW_TO_ENABLE}")


@pytest.fixture(scope="session")
def browser():
    skip_or_fail_without_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser_page(browser):
    """``browser_page(width, height)`` opens a page with that viewport; all are closed after the test."""
    contexts = []

    def open_page(width: int = 1280, height: int = 800, **context_options):
        context = browser.new_context(viewport={"width": width, "height": height}, **context_options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def free_port() -> int:
    return find_free_port()


@pytest.fixture
def served():
    """``tests/servers.py``'s ``serving``: ``with served(command, port, cwd=...) as base_url: ...``."""
    return serving


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def python() -> str:
    """The interpreter running the tests, whose environment holds jupyter lab and voila."""
    return sys.executable
