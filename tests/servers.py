"""Local servers for tests: a free port, and a server command started, awaited and stopped by process group.

Used by the browser tests (``tests/browser/conftest.py`` wraps them in fixtures) and by the tests of
``python -m lambdasim lab``, which need a running JupyterLab but no browser.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["find_free_port", "jupyterlab_environment", "read_json", "serving"]


def find_free_port() -> int:
    """A port on 127.0.0.1 free at the time of asking (the OS picks it; the socket is closed again)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def jupyterlab_environment(folder: Path) -> dict[str, str]:
    """Environment variables giving a JupyterLab server its own settings, workspaces and runtime files
    in ``folder``, with a reader's choice made in advance: no news and no update check.

    Without them every test server shares ``~/.jupyter/lab/workspaces``: a layout saved by an earlier
    run (or by a server in another xdist worker) is restored on top of the page the test opens, and
    the news question opens a toast over the notebook.
    """
    notification = folder / "lab-settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True, exist_ok=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    return {
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(folder / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(folder / "lab-workspaces"),
    }


# Proxy variables must not route requests to our own localhost server elsewhere.
_LOCAL_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def read_json(url: str, timeout_s: float = 30.0):
    """The JSON a local server answers at ``url`` (straight, never through a proxy)."""
    with _LOCAL_OPENER.open(url, timeout=timeout_s) as answer:
        return json.load(answer)


def _answers(url: str) -> bool:
    """True once anything answers HTTP at ``url`` (an error status is an answer too)."""
    try:
        with _LOCAL_OPENER.open(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _stop_group(process: subprocess.Popen, grace_s: float = 10.0) -> None:
    """Stop the server and everything it started (its kernels) by its process group id."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=grace_s)
    # The server may have exited while a child it started lives on in the group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def serving(
    command: Sequence[str],
    port: int,
    *,
    path: str = "/",
    cwd: str | os.PathLike | None = None,
    env: dict[str, str] | None = None,
    timeout_s: float = 120.0,
) -> Iterator[str]:
    """Start ``command`` (which must listen on ``port``), wait until it answers, yield its base URL.

    The command runs in a new session, so it and its children form one process group that is
    stopped by that id afterwards (SIGTERM, then SIGKILL after a grace period). Its output goes to
    a temporary log whose tail is in the error if it exits or does not answer within ``timeout_s``.
    """
    base_url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, **(env or {})}
    with tempfile.NamedTemporaryFile("w+", prefix="served-", suffix=".log") as log:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + timeout_s
            while not _answers(base_url + path):
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{command[0]} exited with code {process.returncode} before answering:\n{_tail(log)}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{base_url + path} did not answer within {timeout_s:g} s:\n{_tail(log)}"
                    )
                time.sleep(0.2)
            yield base_url
        finally:
            _stop_group(process)


def _tail(log, chars: int = 4000) -> str:
    log.flush()
    return Path(log.name).read_text(errors="replace")[-chars:]
