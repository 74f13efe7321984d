"""The timing of Lambda's internal queue for asynchronous invocations, where AWS is silent: retry
delays and their jitter, throttle backoff, duplicate deliveries, the accepted payload size.

It is the ``queue:`` section of a scenario file (:class:`lambdasim.model.scenario.Scenario` reads
and writes it, and re-exports :class:`QueueSettings`). Not to be confused with
:mod:`lambdasim.model.queue_settings`, the attributes of a simulated SQS queue.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from lambdasim.model.errors import invalid_value
from lambdasim.model.rules import ASYNC_PAYLOAD_LIMIT, ASYNC_PAYLOAD_LIMITS, MAX_EVENT_AGE_S
from lambdasim.model.validation import check_field, check_number, check_sequence, read, write

__all__ = ["QueueSettings"]

#: What ``payload_limit_bytes`` may be, for its error message.
_LIMITS = " or ".join(map(str, ASYNC_PAYLOAD_LIMITS))


@dataclass(frozen=True)
class QueueSettings:
    """Timing of the async queue where AWS is silent (the choices of docs/aws-behaviour.md §3, §4).

    Jitter defaults follow measured AWS, not the documentation (AWS documents no jitter):

    * ``retry_jitter_s = 10``: each function-error retry waits 60 s / 120 s plus a uniform 0-10 s.
      Independent measurements (cosmo-grant/aws-by-example, docs/aws-behaviour.md §3) saw retries 4-10 s later
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

    def throttle_backoff_s(self, streak: int) -> float:
        """The nominal wait after the ``streak``-th throttle or system error since an event's last
        execution: ``min(base·2^(streak−1), max)``, before jitter (the one statement of the rule;
        the engine jitters it, the explorer's run-size estimate sums it)."""
        return min(self.throttle_backoff_base_s * 2.0 ** (streak - 1), self.throttle_backoff_max_s)

    def to_dict(self) -> dict:
        """The ``queue:`` shape (the field names)."""
        return write(self, {f.name: f.name for f in fields(self)})

    @staticmethod
    def from_dict(d: Any, field: str = "queue") -> QueueSettings:
        """Read the ``queue:`` shape; None means defaults."""
        return read(QueueSettings, d, field, {f.name: f.name for f in fields(QueueSettings)})
