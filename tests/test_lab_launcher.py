"""The README's set-up command, ``python -m lambdasim lab``: JupyterLab on notebooks/, also as root."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import pytest
from servers import find_free_port, serving

from lambdasim import lab
from lambdasim.cli import main


def test_as_root_the_command_allows_root_and_otherwise_not():
    assert "--allow-root" in lab.lab_command(as_root=True)
    assert "--allow-root" not in lab.lab_command(as_root=False)


def test_by_default_it_asks_the_effective_user_id(monkeypatch):
    monkeypatch.setattr(lab.os, "geteuid", lambda: 0)
    assert lab.running_as_root()
    assert "--allow-root" in lab.lab_command()
    monkeypatch.setattr(lab.os, "geteuid", lambda: 1000)
    assert not lab.running_as_root()
    assert "--allow-root" not in lab.lab_command()


def test_it_opens_the_repository_notebooks_with_this_python():
    command = lab.lab_command(port=8999, open_browser=False, extra=["--ServerApp.token="], as_root=False)
    assert command == [
        sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={lab.NOTEBOOKS}",
        "--port=8999", "--no-browser", "--ServerApp.token=",
    ]
    assert (lab.NOTEBOOKS / "00_start_here.ipynb").exists()


def test_a_missing_folder_and_a_bad_port_are_named(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match=r"folder: '.*nowhere' is not a directory; allowed: a folder"):
        lab.lab_command(tmp_path / "nowhere")
    allowed = "allowed: a whole number from 1 to 65535"
    with pytest.raises(ValueError, match=rf"port: 70000 is not valid; {allowed}$"):
        lab.lab_command(port=70000)
    assert main(["lab", str(tmp_path / "nowhere")]) == 2
    assert "error: folder: " in capsys.readouterr().err


def test_the_cli_passes_arguments_after_the_double_dash_to_jupyter(monkeypatch, capsys, tmp_path):
    started = []

    def execv(path, argv):  # stands in for the server: record its command line, start nothing
        started.append(argv)
        raise SystemExit(0)

    monkeypatch.setattr("os.execv", execv)
    with pytest.raises(SystemExit):
        main(["lab", str(tmp_path), "--port", "9001", "--no-browser", "--", "--ServerApp.token=secret"])
    (command,) = started
    assert command[3:] == [f"--ServerApp.root_dir={tmp_path.resolve()}", "--port=9001", "--no-browser",
                           *(["--allow-root"] if lab.running_as_root() else []), "--ServerApp.token=secret"]
    assert capsys.readouterr().out.strip() == " ".join(command)


@pytest.mark.slow
def test_the_server_starts_for_this_user_and_answers(tmp_path):
    """Run as root here (CI and the dev machines are root), this is the case jupyter lab refuses."""
    port = find_free_port()
    command = [sys.executable, "-m", "lambdasim", "lab", "--no-browser", "--port", str(port)]
    env = {"JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    with serving(command, port, path="/api", env=env) as base_url:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(base_url + "/api") as answer:
            assert "version" in json.loads(answer.read())
        listing = subprocess.run([sys.executable, "-m", "jupyter", "server", "list", "--json"],
                                 env={**os.environ, **env}, capture_output=True, text=True)
    servers = [json.loads(line) for line in listing.stdout.splitlines() if line.strip()]
    assert [server["root_dir"] for server in servers if server["port"] == port] == [str(lab.NOTEBOOKS)]
