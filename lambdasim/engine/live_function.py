"""One function at run time: its settings, random streams, environments and how an attempt runs."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from lambdasim.engine.concurrency import Environments, Pool, Provisioned
from lambdasim.engine.handlers import LambdaContext, load_handler, run_in_runtime, runtime_variables
from lambdasim.model.dists import Uniform
from lambdasim.model.failures import Failure, injected_failure, injected_system_error
from lambdasim.model.rules import (
    DEFAULT_EVENT_AGE_S,
    DEFAULT_RETRY_ATTEMPTS,
    INIT_LIMIT_S,
    LATEST,
    RECURSION_LIMIT,
    RESPONSE_PAYLOAD_LIMIT,
    response_too_large,
    unmarshal_error,
)
from lambdasim.records.bodies import Body
from lambdasim.records.schema import OUTCOME_ERROR as ERROR
from lambdasim.records.schema import OUTCOME_SUCCESS as SUCCESS
from lambdasim.records.schema import OUTCOME_TIMEOUT as TIMEOUT

__all__ = [
    "LiveFunction", "InvokeSettings", "payload_size", "request_body", "SUCCESS", "ERROR", "TIMEOUT",
    "TIMEOUT_ERROR_TYPE",
]

if TYPE_CHECKING:
    from lambdasim.model.functions import EventInvokeConfig, FunctionConfig

TIMEOUT_ERROR_TYPE = "Sandbox.Timedout"


def billed_ms(seconds: float) -> int:
    """Billed duration: rounded up to the next whole millisecond (docs/aws-behaviour.md §17).

    The small guard keeps a float such as 0.2 s (200.00000000000003 ms) at 200 ms.
    """
    return math.ceil(seconds * 1000.0 - 1e-6)


def request_body(payload: Any) -> bytes:
    """The request body of a payload given as data, as a caller sends it: ``json.dumps(payload)``.

    A choice where a scenario gives an event as data rather than bytes: it is serialised once, the
    way AWS's SDKs are usually handed a payload (``Payload=json.dumps(event)``, Python's default
    separators), so its size and its DLQ body are those of the bytes AWS would have received.
    No payload is ``{}``; bytes are taken as they are.
    """
    if payload is None:
        return b"{}"
    if isinstance(payload, (bytes, bytearray)):
        return bytes(payload)
    return json.dumps(payload).encode()


def payload_size(payload: Any) -> int:
    """Bytes of the request body Lambda would receive (:func:`request_body`)."""
    if payload is None:
        return 2
    if isinstance(payload, (bytes, bytearray)):
        return len(payload)
    return len(request_body(payload))


def response_size(response: Any) -> int:
    """Bytes of a handler's return value as the Python runtime sends it back: ``json.dumps`` with its
    default separators and, as the python3.12+ runtimes do, without escaping non-ASCII."""
    return len(json.dumps(response, ensure_ascii=False).encode())


def _no_draws() -> float:
    raise RuntimeError("a function with system errors needs a 'system_errors' random stream")


class InvokeSettings:
    """One qualifier's event-invoke config: what is set, and the values in effect.

    ``retry_attempts`` / ``event_age_s`` are None when the config leaves them out; ``max_retry`` /
    ``max_age`` are the values in effect (AWS's defaults, 2 and 21,600 s, for what is left out),
    ``max_age_s`` the same age limit as an int, for the records.
    ``configured`` is False for the stand-in used when a qualifier has no config at all.
    """

    __slots__ = ("retry_attempts", "event_age_s", "on_success", "on_failure", "max_retry", "max_age",
                 "max_age_s", "configured", "last_modified")

    def __init__(self, retry_attempts: int | None = None, event_age_s: int | None = None,
                 on_success: str | None = None, on_failure: str | None = None, configured: bool = True,
                 last_modified: float = 0.0) -> None:
        self.retry_attempts = retry_attempts
        self.event_age_s = event_age_s
        self.on_success = on_success
        self.on_failure = on_failure
        self.max_retry = DEFAULT_RETRY_ATTEMPTS if retry_attempts is None else int(retry_attempts)
        self.max_age = float(DEFAULT_EVENT_AGE_S if event_age_s is None else event_age_s)
        self.max_age_s = int(self.max_age)
        self.configured = configured
        self.last_modified = last_modified

    @classmethod
    def from_config(cls, config: EventInvokeConfig, last_modified: float = 0.0) -> InvokeSettings:
        """From an :class:`~lambdasim.model.functions.EventInvokeConfig` (every value counts as set)."""
        destinations = config.destination_config
        return cls(int(config.maximum_retry_attempts), int(config.maximum_event_age_s),
                   destinations.on_success, destinations.on_failure, True, last_modified)


class VersionSnapshot:
    """What a published version runs, fixed at PublishVersion: its configuration and the samplers,
    handler and failure model ``$LATEST`` had then (a version is an immutable snapshot in AWS)."""

    __slots__ = ("config", "duration", "timeout_s", "memory_mb", "failures", "failures_active", "handler",
                 "dead_letter_arn")

    def __init__(self, fn: LiveFunction) -> None:
        self.config = fn.config
        self.duration = fn.duration
        self.timeout_s = fn.timeout_s
        self.memory_mb = fn.memory_mb
        self.failures = fn.failures
        self.failures_active = fn.failures_active
        self.handler = fn.handler
        self.dead_letter_arn = fn.dead_letter_arn


class LiveFunction:
    """Settings and state of one simulated function, read by the engine on every attempt.

    Parameters
    ----------
    index
        The function's index in the recorder's function list (the code its rows store).
    name, config
        The function's name and its :class:`~lambdasim.model.functions.FunctionConfig` (``$LATEST``).
    pool
        The concurrency pool it draws from (its reservation, or the shared unreserved pool).
    streams
        ``{"duration", "cold_start", "errors", "system_errors"}`` → independent numpy Generators
        (``system_errors`` may be left out when no system errors are configured).
    arn
        Its unqualified ARN.
    limit_scaling
        Apply the scaling rate (1,000 new environments per 10 s); the ``ideal`` policy does not.
    started
        The wall-clock time (UTC) of virtual second 0: a handler's log and log stream are dated from it.

    Each qualifier (``$LATEST``, a version, an alias) has its own event-invoke config in
    ``settings``. A published version is an immutable snapshot (:class:`VersionSnapshot`, in
    ``snapshots``): it runs the handler, duration distribution, timeout, memory, failure model,
    environment and dead-letter queue ``$LATEST`` had when it was published, whatever ``$LATEST``
    becomes afterwards; an alias runs its version's. Cold starts and keep-alive are the function's
    (``$LATEST``'s), one pool of environments for all its versions, a simplification.
    """

    __slots__ = (
        "index", "name", "config", "pool", "arn", "envs", "in_flight", "reserved", "duration",
        "cold_start", "uniform", "failures", "failures_active", "system_uniform", "system_active",
        "handler", "timeout_s", "memory_mb",
        "dead_letter_arn", "recursion_limit", "settings", "defaults", "versions", "aliases", "streams",
        "queued", "region", "started", "last_log", "snapshots", "weights", "routed", "sync_version", "route",
        "provisioned", "active_at", "update_done_at", "pending_update",
    )

    def __init__(self, index: int, name: str, config: FunctionConfig, pool: Pool,
                 streams: dict[str, np.random.Generator], arn: str, limit_scaling: bool = True,
                 started: datetime | None = None) -> None:
        self.index = index
        self.region = arn.split(":")[3]
        self.started = started or datetime(2025, 1, 1)
        self.last_log = ""   # the log of the last handler call (START..END's inside), for LogType Tail
        self.name = name
        self.pool = pool
        self.arn = arn
        self.streams = streams
        self.envs = Environments(float(config.keep_alive_s), limit_scaling)
        self.in_flight = 0
        self.queued = 0  # its events waiting in the async queue (backoff, retry delay, ideal FIFO)
        self.reserved = config.reserved_concurrency is not None
        self.uniform: Callable[[], float] = Uniform(0.0, 1.0).sampler(streams["errors"])
        system = streams.get("system_errors")
        self.system_uniform: Callable[[], float] = (Uniform(0.0, 1.0).sampler(system) if system is not None
                                                    else _no_draws)
        self.defaults = InvokeSettings(configured=False)
        self.settings: dict[str, InvokeSettings] = {}
        if config.event_invoke_config != type(config.event_invoke_config)():
            self.settings[LATEST] = InvokeSettings.from_config(config.event_invoke_config)
        self.versions: dict[str, FunctionConfig] = {}   # published version -> FunctionConfig snapshot
        self.snapshots: dict[str, VersionSnapshot] = {}  # published version -> what it runs
        self.aliases: dict[str, str] = {}    # alias -> version
        # A weighted alias (RoutingConfig): alias -> (additional version, its weight). Each event
        # accepted through it draws its version from the "routing" stream (route); the draw of an
        # async event is kept by event index (routed), a synchronous invoke's while it runs.
        self.weights: dict[str, tuple[str, float]] = {}
        self.routed: dict[int, str] = {}
        self.sync_version: str | None = None
        self.route: Callable[[], float] = Uniform(0.0, 1.0).sampler(streams["routing"]) \
            if "routing" in streams else Uniform(0.0, 1.0).sampler(streams["errors"])
        #: qualifier (version or alias) -> its provisioned concurrency; empty on the common path.
        self.provisioned: dict[str, Provisioned] = {}
        # Function state on the virtual clock (engine.control): Pending until active_at; an update
        # (pending_update, not yet in force) is InProgress until update_done_at.
        self.active_at = 0.0
        self.update_done_at = 0.0
        self.pending_update: FunctionConfig | None = None
        self.apply(config)

    def apply(self, config: FunctionConfig) -> None:
        """Take a new ``$LATEST`` configuration (UpdateFunctionConfiguration); state is kept."""
        previous = getattr(self, "config", None)
        # Keep a sampler (and its buffered draws) unless its distribution changed.
        if previous is None or config.duration != previous.duration:
            self.duration: Callable[[], float] = config.duration.sampler(self.streams["duration"])
        if previous is None or config.cold_start != previous.cold_start:
            # A draw past AWS's Init limit is cut at it (validation bounds the distribution itself).
            self.cold_start: Callable[[], float] = config.cold_start.sampler(self.streams["cold_start"],
                                                                             cap=INIT_LIMIT_S)
        self.config = config
        self.envs.keep_alive_s = float(config.keep_alive_s)
        self.failures = config.failures
        self.failures_active = bool(config.failures.active)
        self.system_active = bool(config.failures.system_active)
        self.handler = None
        if config.handler:
            self.handler = load_handler(config.handler, f"functions.{self.name}.handler")
        self.timeout_s = float(config.timeout_s)
        self.memory_mb = int(config.memory_mb)
        self.dead_letter_arn = config.dead_letter_target_arn
        # The chain length past which loop detection stops an invocation (None: RecursiveLoop Allow).
        self.recursion_limit = RECURSION_LIMIT if config.recursive_loop == "Terminate" else None

    def publish(self, version: str) -> None:
        """Fix ``$LATEST`` as it is now as published ``version``."""
        self.versions[version] = self.config
        self.snapshots[version] = VersionSnapshot(self)

    def runs(self, version: str) -> LiveFunction | VersionSnapshot:
        """What ``version`` runs: its snapshot, or the function itself for ``$LATEST``."""
        return self.snapshots.get(version, self)

    def settings_for(self, qualifier: str) -> InvokeSettings:
        """The event-invoke config in effect for ``qualifier`` (AWS's defaults when it has none)."""
        return self.settings.get(qualifier) or self.defaults

    def system_error(self, now: float) -> str | None:
        """The AWS name of the Lambda system error (500-series) an async dispatch meets at ``now``, or
        None (:func:`~lambdasim.model.failures.injected_system_error`; its own random stream)."""
        if not self.system_active:
            return None
        return injected_system_error(self.failures, now, self.system_uniform)

    def version_of(self, qualifier: str) -> str:
        """The version a qualifier runs: ``$LATEST``, a version number, or an alias's version."""
        return self.aliases.get(qualifier, qualifier)

    def pick_version(self, qualifier: str) -> str:
        """The version one invoke of ``qualifier`` runs: for a weighted alias, the additional version
        with its weight's probability (a draw from the function's routing stream), else
        :meth:`version_of`."""
        weighted = self.weights.get(qualifier)
        if weighted is None:
            return self.aliases.get(qualifier, qualifier)
        return weighted[0] if self.route() < weighted[1] else self.aliases[qualifier]

    def executed_version(self, qualifier: str, index: int) -> str:
        """The version an execution of event ``index`` through ``qualifier`` runs (its draw, for a
        weighted alias)."""
        if self.sync_version is not None:
            return self.sync_version
        if qualifier in self.weights:
            return self.routed.get(index) or self.aliases[qualifier]
        return self.aliases.get(qualifier, qualifier)

    def execute(self, payload: Any, qualifier: str, start: float,
                request_ids: Callable[[int], str], index: int) -> tuple[float, int, Failure | None, Any]:
        """Decide one attempt: how long it runs, its outcome, its error and its response.

        A sampled duration beyond the timeout is a timeout (a function error billed up to the
        timeout). Otherwise injected failures (outage, poison payload, error probability) are
        checked, and only then is a user handler called, with a fresh copy of the event as the
        runtime would deserialise it. ``request_ids(index)``, the event's request id, is computed
        only when a handler needs it.

        The handler runs as AWS's Python runtime runs it (:func:`~lambdasim.engine.handlers.run_in_runtime`):
        its context names the version that runs (an alias's version through an alias) and the ARN the
        caller used (unqualified for ``$LATEST``); ``os.environ`` holds the executed version's
        ``Environment.Variables`` (AWS stores them in the version-specific configuration) and the
        runtime's own variables; what it prints and logs is kept in ``last_log`` until the next call.
        """
        if self.sync_version is None and not self.weights:  # executed_version's usual case, inlined
            version = self.aliases.get(qualifier, qualifier)
        else:
            version = self.executed_version(qualifier, index)
        runs = self.snapshots.get(version, self) if self.snapshots else self
        run = runs.duration()
        if run > runs.timeout_s:
            message = f"Task timed out after {runs.timeout_s:.2f} seconds"
            return runs.timeout_s, TIMEOUT, Failure(TIMEOUT_ERROR_TYPE, message), None
        if runs.failures_active:
            if isinstance(payload, Body) and runs.failures.poison_payloads:
                with contextlib.suppress(RecursionError):  # matched as the handler would see it
                    payload = payload.json()
            failure = injected_failure(runs.failures, start, payload, self.uniform)
            if failure is not None:
                return run, ERROR, failure, None
        if runs.handler is None:
            return run, SUCCESS, None, None
        if isinstance(payload, Body):  # a record that carries earlier records: parsed from its bytes
            try:
                event = payload.json()
            except RecursionError as exc:
                return run, ERROR, Failure(*unmarshal_error(exc)), None
        else:
            event = json.loads(json.dumps(payload)) if payload is not None else {}
        config = runs.config
        when = self.started + timedelta(seconds=start)
        invoked = self.arn if qualifier == LATEST else f"{self.arn}:{qualifier}"
        context = LambdaContext(request_ids(index), self.name, version, invoked, runs.memory_mb,
                                runs.timeout_s, started=when)
        variables = runtime_variables(context, self.region, config.handler)
        variables.update(config.environment)  # reserved names are refused at configuration; TZ may be set
        response, failure, self.last_log = run_in_runtime(runs.handler, event, context, variables, when)
        if failure is not None:
            return run, ERROR, failure, None
        if response is not None and response_size(response) > RESPONSE_PAYLOAD_LIMIT:
            # Over 6 MB: Lambda reports an Unhandled function error; an async event retries it.
            return run, ERROR, Failure(*response_too_large()), None
        return run, SUCCESS, None, response
