"""Reading scenario files and text: which one it is, strict YAML, and what a data file may ask for.

A scenario file is data a student may download, so reading one is explicit, strict and bounded:

* **File or text** (:func:`read_source`): a :class:`pathlib.Path` (any ``os.PathLike``) is a file; a
  ``str`` is text when it has a newline or starts with ``{``, a file when it names an existing one,
  text when it is a one-line YAML mapping (``key: value``), and a missing file when it looks like a
  path (ends in ``.yaml``/``.yml``/``.json`` or holds a ``/`` or ``\\``); ``bytes`` are UTF-8 text. A
  file that is not UTF-8 is refused naming the file and the byte offset.
* **Strict YAML** (:func:`parse_yaml`): libyaml's C parser (``yaml.CSafeLoader``; the pure-Python
  ``SafeLoader`` where libyaml is missing) composes the document, then one pass builds plain dicts,
  lists and scalars from it. Only YAML's standard scalar tags, mappings and sequences are built
  (``!!python/...``, ``!!set`` and custom tags are refused); a key written twice in one mapping is
  refused with its dotted path (the YAML spec, 1.1 and 1.2, requires each key of a mapping
  to be unique; PyYAML silently keeps the last).
* **Bounded aliases**: an alias (``*name``) stands for a copy of what its anchor names, so a few
  hundred bytes of nested aliases ("billion laughs") can stand for 10^9 values. The document is
  measured as if every alias were expanded, and refused when aliases add more than
  :data:`MAX_ALIAS_EXPANSION` values (anchors for shared settings and ``<<:`` merge keys stay usable);
  an alias to its own ancestor (a recursive document) is refused too.
* **Trust** (:func:`untrusted_handler`): a function's ``handler: "package.module:function"`` makes the
  engine import that module and call the function, which runs code. A scenario read from a file,
  text or a plain dict names a handler only when its caller passes ``trust=True`` (CLI ``--trust``);
  a scenario built in Python (``FunctionConfig(handler=...)``) is code already and needs no flag.
  The handler is the only field that names code: no other field imports, evaluates or opens
  anything (trace workloads hold their numbers inline; the CSV loaders of
  :mod:`lambdasim.model.traces` are called from Python, not from scenario data).

Reading happens with Python's cyclic garbage collector paused (it is restored after): building a
million small containers otherwise triggers a collection pass over all of them again and again,
which made a 100,000-event file load in 50 s instead of a few (benchmarks/scenario_load.py).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lambdasim.model.errors import InvalidParameterValueException, invalid_value

__all__ = ["MAX_ALIAS_EXPANSION", "MAX_DEPTH", "TRUST_HINT", "read_source", "read_file", "parse_yaml",
           "untrusted_handler", "garbage_collection_paused"]

#: Values that aliases may add to a document when expanded (``*a`` counts as a copy of what ``&a`` names).
MAX_ALIAS_EXPANSION = 10_000
#: How deep mappings and sequences may nest (a scenario needs fewer than 10 levels).
MAX_DEPTH = 100
#: How a caller says it trusts a scenario's handlers.
TRUST_HINT = ("Scenario.from_yaml(..., trust=True) or Scenario.from_dict(..., trust=True), "
              "or python -m lambdasim run --trust FILE")

_SOURCE = "scenario"
_PATH_SUFFIXES = (".yaml", ".yml", ".json")
_MAP, _SEQ, _STR, _MERGE = (f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "merge"))
_SCALAR_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def untrusted_handler(field: str, handler: str) -> InvalidParameterValueException:
    """The error for a handler named by an untrusted scenario (file, text or plain dict)."""
    return invalid_value(field, handler, "no handler in an untrusted scenario: a scenario file is data, and "
                                         "importing the handler it names runs code; if you trust it, load "
                                         f"it with {TRUST_HINT}")


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (the containers built while reading hold no cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


# -- strict YAML -----------------------------------------------------------------------------------

class _StrictLoader(_Loader):  # type: ignore[misc, valid-type]
    """The safe loader whose plain-scalar tags are cached: a scenario repeats its keys and values."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._tags: dict[str, str] = {}
        # No path resolvers are registered, so the two calls the parser makes per node do nothing:
        # C built-ins taking the same arguments skip two Python calls per node (a tenth of the parse).
        self.descend_resolver = {}.get
        self.ascend_resolver = tuple

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode and implicit[0]:  # the tag then depends on the value alone
            tag = self._tags.get(value)
            if tag is None:
                tag = self._tags[value] = super().resolve(kind, value, implicit)
            return tag
        return super().resolve(kind, value, implicit)


def parse_yaml(text: str, name: str | None = None) -> Any:
    """The plain data of one YAML (or JSON) document, read strictly (module docstring)."""
    where = name if name is not None else text[:80]
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _Builder(loader).build(node, where)
    except yaml.YAMLError as exc:
        raise invalid_value(_SOURCE, where, f"valid YAML ({exc})") from None
    except _Refusal as refusal:
        raise invalid_value(refusal.path(), refusal.value, refusal.allowed) from None
    finally:
        loader.dispose()


class _Refusal(Exception):
    """A refused node; each enclosing mapping or sequence adds its key on the way out (no path is
    formatted unless something is refused)."""

    def __init__(self, value: Any, allowed: str) -> None:
        super().__init__(allowed)
        self.value, self.allowed, self.keys = value, allowed, []

    def path(self) -> str:
        out = ""
        for key in reversed(self.keys):
            out = f"{out}[{key}]" if isinstance(key, int) else f"{out}.{key}" if out else str(key)
        return out or _SOURCE


_OPEN = object()  # marks a collection being built: meeting it again means a recursive alias
_RECURSIVE = "no recursive alias (an alias inside what its anchor names)"


class _Builder:
    """Builds plain data from a composed node graph in one recursive pass (depth <= MAX_DEPTH).

    An aliased collection is built once and shared, as PyYAML does; only when the document has
    aliases is its expanded size measured, on the node graph, without ever expanding it.
    """

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.built: dict[int, Any] = {}
        self.scalars: dict[tuple[str, str], Any] = {}
        self.shared = False
        self.depth = 0

    def build(self, root: Node, where: str) -> Any:
        data = self._build(root)
        if self.shared:
            added = _alias_expansion(root)
            if added > MAX_ALIAS_EXPANSION:
                raise invalid_value(_SOURCE, where, f"YAML whose aliases add at most {MAX_ALIAS_EXPANSION:,}"
                                                    f" values when expanded (these would add {added:,})")
        return data

    def _build(self, node: Node) -> Any:
        if node.__class__ is ScalarNode:
            return node.value if node.tag == _STR else self._scalar(node)
        key = id(node)
        done = self.built.get(key)
        if done is not None:
            if done is _OPEN:
                raise _Refusal("*alias", _RECURSIVE)
            self.shared = True
            return done
        if self.depth >= MAX_DEPTH:
            raise _Refusal("...", f"collections nested at most {MAX_DEPTH} deep")
        self.built[key] = _OPEN
        self.depth += 1
        if node.__class__ is SequenceNode and node.tag == _SEQ:
            out: Any = self._sequence(node)
        elif node.__class__ is MappingNode and node.tag == _MAP:
            out = self._mapping(node)
        else:
            raise _Refusal(node.tag, "a plain YAML mapping or sequence (no tag)")
        self.depth -= 1
        self.built[key] = out
        return out

    def _sequence(self, node: SequenceNode) -> list:
        out = []
        append = out.append
        for i, child in enumerate(node.value):
            try:  # a plain string (most values) is taken as is, without a call
                append(child.value if child.__class__ is ScalarNode and child.tag == _STR
                       else self._build(child))
            except _Refusal as refusal:
                refusal.keys.append(i)
                raise
        return out

    def _mapping(self, node: MappingNode) -> dict:
        out: dict = {}
        merged: dict | None = None
        for key_node, child in node.value:
            if key_node.__class__ is not ScalarNode:
                raise _Refusal("a mapping or list used as a key", "scalar keys")
            tag = key_node.tag
            key = key_node.value if tag == _STR else "<<" if tag == _MERGE else self._scalar(key_node)
            try:
                value = (child.value if child.__class__ is ScalarNode and child.tag == _STR
                         else self._build(child))
                if tag == _MERGE:
                    merged = {**(merged or {}), **_merge_sources(value)}
                    continue
                if key in out:
                    raise _Refusal(key, "each key once per mapping (this key is written twice)")
            except _Refusal as refusal:
                refusal.keys.append(key)
                raise
            out[key] = value
        return {**merged, **out} if merged else out

    def _scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            raise _Refusal(tag, "YAML's standard scalars: str, int, float, bool, null, timestamp")
        cache = (tag, node.value)
        value = self.scalars.get(cache, self)
        if value is self:
            try:
                value = self.scalars[cache] = self.loader.yaml_constructors[tag](self.loader, node)
            except ValueError as exc:  # a timestamp such as 2025-02-30, which matches YAML's pattern
                raise _Refusal(node.value, f"a valid {tag.rsplit(':', 1)[-1]} ({exc})") from None
        return value


def _merge_sources(value: Any) -> dict:
    """A ``<<:`` merge: a mapping, or a list of them where earlier ones win (YAML merge key spec)."""
    sources = value if isinstance(value, list) else [value]
    merged: dict = {}
    for source in reversed(sources):
        if not isinstance(source, dict):
            raise _Refusal(source, "a mapping or a list of mappings to merge")
        merged.update(source)
    return merged


def _alias_expansion(root: Node) -> int:
    """How many values the document's aliases add when expanded: its size with every alias copied,
    less its size with every node counted once (the graph is acyclic and at most MAX_DEPTH deep)."""
    sizes: dict[int, int] = {}

    def size(node: Node) -> int:
        if node.__class__ is ScalarNode:
            sizes[id(node)] = 1
            return 1
        known = sizes.get(id(node))
        if known is None:
            pairs = node.value
            children = pairs if node.__class__ is SequenceNode else [n for pair in pairs for n in pair]
            known = sizes[id(node)] = 1 + sum(map(size, children))
        return known

    return size(root) - len(sizes)
