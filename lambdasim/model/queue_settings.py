"""A simulated SQS queue's settings, read from its attributes under AWS's names.

A scenario declares them under the queue's ARN in ``targets`` (``Attributes: {VisibilityTimeout: "60",
RedrivePolicy: {...}}``, values as strings, as SQS takes them, or as numbers, booleans and a mapping);
``CreateQueue`` and ``SetQueueAttributes`` give the same names. Checks, ranges and error texts are
:mod:`lambdasim.model.rules` (SQS's own); this module only turns the checked values into a
:class:`QueueSettings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from lambdasim.model.errors import TargetServiceError, invalid_value
from lambdasim.model.rules import (
    DESTINATION_MAX_BYTES,
    SQS_INT_ATTRIBUTES,
    SQS_MAX_RECEIVE_COUNT_RANGE,
    SQS_RETENTION_S,
    SQS_SETTABLE_ATTRIBUTES,
    SQS_VISIBILITY_TIMEOUT_S,
    check_queue_attribute,
    invalid_attribute_value,
)

__all__ = ["QueueSettings", "queue_settings", "scenario_queue_settings"]

# Each attribute name -> the QueueSettings field that holds it.
_FIELDS = {
    "VisibilityTimeout": "visibility_timeout_s",
    "MessageRetentionPeriod": "retention_s",
    "DelaySeconds": "delay_s",
    "ReceiveMessageWaitTimeSeconds": "wait_time_s",
    "RedrivePolicy": "redrive",
    "FifoQueue": "fifo",
    "ContentBasedDeduplication": "content_based_dedup",
    "MaximumMessageSize": "max_message_bytes",
    "SqsManagedSseEnabled": "sse",
}


@dataclass(frozen=True)
class QueueSettings:
    """One queue's settings (AWS's defaults unless given)."""

    visibility_timeout_s: int = SQS_VISIBILITY_TIMEOUT_S
    retention_s: int = SQS_RETENTION_S
    delay_s: int = 0
    wait_time_s: int = 0
    #: ``(deadLetterTargetArn, maxReceiveCount)``, or None.
    redrive: tuple[str, int] | None = None
    fifo: bool = False
    content_based_dedup: bool = False
    max_message_bytes: int = DESTINATION_MAX_BYTES["sqs"]
    sse: bool = True

    def attributes(self) -> dict[str, str]:
        """The settings as GetQueueAttributes strings (RedrivePolicy as SQS's compact JSON)."""
        out = {
            "VisibilityTimeout": str(self.visibility_timeout_s),
            "MaximumMessageSize": str(self.max_message_bytes),
            "MessageRetentionPeriod": str(self.retention_s),
            "DelaySeconds": str(self.delay_s),
            "ReceiveMessageWaitTimeSeconds": str(self.wait_time_s),
            "SqsManagedSseEnabled": str(self.sse).lower(),
        }
        if self.redrive is not None:
            out["RedrivePolicy"] = (
                f'{{"deadLetterTargetArn":"{self.redrive[0]}","maxReceiveCount":{self.redrive[1]}}}'
            )
        if self.fifo:
            out.update(FifoQueue="true", ContentBasedDeduplication=str(self.content_based_dedup).lower())
        return out

    def to_dict(self) -> dict[str, Any]:
        """The attributes a scenario file would give (round-trips through :func:`queue_settings`)."""
        return self.attributes()


def queue_settings(
    attributes: Mapping[str, Any], fifo_name: bool, base: QueueSettings | None = None
) -> QueueSettings:
    """The settings ``attributes`` give, over ``base`` (AWS's defaults). ``fifo_name``: the queue's
    name ends in ``.fifo``, which SQS requires of a FIFO queue and forbids to a standard one.
    Raises SQS's :class:`~lambdasim.model.errors.TargetServiceError`."""
    base = base or QueueSettings(fifo=fifo_name)
    changes = {}
    for name, value in attributes.items():
        checked = check_queue_attribute(name, value)  # first: an unknown name is SQS's InvalidAttributeName
        changes[_FIELDS[name]] = checked
    settings = replace(base, **changes)
    if settings.fifo != fifo_name:
        raise invalid_attribute_value("FifoQueue")  # a .fifo name needs FifoQueue=true, and only it
    if settings.content_based_dedup and not settings.fifo:
        raise invalid_attribute_value("ContentBasedDeduplication")
    return settings


def _allowed(name: str) -> str:
    """What SQS accepts for attribute ``name``, in words."""
    if name in SQS_INT_ATTRIBUTES:
        low, high = SQS_INT_ATTRIBUTES[name]
        return f"an integer from {low:,} to {high:,}"
    if name == "RedrivePolicy":
        low, high = SQS_MAX_RECEIVE_COUNT_RANGE
        return (
            f"{{deadLetterTargetArn: an SQS queue ARN, maxReceiveCount: {low}-{high:,}}} or its JSON string"
        )
    if name in SQS_SETTABLE_ATTRIBUTES:
        return "true or false"
    return f"one of {', '.join(SQS_SETTABLE_ATTRIBUTES)}"


def scenario_queue_settings(attributes: Any, field: str, fifo_name: bool) -> QueueSettings:
    """:func:`queue_settings` for a scenario file: a bad value names its field path, the value and
    SQS's reason (``targets.ARN.Attributes.VisibilityTimeout: '99999' is not valid; allowed: ...``)."""
    if not isinstance(attributes, Mapping):
        raise invalid_value(field, attributes, "a mapping of SQS queue attribute names to values")
    for name, value in attributes.items():
        try:
            queue_settings({name: value}, fifo_name)
        except TargetServiceError as exc:
            if name == "FifoQueue" or (name == "ContentBasedDeduplication" and not fifo_name):
                try:  # the combination, not the value, is wrong: say so
                    check_queue_attribute(name, value)
                except TargetServiceError:
                    pass
                else:
                    raise invalid_value(
                        f"{field}.{name}",
                        value,
                        (
                            f"{exc.code}: {exc.message} FifoQueue is true exactly when the queue's name "
                            "ends in "
                            ".fifo; ContentBasedDeduplication only on a FIFO queue"
                        ),
                    ) from None
            raise invalid_value(
                f"{field}.{name}", value, f"{_allowed(name)} ({exc.code}: {exc.message})"
            ) from None
    return queue_settings(attributes, fifo_name)
