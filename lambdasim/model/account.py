"""The account a scenario runs in: the Region's concurrency limit, the Region and account id of its
ARNs, and how long a function changed through the API stays ``Pending``.

It is the ``account:`` section of a scenario file (:class:`lambdasim.model.scenario.Scenario` reads
and writes it, and re-exports :class:`Account`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lambdasim.model.rules import (
    DEFAULT_CONCURRENT_EXECUTIONS,
    DEFAULT_FUNCTION_PENDING_S,
    MAX_FUNCTION_PENDING_S,
    REGION_PATTERN,
)
from lambdasim.model.validation import check_field, check_str, read, write

__all__ = ["Account"]

_ACCOUNT_KEYS = {"concurrent_executions": "ConcurrentExecutions", "region": "region",
                 "account_id": "account_id", "function_pending_s": "function_pending_s"}


@dataclass(frozen=True)
class Account:
    """The Region's concurrency limit (at least 1), the names used in ARNs, and how long a function
    created or updated through the API takes to become ready.

    ``function_pending_s`` (a simulator setting, 0-300 s, default 1): a function made by
    CreateFunction is ``State: Pending`` for this long, and an update keeps ``LastUpdateStatus:
    InProgress`` for this long (AWS documents no figure; 300 s is where botocore's waiters give up).
    0 makes every change ready at once. Functions the scenario declares exist before the run and are
    ``Active`` at time 0.
    """

    concurrent_executions: int = DEFAULT_CONCURRENT_EXECUTIONS
    region: str = "us-east-1"
    account_id: str = "123456789012"
    function_pending_s: float = DEFAULT_FUNCTION_PENDING_S

    def __post_init__(self) -> None:
        check_field(self, "concurrent_executions", ge=1, integer=True)
        check_str(self.region, "Account.region", REGION_PATTERN, "a Region name such as us-east-1")
        check_str(self.account_id, "Account.account_id", r"\d{12}", "a string of 12 digits")
        check_field(self, "function_pending_s", ge=0, le=MAX_FUNCTION_PENDING_S)

    def to_dict(self) -> dict:
        """The shape ``{ConcurrentExecutions, region, account_id, function_pending_s}``."""
        return write(self, _ACCOUNT_KEYS)

    @staticmethod
    def from_dict(d: Any, field: str = "account") -> Account:
        """Read ``{ConcurrentExecutions, region, account_id, function_pending_s}``; None means
        defaults."""
        return read(Account, d, field, _ACCOUNT_KEYS)
