"""The rules of SQS event-source mappings: batch sizes and windows, scaling, states, and the
errors Lambda's event-source-mapping operations answer (``docs/aws-behaviour.md`` §19).
"""

from __future__ import annotations

from lambdasim.model.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from lambdasim.model.rules.names import REGION_PATTERN
from lambdasim.model.rules.payloads import SYNC_PAYLOAD_LIMIT

__all__ = [
    "ESM_BATCHING_WINDOW_RANGE_S", "ESM_BATCH_PAYLOAD_LIMIT", "ESM_LIST_PAGE_SIZE", "ESM_LIST_RANGE",
    "ESM_MAXIMUM_CONCURRENCY_RANGE", "ESM_NO_RECORDS", "ESM_OK", "ESM_RESPONSE_TYPES",
    "ESM_SQS_BATCH_SIZE_DEFAULT", "ESM_SQS_BATCH_SIZE_NO_WINDOW_MAX", "ESM_SQS_BATCH_SIZE_RANGE",
    "ESM_SQS_MAX_BATCHES", "ESM_SQS_SCALE_INTERVAL_S", "ESM_SQS_SCALE_UP_PER_MINUTE",
    "ESM_SQS_START_BATCHES", "ESM_STATE_CREATING", "ESM_STATE_DELETING", "ESM_STATE_DISABLED",
    "ESM_STATE_DISABLING", "ESM_STATE_ENABLED", "ESM_STATE_ENABLING", "ESM_STATE_UPDATING",
    "ESM_USER_INITIATED", "SQS_QUEUE_ARN_PATTERN", "esm_arn", "esm_duplicate", "esm_fifo_batch_size",
    "esm_fifo_window", "esm_function_missing", "esm_not_found", "esm_unsupported_source",
    "esm_visibility_below_timeout", "esm_window_required",
]


# -- event-source mappings (SQS) ------------------------------------------------------------------
# Sources: Lambda API reference, CreateEventSourceMapping (BatchSize, MaximumBatchingWindowInSeconds,
# ScalingConfig); "Using Lambda with Amazon SQS" and "Configuring scaling behavior for SQS event
# source mappings" (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html);
# "Handling errors for an SQS event source" (batch item failures). Error texts as AWS gives them
# (recorded in CloudFormation/CloudTrail reports and emulators validated against AWS).

#: An SQS queue's ARN (what an SQS mapping's ``EventSourceArn`` must be).
SQS_QUEUE_ARN_PATTERN = r"arn:aws[a-zA-Z-]*:sqs:" + REGION_PATTERN + r":\d{12}:[\w.-]{1,80}"
#: ``BatchSize`` of an SQS mapping: default 10; up to 10 without a batching window, up to 10,000
#: with one; a FIFO queue takes at most 10.
ESM_SQS_BATCH_SIZE_DEFAULT = 10
ESM_SQS_BATCH_SIZE_NO_WINDOW_MAX = 10
ESM_SQS_BATCH_SIZE_RANGE = (1, 10_000)
#: ``MaximumBatchingWindowInSeconds`` (default 0; up to 5 minutes).
ESM_BATCHING_WINDOW_RANGE_S = (0, 300)
#: ``ScalingConfig.MaximumConcurrency`` of an SQS mapping.
ESM_MAXIMUM_CONCURRENCY_RANGE = (2, 1_000)
#: A batch is invoked once its payload reaches the synchronous invoke limit.
ESM_BATCH_PAYLOAD_LIMIT = SYNC_PAYLOAD_LIMIT
#: Standard-queue poller scaling: five concurrent batches when messages are available, then up to 300
#: more per minute while messages remain, up to 1,000 concurrent batches per mapping.
ESM_SQS_START_BATCHES = 5
ESM_SQS_SCALE_UP_PER_MINUTE = 300
ESM_SQS_SCALE_INTERVAL_S = 60.0
ESM_SQS_MAX_BATCHES = 1_000
#: ``FunctionResponseTypes`` an SQS mapping accepts.
ESM_RESPONSE_TYPES = ("ReportBatchItemFailures",)
#: ``State`` values, ``LastProcessingResult`` and ``StateTransitionReason`` of an SQS mapping.
ESM_STATE_CREATING = "Creating"
ESM_STATE_ENABLED = "Enabled"
ESM_STATE_DISABLED = "Disabled"
ESM_STATE_ENABLING = "Enabling"
ESM_STATE_DISABLING = "Disabling"
ESM_STATE_UPDATING = "Updating"
ESM_STATE_DELETING = "Deleting"
ESM_NO_RECORDS = "No records processed"
ESM_OK = "OK"
ESM_USER_INITIATED = "USER_INITIATED"
#: ``MaxItems`` of ListEventSourceMappings (1–10,000; lambdasim answers 100 a page without it).
ESM_LIST_RANGE = (1, 10_000)
ESM_LIST_PAGE_SIZE = 100


def esm_arn(region: str, account_id: str, uuid: str) -> str:
    """``EventSourceMappingArn``: ``arn:aws:lambda:REGION:ACCOUNT:event-source-mapping:UUID``."""
    return f"arn:aws:lambda:{region}:{account_id}:event-source-mapping:{uuid}"


def esm_window_required(batch_size: int) -> InvalidParameterValueException:
    """AWS's answer to a standard-queue ``BatchSize`` over 10 with no batching window."""
    return InvalidParameterValueException(
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
        field="BatchSize", value=batch_size)


def esm_fifo_batch_size(batch_size: int) -> InvalidParameterValueException:
    """A FIFO queue's ``BatchSize`` over 10 (AWS's range; the wording is lambdasim's)."""
    return InvalidParameterValueException(
        f"BatchSize: {batch_size} is not valid for a FIFO queue; "
        f"allowed: 1 to {ESM_SQS_BATCH_SIZE_NO_WINDOW_MAX}")


def esm_fifo_window() -> InvalidParameterValueException:
    """A batching window on a FIFO queue's mapping (AWS supports none; the wording is lambdasim's)."""
    return InvalidParameterValueException(
        "MaximumBatchingWindowInSeconds is not supported for FIFO queues; allowed: 0 or unset")


def esm_not_found() -> ResourceNotFoundException:
    """AWS's answer to Get/Update/Delete of a mapping UUID it does not know (HTTP 404)."""
    return ResourceNotFoundException("The resource you requested does not exist.")


def esm_function_missing() -> ResourceNotFoundException:
    """AWS's answer to CreateEventSourceMapping for a function that does not exist (HTTP 404)."""
    return ResourceNotFoundException("Function does not exist")


def esm_duplicate(source_arn: str, function: str, uuid: str) -> ResourceConflictException:
    """AWS's answer to a second mapping of the same SQS queue to the same function (HTTP 409)."""
    return ResourceConflictException(
        f'An event source mapping with SQS arn (" {source_arn} ") and function (" {function} ") already '
        f"exists. Please update or delete the existing mapping with UUID {uuid}")


def esm_visibility_below_timeout(visibility_s: int, timeout_s: int) -> InvalidParameterValueException:
    """AWS's answer when the queue's visibility timeout is shorter than the function's timeout."""
    return InvalidParameterValueException(
        f"Queue visibility timeout: {visibility_s} seconds is less than Function timeout: "
        f"{timeout_s} seconds")


def esm_unsupported_source(arn: str) -> InvalidParameterValueException:
    """An event source other than an SQS queue of this simulation (lambdasim maps SQS only)."""
    return InvalidParameterValueException(
        f"EventSourceArn: {arn!r} is not valid; allowed: the ARN of an SQS queue of this simulation "
        "(lambdasim maps SQS queues only)")
