"""One function at run time: its settings, random streams, environments and how an attempt runs."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..dists import Uniform
from ..failures import Failure, LambdaContext, call_handler, injected_failure, load_handler
from ..functions import RECURSION_LIMIT
from .concurrency import Environments, Pool

__all__ = ["FunctionRuntime", "SUCCESS", "ERROR", "TIMEOUT", "TIMEOUT_ERROR_TYPE"]

# Codes of records.OUTCOMES, used on the hot path.
SUCCESS, ERROR, TIMEOUT = 0, 1, 2
TIMEOUT_ERROR_TYPE = "Sandbox.Timedout"


def billed_ms(seconds: float) -> int:
    """Billed duration: rounded up to the next whole millisecond (spec §10).

    The small guard keeps a float such as 0.2 s (200.00000000000003 ms) at 200 ms.
    """
    return math.ceil(seconds * 1000.0 - 1e-6)


class FunctionRuntime:
    """Settings and state of one simulated function, read by the engine on every attempt.

    Parameters
    ----------
    code
        The function's index in the recorder's function table.
    name, config
        The function's name and its :class:`~lambdasim.scenario.FunctionConfig`.
    pool
        The concurrency pool it draws from (its reservation, or the shared unreserved pool).
    streams
        ``{"duration", "cold_start", "errors"}`` → independent numpy Generators.
    arn
        Its unqualified ARN.
    limit_scaling
        Apply the scaling rate (1,000 new environments per 10 s); the ``ideal`` policy does not.
    """

    __slots__ = (
        "code", "name", "config", "pool", "arn", "envs", "in_flight", "reserved", "duration",
        "cold_start", "uniform", "failures", "failures_active", "handler", "timeout_s", "max_retry",
        "max_age", "memory_mb", "on_success", "on_failure", "dead_letter_arn", "recursion_limit",
    )

    def __init__(self, code: int, name: str, config: Any, pool: Pool, streams: dict[str, np.random.Generator],
                 arn: str, limit_scaling: bool = True) -> None:
        self.code = code
        self.name = name
        self.config = config
        self.pool = pool
        self.arn = arn
        self.envs = Environments(float(config.keep_alive_s), limit_scaling)
        self.in_flight = 0
        self.reserved = config.reserved_concurrency is not None
        self.duration: Callable[[], float] = config.duration.sampler(streams["duration"])
        self.cold_start: Callable[[], float] = config.cold_start.sampler(streams["cold_start"])
        self.uniform: Callable[[], float] = Uniform(0.0, 1.0).sampler(streams["errors"])
        self.failures = config.failures
        self.failures_active = bool(config.failures.active)
        self.handler = load_handler(config.handler, f"functions.{name}.handler") if config.handler else None
        self.timeout_s = float(config.timeout_s)
        self.memory_mb = int(config.memory_mb)
        invoke_config = config.event_invoke_config
        self.max_retry = int(invoke_config.maximum_retry_attempts)
        self.max_age = float(invoke_config.maximum_event_age_s)
        self.on_success = invoke_config.destination_config.on_success
        self.on_failure = invoke_config.destination_config.on_failure
        self.dead_letter_arn = config.dead_letter_target_arn
        # The chain length past which loop detection stops an invocation (None: RecursiveLoop Allow).
        self.recursion_limit = RECURSION_LIMIT if config.recursive_loop == "Terminate" else None

    def execute(self, payload: Any, qualifier: str, start: float,
                request_id: Callable[[], str]) -> tuple[float, int, Failure | None, Any]:
        """Decide one attempt: how long it runs, its outcome, its error and its response.

        A sampled duration beyond the timeout is a timeout (a function error billed up to the
        timeout). Otherwise injected failures (outage, poison payload, error probability) are
        checked, and only then is a user handler called, with a fresh copy of the event as the
        runtime would deserialise it. ``request_id`` is called only when a handler needs it.
        """
        run = self.duration()
        if run > self.timeout_s:
            message = f"Task timed out after {self.timeout_s:.2f} seconds"
            return self.timeout_s, TIMEOUT, Failure(TIMEOUT_ERROR_TYPE, message), None
        if self.failures_active:
            failure = injected_failure(self.failures, start, payload, self.uniform)
            if failure is not None:
                return run, ERROR, failure, None
        if self.handler is None:
            return run, SUCCESS, None, None
        event = json.loads(json.dumps(payload)) if payload is not None else {}
        context = LambdaContext(
            request_id(), self.name, qualifier, f"{self.arn}:{qualifier}", self.memory_mb, self.timeout_s
        )
        response, failure = call_handler(self.handler, event, context)
        if failure is not None:
            return run, ERROR, failure, None
        return run, SUCCESS, None, response
