"""Message bodies that carry an earlier body inside them, kept without copying it.

A Lambda destination's invocation record carries the event that caused it as ``requestPayload``.
When that event was itself a record (a chain of functions joined by Lambda destinations, or a
``RecursiveLoop: Allow`` loop), hop n's record holds hop n-1's whole record: nesting Python dicts
and re-encoding them costs time and memory quadratic in the hops and fails past the interpreter's
recursion limit. A :class:`Body` is instead the text of one record as ``prefix + inner + suffix``,
where ``inner`` is the previous hop's :class:`Body` (or bytes) shared, not copied: each hop adds
only its own few hundred bytes, its size is known without building it, and :meth:`Body.bytes`
builds the text with a loop, not recursion, only when something reads it.
"""

from __future__ import annotations

import json
import threading
from typing import Any

__all__ = ["Body"]

#: Bodies nested less deeply than this are parsed on the caller's thread (far from any limit).
_SHALLOW = 100


class Body:
    """The UTF-8 text of a JSON message, built as ``prefix + inner + suffix`` (``inner`` shared)."""

    __slots__ = ("prefix", "inner", "suffix", "size", "depth")

    def __init__(self, prefix: bytes, inner: Body | bytes = b"", suffix: bytes = b"") -> None:
        self.prefix = prefix
        self.inner = inner
        self.suffix = suffix
        self.size = len(prefix) + len(inner) + len(suffix)
        #: How many bodies are nested here (1 for a body with plain bytes inside).
        self.depth = inner.depth + 1 if isinstance(inner, Body) else 1

    def __len__(self) -> int:
        return self.size

    def bytes(self) -> bytes:
        """The whole text as bytes (built by walking the chain: no recursion, one copy)."""
        heads: list[bytes] = []
        tails: list[bytes] = []
        node: Body | bytes = self
        while isinstance(node, Body):
            heads.append(node.prefix)
            tails.append(node.suffix)
            node = node.inner
        heads.append(node)
        tails.reverse()
        return b"".join(heads + tails)

    def __bytes__(self) -> bytes:
        return self.bytes()

    def __str__(self) -> str:
        return self.bytes().decode("utf-8")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Body):
            return self.size == other.size and self.bytes() == other.bytes()
        if isinstance(other, (bytes, str)):
            return self.bytes() == (other.encode() if isinstance(other, str) else other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def json(self) -> Any:
        """The body parsed as JSON.

        Nesting deeper than the interpreter's recursion limit raises ``RecursionError``, as
        ``json.loads`` does in AWS's Python runtime. The parse runs on a fresh thread so that where
        that happens depends on the body alone, never on how deep the caller's own stack is."""
        text = self.bytes()
        if self.depth < _SHALLOW:
            return json.loads(text)
        outcome: list[Any] = []

        def parse() -> None:
            try:
                outcome.append(json.loads(text))
            except RecursionError as error:
                outcome.append(error)

        worker = threading.Thread(target=parse, name="lambdasim-json")
        worker.start()
        worker.join()
        if isinstance(outcome[0], RecursionError):
            raise outcome[0]
        return outcome[0]

    def __repr__(self) -> str:
        head = self.prefix[:60].decode("utf-8", "replace")
        return f"Body({self.size} bytes, {self.depth} records deep: {head}…)"
