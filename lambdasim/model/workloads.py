"""Arrival processes: explicit events, constant rate, Poisson and bursts.

Trace replay is in :mod:`lambdasim.model.traces`.

A workload says when asynchronous invocations of one function arrive. ``arrivals(rng)`` yields
:class:`Arrival` tuples lazily in non-decreasing time order; rates are drawn in numpy blocks, so a
million arrivals never exist as one Python list. Pure Python and numpy: nothing here knows SimPy.
YAML shape (README): ``{function: orders, arrivals: poisson, rate_per_s: 5, end_s: 600}``. A
producer sends its arrivals to an SQS queue instead (each payload is a message body), for an
event-source mapping to read: ``{target: arn:aws:sqs:us-east-1:123456789012:jobs, arrivals: poisson,
rate_per_s: 5, end_s: 600}``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import MISSING as NO_DEFAULT
from dataclasses import dataclass, fields
from itertools import count, repeat
from operator import attrgetter
from typing import Any, ClassVar, NamedTuple

import numpy as np

from lambdasim.model.errors import invalid_value
from lambdasim.model.rules import SQS_QUEUE_ARN_PATTERN
from lambdasim.model.validation import (
    MISSING,
    build,
    check_field,
    check_json,
    check_keys,
    check_sequence,
    check_str,
    join,
    pick_kind,
)

__all__ = ["Arrival", "ScheduledEvent", "Workload", "Events", "Constant", "Poisson", "Burst"]

_BLOCK = 4096
_QUALIFIER = r"[A-Za-z0-9$_-]{1,128}"


class Arrival(NamedTuple):
    """One invocation: when, the JSON-able event (None means ``{}``), and an optional size override."""

    at_s: float
    payload: Any
    payload_size_bytes: int | None


@dataclass(frozen=True)
class ScheduledEvent:
    """One explicit event at ``at_s`` >= 0 with a JSON-able ``payload``."""

    at_s: float
    payload: Any = None

    def __post_init__(self) -> None:
        check_field(self, "at_s", ge=0)
        check_json(self.payload, "ScheduledEvent.payload")

    def to_dict(self) -> dict:
        """The YAML shape ``{at_s, payload}`` (payload left out when None)."""
        return {"at_s": self.at_s} if self.payload is None else {"at_s": self.at_s, "payload": self.payload}

    @staticmethod
    def from_dict(d: Any, field: str) -> ScheduledEvent:
        """Build from ``{at_s, payload}``."""
        if isinstance(d, ScheduledEvent):
            return d
        return build(ScheduledEvent, check_keys(d, field, ["at_s", "payload"], required=["at_s"]), field)


_EVENT_KEYS = frozenset({"at_s", "payload"})


def _scheduled_events(values: Any, path: str) -> tuple[ScheduledEvent, ...]:
    """Read a list of ``{at_s, payload}`` (a file may hold 100,000 of them, so the checks are batched).

    The common, valid entry (a dict with a finite ``at_s`` >= 0) is built without a per-event
    ``__post_init__``, and all payloads are checked as JSON in one ``json.dumps``; an entry that is
    not of that shape, or a batch that fails, goes through :meth:`ScheduledEvent.from_dict` one by
    one, so the error names the same field, value and range as before.
    """
    events = check_sequence(values, path, "a list of {at_s, payload}")
    out: list[ScheduledEvent] = []
    new, setattr_ = object.__new__, object.__setattr__
    for i, e in enumerate(events):
        at = e.get("at_s") if type(e) is dict and e.keys() <= _EVENT_KEYS else None
        if type(at) in (int, float) and 0 <= at < math.inf:
            event = new(ScheduledEvent)
            setattr_(event, "at_s", float(at))
            setattr_(event, "payload", e.get("payload"))
            out.append(event)
        else:
            out.append(ScheduledEvent.from_dict(e, join(path, i)))
    try:
        json.dumps([event.payload for event in out], allow_nan=False)
    except (TypeError, ValueError):
        for i, event in enumerate(out):
            check_json(event.payload, f"{join(path, i)}.payload")
    return tuple(out)


class Workload:
    """An arrival process for one function (``qualifier`` None means ``$LATEST``)."""

    function: str
    qualifier: str | None
    #: An SQS queue's ARN: the workload sends its arrivals there as messages (a producer feeding an
    #: event-source mapping) instead of invoking ``function`` (then "").
    target: str | None = None
    kind: ClassVar[str] = ""
    _kinds: ClassVar[dict[str, type[Workload]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            Workload._kinds[cls.kind] = cls

    def _check(self) -> None:
        """Validate the fields every workload has (called from ``__post_init__``)."""
        name = type(self).__name__
        if self.target is not None:
            check_str(self.target, f"{name}.target", SQS_QUEUE_ARN_PATTERN,
                      "the ARN of an SQS queue (arn:aws:sqs:REGION:ACCOUNT:NAME) to send messages to")
            if self.function or self.qualifier is not None:
                raise invalid_value(f"{name}.function", self.function or self.qualifier,
                                    "no function or qualifier when the workload sends to a queue (target)")
        else:
            check_str(self.function, f"{name}.function", allowed="a function name (non-empty string)")
        if self.qualifier is not None:
            check_str(self.qualifier, f"{name}.qualifier", _QUALIFIER,
                      "None or a version or alias name of 1-128 letters, digits, '$', '-' or '_'")
        if hasattr(self, "payload"):
            check_json(self.payload, f"{name}.payload")
            if self.payload_size_bytes is not None:
                check_field(self, "payload_size_bytes", ge=0, integer=True, allowed="None or integer >= 0")

    def arrivals(self, rng: np.random.Generator) -> Iterator[Arrival]:
        """Yield arrivals lazily in non-decreasing time order."""
        raise NotImplementedError

    def expected_events(self, horizon_s: float | None = None) -> float:
        """How many arrivals to expect before ``horizon_s`` (None: all of them), without drawing any."""
        raise NotImplementedError

    def to_dict(self) -> dict:
        """The YAML shape; optional fields that are None are left out."""
        out: dict[str, Any] = {"function": self.function, "arrivals": self.kind}
        if self.target is not None:
            out = {"target": self.target, "arrivals": self.kind}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.name == "events":
                out["events"] = [e.to_dict() for e in value]
            elif f.name != "function" and value is not None:
                out[f.name] = value
        return out

    @staticmethod
    def from_dict(d: Any, field: str = "workloads[0]", horizon_s: float | None = None) -> Workload:
        """Build from the YAML shape; ``end_s`` defaults to ``horizon_s`` for constant and poisson."""
        if isinstance(d, Workload):
            return d
        cls = pick_kind(d, field, "arrivals", Workload._kinds,
                        "a mapping {{function, arrivals: {kinds}, ...}}")
        names = [f.name for f in fields(cls)]
        required = [f.name for f in fields(cls) if f.default is NO_DEFAULT]
        if isinstance(d, Mapping) and "target" in d and "function" not in d:
            required.remove("function")  # a producer: it sends to a queue, it invokes no function
            d = {**d, "function": ""}
        values = check_keys(d, field, ["function", "arrivals", *names[1:]], required=required)
        del values["arrivals"]
        if values.get("end_s") is MISSING:
            if horizon_s is None:
                raise invalid_value(join(field, "end_s"), MISSING, "number > start_s (or set horizon_s)")
            values["end_s"] = horizon_s
        if "events" in values:
            values["events"] = _scheduled_events(values["events"], join(field, "events"))
        return build(cls, values, field)


@dataclass(frozen=True)
class Events(Workload):
    """Explicit events; they arrive sorted by ``at_s`` (ties keep their listed order)."""

    function: str
    events: tuple[ScheduledEvent, ...]
    qualifier: str | None = None
    target: str | None = None
    kind: ClassVar[str] = "events"

    def __post_init__(self) -> None:
        self._check()
        events = check_sequence(self.events, "Events.events", "a list of ScheduledEvent")
        for i, event in enumerate(events):
            if not isinstance(event, ScheduledEvent):
                raise invalid_value(f"Events.events[{i}]", event, "a ScheduledEvent")
        object.__setattr__(self, "events", events)

    def arrivals(self, rng: np.random.Generator) -> Iterator[Arrival]:
        for event in sorted(self.events, key=attrgetter("at_s")):
            yield Arrival(event.at_s, event.payload, None)

    def expected_events(self, horizon_s: float | None = None) -> float:
        return float(len(self.events))  # listed in the file: as many as it holds


@dataclass(frozen=True)
class _Windowed(Workload):
    """Fields and checks shared by the rate workloads: rate > 0 and 0 <= start_s < end_s."""

    function: str
    rate_per_s: float
    end_s: float
    start_s: float = 0.0
    payload: Any = None
    payload_size_bytes: int | None = None
    qualifier: str | None = None
    target: str | None = None

    def __post_init__(self) -> None:
        self._check()
        check_field(self, "rate_per_s", gt=0)
        check_field(self, "start_s", ge=0)
        check_field(self, "end_s", gt=self.start_s, allowed=f"number > start_s ({self.start_s:g})")

    def _block(self, rng: np.random.Generator, first: int, after: float) -> np.ndarray:
        """The next ``_BLOCK`` arrival times: the ``first``-th onwards, after time ``after``."""
        raise NotImplementedError

    def expected_events(self, horizon_s: float | None = None) -> float:
        end = self.end_s if horizon_s is None else min(self.end_s, horizon_s)
        return max(end - self.start_s, 0.0) * self.rate_per_s

    def arrivals(self, rng: np.random.Generator) -> Iterator[Arrival]:
        rest = (repeat(self.payload), repeat(self.payload_size_bytes))
        after = self.start_s
        for first in count(0, _BLOCK):
            times = self._block(rng, first, after)
            inside = times[: np.searchsorted(times, self.end_s)]
            yield from map(Arrival, inside.tolist(), *rest)
            if len(inside) < _BLOCK:
                return
            after = float(times[-1])


@dataclass(frozen=True)
class Constant(_Windowed):
    """Arrivals at ``start_s + k / rate_per_s`` for k = 0, 1, ... while before ``end_s``."""

    kind: ClassVar[str] = "constant"

    def _block(self, rng: np.random.Generator, first: int, after: float) -> np.ndarray:
        return self.start_s + np.arange(first, first + _BLOCK) / self.rate_per_s


@dataclass(frozen=True)
class Poisson(_Windowed):
    """Poisson process: exponential gaps with mean ``1 / rate_per_s`` from ``start_s``, before ``end_s``."""

    kind: ClassVar[str] = "poisson"

    def _block(self, rng: np.random.Generator, first: int, after: float) -> np.ndarray:
        return after + np.cumsum(rng.exponential(1.0 / self.rate_per_s, _BLOCK))


@dataclass(frozen=True)
class Burst(Workload):
    """``count`` arrivals all at ``at_s``."""

    function: str
    count: int
    at_s: float = 0.0
    payload: Any = None
    payload_size_bytes: int | None = None
    qualifier: str | None = None
    target: str | None = None
    kind: ClassVar[str] = "burst"

    def __post_init__(self) -> None:
        self._check()
        check_field(self, "count", ge=1, integer=True)
        check_field(self, "at_s", ge=0)

    def arrivals(self, rng: np.random.Generator) -> Iterator[Arrival]:
        return repeat(Arrival(self.at_s, self.payload, self.payload_size_bytes), self.count)

    def expected_events(self, horizon_s: float | None = None) -> float:
        return float(self.count) if horizon_s is None or self.at_s <= horizon_s else 0.0
