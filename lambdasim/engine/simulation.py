"""Build a run from a Scenario, drive it, and hand back a Result.

``run(scenario)`` is the one entry point for declarative use; :class:`Simulation` is the
imperative face (invoke, run until a time, look at the result, go on).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import simpy

from ..destinations import Destinations, Target
from ..dists import Uniform
from ..errors import RequestTooLargeException, ResourceNotFoundException
from ..records import Recorder, RequestIds
from ..result import Result
from .concurrency import Pool
from .control import ControlMixin
from .core import Engine, Router
from .runtime import FunctionRuntime, payload_size

__all__ = ["Simulation", "run", "stream"]

LATEST = "$LATEST"


def stream(seed: int, purpose: str) -> np.random.Generator:
    """An independent random stream for one input, keyed by its name rather than by order.

    Keying by name (``"durations:orders"``, ``"arrivals:0"``) means that adding a function or
    changing the retry setting never reshuffles the arrivals of another input.
    """
    key = zlib.crc32(purpose.encode())
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))


class Simulation(ControlMixin):
    """A live simulation of one scenario: invoke events, advance the clock, read the result.

    Parameters
    ----------
    scenario
        The :class:`~lambdasim.scenario.Scenario` to simulate. Its workloads start on the first
        :meth:`run`.
    router
        The function every resolved event is handed to; by default a
        :class:`~lambdasim.destinations.Destinations` that delivers to the configured destinations
        and DLQs.
    """

    def __init__(self, scenario: Any, router: Router | None = None) -> None:
        self.scenario = scenario
        seed = int(scenario.seed)
        self.env = simpy.Environment()
        self._request_id = RequestIds(seed)
        self.recorder = Recorder(list(scenario.functions), self._request_id)
        self._ideal = scenario.dispatch == "ideal"
        self.unreserved = Pool("unreserved", scenario.account.concurrent_executions, reserved=False)
        self.functions: dict[str, FunctionRuntime] = {}
        for name, config in scenario.functions.items():
            self._add_function(name, config)
        self.destinations = Destinations(scenario, self.recorder, self._request_id, self._invoke_from_target)
        if router is None:
            router = self.destinations
        uniform = Uniform(0.0, 1.0)
        self.engine = Engine(
            self.env, scenario.queue, self.recorder, self._ideal,
            jitter=uniform.sampler(stream(seed, "jitter")),
            duplicates=uniform.sampler(stream(seed, "duplicates")),
            request_id=self._request_id, router=router,
        )
        self._limit = int(scenario.queue.payload_limit_bytes)
        self._sync_ids = RequestIds(seed, stream=2)
        self.sync_invocations: list[tuple] = []
        self._started = False
        self._wall_s = 0.0
        self._stopped_by = "not run"

    def _add_function(self, name: str, config: Any) -> FunctionRuntime:
        """Set up a function's runtime: its pool (its reservation, or a share of the unreserved pool)."""
        if name not in self.recorder.functions:
            self.recorder.functions.append(name)
        code = self.recorder.functions.index(name)
        pool = self.unreserved
        if config.reserved_concurrency is not None:
            pool = Pool(name, config.reserved_concurrency, reserved=True)
            self.unreserved.limit -= config.reserved_concurrency
        seed = int(self.scenario.seed)
        streams = {p: stream(seed, f"{p}:{name}") for p in ("duration", "cold_start", "errors")}
        fn = FunctionRuntime(code, name, config, pool, streams, self.scenario.function_arn(name),
                             limit_scaling=not self._ideal)
        self.functions[name] = fn
        return fn

    def client(self) -> Any:
        """A boto3-shaped Lambda client over this simulation (:class:`lambdasim.api.LambdaClient`)."""
        from ..api import LambdaClient  # the API layer sits on top of the engine

        return LambdaClient(self)

    @property
    def now(self) -> float:
        """The virtual clock, in seconds."""
        return self.env.now

    def target(self, arn: str) -> Target:
        """The simulated SQS queue, SNS topic, EventBridge bus, S3 bucket or Lambda target at ``arn``."""
        return self.destinations.target(arn)

    def request_id(self, index: int) -> str:
        """The request id of the event with this index (0 for the first accepted event)."""
        return self._request_id(index)

    # -- invoking --------------------------------------------------------------------------------

    def invoke(self, function: str, payload: Any = None, qualifier: str | None = None,
               payload_size_bytes: int | None = None) -> str:
        """Invoke ``function`` asynchronously now (the 202 path); return the request id.

        Raises
        ------
        ResourceNotFoundException
            No such function or qualifier (HTTP 404); nothing is queued.
        RequestTooLargeException
            The payload is over the async limit (1 MB, or 256 KB in legacy mode; HTTP 413).
        """
        fn, qualifier = self._resolve_target(function, qualifier)
        return self._request_id(self._enqueue(fn, payload, qualifier, payload_size_bytes).index)

    def _enqueue(self, fn: FunctionRuntime, payload: Any, qualifier: str, size_bytes: int | None,
                 chain: int = 1) -> Any:
        size = payload_size(payload) if size_bytes is None else int(size_bytes)
        if size > self._limit:
            raise RequestTooLargeException(
                f"Request must be smaller than {self._limit} bytes for the InvokeAsync operation "
                f"(payload is {size} bytes)", size=size, limit=self._limit,
            )
        return self.engine.accept(fn, payload, qualifier, size, chain)

    def _invoke_from_target(self, function_arn: str, payload: Any, chain: int) -> str:
        """An async invoke by a Lambda destination or an SNS subscription; returns why it failed, or ""."""
        try:
            fn, qualifier = self._resolve_target(function_arn, None)
            self._enqueue(fn, payload, qualifier, None, chain)
        except (ResourceNotFoundException, RequestTooLargeException) as error:
            return error.code
        return ""

    def _accept_arrival(self, workload: Any, fixed_size: int | None) -> Callable:
        """The callback a workload driver feeds its arrivals to; refusals are recorded, not raised."""
        try:
            target = self._resolve_target(workload.function, workload.qualifier)
        except ResourceNotFoundException as error:
            target, refusal = None, error

        def accept(arrival: Any) -> None:
            try:
                if target is None:
                    raise refusal
                size = arrival[2] if arrival[2] is not None else fixed_size
                self._enqueue(target[0], arrival[1], target[1], size)
            except (RequestTooLargeException, ResourceNotFoundException) as error:
                self.recorder.reject(self.env.now, workload.function, workload.qualifier or LATEST,
                                     error.code, error.http_status, error.message)

        return accept

    def _start_workloads(self) -> None:
        seed = int(self.scenario.seed)
        for i, workload in enumerate(self.scenario.workloads):
            fixed = getattr(workload, "payload_size_bytes", None)
            payload = getattr(workload, "payload", None)
            if fixed is None and payload is not None and not hasattr(workload, "events"):
                fixed = payload_size(payload)  # one payload for every arrival: measure it once
            accept = self._accept_arrival(workload, fixed)
            arrivals = workload.arrivals(stream(seed, f"arrivals:{i}"))
            self.engine.sources += 1
            self.env.process(self.engine.drive(arrivals, accept))

    # -- running ---------------------------------------------------------------------------------

    def run(self, until: float | None = None) -> Simulation:
        """Advance the clock.

        With ``until``, run to that virtual time. Without it, run until every accepted event is
        resolved and every workload has finished, or until the scenario's ``horizon_s``.
        """
        started = time.perf_counter()
        if not self._started:
            self._started = True
            self._start_workloads()
        env = self.env
        if until is not None:
            env.run(until=until)
            self._stopped_by = "until"
        else:
            stop = self.engine.stop = env.event()
            horizon = self.scenario.horizon_s
            if horizon is not None and env.now < horizon:
                env.timeout(horizon - env.now).callbacks.append(
                    lambda _: stop.triggered or stop.succeed("horizon"))
            self.engine._check_done()
            if not stop.triggered:
                env.run(until=stop)
            self._stopped_by = "horizon" if stop.value == "horizon" else "resolved"
            self.engine.stop = None
        self._wall_s += time.perf_counter() - started
        return self

    def result(self, copy: bool = True) -> Result:
        """The records so far as a :class:`~lambdasim.result.Result`.

        Events still unresolved appear with fate ``pending``; executions still in flight appear with
        outcome ``running``. ``copy=False`` lets the frames share the recorder's buffers: only for
        a simulation that will not run again.
        """
        now = self.env.now
        pending = {index: (e.attempts, e.throttles) for index, e in self.engine.live.items()}
        frames = self.recorder.to_frames(now, pending, copy=copy)
        stats = {
            "accepted": self.engine.accepted,
            "rejected": len(self.recorder.rejected),
            "pending": len(pending),
            "ended_at": now,
            "stopped_by": self._stopped_by,
            "wall_s": self._wall_s,
            "peak_concurrency": {fn.pool.name: fn.pool.peak for fn in self.functions.values()},
        }
        return Result(self.scenario, frames["attempts"], frames["events"], frames["rejected"],
                      frames["deliveries"], dict(self.destinations.targets), stats)


def run(scenario: Any, router: Router | None = None) -> Result:
    """Simulate ``scenario`` until every accepted event is resolved (or its horizon) → Result."""
    return Simulation(scenario, router).run().result(copy=False)
