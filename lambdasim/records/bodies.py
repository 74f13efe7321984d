"""Message bodies that carry an earlier body inside them, kept without copying it.

A Lambda destination's invocation record carries the event that caused it as ``requestPayload``.
When that event was itself a record (a chain of functions joined by Lambda destinations, or a
``RecursiveLoop: Allow`` loop), hop n's record holds hop n-1's whole record: nesting Python dicts
and re-encoding them costs time and memory quadratic in the hops and fails past the interpreter's
recursion limit. A :class:`Body` is instead the text of one record as ``prefix + inner + suffix``,
where ``inner`` is the previous hop's :class:`Body` (or bytes) shared, not copied: each hop adds
only its own few hundred bytes, its size is known without building it, and :meth:`Body.bytes`
builds the text with a loop, not recursion, only when something reads it.

An SNS notification carries its message as a JSON *string* (``"Message": "{\\"version\\":…}"``):
a ``quoted`` Body holds the message it carries the same way, escaped only when the text is built.
Its size is still known at once: the texts here are compact JSON from ``json.dumps`` (printable
ASCII), whose escaped form is one byte longer for each ``"`` and ``\\`` it holds, so a Body keeps
count of those two.

An invocation record that carries no earlier record is kept as a :class:`RecordText`: a shared
:class:`RecordTemplate` (the record's compact JSON with stand-ins for its request id and timestamp,
one per distinct function, condition, attempt count, payload and response) plus the event's index
and the delivery's virtual time. A million such records keep a million small objects, not a million
texts; the text is built on read, byte for byte what encoding the whole record would give.
"""

from __future__ import annotations

import json
import struct
import threading
from typing import Any

__all__ = ["Body", "RecordTemplate", "RecordText"]

#: Bodies nested less deeply than this are parsed on the caller's thread (far from any limit).
_SHALLOW = 100


class Body:
    """The UTF-8 text of a JSON message, ``prefix + inner + suffix``, with ``inner`` shared.

    ``quoted``: the inner text appears as a JSON string literal (quoted and escaped), as an SNS
    notification carries its message.
    """

    __slots__ = ("prefix", "inner", "suffix", "quoted", "size", "depth", "quotes", "backslashes")

    def __init__(self, prefix: bytes, inner: Body | bytes = b"", suffix: bytes = b"",
                 quoted: bool = False) -> None:
        self.prefix = prefix
        self.inner = inner
        self.suffix = suffix
        self.quoted = quoted
        if isinstance(inner, Body):
            size, quotes, backslashes = inner.size, inner.quotes, inner.backslashes
            #: How many bodies are nested here (1 for a body with plain bytes inside).
            self.depth = inner.depth + 1
        else:
            size, quotes, backslashes = len(inner), inner.count(b'"'), inner.count(b"\\")
            self.depth = 1
        if quoted:  # each " and \ gains a backslash, and the literal its two quotes
            size, backslashes = size + quotes + backslashes + 2, 2 * backslashes + quotes
            quotes += 2
        ends = prefix + suffix
        self.size = len(prefix) + size + len(suffix)
        self.quotes = quotes + ends.count(b'"')
        self.backslashes = backslashes + ends.count(b"\\")

    def __len__(self) -> int:
        return self.size

    def bytes(self) -> bytes:
        """The whole text as bytes (built by walking the chain: no recursion)."""
        nodes: list[Body] = []
        node: Body | bytes = self
        while isinstance(node, Body):
            nodes.append(node)
            node = node.inner
        if not any(n.quoted for n in nodes):  # plain splices: one join
            heads = [n.prefix for n in nodes]
            tails = [n.suffix for n in reversed(nodes)]
            return b"".join([*heads, node, *tails])
        text = node
        for n in reversed(nodes):
            if n.quoted:
                text = json.dumps(text.decode("ascii")).encode("ascii")
            text = b"".join((n.prefix, text, n.suffix))
        return text

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

    def __hash__(self) -> int:
        return hash(self.size)  # equal texts have equal sizes; cheap, and never builds the text

    def __reduce__(self) -> tuple:
        # Pickled as its text: pickling the shared chain itself would recurse once per record.
        return Body, (self.bytes(),)

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


#: Stand-ins for the request id and the timestamp in a record's template. JSON encodes them as
#: ``\u0000``-escapes, which no text of ours holds unless a payload carries that very control character;
#: :meth:`RecordTemplate.of` counts them and refuses a template where they are ambiguous.
REQUEST_ID_MARK = "\x00lambdasim-request-id\x00"
TIMESTAMP_MARK = "\x00lambdasim-timestamp\x00"
_REQUEST_ID_JSON = json.dumps(REQUEST_ID_MARK)[1:-1]
_TIMESTAMP_JSON = json.dumps(TIMESTAMP_MARK)[1:-1]
#: Distinct templates kept for sharing; past this many (payloads that differ per event) a record
#: keeps its own template, so the table never grows with the run.
_SHARED_TEMPLATES = 4096


class RecordTemplate:
    """A record's compact JSON text with stand-ins for its request id and timestamp.

    ``request_id(index)`` and ``timestamp(at)`` turn a :class:`RecordText`'s event index and virtual
    time into the text that replaces them.
    """

    __slots__ = ("text", "request_ids", "timestamp", "size", "ids", "message_ids")

    def __init__(self, text: str, request_id: Any, timestamp: Any, ids: int, sizes: tuple[int, int],
                 message_ids: Any = None) -> None:
        self.text = text
        self.request_ids = request_id
        self.timestamp = timestamp
        #: Turns a message number into a message id (a record kept as the message itself, see RecordText).
        self.message_ids = message_ids
        self.ids = ids   # how many times the request id appears (the error object repeats it)
        #: Bytes of every text built from it (the template is ASCII JSON; ``sizes``: see RecordTemplates).
        self.size = len(text) - ids * (len(_REQUEST_ID_JSON) - sizes[0]) - len(_TIMESTAMP_JSON) + sizes[1]

    def render(self, index: int, at: float) -> str:
        text = self.text.replace(_TIMESTAMP_JSON, self.timestamp(at), 1)
        return text.replace(_REQUEST_ID_JSON, self.request_ids(index), self.ids)


class RecordTemplates:
    """The run's shared :class:`RecordTemplate` s, by text (bounded: see ``_SHARED_TEMPLATES``)."""

    def __init__(self, request_id: Any, timestamp: Any, message_ids: Any = None) -> None:
        self.request_id = request_id
        self.timestamp = timestamp
        self.message_ids = message_ids
        # Every request id has one length (a UUID) and so has every timestamp (ISO 8601 to the
        # millisecond: a four-digit year until 9999), so a record's size is known without building it.
        self.sizes = (len(request_id(0)), len(timestamp(0.0)))
        self._shared: dict[str, RecordTemplate] = {}

    def of(self, text: str, ids: int) -> RecordTemplate | None:
        """The template for ``text`` (compact JSON holding ``ids`` request-id stand-ins and one
        timestamp stand-in), or None when the stand-ins cannot be told apart from the content."""
        template = self._shared.get(text)
        if template is not None:
            return template
        if text.count(_REQUEST_ID_JSON) != ids or text.count(_TIMESTAMP_JSON) != 1 or not text.isascii():
            return None
        template = RecordTemplate(text, self.request_id, self.timestamp, ids, self.sizes, self.message_ids)
        if len(self._shared) < _SHARED_TEMPLATES:
            self._shared[text] = template
        return template


#: A RecordText's ``key`` holds the delivery time's 64 bits (an IEEE double) lowest, the event
#: index above them and a message number above that.
_TIME_BITS = 64
_TIME_MASK = (1 << _TIME_BITS) - 1
_INDEX_BITS = 32
_INDEX_MASK = (1 << _INDEX_BITS) - 1
_DOUBLE = struct.Struct("<d")


class RecordText:
    """The text of one invocation record: a shared template, the event's index and the virtual time
    of the delivery; built on read. Reads like a :class:`Body` of depth 1 (``str``, ``bytes``,
    ``len``, ``json()``, equality with its text).

    ``number``: the number of the message that carries the record, when the record is kept as that
    message (a subclass in the engine). The time, the index and the number share one int (``key``):
    a million records then hold one 40-byte int each, not an int, a float and another int.
    """

    __slots__ = ("template", "key")

    depth = 1

    def __init__(self, template: RecordTemplate, index: int, at: float, number: int = 0) -> None:
        if not 0 <= index <= _INDEX_MASK:
            raise ValueError(f"index: {index} is out of range; allowed: 0 to {_INDEX_MASK}")
        self.template = template
        time_bits = int.from_bytes(_DOUBLE.pack(at), "little")
        self.key = (number << _INDEX_BITS | index) << _TIME_BITS | time_bits

    @property
    def at(self) -> float:
        """The virtual time of the delivery (exactly the float it was made with)."""
        return _DOUBLE.unpack((self.key & _TIME_MASK).to_bytes(8, "little"))[0]

    @property
    def index(self) -> int:
        """The index of the event whose record this is."""
        return self.key >> _TIME_BITS & _INDEX_MASK

    @property
    def number(self) -> int:
        """The number of the message that carries it (0 when it is not kept as a message)."""
        return self.key >> (_TIME_BITS + _INDEX_BITS)

    def __str__(self) -> str:
        return self.template.render(self.index, self.at)

    def bytes(self) -> bytes:
        return str(self).encode("ascii")

    def __bytes__(self) -> bytes:
        return self.bytes()

    def __len__(self) -> int:
        return len(str(self))

    def json(self) -> Any:
        return json.loads(str(self))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return str(self) == other
        if isinstance(other, bytes):
            return self.bytes() == other
        if isinstance(other, (RecordText, Body)):
            return self.bytes() == other.bytes()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(len(self))  # as a Body hashes: equal texts have equal sizes

    def __reduce__(self) -> tuple:
        return str, (str(self),)  # pickled as its text: the template's callables stay behind

    def __repr__(self) -> str:
        return f"RecordText({str(self)[:60]}…)"
