"""What the simulated targets hold: SQS queues, SNS topics, EventBridge buses, S3 buckets and
external Lambda functions, by ARN (:class:`Target`), and the messages they received
(:class:`Message`; :class:`RecordMessage` for an invocation record, whose body is built on read;
:class:`DeadLetterAttributes` for a DLQ message's attributes, kept as numbers). The router that
delivers to them is :mod:`lambdasim.engine.destinations`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from lambdasim.engine.sqs_queues import SqsQueue
from lambdasim.model.rules import DESTINATION_MAX_BYTES
from lambdasim.records.bodies import Body, RecordText

__all__ = ["Message", "RecordMessage", "DeadLetterAttributes", "Target", "MAX_BYTES"]

_TARGET_TYPES = {"sqs": "sqs", "sns": "sns", "lambda": "lambda", "events": "eventbridge", "s3": "s3"}
#: Largest message each target type accepts (bytes); S3 objects are far larger than any record.
MAX_BYTES = DESTINATION_MAX_BYTES


class Message:
    """One message (or object, or event) a target received.

    ``body`` is its text. A plain invocation record is kept as a
    :class:`~lambdasim.records.bodies.RecordText` and a message that carries earlier records (a
    chain, or an SNS fan-out that feeds itself) as a shared :class:`~lambdasim.records.bodies.Body`;
    either's text is built each time ``body`` is read, so the router holds no text per record. ``message_id``
    and ``event_id`` (the request id of the event it came from) may be given as numbers with ``ids``,
    the two id series that turn them into text when read: a million messages then keep no id strings.
    """

    __slots__ = ("_message_id", "_body", "_attributes", "sent_at", "_event_id", "_ids")

    def __init__(self, message_id: str | int, body: str | Body, attributes: dict | None, sent_at: float,
                 event_id: str | int, ids: tuple[Callable[[int], str], Callable[[int], str]] | None = None,
                 ) -> None:
        self._message_id = message_id
        self._body = body
        self._attributes = attributes or None
        self.sent_at = sent_at
        self._event_id = event_id
        self._ids = ids

    @property
    def message_id(self) -> str:
        value = self._message_id
        return value if type(value) is str else self._ids[0](value)

    @property
    def event_id(self) -> str:
        value = self._event_id
        return value if type(value) is str else self._ids[1](value)

    @property
    def attributes(self) -> dict:
        attributes = self._attributes
        if type(attributes) is not dict:  # made on first read: most messages have none
            self._attributes = attributes = {} if attributes is None else attributes.as_dict()
        return attributes

    @property
    def body(self) -> str:
        body = self._body
        return body if type(body) is str else str(body)

    @body.setter
    def body(self, text: str | Body) -> None:
        self._body = text

    def json(self) -> Any:
        """The body parsed as JSON."""
        body = self._body
        return json.loads(body) if type(body) is str else body.json()

    def __repr__(self) -> str:
        return f"Message({self.message_id!r}, at={self.sent_at:g}, {len(self._body)} bytes)"


class DeadLetterAttributes(Mapping):
    """A DLQ message's attributes (``RequestID``, ``ErrorCode``, ``ErrorMessage``), kept as the
    event's index, the code and the message, and made into their dicts when read: a run with many
    dead letters keeps one small object per message, not four dicts and a request id (issue 11).
    :attr:`Message.attributes` turns it into a plain dict on first read (callers may change it)."""

    __slots__ = ("request_ids", "index", "error_code", "error_message")

    def __init__(self, request_ids: Callable[[int], str], index: int, error_code: str,
                 error_message: str) -> None:
        self.request_ids = request_ids
        self.index = index
        self.error_code = error_code
        self.error_message = error_message

    def as_dict(self) -> dict:
        return {
            "RequestID": {"DataType": "String", "StringValue": self.request_ids(self.index)},
            "ErrorCode": {"DataType": "Number", "StringValue": self.error_code},
            "ErrorMessage": {"DataType": "String", "StringValue": self.error_message},
        }

    def __getitem__(self, name: str) -> dict:
        return self.as_dict()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(("RequestID", "ErrorCode", "ErrorMessage"))

    def __len__(self) -> int:
        return 3

    def items(self) -> Any:
        return self.as_dict().items()


class RecordMessage(RecordText):
    """A message whose body is a plain invocation record: one object is both the message and its
    body's :class:`~lambdasim.records.bodies.RecordText` (the shared template and one int holding
    the message number, the event index and the delivery time, which is ``sent_at``).

    A million delivered records are then a million objects of two slots (48 bytes, plus a 40-byte
    int), where a :class:`Message` holding a ``RecordText`` took two objects and three numbers
    (224 bytes; issue 11); ``sent_at`` is unpacked from the int at each read. It reads as a
    :class:`Message` (``message_id``, ``body``, ``attributes``, ``sent_at``, ``event_id``,
    ``json()``) and, where the deliveries frame holds it as the ``body``, as its text (``str``,
    ``bytes``, ``len``, equality).
    Such a message has no attributes (Lambda sends a record with none): ``attributes`` reads as a
    new empty dict each time."""

    __slots__ = ()

    _attributes = None

    @property
    def sent_at(self) -> float:
        return self.at

    @property
    def message_id(self) -> str:
        return self.template.message_ids(self.number)

    @property
    def event_id(self) -> str:
        return self.template.request_ids(self.index)

    @property
    def _event_id(self) -> int:
        return self.index

    @property
    def _body(self) -> RecordText:
        return self

    @property
    def body(self) -> str:
        return str(self)

    @property
    def attributes(self) -> dict:
        return {}

    def __eq__(self, other: object) -> bool:
        # Equal to its text (as the deliveries frame's body); to another message only when it is
        # that message: SqsQueue keys its state by message identity and removes messages from lists.
        if isinstance(other, (str, bytes)):
            return RecordText.__eq__(self, other)
        return self is other

    __hash__ = object.__hash__  # by identity, as a Message: never builds the text

    def __reduce__(self) -> tuple:
        # Pickled as itself (a pickled simulation keeps its queues' messages), not as its text.
        return RecordMessage, (self.template, self.index, self.at, self.number)

    def __repr__(self) -> str:
        return f"RecordMessage({self.message_id!r}, at={self.at:g}, {len(self)} bytes)"


class Target:
    """A simulated SQS queue, SNS topic, EventBridge bus, S3 bucket or Lambda function, by ARN.

    ``messages`` holds what it received (for S3, the objects, with ``attributes["Key"]``).
    ``unavailable`` windows (virtual seconds) make deliveries fail, as a missing permission or an
    outage would. SQS queues and SNS topics whose name ends in ``.fifo`` are FIFO, which Lambda
    cannot deliver to. An ``external`` Lambda target (a function in another Region or account)
    records what it receives instead of being invoked.
    """

    def __init__(self, arn: str, behaviour: dict | None = None, external: bool = False) -> None:
        behaviour = behaviour or {}
        self.arn = arn
        parts = arn.split(":")
        self.type = _TARGET_TYPES[parts[2]]
        self.name = parts[-1] if self.type != "lambda" else parts[6]
        self.fifo = self.type in ("sqs", "sns") and self.name.endswith(".fifo")
        self.external = external and self.type == "lambda"
        self.max_bytes = MAX_BYTES[self.type]
        self.unavailable = tuple((w["start_s"], w["end_s"]) for w in behaviour.get("unavailable", ()))
        self.subscriptions = tuple(behaviour.get("subscriptions", ()))
        self.raw_message_delivery = bool(behaviour.get("raw_message_delivery", False))
        self.messages: list[Message] = []
        #: SNS only: subscriptions that could not take a message, as (subscriber ARN, message id, reason).
        self.failed_fan_out: list[tuple[str, str, str]] = []
        #: SQS only: what consumers received, hid and deleted (:mod:`lambdasim.engine.sqs_queues`).
        self.sqs = SqsQueue(self, behaviour.get("queue")) if self.type == "sqs" else None

    def refusal(self, at: float, size_bytes: int) -> str:
        """Why a delivery of ``size_bytes`` at ``at`` fails, or ``""`` when it succeeds."""
        if self.fifo:
            return "FifoTargetNotSupported"
        if self.unavailable and any(start <= at < end for start, end in self.unavailable):
            return "TargetUnavailable"
        if size_bytes > self.max_bytes:
            return f"MessageTooLarge ({size_bytes} > {self.max_bytes} bytes)"
        return ""

    def drain(self) -> list[Message]:
        """Remove and return every message, as a consumer reading the queue would."""
        taken, self.messages = self.messages, []
        return taken

    def __repr__(self) -> str:
        return f"<{self.type} target {self.name}: {len(self.messages)} messages>"
