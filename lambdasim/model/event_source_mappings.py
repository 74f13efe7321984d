"""An SQS event-source mapping's settings, as a scenario file or CreateEventSourceMapping gives them.

:class:`MappingSettings` holds AWS's fields (``EventSourceArn``, ``FunctionName``, ``BatchSize``,
``MaximumBatchingWindowInSeconds``, ``FunctionResponseTypes``, ``ScalingConfig``, ``Enabled``) checked
against AWS's ranges (:mod:`lambdasim.model.rules`, "event-source mappings"); a bad value raises
``InvalidParameterValueException`` naming the field path, the value and what is allowed. Whether the
queue and the function exist is the engine's question (they can be made after the file is read).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from lambdasim.model import rules
from lambdasim.model.errors import invalid_value
from lambdasim.model.validation import check_keys, check_number, check_str, join

__all__ = ["MappingSettings", "KEYS", "read_mapping", "updated_settings", "mapping_dict"]

#: The scenario file's keys of one mapping (AWS's request member names).
KEYS = ("EventSourceArn", "FunctionName", "BatchSize", "MaximumBatchingWindowInSeconds",
        "FunctionResponseTypes", "ScalingConfig", "Enabled")


@dataclass(frozen=True)
class MappingSettings:
    """One SQS event-source mapping (AWS's defaults: batch 10, no window, no scaling cap, enabled)."""

    event_source_arn: str
    function_name: str
    batch_size: int = rules.ESM_SQS_BATCH_SIZE_DEFAULT
    window_s: int = 0
    report_batch_item_failures: bool = False
    maximum_concurrency: int | None = None
    enabled: bool = True

    @property
    def fifo(self) -> bool:
        """A FIFO queue's mapping (its name ends in ``.fifo``)."""
        return self.event_source_arn.endswith(".fifo")

    def check(self, path: str = "") -> MappingSettings:
        """Check the fields together (AWS's cross-field rules); return self."""
        low, high = rules.ESM_SQS_BATCH_SIZE_RANGE
        check_number(self.batch_size, join(path, "BatchSize"), ge=low, le=high, integer=True)
        low, high = rules.ESM_BATCHING_WINDOW_RANGE_S
        check_number(self.window_s, join(path, "MaximumBatchingWindowInSeconds"), ge=low, le=high,
                     integer=True)
        if self.maximum_concurrency is not None:
            low, high = rules.ESM_MAXIMUM_CONCURRENCY_RANGE
            check_number(self.maximum_concurrency, join(path, "ScalingConfig.MaximumConcurrency"),
                         ge=low, le=high, integer=True)
        refusal = None
        if self.fifo:
            if self.batch_size > rules.ESM_SQS_BATCH_SIZE_NO_WINDOW_MAX:
                refusal = "BatchSize", self.batch_size, rules.esm_fifo_batch_size(self.batch_size)
            elif self.window_s:
                refusal = "MaximumBatchingWindowInSeconds", self.window_s, rules.esm_fifo_window()
        elif self.batch_size > rules.ESM_SQS_BATCH_SIZE_NO_WINDOW_MAX and not self.window_s:
            refusal = "BatchSize", self.batch_size, rules.esm_window_required(self.batch_size)
        if refusal is not None:
            name, value, error = refusal
            if not path:
                raise error  # the API's answer: AWS's message as AWS gives it
            raise invalid_value(join(path, name), value, error.message)
        return self


def _response_types(value: Any, path: str) -> bool:
    allowed = f"a list of {', '.join(rules.ESM_RESPONSE_TYPES)} (or an empty list)"
    if not isinstance(value, (list, tuple)) or any(v not in rules.ESM_RESPONSE_TYPES for v in value):
        raise invalid_value(path, value, allowed)
    return bool(value)


def _scaling(value: Any, path: str) -> int | None:
    if value is None:
        return None
    scaling = check_keys(value, path, ["MaximumConcurrency"])
    return scaling.get("MaximumConcurrency")  # an empty ScalingConfig removes the cap, as AWS's does


def _enabled(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise invalid_value(path, value, "true or false")
    return value


def read_mapping(d: Any, path: str) -> MappingSettings:
    """A mapping from its scenario-file (or request) shape, checked; ``path`` names it in errors."""
    d = check_keys(d, path, KEYS, required=("EventSourceArn", "FunctionName"))
    source = check_str(d["EventSourceArn"], join(path, "EventSourceArn"), rules.SQS_QUEUE_ARN_PATTERN,
                       "the ARN of an SQS queue (arn:aws:sqs:REGION:ACCOUNT:NAME)")
    function = check_str(d["FunctionName"], join(path, "FunctionName"), r".+",
                         "a function name, ARN or partial ARN (a non-empty str)")
    settings = MappingSettings(source, function)
    return updated_settings(settings, d, path)


def updated_settings(settings: MappingSettings, d: Mapping[str, Any], path: str = "") -> MappingSettings:
    """``settings`` with the fields of ``d`` (AWS's names) that it gives, checked."""
    changes: dict[str, Any] = {}
    if d.get("BatchSize") is not None:
        changes["batch_size"] = d["BatchSize"]
    if d.get("MaximumBatchingWindowInSeconds") is not None:
        changes["window_s"] = d["MaximumBatchingWindowInSeconds"]
    if d.get("FunctionResponseTypes") is not None:
        changes["report_batch_item_failures"] = _response_types(d["FunctionResponseTypes"],
                                                                join(path, "FunctionResponseTypes"))
    if "ScalingConfig" in d:
        changes["maximum_concurrency"] = _scaling(d["ScalingConfig"], join(path, "ScalingConfig"))
    if d.get("Enabled") is not None:
        changes["enabled"] = _enabled(d["Enabled"], join(path, "Enabled"))
    if d.get("FunctionName") is not None:
        changes["function_name"] = d["FunctionName"]
    return replace(settings, **changes).check(path)


def mapping_dict(settings: MappingSettings) -> dict:
    """The scenario-file shape of a mapping (AWS's names); ``read_mapping`` reads it back."""
    out: dict[str, Any] = {"EventSourceArn": settings.event_source_arn,
                           "FunctionName": settings.function_name, "BatchSize": settings.batch_size,
                           "MaximumBatchingWindowInSeconds": settings.window_s, "Enabled": settings.enabled}
    if settings.report_batch_item_failures:
        out["FunctionResponseTypes"] = list(rules.ESM_RESPONSE_TYPES)
    if settings.maximum_concurrency is not None:
        out["ScalingConfig"] = {"MaximumConcurrency": settings.maximum_concurrency}
    return out
