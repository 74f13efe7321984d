"""Strict YAML: the plain data of one document, built straight from libyaml's event stream.

What is read, and what is refused (the rules a scenario file is held to, README "Reading scenario files"):

* **Plain data only.** Mappings, sequences and YAML's standard scalars (str, int, float, bool, null,
  timestamp), resolved exactly as ``yaml.safe_load`` resolves them (YAML 1.1: ``yes`` is True,
  ``0x1f`` is 31, ``1e3`` is a string). ``!!python/...``, ``!!set``, ``!!binary`` and custom tags are
  refused; a key written twice in one mapping is refused with its dotted path (the YAML spec, 1.1 and
  1.2, requires each key of a mapping to be unique; PyYAML silently keeps the last).
* **Bounded aliases.** An alias (``*name``) stands for a copy of what its anchor names, so a few
  hundred bytes of nested aliases ("billion laughs") can stand for 10^9 values. The document is
  measured as if every alias were expanded (as it is read, never by expanding it), and refused when
  aliases add more than :data:`MAX_ALIAS_EXPANSION` values (anchors for shared settings and ``<<:``
  merge keys stay usable); an alias inside what its own anchor names (a recursive document) is refused.
* **Bounded depth.** Mappings and sequences nest at most :data:`MAX_DEPTH` deep.

How (issue 13: a 100,000-event file, 2.4 million YAML events, in well under 3 s): libyaml's C parser
(``yaml.CSafeLoader``; PyYAML's pure-Python parser where libyaml is missing) hands over one event at a
time, and one recursive pass turns them into dicts, lists and scalars. PyYAML's composer is skipped:
it would build a node for every event, resolve each scalar's tag with a Python call and leave a graph
that is then walked again and freed, which cost twice as much as the events themselves. A plain
scalar's value is cached by its text (a scenario repeats its keys and values), and decimal numbers,
the common unique scalars (``at_s: 12.34``), are converted without PyYAML's generic constructor.

Errors are the same as composing the document first: a document that is not valid YAML (a syntax
error, an undefined alias, a duplicate anchor, a second document) gives PyYAML's own error wherever it
is, even after something this reader refuses; then the first refusal in document order; then the
alias expansion. When something is wrong the text is composed once more with PyYAML's loader to tell
which (an error path only).
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from lambdasim.model.errors import invalid_value

__all__ = ["MAX_ALIAS_EXPANSION", "MAX_DEPTH", "parse_yaml"]

#: Values that aliases may add to a document when expanded (``*a`` counts as a copy of what ``&a`` names).
MAX_ALIAS_EXPANSION = 10_000
#: How deep mappings and sequences may nest (a scenario needs fewer than 10 levels).
MAX_DEPTH = 100

_SOURCE = "scenario"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAP, _SEQ, _STR, _MERGE_TAG = (f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "merge"))
_SCALAR_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_STANDARD = "YAML's standard scalars: str, int, float, bool, null, timestamp"
_RECURSIVE = "no recursive alias (an alias inside what its anchor names)"
_PLAIN = (True, False)  # a plain scalar's ``implicit``: its tag is resolved from its text
# Plain scalars that PyYAML resolves to float (its float pattern, first tried for these first
# characters) and int (tried next), and whose constructors then return float(text) and int(text).
_DECIMAL_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?").fullmatch
_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)").fullmatch

_MISSING = object()  # not in a cache
_OPEN = object()  # an anchored collection being built: an alias to it is recursive
_MERGE = object()  # the ``<<`` key of a merge


def parse_yaml(text: str, name: str | None = None) -> Any:
    """The plain data of one YAML (or JSON) document, read strictly (module docstring)."""
    where = name if name is not None else text[:80]
    loader = _Loader(text)
    try:
        builder = _Builder(loader)
        data = builder.document()
    except yaml.YAMLError as exc:
        raise _not_yaml(where, exc) from None
    except (_Refusal, _NotComposable) as problem:
        error = _yaml_error(text)
        if error is not None:
            raise _not_yaml(where, error) from None
        if isinstance(problem, _NotComposable):  # PyYAML's composer refuses what this reader refuses
            raise AssertionError(f"PyYAML composed a document this reader could not: {problem}") from None
        raise invalid_value(problem.path(), problem.value, problem.allowed) from None
    finally:
        loader.dispose()
    if builder.shared and builder.added > MAX_ALIAS_EXPANSION:
        raise invalid_value(_SOURCE, where, f"YAML whose aliases add at most {MAX_ALIAS_EXPANSION:,} "
                                            f"values when expanded (these would add {builder.added:,})")
    return data


def _not_yaml(where: str, error: yaml.YAMLError) -> Exception:
    return invalid_value(_SOURCE, where, f"valid YAML ({error})")


def _yaml_error(text: str) -> yaml.YAMLError | None:
    """PyYAML's error composing ``text`` (the first syntax or composition error in it), or None."""
    loader = _Loader(text)
    try:
        loader.get_single_node()
    except yaml.YAMLError as exc:
        return exc
    finally:
        loader.dispose()
    return None


class _NotComposable(Exception):
    """What PyYAML's composer refuses (an undefined alias, a duplicate anchor, a second document):
    its own error, with its marks, is then taken from composing the text (:func:`_yaml_error`)."""


class _Refusal(Exception):
    """A refused value; each enclosing mapping or sequence adds its key on the way out (no path is
    formatted unless something is refused)."""

    def __init__(self, value: Any, allowed: str) -> None:
        super().__init__(allowed)
        self.value, self.allowed, self.keys = value, allowed, []

    def path(self) -> str:
        out = ""
        for key in reversed(self.keys):
            out = f"{out}[{key}]" if isinstance(key, int) else f"{out}.{key}" if out else str(key)
        return out or _SOURCE


class _Builder:
    """Turns one document's events into plain data in one recursive pass (depth <= MAX_DEPTH).

    The common event, a plain untagged scalar without an anchor, is handled inline by the mapping
    and sequence loops (its value cached by its text); everything else goes through :meth:`_value`.
    An anchored collection is built once and shared by its aliases, as PyYAML does.

    Alias expansion is counted as the document is read: ``nodes`` counts the nodes written (each
    collection adds its children when it closes: a mapping two per pair, a sequence one per item,
    less the aliases among them), ``added`` sums, over every alias, the expanded size of what its
    anchor names (its nodes and the expansion of the aliases inside it, taken at its start and end).
    ``shared`` records whether an alias named a collection: as with the node-graph count this reader
    replaced, only then is the expansion checked.
    """

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.get = loader.get_event
        self.plain: dict[str, Any] = {}  # text of a plain scalar -> its value
        self.tagged: dict[tuple[str, str], Any] = {}  # (explicit tag, text) -> its value
        self.anchors: dict[str, Any] = {}  # anchor -> what it names (_OPEN while being built)
        self.sizes: dict[str, int] = {}  # anchor -> expanded size of what it names
        self.nodes = self.added = self.depth = 0
        self.shared = False

    def document(self) -> Any:
        """The stream's single document (None for an empty stream)."""
        get = self.get
        get()  # stream start
        if get().__class__ is StreamEndEvent:  # else the document start
            return None
        data = self._value(get())
        get()  # document end
        if get().__class__ is not StreamEndEvent:
            raise _NotComposable("expected a single document in the stream")
        return data

    # -- collections: the hot loops --------------------------------------------------------------

    def _mapping(self) -> dict:
        out: dict = {}
        merged: dict | None = None
        get, plain = self.get, self.plain
        while True:
            event = get()
            if event.__class__ is ScalarEvent and event.tag is None and event.anchor is None \
                    and event.implicit[0]:
                key = plain.get(event.value, _MISSING)
                if key is _MISSING:
                    key = _MERGE if event.value == "<<" else self._plain(event.value)
            elif event.__class__ is MappingEndEvent:
                self.nodes += 2 * len(out)
                return {**merged, **out} if merged else out
            else:
                key = self._key(event)
            try:
                event = get()
                if event.__class__ is ScalarEvent and event.tag is None and event.anchor is None:
                    if event.implicit[0]:
                        value = plain.get(event.value, _MISSING)
                        if value is _MISSING:
                            value = self._plain(event.value)
                    else:
                        value = event.value
                else:
                    value = self._value(event)
                if key is _MERGE:
                    merged = _merge(merged or {}, value)
                    self.nodes += 2
                    continue
                if key in out:
                    raise _Refusal(key, "each key once per mapping (this key is written twice)")
            except _Refusal as refusal:
                refusal.keys.append("<<" if key is _MERGE else key)
                raise
            out[key] = value

    def _sequence(self) -> list:
        out: list = []
        append = out.append
        get, plain = self.get, self.plain
        while True:
            event = get()
            try:
                if event.__class__ is ScalarEvent and event.tag is None and event.anchor is None:
                    if event.implicit[0]:
                        value = plain.get(event.value, _MISSING)
                        append(self._plain(event.value) if value is _MISSING else value)
                    else:
                        append(event.value)
                elif event.__class__ is SequenceEndEvent:
                    self.nodes += len(out)
                    return out
                else:
                    append(self._value(event))
            except _Refusal as refusal:
                refusal.keys.append(len(out))
                raise

    # -- everything else ---------------------------------------------------------------------------

    def _value(self, event: Any) -> Any:
        """A value: any scalar, an alias, or a collection (a merge key's ``<<`` is not a value)."""
        kind = event.__class__
        if kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is None and event.tag is None and self.depth < MAX_DEPTH:  # the usual one
                self.depth += 1
                out = self._mapping() if kind is MappingStartEvent else self._sequence()
                self.depth -= 1
                return out
            return self._collection(event)
        value = self._scalar_or_alias(event)
        if value is _MERGE:
            raise _Refusal(_MERGE_TAG, _STANDARD)
        return value

    def _key(self, event: Any) -> Any:
        """A mapping key: a scalar, or an alias to one (``_MERGE`` for ``<<``)."""
        if event.__class__ is AliasEvent:
            named = self.anchors.get(event.anchor, _MISSING)
            collection = named is _OPEN or named.__class__ in (dict, list)
        else:
            collection = event.__class__ is not ScalarEvent  # ? [a, b] : 1
        if collection:
            raise _Refusal("a mapping or list used as a key", "scalar keys")
        return self._scalar_or_alias(event)

    def _scalar_or_alias(self, event: Any) -> Any:
        if event.__class__ is AliasEvent:
            return self._alias(event.anchor)
        anchor = self._anchor(event)
        tag = event.tag
        if tag is None or tag == "!":  # "!" is the non-specific tag, resolved as if absent
            if not event.implicit[0]:  # quoted, or a block scalar: a string
                value = event.value
            else:
                value = self.plain.get(event.value, _MISSING)
                if value is _MISSING:
                    value = _MERGE if event.value == "<<" else self._plain(event.value)
        else:
            value = self._tagged(tag, event.value)
        if anchor is not None:
            self.anchors[anchor], self.sizes[anchor] = value, 1
        return value

    def _collection(self, event: Any) -> Any:
        anchor = self._anchor(event)
        if self.depth >= MAX_DEPTH:
            raise _Refusal("...", f"collections nested at most {MAX_DEPTH} deep")
        tag = event.tag
        default = tag is None or tag == "!"
        if anchor is not None:
            self.anchors[anchor] = _OPEN
            nodes, added = self.nodes, self.added
        self.depth += 1
        if event.__class__ is SequenceStartEvent and (default or tag == _SEQ):
            out: Any = self._sequence()
        elif event.__class__ is MappingStartEvent and (default or tag == _MAP):
            out = self._mapping()
        else:
            raise _Refusal(tag, "a plain YAML mapping or sequence (no tag)")
        self.depth -= 1
        if anchor is not None:
            self.anchors[anchor] = out
            self.sizes[anchor] = 1 + self.nodes - nodes + self.added - added
        return out

    def _anchor(self, event: Any) -> str | None:
        anchor = event.anchor
        if anchor is not None and anchor in self.anchors:
            raise _NotComposable(f"found duplicate anchor {anchor!r}")
        return anchor

    def _alias(self, anchor: str) -> Any:
        value = self.anchors.get(anchor, _MISSING)
        if value is _MISSING:
            raise _NotComposable(f"found undefined alias {anchor!r}")
        if value is _OPEN:
            raise _Refusal("*alias", _RECURSIVE)
        self.nodes -= 1  # its parent counted it as a node written
        self.added += self.sizes[anchor]
        if value.__class__ in (dict, list):
            self.shared = True
        return value

    def _plain(self, text: str) -> Any:
        """The value of a plain untagged scalar (resolved as PyYAML resolves it), cached by its text.

        ``<<`` is a merge key: callers reading a key take it before asking; as a value it is refused.
        """
        if _DECIMAL_FLOAT(text):
            value: Any = float(text)
        elif _DECIMAL_INT(text):
            value = int(text)
        else:
            value = self._constructed(self.loader.resolve(ScalarNode, text, _PLAIN), text)
            if value is _MERGE:
                raise _Refusal(_MERGE_TAG, _STANDARD)
        self.plain[text] = value
        return value

    def _tagged(self, tag: str, text: str) -> Any:
        """The value of a scalar with an explicit tag (``!!int "3"``), cached by both."""
        value = self.tagged.get((tag, text), _MISSING)
        if value is _MISSING:
            value = self.tagged[tag, text] = self._constructed(tag, text)
        return value

    def _constructed(self, tag: str, text: str) -> Any:
        if tag == _STR:
            return text
        if tag == _MERGE_TAG:
            return _MERGE
        if tag not in _SCALAR_TAGS:
            raise _Refusal(tag, _STANDARD)
        try:
            return self.loader.yaml_constructors[tag](self.loader, ScalarNode(tag, text))
        except ValueError as exc:  # a timestamp such as 2025-02-30, which matches YAML's pattern
            raise _Refusal(text, f"a valid {tag.rsplit(':', 1)[-1]} ({exc})") from None


def _merge(merged: dict, value: Any) -> dict:
    """``merged`` with a ``<<:`` merge added: a mapping, or a list of them where earlier ones win (YAML
    merge key spec; a second ``<<`` in one mapping counts as later). The keys keep the order in which
    they first appear, as in PyYAML's result; the mapping's own keys then override them."""
    for source in value if isinstance(value, list) else [value]:
        if not isinstance(source, dict):
            raise _Refusal(source, "a mapping or a list of mappings to merge")
        for key, item in source.items():
            if key not in merged:
                merged[key] = item
    return merged
