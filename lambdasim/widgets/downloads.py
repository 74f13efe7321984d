"""Exports the browser downloads: a run's charts and tables zipped in memory, offered as a link.

A page served by Voila runs its kernel on the server; writing an export into the server's folder
would leave the person at the browser with nothing. The zip is built in a temporary folder by the
same :func:`lambdasim.plots.export_run` as a folder export (same files, same captions), read back,
and handed to the browser as a ``data:`` link with a ``download`` name, which needs no server route.
"""

from __future__ import annotations

import base64
import html
import io
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lambdasim import plots
from lambdasim.plots.export import TABLES

__all__ = ["export_zip", "download_link"]


def export_zip(result: Any, figures: Mapping[str, Any] | None = None,
               tables: Sequence[str] = TABLES) -> bytes:
    """The bytes of a zip holding what :func:`lambdasim.plots.export_run` writes for ``result``."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="lambdasim-export-") as folder:
        paths = plots.export_run(result, folder, figures=figures, tables=tables)
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, arcname=Path(path).name)
    return buffer.getvalue()


def download_link(data: bytes, filename: str, mime: str = "application/zip") -> str:
    """HTML for a link that saves ``data`` as ``filename`` when clicked (a ``data:`` URL)."""
    encoded = base64.b64encode(data).decode("ascii")
    name = html.escape(filename, quote=True)
    return (f'<a href="data:{mime};base64,{encoded}" download="{name}" '
            f'aria-label="Download {name}">Download {name}</a> '
            f"<small>({len(data) / 1e6:.1f} MB)</small>")
