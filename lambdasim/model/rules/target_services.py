"""The rules of the services lambdasim simulates as targets and reads through boto3: SQS (queue
attributes, receive, visibility, FIFO, redrive, message move tasks), SNS and S3 listings, and the
refusal of any operation not simulated. Each check raises the service's own error with its own
message (``docs/aws-behaviour.md`` §7).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from lambdasim.model.errors import TargetServiceError
from lambdasim.model.rules.names import service_of
from lambdasim.model.rules.payloads import DESTINATION_MAX_BYTES

__all__ = [
    "SQS_VISIBILITY_TIMEOUT_S", "SQS_VISIBILITY_TIMEOUT_RANGE", "SQS_RECEIVE_RANGE", "SQS_QUEUE_DEFAULTS",
    "SQS_LIST_QUEUES_RANGE", "S3_MAX_KEYS", "S3_MAX_KEYS_RANGE", "check_max_keys", "SNS_LIST_PAGE_SIZE",
    "queue_url", "queue_does_not_exist", "receipt_handle_is_invalid", "check_receive", "check_list_queues",
    "SQS_WAIT_TIME_RANGE", "invalid_attribute_name", "invalid_next_token", "topic_not_found",
    "no_such_bucket", "no_such_key", "not_simulated", "SQS_RETENTION_S", "SQS_RETENTION_RANGE",
    "SQS_DELAY_RANGE", "SQS_MAX_RECEIVE_COUNT_RANGE", "SQS_DEDUPLICATION_WINDOW_S", "SQS_MOVE_RATE_RANGE",
    "SQS_SETTABLE_ATTRIBUTES", "SQS_INT_ATTRIBUTES", "invalid_attribute_value", "check_queue_attribute",
    "check_redrive_policy", "missing_message_group_id", "missing_deduplication_id",
    "fifo_parameter_on_standard", "check_delay", "check_visibility_change",
    "not_available_for_visibility_change", "message_not_inflight", "source_not_dead_letter_queue",
    "move_task_running", "move_resource_not_found", "invalid_task_handle", "check_move_rate",
]


# -- the simulated targets, read through boto3 under mock_aws (SQS, SNS, S3) --------------------------
# Sources: the SQS, SNS and S3 API references (CreateQueue attributes, ReceiveMessage, DeleteMessage,
# ListQueues, ListSubscriptionsByTopic, ListObjectsV2, GetObject) and botocore's service models; the
# error texts as AWS gives them (recorded in LocalStack's AWS-validated SQS tests and snapshots).

#: A queue's default ``VisibilityTimeout``, and the range a receive may ask for (0 s to 12 hours).
SQS_VISIBILITY_TIMEOUT_S = 30
SQS_VISIBILITY_TIMEOUT_RANGE = (0, 43_200)
#: A queue's default ``MessageRetentionPeriod`` (4 days).
SQS_RETENTION_S = 345_600
#: ``MaxNumberOfMessages`` of a receive (default 1), and its ``WaitTimeSeconds`` (long polling).
SQS_RECEIVE_RANGE = (1, 10)
SQS_WAIT_TIME_RANGE = (0, 20)
#: ``MaxResults`` of ListQueues.
SQS_LIST_QUEUES_RANGE = (1, 1_000)
#: The attributes of a queue created with AWS's defaults (GetQueueAttributes strings): 4-day
#: retention, no delay, short polling, SQS-managed encryption; ``MaximumMessageSize`` is the 1 MiB
#: SQS accepts since August 2025.
SQS_QUEUE_DEFAULTS = {
    "VisibilityTimeout": str(SQS_VISIBILITY_TIMEOUT_S),
    "MaximumMessageSize": str(DESTINATION_MAX_BYTES["sqs"]),
    "MessageRetentionPeriod": str(SQS_RETENTION_S),
    "DelaySeconds": "0",
    "ReceiveMessageWaitTimeSeconds": "0",
    "SqsManagedSseEnabled": "true",
}
#: ``MaxKeys`` of ListObjectsV2 when the request gives none (and the most S3 returns), and the
#: range S3 accepts (a larger value is answered with at most 1,000 keys).
S3_MAX_KEYS = 1_000
S3_MAX_KEYS_RANGE = (0, 2**31 - 1)
#: SNS's list operations answer up to 100 entries a page (SNS API reference, ListTopics).
SNS_LIST_PAGE_SIZE = 100


def queue_url(region: str, account_id: str, name: str) -> str:
    """The queue URL SQS answers with: ``https://sqs.{region}.amazonaws.com/{account}/{name}``."""
    return f"https://sqs.{region}.amazonaws.com/{account_id}/{name}"


def queue_does_not_exist() -> TargetServiceError:
    """SQS's error for a queue name or URL it does not know (botocore raises ``QueueDoesNotExist``)."""
    return TargetServiceError("AWS.SimpleQueueService.NonExistentQueue",
                              "The specified queue does not exist.", 400,
                              QueryErrorCode="QueueDoesNotExist", Type="Sender")


def receipt_handle_is_invalid(handle: str) -> TargetServiceError:
    """SQS's error for a receipt handle that no receive of the queue gave."""
    return TargetServiceError("ReceiptHandleIsInvalid",
                              f'The input receipt handle "{handle}" is not a valid receipt handle.', 400,
                              QueryErrorCode="ReceiptHandleIsInvalid", Type="Sender")


def _sqs_invalid(name: str, value: Any, reason: str) -> TargetServiceError:
    return TargetServiceError("InvalidParameterValue",
                              f"Value {value} for parameter {name} is invalid. Reason: {reason}", 400,
                              Type="Sender")


def _in(value: Any, low: int, high: int) -> bool:
    """An integer (not a bool) in [low, high]: a client that skips botocore's validation may send anything."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def check_receive(max_messages: int, visibility_timeout_s: int, wait_time_s: int) -> None:
    """ReceiveMessage's ranges: ``MaxNumberOfMessages`` 1-10, ``VisibilityTimeout`` 0-43,200 s,
    ``WaitTimeSeconds`` 0-20 s."""
    low, high = SQS_RECEIVE_RANGE
    if not _in(max_messages, low, high):
        raise _sqs_invalid("MaxNumberOfMessages", max_messages,
                           f"Must be between {low} and {high}, if provided.")
    low, high = SQS_WAIT_TIME_RANGE
    if not _in(wait_time_s, low, high):
        raise _sqs_invalid("WaitTimeSeconds", wait_time_s, f"Must be >= {low} and <= {high}, if provided.")
    low, high = SQS_VISIBILITY_TIMEOUT_RANGE
    if not _in(visibility_timeout_s, low, high):
        raise _sqs_invalid("VisibilityTimeout", visibility_timeout_s,
                           f"Must be >= {low} and <= {high}, if provided.")


def check_list_queues(max_results: int) -> None:
    """ListQueues' ``MaxResults``: 1-1,000."""
    low, high = SQS_LIST_QUEUES_RANGE
    if not _in(max_results, low, high):
        raise _sqs_invalid("MaxResults", max_results, f"Must be between {low} and {high}, if provided.")


def invalid_attribute_name(name: str) -> TargetServiceError:
    """SQS's error for a GetQueueAttributes name that is not a queue attribute."""
    return TargetServiceError("InvalidAttributeName", f"Unknown Attribute {name}.", 400,
                              QueryErrorCode="InvalidAttributeName", Type="Sender")


def invalid_next_token(token: str) -> TargetServiceError:
    """The error for a ``NextToken`` that no page of the listing gave (lambdasim's text)."""
    return TargetServiceError("InvalidParameterValue", f"Invalid NextToken value: {token!r}", 400,
                              Type="Sender")


def check_max_keys(max_keys: int) -> None:
    """ListObjectsV2's ``MaxKeys``: 0 to 2,147,483,647 (S3's ``InvalidArgument``)."""
    low, high = S3_MAX_KEYS_RANGE
    if not _in(max_keys, low, high):
        raise TargetServiceError("InvalidArgument",
                                 f"Argument maxKeys must be an integer between {low} and {high}", 400,
                                 ArgumentName="maxKeys", ArgumentValue=str(max_keys))


def topic_not_found() -> TargetServiceError:
    """SNS's error for a topic ARN it does not know (botocore raises ``NotFoundException``)."""
    return TargetServiceError("NotFound", "Topic does not exist", 404, Type="Sender")


def no_such_bucket(bucket: str) -> TargetServiceError:
    """S3's error for a bucket it does not know (botocore raises ``NoSuchBucket``)."""
    return TargetServiceError("NoSuchBucket", "The specified bucket does not exist", 404, BucketName=bucket)


def no_such_key(key: str) -> TargetServiceError:
    """S3's error for a key the bucket does not hold (botocore raises ``NoSuchKey``)."""
    return TargetServiceError("NoSuchKey", "The specified key does not exist.", 404, Key=key)


def not_simulated(service: str, operation: str, served: Iterable[str]) -> TargetServiceError:
    """lambdasim's own error (not AWS's) for an operation it does not simulate, inside ``mock_aws``.
    A 4xx, so that botocore does not retry it."""
    served = sorted(served)
    answers = (f"the {service} operations it answers are {', '.join(served)}" if served
               else f"it simulates no {service} operation")
    return TargetServiceError(
        "lambdasim.NotSimulated",
        f"lambdasim does not simulate {service} {operation}: inside mock_aws no request leaves the process, "
        f"and {answers}", 400)


# -- SQS queue semantics: per-queue attributes, FIFO, redrive, message move tasks --------------------
# Sources: SQS API reference (CreateQueue / SetQueueAttributes "Attributes", SendMessage,
# ChangeMessageVisibility, StartMessageMoveTask, ListMessageMoveTasks); SQS developer guide
# ("Amazon SQS visibility timeout", "Using dead-letter queues", "Exactly-once processing in Amazon
# SQS" (the 5-minute deduplication interval), "Amazon SQS message retention"); the error texts as AWS
# gave them in LocalStack's AWS-validated snapshots (tests/aws/services/sqs/test_sqs_move_task.snapshot.json).

#: Each numeric queue attribute's range (seconds, except maxReceiveCount).
SQS_RETENTION_RANGE = (60, 1_209_600)
SQS_DELAY_RANGE = (0, 900)
SQS_MAX_RECEIVE_COUNT_RANGE = (1, 1_000)
#: A FIFO queue drops a message whose deduplication id it accepted less than this long ago.
SQS_DEDUPLICATION_WINDOW_S = 300
#: StartMessageMoveTask's MaxNumberOfMessagesPerSecond; without one SQS picks a "system optimized"
#: rate, which lambdasim takes as the maximum (a choice: AWS does not say what it picks).
SQS_MOVE_RATE_RANGE = (1, 500)
#: The queue attributes a scenario or CreateQueue/SetQueueAttributes may set.
SQS_SETTABLE_ATTRIBUTES = ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds",
                           "ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "FifoQueue",
                           "ContentBasedDeduplication", "MaximumMessageSize", "SqsManagedSseEnabled")
#: Integer attributes and their ranges.
SQS_INT_ATTRIBUTES = {
    "VisibilityTimeout": SQS_VISIBILITY_TIMEOUT_RANGE,
    "MessageRetentionPeriod": SQS_RETENTION_RANGE,
    "DelaySeconds": SQS_DELAY_RANGE,
    "ReceiveMessageWaitTimeSeconds": SQS_WAIT_TIME_RANGE,
    "MaximumMessageSize": (1_024, DESTINATION_MAX_BYTES["sqs"]),
}


def invalid_attribute_value(name: str) -> TargetServiceError:
    """SQS's error for a queue attribute value out of its range (CreateQueue, SetQueueAttributes)."""
    return TargetServiceError("InvalidAttributeValue", f"Invalid value for the parameter {name}.", 400,
                              QueryErrorCode="InvalidAttributeValue", Type="Sender")


def _redrive_invalid(policy: str, reason: str) -> TargetServiceError:
    return TargetServiceError("InvalidParameterValue",
                              f"Value {policy} for parameter RedrivePolicy is invalid. Reason: {reason}", 400,
                              Type="Sender")


def check_queue_attribute(name: str, value: Any) -> Any:
    """One queue attribute as SQS reads it (a string, or a number / bool / mapping from a scenario
    file): an int for the numeric ones, a bool for the flags, ``(deadLetterTargetArn, maxReceiveCount)``
    for ``RedrivePolicy``. Raises SQS's error: ``InvalidAttributeName`` for an unknown name,
    ``InvalidAttributeValue`` for a value out of range."""
    if name not in SQS_SETTABLE_ATTRIBUTES:
        raise invalid_attribute_name(name)
    if name in SQS_INT_ATTRIBUTES:
        low, high = SQS_INT_ATTRIBUTES[name]
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            number = int(value)
        if number is None or not low <= number <= high:
            raise invalid_attribute_value(name)
        return number
    if name == "RedrivePolicy":
        return check_redrive_policy(value)
    text = str(value).lower() if isinstance(value, (str, bool)) else ""
    if text not in ("true", "false"):
        raise invalid_attribute_value(name)
    return text == "true"


def check_redrive_policy(value: Any) -> tuple[str, int]:
    """``RedrivePolicy``: a JSON object (or its string) with ``deadLetterTargetArn`` (an SQS queue
    ARN) and ``maxReceiveCount`` 1-1,000 -> ``(arn, count)``."""
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    try:
        policy = json.loads(text) if isinstance(value, str) else dict(value)
    except (ValueError, TypeError):
        raise _redrive_invalid(text, "Invalid value for RedrivePolicy: must be a JSON object.") from None
    if not isinstance(policy, dict) or "deadLetterTargetArn" not in policy:
        raise _redrive_invalid(text, "Redrive policy does not contain mandatory attribute: "
                                     "deadLetterTargetArn.")
    if "maxReceiveCount" not in policy:
        raise _redrive_invalid(text, "Redrive policy does not contain mandatory attribute: maxReceiveCount.")
    count, arn = policy["maxReceiveCount"], policy["deadLetterTargetArn"]
    low, high = SQS_MAX_RECEIVE_COUNT_RANGE
    number = int(count) if isinstance(count, (int, str)) and str(count).lstrip("-").isdigit() else None
    if number is None or not low <= number <= high:
        raise _redrive_invalid(text, f"Invalid value for maxReceiveCount: {count}, "
                                     f"valid values are from {low} to {high} both inclusive.")
    if not isinstance(arn, str) or service_of(arn) != "sqs" or arn.count(":") != 5:
        raise _redrive_invalid(text, "Dead-letter target ARN should be fully qualified ARN.")
    return arn, number


def missing_message_group_id() -> TargetServiceError:
    """SQS's answer to a send to a FIFO queue without ``MessageGroupId``."""
    return TargetServiceError("MissingParameter", "The request must contain the parameter MessageGroupId.",
                              400,
                              QueryErrorCode="MissingParameter", Type="Sender")


def missing_deduplication_id() -> TargetServiceError:
    """SQS's answer to a send to a FIFO queue without ``ContentBasedDeduplication`` and without a
    ``MessageDeduplicationId``."""
    return TargetServiceError("InvalidParameterValue",
                              "The queue should either have ContentBasedDeduplication "
                              "enabled or MessageDeduplicationId provided explicitly", 400, Type="Sender")


def fifo_parameter_on_standard(name: str, value: str) -> TargetServiceError:
    """SQS's answer to ``MessageGroupId`` / ``MessageDeduplicationId`` sent to a standard queue."""
    return _sqs_invalid(name, value, "The request include parameter that is not valid for this queue type.")


def check_delay(delay_s: Any) -> None:
    """SendMessage's ``DelaySeconds``: 0-900."""
    low, high = SQS_DELAY_RANGE
    if not _in(delay_s, low, high):
        raise _sqs_invalid("DelaySeconds", delay_s, f"Must be >= {low} and <= {high}, if provided.")


def check_visibility_change(timeout_s: Any) -> None:
    """ChangeMessageVisibility's ``VisibilityTimeout``: 0-43,200 s."""
    low, high = SQS_VISIBILITY_TIMEOUT_RANGE
    if not _in(timeout_s, low, high):
        raise _sqs_invalid("VisibilityTimeout", timeout_s, f"Must be >= {low} and <= {high}, if provided.")


def not_available_for_visibility_change(handle: str) -> TargetServiceError:
    """SQS's answer to ChangeMessageVisibility with a handle that no longer names a message
    (deleted, or received again since)."""
    return _sqs_invalid("ReceiptHandle", handle,
                        "Message does not exist or is not available for visibility timeout change.")


def message_not_inflight() -> TargetServiceError:
    """SQS's answer to ChangeMessageVisibility on a message that is visible again (its timeout ran out)."""
    return TargetServiceError("AWS.SimpleQueueService.MessageNotInflight",
                              "The specified message isn't in flight.",
                              400, QueryErrorCode="MessageNotInflight", Type="Sender")


def source_not_dead_letter_queue() -> TargetServiceError:
    """StartMessageMoveTask on a queue that no queue's RedrivePolicy names (AWS's recorded text)."""
    return TargetServiceError("InvalidParameterValue",
                              "Source queue must be configured as a Dead Letter Queue.",
                              400, Type="Sender")


def move_task_running() -> TargetServiceError:
    """StartMessageMoveTask while the source queue has a running task (AWS's recorded text)."""
    return TargetServiceError("InvalidParameterValue",
                              "There is already a task running. Only one active task "
                              "is allowed for a source queue arn at a given time.", 400, Type="Sender")


def move_resource_not_found(parameter: str) -> TargetServiceError:
    """A move task's SourceArn or DestinationArn names no queue (AWS's recorded text)."""
    return TargetServiceError("ResourceNotFoundException", "The resource that you specified for the "
                              f"{parameter} parameter doesn't exist.", 404, Type="Sender")


def invalid_task_handle() -> TargetServiceError:
    """CancelMessageMoveTask with a handle no task has (AWS's recorded text)."""
    return TargetServiceError("InvalidParameterValue", "Value for parameter TaskHandle is invalid.", 400,
                              Type="Sender")


def check_move_rate(rate: Any) -> None:
    """StartMessageMoveTask's ``MaxNumberOfMessagesPerSecond``: 1-500."""
    low, high = SQS_MOVE_RATE_RANGE
    if not _in(rate, low, high):
        raise _sqs_invalid("MaxNumberOfMessagesPerSecond", rate,
                           f"You must enter a number that's between {low} and {high}.")
