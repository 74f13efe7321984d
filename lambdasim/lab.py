"""The README's set-up command: JupyterLab on the course's notebooks, whoever runs it.

``python -m lambdasim lab`` starts JupyterLab on ``notebooks/``. Run as root (a container, a cloud
notebook VM) ``jupyter lab`` stops at "Running as root is not recommended. Use --allow-root to
bypass."; the launcher passes ``--allow-root`` exactly when the effective user is root, so the one
command opens the kit on any machine.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["NOTEBOOKS", "lab_command", "notebooks_folder", "running_as_root"]

#: The repository's notebooks folder (beside the package in a clone or an editable install).
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def running_as_root() -> bool:
    """True when the effective user id is 0 (False where the OS has no user ids)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def notebooks_folder(folder: str | os.PathLike | None = None) -> Path:
    """The folder JupyterLab opens: ``folder`` if given, else the repository's ``notebooks/``.

    Raises FileNotFoundError naming the folder when it is not a directory.
    """
    path = Path(folder) if folder is not None else NOTEBOOKS
    if not path.is_dir():
        raise FileNotFoundError(
            f"folder: {str(path)!r} is not a directory; allowed: a folder of notebooks "
            f"(by default the repository's notebooks/, {NOTEBOOKS})"
        )
    return path.resolve()


def lab_command(
    folder: str | os.PathLike | None = None,
    *,
    port: int | None = None,
    open_browser: bool = True,
    extra: Sequence[str] = (),
    as_root: bool | None = None,
) -> list[str]:
    """The ``jupyter lab`` command line that opens ``folder`` (see :func:`notebooks_folder`).

    ``as_root`` (default: :func:`running_as_root`) adds ``--allow-root``; ``port`` pins the port
    (JupyterLab's default, 8888 or the next free one, otherwise); ``extra`` is passed on as is.
    """
    if port is not None and not (isinstance(port, int) and 0 < port < 65536):
        raise ValueError(f"port: {port!r} is not valid; allowed: a whole number from 1 to 65535")
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={notebooks_folder(folder)}"]
    if port is not None:
        command.append(f"--port={port}")
    if not open_browser:
        command.append("--no-browser")
    if running_as_root() if as_root is None else as_root:
        command.append("--allow-root")
    return command + list(extra)
