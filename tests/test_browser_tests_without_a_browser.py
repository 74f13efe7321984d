"""Without Chromium the browser tests skip and the summary says how to enable them; under CI they fail.

Runs pytest on the browser plumbing's own tests in a subprocess with the Chromium path pointed at
nothing (``LAMBDASIM_CHROMIUM``), once as a developer would and once as CI does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
# One test needs the browser (it is skipped or fails), the other only a server (it passes).
PLUMBING_TESTS = REPO / "tests" / "browser" / "test_fixtures.py"


def _pytest_without_chromium(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("PYTEST_XDIST")}
    environment.update(LAMBDASIM_CHROMIUM=str(tmp_path / "no-chromium"), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", str(PLUMBING_TESTS)],
        cwd=REPO, env=environment, capture_output=True, text=True, timeout=300,
    )


def test_a_developer_without_chromium_is_told_the_browser_tests_were_skipped_and_how_to_run_them(tmp_path):
    finished = _pytest_without_chromium(tmp_path)
    assert finished.returncode == 0, finished.stdout
    assert "browser tests skipped" in finished.stdout
    assert "1 browser test(s) did not run: Chromium is not installed at" in finished.stdout
    assert "apt-get install chromium" in finished.stdout
    assert "1 passed, 1 skipped" in finished.stdout


def test_in_ci_a_missing_browser_fails_the_run(tmp_path):
    finished = _pytest_without_chromium(tmp_path, CI="true")
    assert finished.returncode == 1, finished.stdout
    assert "CI must run the browser tests" in finished.stdout
    assert "1 passed, 1 error" in finished.stdout
    assert "browser test(s) did not run" not in finished.stdout
