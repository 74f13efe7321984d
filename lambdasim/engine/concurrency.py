"""Concurrency: the account pool, reserved pools, execution environments and the scaling rate.

Lambda counts concurrency as requests in flight (docs/aws-behaviour.md §9). A function with reserved
concurrency has a pool of exactly that size (floor and ceiling); every other function shares the unreserved
pool, ``ConcurrentExecutions`` minus all reservations. Execution environments are tracked per
function: an idle one stays warm for ``keep_alive_s`` after its last request and is reused
most-recently-used first; a new one pays a cold start and needs scaling allowance — 1,000 new
environments per 10 s per function, a token bucket of 1,000 refilled at 100 per second.
"""

from __future__ import annotations

from collections import deque

from lambdasim.model.rules import SCALING_BURST, SCALING_REFILL_PER_S

__all__ = ["Pool", "Environments", "Provisioned", "SCALE_BURST", "SCALE_REFILL_PER_S", "THROTTLE_REASONS"]

#: New execution environments a function may add at once, and how fast that allowance refills.
SCALE_BURST = SCALING_BURST
SCALE_REFILL_PER_S = SCALING_REFILL_PER_S

#: ``TooManyRequestsException.Reason`` for each way a dispatch is refused (botocore ThrottleReason).
THROTTLE_REASONS = {
    "account": "ConcurrentInvocationLimitExceeded",
    "reserved": "ReservedFunctionConcurrentInvocationLimitExceeded",
    "scaling": "FunctionInvocationRateLimitExceeded",
}


class Pool:
    """A block of concurrency: the unreserved pool, or one function's reservation.

    ``waiting`` is the FIFO of the ``ideal`` dispatch policy (events waiting for a free slot).
    """

    __slots__ = ("name", "limit", "in_use", "peak", "waiting", "full_reason")

    def __init__(self, name: str, limit: int, reserved: bool) -> None:
        self.name = name
        self.limit = limit
        self.in_use = 0
        self.peak = 0
        self.waiting: deque = deque()
        self.full_reason = THROTTLE_REASONS["reserved" if reserved else "account"]

    def __repr__(self) -> str:
        return f"Pool({self.name!r}, limit={self.limit}, in_use={self.in_use})"


class Environments:
    """One function's execution environments: warm idle ones and the scaling allowance.

    Idle environments are kept as the times they became idle, oldest on the left; releases are
    appended in time order, so the deque stays sorted and expired environments are trimmed from
    the left in amortised O(1), never by a scan.
    """

    __slots__ = ("keep_alive_s", "idle", "tokens", "tokens_at", "limit_scaling")

    def __init__(self, keep_alive_s: float, limit_scaling: bool = True) -> None:
        self.keep_alive_s = keep_alive_s
        self.idle: deque[float] = deque()
        self.tokens = SCALE_BURST
        self.tokens_at = 0.0
        self.limit_scaling = limit_scaling

    def take_warm(self, now: float) -> bool:
        """Reuse the most recently used idle environment if one is still warm."""
        idle = self.idle
        if not idle:
            return False
        horizon = now - self.keep_alive_s
        while idle and idle[0] < horizon:
            idle.popleft()
        if idle:
            idle.pop()
            return True
        return False

    def take_scaling_token(self, now: float) -> bool:
        """Consume one unit of scaling allowance for a new environment; False when none is left."""
        if self.limit_scaling:
            tokens = self.tokens + (now - self.tokens_at) * SCALE_REFILL_PER_S
            self.tokens_at = now
            if tokens > SCALE_BURST:
                tokens = SCALE_BURST
            if tokens < 1.0:
                self.tokens = tokens
                return False
            self.tokens = tokens - 1.0
        return True

    def release(self, now: float) -> None:
        """An environment finished a request and is idle (warm) from ``now``."""
        self.idle.append(now)


class Provisioned:
    """Provisioned concurrency on one version or alias: ``count`` pre-initialised environments.

    Its environments hold ``count`` slots of the function's pool for as long as it is configured
    (they are counted against the reservation, or the unreserved pool), whether busy or not, so
    on-demand invocations of any qualifier get only what is left (AWS: provisioned concurrency equal
    to the reserved concurrency leaves ``$LATEST`` throttled). An invocation of this qualifier takes
    an idle provisioned environment first, with no cold start and no scaling allowance; when all
    ``count`` are busy it spills over to on-demand. ``since`` is when it was configured (its billing
    starts then), ``ended`` when it was deleted (None while configured), ``count_s`` the integral of
    ``count`` over time up to ``changed``, ``billed_ms`` and ``executions`` those of the executions
    that ran on it (each such row of the attempts table has ``provisioned`` True; the bill is priced
    from the records, :func:`lambdasim.results.cost.cost`).
    """

    __slots__ = ("function", "qualifier", "memory_mb", "architecture", "count", "busy", "since", "ended",
                 "changed", "count_s", "billed_ms", "executions")

    def __init__(self, function: str, qualifier: str, since: float, memory_mb: int = 128,
                 architecture: str = "x86_64") -> None:
        self.function = function
        self.qualifier = qualifier
        self.memory_mb = memory_mb
        self.architecture = architecture
        self.count = 0
        self.busy = 0
        self.since = self.changed = since
        self.ended: float | None = None
        self.count_s = 0.0
        self.billed_ms = 0
        self.executions = 0

    def set_count(self, count: int, now: float) -> None:
        """Change the configured count at ``now`` (0: deleted), keeping ``count_s`` up to date."""
        self.count_s += self.count * (now - self.changed)
        self.changed = now
        self.count = count

    def __repr__(self) -> str:
        return f"Provisioned({self.qualifier!r}, count={self.count}, busy={self.busy})"
