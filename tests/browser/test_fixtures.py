"""The browser-test plumbing itself: a served page is reached by Chromium, and its server is stopped."""

from __future__ import annotations

import os
import sys

import pytest


def test_a_served_page_opens_in_chromium_and_its_server_stops(
    tmp_path, free_port, served, browser_page, screenshot_dir
):
    (tmp_path / "index.html").write_text("<title>plumbing</title><h1 id='greeting'>served here</h1>")
    command = [sys.executable, "-m", "http.server", str(free_port), "--bind", "127.0.0.1"]
    with served(command, free_port, cwd=tmp_path) as base_url:
        assert base_url == f"http://127.0.0.1:{free_port}"
        page = browser_page(640, 480)
        page.goto(base_url + "/index.html")
        assert page.locator("#greeting").inner_text() == "served here"
        assert page.viewport_size == {"width": 640, "height": 480}
        page.screenshot(path=screenshot_dir / "plumbing.png")
        server_group = os.getpgid(_listener_pid(free_port))
    with pytest.raises(ProcessLookupError):
        os.killpg(server_group, 0)  # signal 0: does the group still exist?
    assert (screenshot_dir / "plumbing.png").stat().st_size > 0


def test_a_server_that_exits_early_is_reported_with_its_output(free_port, served):
    command = [sys.executable, "-c", "import sys; print('no server today'); sys.exit(3)"]
    expected = r"exited with code 3 before answering:\n.*no server today"
    with pytest.raises(RuntimeError, match=expected), served(command, free_port):
        pass


def _listener_pid(port: int) -> int:
    """The pid of the process listening on ``port`` (from /proc, no extra tools)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # 0A: LISTEN
                    inodes.add(fields[9])
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            return int(pid)
    raise LookupError(f"nothing listens on port {port}")
