"""Reading scenario files and text: which one it is, strict YAML, and what a data file may ask for.

A scenario file is data a student may download, so reading one is explicit, strict and bounded:

* **File or text** (:func:`read_source`): a :class:`pathlib.Path` (any ``os.PathLike``) is a file; a
  ``str`` is text when it has a newline or starts with ``{``, a file when it names an existing one,
  text when it is a one-line YAML mapping (``key: value``), and a missing file when it looks like a
  path (ends in ``.yaml``/``.yml``/``.json`` or holds a ``/`` or ``\\``); ``bytes`` are UTF-8 text. A
  file that is not UTF-8 is refused naming the file and the byte offset.
* **Strict YAML** (:func:`parse_yaml`, in :mod:`lambdasim.model.strict_yaml`): plain dicts, lists
  and YAML's standard scalars built straight from libyaml's event stream; tags that name code or
  custom types, keys written twice, aliases that expand past :data:`MAX_ALIAS_EXPANSION` values,
  recursive aliases and nesting past :data:`MAX_DEPTH` are refused.
* **Trust** (:func:`untrusted_handler`): a function's ``handler: "package.module:function"`` makes the
  engine import that module and call the function, which runs code. A scenario read from a file,
  text or a plain dict names a handler only when its caller passes ``trust=True`` (CLI ``--trust``);
  a scenario built in Python (``FunctionConfig(handler=...)``) is code already and needs no flag.
  The handler is the only field that names code: no other field imports, evaluates or opens
  anything (trace workloads hold their numbers inline; the CSV loaders of
  :mod:`lambdasim.model.traces` are called from Python, not from scenario data).

Reading happens with Python's cyclic garbage collector paused (it is restored after): building a
million small containers otherwise triggers a collection pass over all of them again and again,
which made a 100,000-event file load in 50 s instead of a few (benchmarks/scenario_load.py). The pause
is counted across threads (:mod:`lambdasim.model.garbage_collector`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lambdasim.model.errors import InvalidParameterValueException, invalid_value
from lambdasim.model.garbage_collector import garbage_collection_paused
from lambdasim.model.strict_yaml import MAX_ALIAS_EXPANSION, MAX_DEPTH, parse_yaml

__all__ = ["MAX_ALIAS_EXPANSION", "MAX_DEPTH", "TRUST_HINT", "read_source", "read_file", "parse_yaml",
           "untrusted_handler", "garbage_collection_paused"]

#: How a caller says it trusts a scenario's handlers.
TRUST_HINT = ("Scenario.from_yaml(..., trust=True) or Scenario.from_dict(..., trust=True), "
              "or python -m lambdasim run --trust FILE")

_SOURCE = "scenario"
_PATH_SUFFIXES = (".yaml", ".yml", ".json")


def untrusted_handler(field: str, handler: str) -> InvalidParameterValueException:
    """The error for a handler named by an untrusted scenario (file, text or plain dict)."""
    return invalid_value(field, handler, "no handler in an untrusted scenario: a scenario file is data, and "
                                         "importing the handler it names runs code; if you trust it, load "
                                         f"it with {TRUST_HINT}")


# -- file or text ----------------------------------------------------------------------------------

def read_source(source: Any) -> tuple[str, str | None]:
    """``(text, file name or None)`` of a scenario given as a path, text or bytes (module docstring)."""
    if isinstance(source, (bytes, bytearray)):
        return _decoded(bytes(source), None), None
    if isinstance(source, os.PathLike):
        return read_file(Path(source)), os.fspath(source)
    if not isinstance(source, str):
        raise invalid_value(_SOURCE, source, "a pathlib.Path, a file name, or YAML/JSON text (str or bytes)")
    line = source.strip()
    if "\n" in line or line.startswith("{"):
        return source, None
    if _is_file(line):
        return read_file(Path(line)), line
    if ": " in line or line.endswith(":"):
        return source, None
    if line.endswith(_PATH_SUFFIXES) or "/" in line or "\\" in line:
        raise _not_found(Path(line))
    return source, None


def _is_file(name: str) -> bool:
    try:
        return Path(name).is_file()
    except (OSError, ValueError):  # a name too long for the file system, or holding a NUL byte
        return False


def _not_found(path: Path) -> FileNotFoundError:
    return FileNotFoundError(f"scenario file not found: {str(path)!r} (relative to {Path.cwd()}); give the "
                             "path of an existing file, or YAML text with a newline")


def read_file(path: Path) -> str:
    """The text of a UTF-8 scenario file; a missing file or another encoding is refused naming it."""
    if not path.is_file():
        raise _not_found(path)
    return _decoded(path.read_bytes(), str(path))


def _decoded(data: bytes, name: str | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = name if name is not None else "scenario bytes"
        raise invalid_value(_SOURCE, where, f"UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x}, "
                                            "not UTF-8; save the file as UTF-8)") from None
