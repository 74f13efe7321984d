"""A live model of one scenario: its functions, queue, targets and clock.

:class:`Model` builds the run from a Scenario and drives it; what happened is in its recorder
(columnar buffers) and :meth:`Model.run_stats`. The model is split the way AWS splits Lambda: this
module is the data plane (invoke, run the clock, record), :mod:`lambdasim.engine.control` the
control plane (functions, versions, aliases, configs, concurrency) that :class:`Model` inherits.
It knows no client and no DataFrame: the results
layer (:class:`lambdasim.results.Result`) reads the recorder, and the public
:class:`lambdasim.Simulation` adds the boto3-shaped client on top.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import simpy

from lambdasim.engine.arrivals import WorkloadArrivals
from lambdasim.engine.concurrency import Pool, Provisioned
from lambdasim.engine.control import ControlPlane
from lambdasim.engine.destinations import Destinations
from lambdasim.engine.dispatch import POLICIES
from lambdasim.engine.event_source_mappings import EventSourceMappings, Mapping
from lambdasim.engine.executions import Router
from lambdasim.engine.live_function import LiveFunction, payload_size
from lambdasim.engine.queue import EventQueue
from lambdasim.engine.streams import stream
from lambdasim.engine.targets import Target
from lambdasim.model import rules
from lambdasim.model.dists import Uniform
from lambdasim.model.errors import (
    InvalidParameterValueException,
    RequestTooLargeException,
    ResourceConflictException,
    ResourceNotFoundException,
    TooManyRequestsException,
    invalid_value,
)
from lambdasim.model.garbage_collector import garbage_collection_paused, garbage_collection_rarer
from lambdasim.model.rules import check_async_payload
from lambdasim.model.validation import check_number
from lambdasim.records import Recorder, RequestIds
from lambdasim.records.bodies import Body
from lambdasim.records.schema import KIND_ESM

if TYPE_CHECKING:
    from lambdasim.engine.executions import AsyncEvent
    from lambdasim.model.functions import FunctionConfig
    from lambdasim.model.scenario import Scenario

__all__ = ["Model", "stream"]

#: Allocations between two young-generation collections while the simulation runs (Python's is 700).
_GC_EVERY = 50_000


class Model(ControlPlane, WorkloadArrivals):
    """A live model of one scenario: invoke events, advance the clock, read the records.

    Parameters
    ----------
    scenario
        The :class:`~lambdasim.model.scenario.Scenario` to simulate. Its workloads start on the first
        :meth:`run`.
    router
        The function every resolved event is handed to; by default a
        :class:`~lambdasim.engine.destinations.Destinations` that delivers to the configured destinations
        and DLQs.
    """

    def __init__(self, scenario: Scenario, router: Router | None = None) -> None:
        from lambdasim.model.scenario import Scenario

        if not isinstance(scenario, Scenario):
            raise invalid_value("scenario", scenario, "a lambdasim Scenario (from a file: "
                                "Scenario.from_yaml(path); from a dict: Scenario.from_dict(d))")
        self.scenario = scenario
        seed = int(scenario.seed)
        self.env = simpy.Environment()
        self._request_id = RequestIds(seed)
        self._sync_ids = RequestIds(seed, stream=2)
        self.recorder = Recorder(list(scenario.functions), self._request_id, self._sync_ids)
        self._limit_scaling = POLICIES[scenario.dispatch].limit_scaling
        self.unreserved = Pool("unreserved", scenario.account.concurrent_executions, reserved=False)
        self.functions: dict[str, LiveFunction] = {}
        self.provisioned_history: list[Provisioned] = []  # every provisioned config, deleted ones too
        for name, config in scenario.functions.items():
            self._add_function(name, config)
        self.destinations = Destinations(scenario, self.recorder, self._request_id, self._invoke_from_target)
        if router is None:
            router = self.destinations
        uniform = Uniform(0.0, 1.0)
        self.queue = EventQueue(
            self.env, scenario.queue, self.recorder, scenario.dispatch,
            jitter=uniform.sampler(stream(seed, "jitter")),
            duplicates=uniform.sampler(stream(seed, "duplicates")),
            request_id=self._request_id, router=router, sync_ids=self._sync_ids,
        )
        if router is self.destinations:  # a successful duplicate delivery is routed too
            self.queue.duplicates.route = self.destinations.duplicate_succeeded
        self._limit = int(scenario.queue.payload_limit_bytes)
        self._last_settings: dict[tuple[str, str], tuple] = {}
        for name, config in scenario.functions.items():
            if config.provisioned:
                self._provision(name, config)
        self.record_settings()
        #: The SQS event-source mappings (:mod:`lambdasim.engine.event_source_mappings`).
        self.event_source_mappings = EventSourceMappings(self)
        for index, settings in enumerate(getattr(scenario, "event_source_mappings", ())):
            try:
                self.event_source_mappings.create(settings, at_start=True)
            except (InvalidParameterValueException, ResourceNotFoundException,
                    ResourceConflictException) as error:
                raise invalid_value(f"EventSourceMappings[{index}]", settings.event_source_arn,
                                    f"a mapping AWS would create ({error.code}: {error.message})") from None
        self._produced = 0                                # messages the producer workloads sent
        self._produced_ids: RequestIds | None = None
        self._started = False
        self._wall_s = 0.0
        self._stopped_by = "not run"

    def _add_function(self, name: str, config: FunctionConfig) -> LiveFunction:
        """Set up a function's runtime: its pool (its reservation, or a share of the unreserved pool)."""
        if name not in self.recorder.functions:
            self.recorder.functions.append(name)
        code = self.recorder.functions.index(name)
        pool = self.unreserved
        if config.reserved_concurrency is not None:
            pool = Pool(name, config.reserved_concurrency, reserved=True)
            self.unreserved.limit -= config.reserved_concurrency
        seed = int(self.scenario.seed)
        purposes = ("duration", "cold_start", "errors", "system_errors", "routing")
        streams = {p: stream(seed, f"{p}:{name}") for p in purposes}
        fn = LiveFunction(code, name, config, pool, streams, self.scenario.function_arn(name),
                          limit_scaling=self._limit_scaling, started=self.scenario.wall_time(0.0))
        self.functions[name] = fn
        return fn

    def _provision(self, name: str, config: FunctionConfig) -> None:
        """A scenario's ``ProvisionedConcurrencyConfigs``: publish versions 1..N (N the highest one
        named) from the function's configuration, then configure each as the API would, so AWS's
        checks apply, reported against the scenario field; then each version's event-invoke config
        (``VersionEventInvokeConfigs``, which the scenario has validated) as the API sets it."""
        fn = self.functions[name]
        for _ in range(max(int(v) for v, _ in config.provisioned)):
            fn.publish(str(len(fn.versions) + 1))  # an immutable snapshot, as PublishVersion makes
        for version, count in config.provisioned:
            try:
                self.put_provisioned_concurrency(name, version, count)
            except InvalidParameterValueException as error:
                raise invalid_value(f"functions.{name}.ProvisionedConcurrencyConfigs.{version}", count,
                                    f"a count that fits ({error.message})") from None
        for version, invoke_config in config.version_event_invoke_configs:
            # as put_function_event_invoke_config(Qualifier=version) sets it: every value counts as set
            destinations = invoke_config.destination_config
            self.put_event_invoke_config(name, version,
                                         maximum_retry_attempts=invoke_config.maximum_retry_attempts,
                                         maximum_event_age_s=invoke_config.maximum_event_age_s,
                                         on_success=destinations.on_success,
                                         on_failure=destinations.on_failure)

    @property
    def now(self) -> float:
        """The virtual clock, in seconds."""
        return self.env.now

    def target(self, arn: str) -> Target:
        """The simulated SQS queue, SNS topic, EventBridge bus, S3 bucket or Lambda target at ``arn``."""
        if not isinstance(arn, str) or not arn.startswith("arn:"):
            raise invalid_value("arn", arn, "the ARN of a target (a str starting with 'arn:')")
        return self.destinations.target(arn)

    def request_id(self, index: int) -> str:
        """The request id of the event with this index (0 for the first accepted event)."""
        index = check_number(index, "index", ge=0, integer=True, allowed="a whole number >= 0")
        return self._request_id(index)

    # -- invoking --------------------------------------------------------------------------------

    def invoke(self, function: str, payload: Any = None, qualifier: str | None = None,
               payload_size_bytes: int | None = None, raw_payload: bytes | None = None) -> str:
        """Invoke ``function`` asynchronously now (the 202 path); return the request id.

        ``raw_payload`` is the request body as the caller sent it (``payload`` parsed from it):
        its size is the payload's size, and a DLQ receives it byte for byte. Without it the
        payload is taken as sent as ``json.dumps(payload)``
        (:func:`~lambdasim.engine.live_function.request_body`).

        A ``payload`` given as bytes is taken as the request body, as ``Payload`` is: parsed as JSON
        (the handler receives the parsed value), sent as is to a DLQ. ``payload_size_bytes`` (a whole
        number >= 0) stands in for the body's size, for the payload limit and the records.

        Raises
        ------
        InvalidParameterValueException
            An argument of the wrong type or out of range; the message names it, the value and
            what is allowed. Nothing is queued.
        InvalidRequestContentException
            The payload is not JSON (an object JSON cannot carry, NaN, Infinity, bytes that do not
            parse), as AWS refuses such a body (HTTP 400). Nothing is queued.
        ResourceNotFoundException
            No such function or qualifier (HTTP 404); nothing is queued.
        RequestTooLargeException
            The payload is over the async limit (1 MB, or 256 KB in legacy mode; HTTP 413).
        ResourceConflictException
            The function is still ``Pending`` after CreateFunction (HTTP 409).
        """
        _check_target_arguments(function, qualifier)
        payload, size, raw_payload = _checked_payload(payload, raw_payload)
        if payload_size_bytes is not None:
            size = check_number(payload_size_bytes, "payload_size_bytes", ge=0, integer=True,
                                allowed="None or a whole number of bytes >= 0")
        fn, qualifier = self._resolve_target(function, qualifier)
        self.check_invocable(fn)
        self.recorder.detach()  # a result(copy=False) keeps the buffers as they were
        event = self._enqueue(fn, payload, qualifier, size, raw=raw_payload)
        return self._request_id(event.index)

    def dry_run(self, function: str, qualifier: str | None = None) -> None:
        """Check that the function and qualifier exist and can be invoked now (InvocationType
        DryRun); nothing runs."""
        _check_target_arguments(function, qualifier)
        self.check_invocable(self._resolve_target(function, qualifier)[0])

    def invoke_sync(self, function: str, payload: Any = None, qualifier: str | None = None) -> dict:
        """Run the function now and return its result (InvocationType RequestResponse).

        The call returns at once with what the function returns; the execution holds its slot for
        the sampled duration of virtual time. No concurrency → ``TooManyRequestsException`` (429)
        with AWS's ``Reason``; nothing is retried (a synchronous caller retries for itself). Either
        way a ``sync`` row is written to ``attempts``; the result also carries the execution's
        ``init_s`` and ``duration_s``.
        """
        _check_target_arguments(function, qualifier)
        payload, size, _ = _checked_payload(payload, None)
        fn, qualifier = self._resolve_target(function, qualifier)
        self.check_invocable(fn)
        rules.check_sync_payload(payload_size(None) if size is None else size)
        self.recorder.detach()  # a result(copy=False) keeps the buffers as they were
        fn.last_log = ""
        version = fn.sync_version = fn.pick_version(qualifier)  # a weighted alias draws its version
        try:
            job = self.queue.invoke_sync(fn, qualifier, payload)  # runs the handler now, if there is one
        finally:
            fn.sync_version = None
        request_id = self._sync_ids(job.index)
        if job.refused is not None:
            raise TooManyRequestsException("Rate Exceeded.", reason=job.refused)
        failure, response = job.failure, job.response
        if failure is not None:
            response = rules.error_object(failure.error_type, failure.error_message, request_id,
                                          failure.stack_trace)
        json.dumps(response)  # the response must be JSON, as the runtime marshals it
        return {"request_id": request_id, "status_code": 200, "payload": response,
                "function_error": "Unhandled" if failure else None,
                "executed_version": version, "init_s": job.init_s,
                "duration_s": job.duration_s, "log": fn.last_log}

    def invoke_batch(self, function: str, qualifier: str | None, event: dict) -> tuple[Any, str]:
        """An event-source mapping's synchronous invoke of one batch now: ``(job, request id)``.

        The same path as :meth:`invoke_sync` (a row of kind ``esm``); a throttle is the job's
        ``refused``, not an exception, and a Pending or missing function raises as an invoke does.
        """
        fn, qualifier = self._resolve_target(function, qualifier)
        self.check_invocable(fn)
        self.recorder.detach()
        fn.last_log = ""
        fn.sync_version = fn.pick_version(qualifier)
        try:
            job = self.queue.invoke_sync(fn, qualifier, event, kind=KIND_ESM)
        finally:
            fn.sync_version = None
        return job, self._sync_ids(job.index)

    # -- event-source mappings (the ESM API's engine side) ----------------------------------------

    def create_event_source_mapping(self, settings: Any) -> Mapping:
        """Map an SQS queue to a function (CreateEventSourceMapping): a
        :class:`~lambdasim.model.event_source_mappings.MappingSettings` or a dict in the scenario-file
        shape (``{"EventSourceArn": ..., "FunctionName": ..., "BatchSize": ...}``)."""
        from lambdasim.model.event_source_mappings import MappingSettings, read_mapping

        if not isinstance(settings, MappingSettings):
            settings = read_mapping(settings, "")
        return self.event_source_mappings.create(settings)

    def get_event_source_mapping(self, uuid: str) -> Mapping:
        """The mapping with this UUID (404 ``ResourceNotFoundException`` when there is none)."""
        return self.event_source_mappings.get(uuid)

    def update_event_source_mapping(self, uuid: str, changes: dict) -> Mapping:
        """Change a mapping (UpdateEventSourceMapping's members, AWS's names)."""
        return self.event_source_mappings.update(uuid, changes)

    def delete_event_source_mapping(self, uuid: str) -> Mapping:
        """Delete a mapping (its pollers stop; a batch in flight still ends)."""
        return self.event_source_mappings.delete(uuid)

    def list_event_source_mappings(self) -> list[Mapping]:
        """Every mapping, in creation order."""
        return list(self.event_source_mappings.mappings.values())

    def _enqueue(self, fn: LiveFunction, payload: Any, qualifier: str, size_bytes: int | None,
                 chain: int = 1, raw: bytes | None = None) -> AsyncEvent:
        size = payload_size(payload) if size_bytes is None else int(size_bytes)
        if size > self._limit:
            check_async_payload(size, self._limit)
        if qualifier in fn.weights:  # a weighted alias: this event's version is drawn once, now
            version = fn.routed[self.queue.accepted] = fn.pick_version(qualifier)
            event = self.queue.accept(fn, payload, qualifier, size, chain, raw)
            event.version = version
            return event
        return self.queue.accept(fn, payload, qualifier, size, chain, raw)

    def _invoke_from_target(self, function_arn: str, payload: Any, chain: int,
                            raw: bytes | Body | None = None) -> str:
        """An async invoke by a Lambda destination or an SNS subscription; returns why it failed, or "".

        ``raw`` is the body the service sends (the record or notification as it serialised it)."""
        try:
            fn, qualifier = self._resolve_target(function_arn, None)
            self.check_invocable(fn)
            self._enqueue(fn, payload, qualifier, None if raw is None else len(raw), chain, raw)
        except (ResourceNotFoundException, ResourceConflictException) as error:
            return error.code
        except RequestTooLargeException as error:  # a record over the async limit: AWS's 413 refusal
            return f"{error.code} ({error.message})"
        return ""

    # -- running ---------------------------------------------------------------------------------

    def run(self, until: float | None = None) -> Model:
        """Advance the clock.

        With ``until`` (a finite number of virtual seconds, not before now; ``until == now`` does
        nothing), run to that virtual time. Without it, run until every accepted event is
        resolved and every workload has finished, or until the scenario's ``horizon_s``; once the
        clock is at the horizon, a further ``run()`` does nothing (``stopped_by`` stays ``horizon``).
        ``run(until=x)`` with ``x`` past the horizon runs to ``x``: the horizon is where a run to
        completion stops, and an explicit ``until`` asks for more (a documented choice).
        """
        if until is not None:
            allowed = f"None or a finite number of virtual seconds >= now ({self.env.now:g})"
            until = check_number(until, "until", ge=self.env.now, allowed=allowed)
        self.recorder.detach()  # a result(copy=False) keeps the buffers as they were
        with self._collector_held_back():
            return self._run(until)

    def every(self, interval_s: float, callback: Callable[[Model], object]) -> None:
        """Call ``callback(self)`` every ``interval_s`` virtual seconds while other events remain
        (for progress bars, which live above the engine). A timer, not a per-event check: a run
        without it pays nothing, and the records are the same with it."""
        interval_s = check_number(interval_s, "interval_s", gt=0, allowed="a number of virtual seconds > 0")

        def tick(_: object) -> None:
            callback(self)
            if self.env.peek() != float("inf"):  # re-arm only while the run has work left
                self.env.timeout(interval_s).callbacks.append(tick)

        self.env.timeout(interval_s).callbacks.append(tick)

    @contextlib.contextmanager
    def _collector_held_back(self) -> Iterator[None]:
        """Keep the cyclic collector out of the run, which it only slows: the records are flat
        buffers and the engine's objects hold no reference cycles, yet every 700 allocations it
        walked the run's growing records and messages (about a quarter of a failure/destination
        run's CPU). Paused for the run and re-enabled as it was when ``run()`` returns or raises;
        when a Python handler runs, only made rarer (every 50,000 allocations), since user code may
        build cycles that must not pile up for a whole run. Both holds are counted across threads, so
        runs overlapping in a thread pool leave the collector as it was only when the last one ends."""
        handlers = any(fn.handler is not None or any(v.handler is not None for v in fn.snapshots.values())
                       for fn in self.functions.values())
        if not handlers:
            with garbage_collection_paused():
                yield
            return
        with garbage_collection_rarer(_GC_EVERY):
            yield

    def _run(self, until: float | None) -> Model:
        started = time.perf_counter()
        if not self._started:
            self._started = True
            self._start_workloads()
        self._advance(until, started)
        return self

    def _advance(self, until: float | None, started: float) -> None:
        env = self.env
        if until is not None:
            if until > env.now:
                env.run(until=until)
            self._stopped_by = "until"
        else:
            horizon = self.scenario.horizon_s
            if horizon is not None and env.now >= horizon:
                self._stopped_by = "horizon"  # already there: nothing more to run
                self._wall_s += time.perf_counter() - started
                return
            stop = self.queue.stop = env.event()
            if horizon is not None:
                env.timeout(horizon - env.now).callbacks.append(
                    lambda _: stop.triggered or stop.succeed("horizon"))
            self.queue._check_done()
            if not stop.triggered:
                env.run(until=stop)
            self._stopped_by = "horizon" if stop.value == "horizon" else "resolved"
            self.queue.stop = None
        self._wall_s += time.perf_counter() - started

    def pending(self) -> dict[int, tuple[int, int, int, int]]:
        """Each unresolved event's index with its ``(attempts, throttles)`` so far and the
        ``(max_event_age_s, max_retry_attempts)`` in force for its qualifier now."""
        pending = {}
        for index, e in self.queue.live.items():
            limits = e.fn.settings_for(e.qualifier)
            pending[index] = (e.attempts, e.throttles, limits.max_age_s, limits.max_retry)
        return pending

    def run_stats(self) -> dict:
        """Run facts: ``accepted``, ``rejected``, ``pending``, ``ended_at`` (virtual s), ``stopped_by``
        (``resolved`` | ``horizon`` | ``until`` | ``not run``), ``wall_s``, ``peak_concurrency``
        (per pool)."""
        return {
            "accepted": self.queue.accepted,
            "rejected": len(self.recorder.rejected),
            "pending": len(self.queue.live),
            "ended_at": self.env.now,
            "stopped_by": self._stopped_by,
            "wall_s": self._wall_s,
            "peak_concurrency": {fn.pool.name: fn.pool.peak for fn in self.functions.values()},
        }


def _check_target_arguments(function: Any, qualifier: Any) -> None:
    """The step-by-step API's ``function`` and ``qualifier``: strings (whether they exist is a 404)."""
    if not isinstance(function, str) or not function:
        raise invalid_value("function", function, "a function name, ARN or partial ARN (a non-empty str)")
    if qualifier is not None and (not isinstance(qualifier, str) or not qualifier):
        raise invalid_value("qualifier", qualifier, "None or a version or alias name (a non-empty str)")


def _checked_payload(payload: Any, raw: Any) -> tuple[Any, int | None, bytes | None]:
    """A step-by-step invoke's payload checked as Lambda checks a request body:
    ``(payload, size in bytes or None for no payload, raw body or None)``.

    ``raw`` given: it is the body (bytes; parsed when no ``payload`` comes with it). Bytes given as
    ``payload``: the body, parsed. Data: its ``json.dumps`` body must be JSON (no NaN, no Infinity).
    """
    if raw is not None:
        if not isinstance(raw, (bytes, bytearray)):
            raise invalid_value("raw_payload", raw, "None or the request body as bytes")
        if not raw:   # an empty body is no payload, as for Invoke
            return _checked_payload(payload, None)
        if payload is None:
            payload = rules.parse_payload(raw, field="raw_payload")
        return payload, len(raw), bytes(raw)
    if isinstance(payload, (bytes, bytearray)):
        if not payload:
            return None, None, None
        return rules.parse_payload(payload, field="payload"), len(payload), bytes(payload)
    if payload is None:
        return None, None, None
    return payload, len(rules.payload_body(payload, field="payload")), None
