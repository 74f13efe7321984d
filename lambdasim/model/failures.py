"""How attempts fail: error probability, outage windows, poison payloads and Lambda's own errors.

:class:`FailureModel` is the ``failures:`` block of a function in the scenario file. The engine asks
:func:`injected_failure` whether an attempt fails before it calls a user handler (if any; see
:mod:`lambdasim.engine.handlers`). Timeouts are decided by the engine from the duration.

Function errors (``error_probability``, ``outages``, ``poison_payloads``) happen *in* an execution:
the code ran, the attempt counts, and the event is retried at most ``MaximumRetryAttempts`` times.

System errors (``system_error_probability``, ``system_outages``) are Lambda's own 500-series errors
(``ServiceException``, ``EC2ThrottledException``, ``KMS…``, ``ENI…``: the names in
:data:`~lambdasim.model.rules.SYSTEM_ERRORS`) met when the queue dispatches an async event. AWS:
"For throttling errors (429) and system errors (500-series), Lambda returns the event to the queue
and attempts to run the function again for up to 6 hours by default. The retry interval increases
exponentially from 1 second after the first attempt to a maximum of 5 minutes."
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html)
The engine (:func:`injected_system_error`, asked at every async dispatch) treats them as a throttle:
the function does not run ("before execution", docs/aws-behaviour.md §4: no concurrency, nothing billed,
not in ``Invocations`` or ``Errors``), the event goes back to the queue with the throttle backoff,
uses no retry attempt and no ``approximateInvokeCount``, and ends with ``EventAgeExceeded`` at its
age limit. Example::

    failures:
      system_error_probability: 0.1            # each async dispatch fails with system_error_type
      system_error_type: ServiceException      # default; any name in rules.SYSTEM_ERRORS
      system_outages:                          # every dispatch in [start_s, end_s) fails
        - {start_s: 600, end_s: 900, error_type: ENILimitReachedException}
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from lambdasim.model.errors import invalid_value
from lambdasim.model.rules import DEFAULT_SYSTEM_ERROR, SYSTEM_ERRORS
from lambdasim.model.validation import (
    build,
    check_field,
    check_json,
    check_keys,
    check_sequence,
    check_str,
    join,
)

__all__ = [
    "Outage",
    "SystemOutage",
    "FailureModel",
    "Failure",
    "injected_failure",
    "injected_system_error",
]

_SYSTEM_ALLOWED = "one of AWS's 500-series Lambda errors: " + ", ".join(SYSTEM_ERRORS)


def _check_system_error(value: Any, field: str) -> str:
    if not isinstance(value, str) or value not in SYSTEM_ERRORS:
        raise invalid_value(field, value, _SYSTEM_ALLOWED)
    return value

HANDLER_PATTERN = r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*[:.][A-Za-z_]\w*(\.[A-Za-z_]\w*)*"


class Failure(NamedTuple):
    """Why an attempt failed: the record's ``errorType``, ``errorMessage`` and ``stackTrace``."""

    error_type: str
    error_message: str
    stack_trace: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outage:
    """A window [``start_s``, ``end_s``) in which every attempt fails with ``error_type``."""

    start_s: float
    end_s: float
    error_type: str = "DownstreamUnavailable"
    error_message: str = "Dependency unavailable (simulated outage)"

    def __post_init__(self) -> None:
        check_field(self, "start_s", ge=0)
        check_field(self, "end_s", gt=self.start_s, allowed=f"number > start_s ({self.start_s:g})")
        check_str(self.error_type, "Outage.error_type")
        check_str(self.error_message, "Outage.error_message", r"(?s).*", "a string")

    def to_dict(self) -> dict:
        """The YAML shape ``{start_s, end_s}`` plus the error fields that differ from the defaults."""
        out: dict[str, Any] = {"start_s": self.start_s, "end_s": self.end_s}
        for name in ("error_type", "error_message"):
            if getattr(self, name) != getattr(Outage, name):
                out[name] = getattr(self, name)
        return out

    @staticmethod
    def from_dict(d: Any, field: str) -> Outage:
        """Build from ``{start_s, end_s, error_type?, error_message?}``."""
        if isinstance(d, Outage):
            return d
        keys = ["start_s", "end_s", "error_type", "error_message"]
        return build(Outage, check_keys(d, field, keys, required=keys[:2]), field)


@dataclass(frozen=True)
class SystemOutage:
    """A window [``start_s``, ``end_s``) in which every async dispatch meets Lambda's ``error_type``."""

    start_s: float
    end_s: float
    error_type: str = DEFAULT_SYSTEM_ERROR

    def __post_init__(self) -> None:
        check_field(self, "start_s", ge=0)
        check_field(self, "end_s", gt=self.start_s, allowed=f"number > start_s ({self.start_s:g})")
        _check_system_error(self.error_type, "SystemOutage.error_type")

    def to_dict(self) -> dict:
        """The YAML shape ``{start_s, end_s}`` plus ``error_type`` when it is not the default."""
        out: dict[str, Any] = {"start_s": self.start_s, "end_s": self.end_s}
        if self.error_type != DEFAULT_SYSTEM_ERROR:
            out["error_type"] = self.error_type
        return out

    @staticmethod
    def from_dict(d: Any, field: str) -> SystemOutage:
        """Build from ``{start_s, end_s, error_type?}``."""
        if isinstance(d, SystemOutage):
            return d
        keys = ["start_s", "end_s", "error_type"]
        return build(SystemOutage, check_keys(d, field, keys, required=keys[:2]), field)


def _windows(values: object, name: str, kind: type) -> tuple:
    """A tuple of ``kind`` windows, or the error naming ``FailureModel.<name>[i]``."""
    windows = check_sequence(values, f"FailureModel.{name}", f"a list of {kind.__name__}")
    for i, window in enumerate(windows):
        if not isinstance(window, kind):
            raise invalid_value(f"FailureModel.{name}[{i}]", window, f"an {kind.__name__}"
                                if kind.__name__[0] in "AEIOU" else f"a {kind.__name__}")
    return tuple(windows)


@dataclass(frozen=True)
class FailureModel:
    """Injected failures of one function.

    ``error_probability`` (0-1) fails each attempt at random; an attempt that starts inside one of
    the ``outages`` fails; an event whose payload contains every key/value of one of the
    ``poison_payloads`` fails on every attempt (function errors: the code ran).

    ``system_error_probability`` (0-1) fails each async dispatch at random with Lambda's
    ``system_error_type`` (default ``ServiceException``); a dispatch inside one of the
    ``system_outages`` fails with that outage's ``error_type``. System errors are retried like
    throttles, for up to the event-age limit, without using a retry attempt (module docstring).
    """

    error_probability: float = 0.0
    outages: tuple[Outage, ...] = ()
    poison_payloads: tuple[dict, ...] = ()
    error_type: str = "SimulatedError"
    error_message: str = "Simulated function error"
    system_error_probability: float = 0.0
    system_outages: tuple[SystemOutage, ...] = ()
    system_error_type: str = DEFAULT_SYSTEM_ERROR

    def __post_init__(self) -> None:
        check_field(self, "error_probability", ge=0, le=1)
        object.__setattr__(self, "outages", _windows(self.outages, "outages", Outage))
        allowed = "a non-empty mapping of payload keys to JSON values"
        poison = check_sequence(self.poison_payloads, "FailureModel.poison_payloads", "a list of mappings")
        for i, entry in enumerate(poison):
            if not isinstance(entry, Mapping) or not entry:
                raise invalid_value(f"FailureModel.poison_payloads[{i}]", entry, allowed)
            check_json(dict(entry), f"FailureModel.poison_payloads[{i}]")
        object.__setattr__(self, "poison_payloads", tuple(dict(entry) for entry in poison))
        check_str(self.error_type, "FailureModel.error_type")
        check_str(self.error_message, "FailureModel.error_message", r"(?s).*", "a string")
        check_field(self, "system_error_probability", ge=0, le=1)
        windows = _windows(self.system_outages, "system_outages", SystemOutage)
        object.__setattr__(self, "system_outages", windows)
        _check_system_error(self.system_error_type, "FailureModel.system_error_type")

    @property
    def active(self) -> bool:
        """True when any function-error source is configured."""
        return bool(self.error_probability > 0 or self.outages or self.poison_payloads)

    @property
    def system_active(self) -> bool:
        """True when any system-error source is configured."""
        return bool(self.system_error_probability > 0 or self.system_outages)

    def to_dict(self) -> dict:
        """The YAML shape; only the settings that differ from the defaults are written."""
        out: dict[str, Any] = {}
        if self.error_probability:
            out["error_probability"] = self.error_probability
        if self.outages:
            out["outages"] = [o.to_dict() for o in self.outages]
        if self.poison_payloads:
            out["poison_payloads"] = [dict(p) for p in self.poison_payloads]
        for name in ("error_type", "error_message"):
            if getattr(self, name) != getattr(FailureModel, name):
                out[name] = getattr(self, name)
        if self.system_error_probability:
            out["system_error_probability"] = self.system_error_probability
        if self.system_outages:
            out["system_outages"] = [o.to_dict() for o in self.system_outages]
        if self.system_error_type != DEFAULT_SYSTEM_ERROR:
            out["system_error_type"] = self.system_error_type
        return out

    @functools.cached_property
    def random_error(self) -> Failure:
        """The failure an ``error_probability`` draw injects: one immutable value, made once."""
        return Failure(self.error_type, self.error_message)

    @staticmethod
    def from_dict(d: Any, field: str = "failures") -> FailureModel:
        """Build from ``{error_probability, outages, poison_payloads, error_type, error_message,
        system_error_probability, system_outages, system_error_type}``."""
        if isinstance(d, FailureModel):
            return d
        keys = ["error_probability", "outages", "poison_payloads", "error_type", "error_message",
                "system_error_probability", "system_outages", "system_error_type"]
        values = check_keys({} if d is None else d, field, keys)
        if "outages" in values:
            outages = check_sequence(values["outages"], join(field, "outages"), "a list of {start_s, end_s}")
            values["outages"] = tuple(Outage.from_dict(o, join(join(field, "outages"), i))
                                      for i, o in enumerate(outages))
        if "system_outages" in values:
            where = join(field, "system_outages")
            shape = "a list of {start_s, end_s, error_type?}"
            windows = check_sequence(values["system_outages"], where, shape)
            values["system_outages"] = tuple(SystemOutage.from_dict(o, join(where, i))
                                             for i, o in enumerate(windows))
        return build(FailureModel, values, field)


def injected_failure(model: FailureModel, now: float, payload: Any,
                     uniform: Callable[[], float]) -> Failure | None:
    """Return the injected failure of an attempt starting at ``now``, or None.

    Precedence: an outage containing ``now`` (start <= now < end), then a poison payload match,
    then ``uniform() < error_probability``; ``uniform`` is called only when the probability is > 0.
    """
    for outage in model.outages:
        if outage.start_s <= now < outage.end_s:
            return Failure(outage.error_type, outage.error_message)
    if isinstance(payload, dict):
        for poison in model.poison_payloads:
            if all(key in payload and payload[key] == value for key, value in poison.items()):
                return Failure("PoisonPayload", f"Simulated poison payload matching {json.dumps(poison)}")
    p = model.error_probability
    if p > 0 and uniform() < p:
        return model.random_error
    return None


def injected_system_error(model: FailureModel, now: float, uniform: Callable[[], float]) -> str | None:
    """Return the AWS error name of a system error met by an async dispatch at ``now``, or None.

    Precedence: a system outage containing ``now`` (start <= now < end), then
    ``uniform() < system_error_probability``; ``uniform`` is called only when the probability is > 0.
    """
    for window in model.system_outages:
        if window.start_s <= now < window.end_s:
            return window.error_type
    p = model.system_error_probability
    if p > 0 and uniform() < p:
        return model.system_error_type
    return None
