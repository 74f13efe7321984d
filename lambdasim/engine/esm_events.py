"""The SQS event a mapping's batch is sent as, and how the function's response is read.

:func:`sqs_record` is one received message as a record of the event AWS sends
(``{"Records": [...]}``, the developer guide's shape). :func:`batch_item_failures` reads a
``ReportBatchItemFailures`` response: ``{"batchItemFailures": [{"itemIdentifier": messageId}, ...]}``
names the failed messages (every other one is deleted); an empty or null response or list is a
complete success; an item that is not a message of the batch, an empty or null identifier, or a
response of another shape fails the whole batch (AWS's rules, "Handling errors for an SQS event
source in Lambda"). The pollers that send batches: :mod:`lambdasim.engine.esm_pollers`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from lambdasim.engine.sqs_queues import Received

__all__ = ["sqs_record", "batch_item_failures"]


def sqs_record(received: Received, queue_arn: str, region: str, sender_id: str, wall_ms: Any) -> dict:
    """One message as the SQS event's record (``wall_ms(t)``: epoch milliseconds of virtual ``t``)."""
    message = received.message
    body = message.body
    attributes = {}
    for name, value in (message._attributes or {}).items():
        if isinstance(value, dict):
            kind = value.get("DataType", "String")
            entry = {"stringValue": value.get("StringValue"), "stringListValues": [], "binaryListValues": [],
                     "dataType": kind}
            if "BinaryValue" in value:
                entry = {"binaryValue": value["BinaryValue"], "stringListValues": [], "binaryListValues": [],
                         "dataType": kind}
            attributes[name] = entry
    return {
        "messageId": message.message_id,
        "receiptHandle": received.receipt_handle,
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": str(received.receive_count),
            "SentTimestamp": str(wall_ms(message.sent_at)),
            "SenderId": sender_id,
            "ApproximateFirstReceiveTimestamp": str(wall_ms(received.first_received_at)),
        },
        "messageAttributes": attributes,
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def batch_item_failures(response: Any, message_ids: list[str]) -> list[str] | None:
    """The message ids a ``ReportBatchItemFailures`` response names as failed: ``[]`` for a complete
    success, None when the response fails the whole batch (AWS's rules, in the module docstring)."""
    if response is None or response == "" or response == {}:
        return []
    if not isinstance(response, dict) or "batchItemFailures" not in response:
        return None
    items = response["batchItemFailures"]
    if items is None:
        return []
    if not isinstance(items, list):
        return None
    known = set(message_ids)
    failed = []
    for item in items:
        if not isinstance(item, dict) or "itemIdentifier" not in item:
            return None
        identifier = item["itemIdentifier"]
        if not isinstance(identifier, str) or not identifier or identifier not in known:
            return None
        failed.append(identifier)
    return failed
