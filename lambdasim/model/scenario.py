"""The declarative description of a run: account, functions, event-invoke configs, workloads, seed.

Frozen dataclasses validate on construction; ``from_dict`` / ``from_yaml`` read the scenario file
shape of design.md (AWS settings keep AWS's CamelCase names, simulator settings are snake_case with
units) and name the dotted path the user wrote in every error; ``to_dict`` writes that shape back,
so ``Scenario.from_dict(s.to_dict()) == s``. ``Scenario.replace`` makes validated copies for
widgets and sweeps. The per-function settings live in :mod:`lambdasim.model.functions` and are
re-exported here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

from lambdasim.model.errors import invalid_value
from lambdasim.model.functions import DestinationConfig, EventInvokeConfig, FunctionConfig
from lambdasim.model.rules import (
    ARN_PATTERN,
    ASYNC_PAYLOAD_LIMIT,
    ASYNC_PAYLOAD_LIMITS,
    DEFAULT_CONCURRENT_EXECUTIONS,
    FUNCTION_NAME_PATTERN,
    MAX_EVENT_AGE_S,
    REGION_PATTERN,
    function_arn,
    invalid_destination,
    is_own_destination,
    missing_lambda_destination,
    reservation_message,
    service_of,
    unreserved_floor,
)
from lambdasim.model.validation import (
    check_field,
    check_instance,
    check_keys,
    check_number,
    check_sequence,
    check_str,
    join,
    read,
    replaced,
    write,
)
from lambdasim.model.workloads import Workload

__all__ = ["DestinationConfig", "EventInvokeConfig", "FunctionConfig", "Account", "QueueSettings", "Scenario"]

_FUNCTIONS = "a mapping of at least one function name to its settings"
_LIMITS = " or ".join(map(str, ASYNC_PAYLOAD_LIMITS))
_HORIZON = "None or number > 0"
_ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]00:00)"


class _ReadOnlyDict(dict):
    """A dict that refuses changes, yet pickles and deep-copies (MappingProxyType does neither)."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("scenario mappings are read-only: use Scenario.replace")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse  # type: ignore

    def __reduce__(self) -> tuple:
        return type(self), (dict(self),)


_ACCOUNT_KEYS = {"concurrent_executions": "ConcurrentExecutions", "region": "region",
                 "account_id": "account_id"}


@dataclass(frozen=True)
class Account:
    """The Region's concurrency limit (at least 1) and the names used in ARNs."""

    concurrent_executions: int = DEFAULT_CONCURRENT_EXECUTIONS
    region: str = "us-east-1"
    account_id: str = "123456789012"

    def __post_init__(self) -> None:
        check_field(self, "concurrent_executions", ge=1, integer=True)
        check_str(self.region, "Account.region", REGION_PATTERN, "a Region name such as us-east-1")
        check_str(self.account_id, "Account.account_id", r"\d{12}", "a string of 12 digits")

    def to_dict(self) -> dict:
        """The shape ``{ConcurrentExecutions, region, account_id}``."""
        return write(self, _ACCOUNT_KEYS)

    @staticmethod
    def from_dict(d: Any, field: str = "account") -> Account:
        """Read ``{ConcurrentExecutions, region, account_id}``; None means defaults."""
        return read(Account, d, field, _ACCOUNT_KEYS)


@dataclass(frozen=True)
class QueueSettings:
    """Timing of the async queue where AWS is silent (design.md, "Choices where AWS is silent").

    Jitter defaults follow measured AWS, not the documentation (AWS documents no jitter):

    * ``retry_jitter_s = 10``: each function-error retry waits 60 s / 120 s plus a uniform 0-10 s.
      Independent measurements (cosmo-grant/aws-by-example, spec section 17) saw retries 4-10 s later
      than nominal; 0-10 s covers that range up to its top and is 5 s late on average.
    * ``throttle_jitter = 0.5``: each throttle / system-error backoff is scaled by a uniform 1 +/- 0.5.
      The same measurements saw jittered exponential backoff (5-7 tries in the first minute; unjittered
      1, 2, 4, 8, 16 s gives 6) but no jitter size; 0.5 is our choice, in that range.

    Set both to 0 for exact, documented timelines (60 s, 120 s, 1, 2, 4, ... s): tests and lessons that
    check exact instants do so explicitly.
    """

    retry_delays_s: tuple[float, float] = (60.0, 120.0)
    retry_jitter_s: float = 10.0
    throttle_backoff_base_s: float = 1.0
    throttle_backoff_max_s: float = 300.0
    throttle_jitter: float = 0.5
    duplicate_probability: float = 0.0
    duplicate_delay_s: float = 0.5
    payload_limit_bytes: int = ASYNC_PAYLOAD_LIMIT

    def __post_init__(self) -> None:
        delays = check_sequence(self.retry_delays_s, "QueueSettings.retry_delays_s", "two numbers >= 0")
        if len(delays) != 2:
            raise invalid_value("QueueSettings.retry_delays_s", self.retry_delays_s, "two numbers >= 0")
        object.__setattr__(self, "retry_delays_s", tuple(
            check_number(v, f"QueueSettings.retry_delays_s[{i}]", ge=0) for i, v in enumerate(delays)))
        check_field(self, "retry_jitter_s", ge=0)
        check_field(self, "throttle_backoff_base_s", gt=0)
        check_field(self, "throttle_backoff_max_s", ge=self.throttle_backoff_base_s,
                    allowed=f"number >= throttle_backoff_base_s ({self.throttle_backoff_base_s:g})")
        check_field(self, "throttle_jitter", ge=0, le=1)
        check_field(self, "duplicate_probability", ge=0, le=1)
        # A copy due later than the longest event age could never be delivered (engine/duplicates.py).
        check_field(self, "duplicate_delay_s", ge=0, le=MAX_EVENT_AGE_S,
                    allowed=f"a number from 0 to {MAX_EVENT_AGE_S} (the longest MaximumEventAgeInSeconds)")
        check_field(self, "payload_limit_bytes", integer=True, allowed=_LIMITS)
        if self.payload_limit_bytes not in ASYNC_PAYLOAD_LIMITS:
            raise invalid_value("QueueSettings.payload_limit_bytes", self.payload_limit_bytes, _LIMITS)

    def to_dict(self) -> dict:
        """The ``queue:`` shape (the field names)."""
        return write(self, {f.name: f.name for f in fields(self)})

    @staticmethod
    def from_dict(d: Any, field: str = "queue") -> QueueSettings:
        """Read the ``queue:`` shape; None means defaults."""
        return read(QueueSettings, d, field, {f.name: f.name for f in fields(QueueSettings)})


@dataclass(frozen=True)
class Scenario:
    """Everything one run needs: functions, workloads, account, queue timing, targets, seed, horizon.

    ``dispatch`` is ``aws`` (throttle and back off) or ``ideal`` (FIFO wait for a free slot);
    ``horizon_s`` None runs until every accepted event is resolved. ``targets`` maps a destination
    ARN to its simulated behaviour: ``{unavailable: [{start_s, end_s}, ...]}``.
    """

    functions: Mapping[str, FunctionConfig]
    workloads: tuple[Workload, ...] = ()
    account: Account = Account()
    queue: QueueSettings = QueueSettings()
    targets: Mapping[str, Mapping] = field(default_factory=dict)
    seed: int = 0
    horizon_s: float | None = None
    dispatch: str = "aws"
    start_time: str = "2025-01-01T00:00:00Z"

    def __post_init__(self) -> None:
        if not isinstance(self.functions, Mapping) or not self.functions:
            raise invalid_value("functions", self.functions, _FUNCTIONS)
        for name, config in self.functions.items():
            check_str(name, f"functions.{name}", FUNCTION_NAME_PATTERN,
                      "a function name of 1-64 letters, digits, '-' or '_'")
            check_instance(config, f"functions.{name}", FunctionConfig)
        object.__setattr__(self, "functions", _ReadOnlyDict(self.functions))
        object.__setattr__(self, "workloads", check_sequence(self.workloads, "workloads", "a list"))
        for i, workload in enumerate(self.workloads):
            check_instance(workload, f"workloads[{i}]", Workload)
            if workload.function not in self.functions:
                raise invalid_value(f"workloads[{i}].function", workload.function,
                                    "one of the functions " + ", ".join(self.functions))
        check_instance(self.account, "account", Account)
        check_instance(self.queue, "queue", QueueSettings)
        object.__setattr__(self, "targets", _ReadOnlyDict(_targets(self.targets)))
        object.__setattr__(self, "seed", check_number(self.seed, "seed", ge=0, integer=True))
        if self.horizon_s is not None:
            horizon = check_number(self.horizon_s, "horizon_s", gt=0, allowed=_HORIZON)
            object.__setattr__(self, "horizon_s", horizon)
        check_str(self.dispatch, "dispatch", "aws|ideal", "aws or ideal")
        check_str(self.start_time, "start_time", _ISO, "an ISO 8601 UTC time such as 2025-01-01T00:00:00Z")
        self._check_functions()

    def _check_functions(self) -> None:
        """A Lambda destination is another function of the scenario (AWS refuses a missing one, and the
        function itself); at least 100 (or the limit, if lower) stays unreserved."""
        limit = self.account.concurrent_executions
        room = limit - unreserved_floor(limit)
        region, account_id = self.account.region, self.account.account_id
        for name, config in self.functions.items():
            destinations = config.event_invoke_config.destination_config
            for side, arn in (("OnSuccess", destinations.on_success), ("OnFailure", destinations.on_failure)):
                where = f"functions.{name}.EventInvokeConfig.DestinationConfig.{side}.Destination"
                if missing_lambda_destination(arn, region, account_id, self.functions):
                    allowed = (f"the ARN of one of the functions {', '.join(self.functions)} "
                               f"(AWS: {invalid_destination(str(arn)).message})")
                    raise invalid_value(where, arn, allowed)
                if is_own_destination(self.function_arn(name), arn):
                    raise invalid_value(where, arn, "a destination other than the function itself")
            reserved = config.reserved_concurrency
            if reserved is not None and reserved > room:
                raise invalid_value(f"functions.{name}.ReservedConcurrentExecutions", reserved,
                                    f"integer 0-{room}; {reservation_message(limit)}")
            room -= reserved or 0

    def wall_time(self, seconds: float = 0.0) -> datetime:
        """The wall-clock moment (UTC) of virtual second ``seconds``: ``start_time`` plus that much."""
        start = datetime.fromisoformat(self.start_time.replace("Z", "+00:00")).astimezone(timezone.utc)
        return start + timedelta(seconds=seconds)

    def function_arn(self, name: str, qualifier: str | None = None) -> str:
        """``arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]``."""
        return function_arn(self.account.region, self.account.account_id, name, qualifier)

    @staticmethod
    def from_dict(d: Any) -> Scenario:
        """Read the scenario-file shape (design.md)."""
        if isinstance(d, Scenario):
            return d
        values = check_keys(d, "", [f.name for f in fields(Scenario)], required=["functions"])
        if isinstance(values["functions"], Mapping):
            values["functions"] = {name: FunctionConfig.from_dict(config, f"functions.{name}")
                                   for name, config in values["functions"].items()}
        horizon = values.get("horizon_s")
        if horizon is not None:
            horizon = check_number(horizon, "horizon_s", gt=0, allowed=_HORIZON)
        workloads = check_sequence(values.get("workloads") or (), "workloads", "a list of workloads")
        values["workloads"] = tuple(Workload.from_dict(w, f"workloads[{i}]", horizon)
                                    for i, w in enumerate(workloads))
        values["account"] = Account.from_dict(values.get("account"), "account")
        values["queue"] = QueueSettings.from_dict(values.get("queue"), "queue")
        values["targets"] = values.get("targets") or {}
        return Scenario(**values)

    @staticmethod
    def from_yaml(path_or_text: str | os.PathLike) -> Scenario:
        """Read a scenario file, or YAML text (a one-line string ending in .yaml/.yml is a path)."""
        text = path_or_text
        if isinstance(text, os.PathLike) or ("\n" not in text and (
                text.strip().endswith((".yaml", ".yml")) or Path(text).is_file())):
            text = Path(text).read_text(encoding="utf-8")
        try:
            return Scenario.from_dict(yaml.safe_load(text))
        except yaml.YAMLError as exc:
            raise invalid_value("scenario", str(path_or_text)[:80], f"valid YAML ({exc})") from None

    def to_dict(self) -> dict:
        """The scenario-file shape; ``Scenario.from_dict(s.to_dict()) == s``."""
        out: dict[str, Any] = {"seed": self.seed, "horizon_s": self.horizon_s, "dispatch": self.dispatch,
                               "start_time": self.start_time, "account": self.account.to_dict(),
                               "functions": {n: config.to_dict() for n, config in self.functions.items()},
                               "queue": self.queue.to_dict(),
                               "targets": {arn: _target_dict(t) for arn, t in self.targets.items()},
                               "workloads": [w.to_dict() for w in self.workloads]}
        return {k: v for k, v in out.items() if v is not None and v != {} and v != []}

    def to_yaml(self) -> str:
        """The scenario file as YAML text; a module-level callable handler is written as ``module:name``."""
        data = self.to_dict()
        for name, config in data["functions"].items():
            handler = config.get("handler")
            if callable(handler):
                if "<" in getattr(handler, "__qualname__", "<"):
                    raise invalid_value(f"functions.{name}.handler", handler, "a module-level function")
                config["handler"] = f"{handler.__module__}:{handler.__qualname__}"
        return yaml.safe_dump(data, sort_keys=False)

    def replace(self, changes: Mapping[str, Any] | None = None, **kw: Any) -> Scenario:
        """Return a validated copy with top-level fields (keywords) and dotted paths changed.

        Path segments are dataclass field names, mapping keys or list indexes, e.g.
        ``{"functions.orders.event_invoke_config.maximum_retry_attempts": 0, "workloads[0].rate_per_s": 9}``
        (see :func:`lambdasim.model.validation.replaced`).
        """
        return replaced(self, {**(changes or {}), **kw})


def _targets(targets: Any) -> dict:
    """Validate ``{arn: {unavailable: [...], subscriptions: [...], raw_message_delivery: bool}}``.

    ``unavailable`` windows make deliveries to the target fail; ``subscriptions`` (SNS topics only)
    lists the SQS queues and Lambda functions the topic fans out to; ``raw_message_delivery`` (SNS
    only) sends subscribed queues the bare message instead of SNS's JSON envelope.
    """
    if not isinstance(targets, Mapping):
        raise invalid_value("targets", targets, "a mapping of destination ARNs to their behaviour")
    out = {}
    for arn, behaviour in targets.items():
        field = f"targets.{arn}"
        check_str(arn, field, ARN_PATTERN, "a destination ARN")
        topic = service_of(arn) == "sns"
        keys = ["unavailable", "subscriptions", "raw_message_delivery"] if topic else ["unavailable"]
        given = check_keys(behaviour, field, keys)
        path = f"{field}.unavailable"
        entry: dict[str, Any] = {"unavailable": tuple(_window(w, join(path, i)) for i, w in enumerate(
            check_sequence(given.get("unavailable", ()), path, "a list of {start_s, end_s}")))}
        if topic:
            path = f"{field}.subscriptions"
            subscribers = check_sequence(given.get("subscriptions", ()), path, "a list of SQS or Lambda ARNs")
            for i, subscriber in enumerate(subscribers):
                check_str(subscriber, join(path, i), r"arn:aws[a-zA-Z0-9-]*:(sqs|lambda):.+",
                          "an SQS queue or Lambda function ARN")
            raw = given.get("raw_message_delivery", False)
            if not isinstance(raw, bool):
                raise invalid_value(f"{field}.raw_message_delivery", raw, "true or false")
            entry.update(subscriptions=subscribers, raw_message_delivery=raw)
        out[arn] = entry
    return out


def _window(window: Any, path: str) -> dict:
    w = check_keys(window, path, ["start_s", "end_s"], required=["start_s", "end_s"])
    start = check_number(w["start_s"], f"{path}.start_s", ge=0)
    return {"start_s": start, "end_s": check_number(w["end_s"], f"{path}.end_s", gt=start,
                                                    allowed=f"number > start_s ({start:g})")}


def _target_dict(target: Mapping) -> dict:
    """A target's behaviour in the scenario-file shape, defaults left out."""
    out: dict[str, Any] = {}
    if target["unavailable"]:
        out["unavailable"] = [dict(w) for w in target["unavailable"]]
    if target.get("subscriptions"):
        out["subscriptions"] = list(target["subscriptions"])
    if target.get("raw_message_delivery"):
        out["raw_message_delivery"] = True
    return out
