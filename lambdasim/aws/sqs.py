"""SQS read operations on the simulated queues: GetQueueUrl, ListQueues, GetQueueAttributes,
ReceiveMessage and DeleteMessage (the queue state itself is :mod:`lambdasim.engine.sqs_queues`).

Each handler takes the request's :class:`~lambdasim.aws.targets.TargetView` and the parameters
boto3 validated, and returns the dict botocore parses from SQS's answer. Choices where AWS is
silent or where the simulation differs:

- a message's ``SenderId`` (the IAM identity that sent it) is not given: Lambda sends with the
  function's execution role, which a scenario does not have;
- ``WaitTimeSeconds`` is checked (0-20) but a receive never waits: the virtual clock does not
  move during a call, so a long poll would find the same queue; ``sim.run`` moves the clock;
- a queue URL's Region is the one in its host name (``sqs.{region}.amazonaws.com``), else the
  client's Region;
- an empty answer has no ``QueueUrls`` or ``Messages`` key (as SQS's answers had in its query
  protocol), so ``.get("Messages", [])`` is the way to read one;
- every queue was created at the scenario's ``start_time`` with AWS's default attributes
  (per-queue settings come with issue 12).
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any
from urllib.parse import urlsplit

import botocore.session

from lambdasim.aws.pages import page
from lambdasim.model.rules import (
    SQS_LIST_QUEUES_RANGE,
    SQS_QUEUE_DEFAULTS,
    SQS_VISIBILITY_TIMEOUT_S,
    check_list_queues,
    check_receive,
    invalid_attribute_name,
    queue_does_not_exist,
    queue_url,
    receipt_handle_is_invalid,
)

__all__ = ["HANDLERS", "md5_of_message_attributes"]

#: The names GetQueueAttributes knows: botocore's ``QueueAttributeName`` enum (``All`` among them).
QUEUE_ATTRIBUTES = frozenset(
    botocore.session.get_session().get_service_model("sqs").shape_for("QueueAttributeName").enum)


def _queue(view: Any, url: str) -> Any:
    """The queue a ``QueueUrl`` names (``https://sqs.{region}.amazonaws.com/{account}/{name}``)."""
    parts = urlsplit(url)
    path = parts.path.strip("/").split("/")
    host = parts.hostname or ""
    region = host.split(".")[1] if host.startswith("sqs.") and host.count(".") >= 3 else view.region
    if len(path) != 2:
        raise queue_does_not_exist()
    queue = view.find(f"arn:aws:sqs:{region}:{path[0]}:{path[1]}", "sqs")
    if queue is None:
        raise queue_does_not_exist()
    return queue


def _url(queue: Any) -> str:
    _, _, _, region, account, name = queue.arn.split(":", 5)
    return queue_url(region, account, name)


def get_queue_url(view: Any, params: dict) -> dict:
    account = params.get("QueueOwnerAWSAccountId") or view.account_id
    queue = view.find(f"arn:aws:sqs:{view.region}:{account}:{params['QueueName']}", "sqs")
    if queue is None:
        raise queue_does_not_exist()
    return {"QueueUrl": _url(queue)}


def list_queues(view: Any, params: dict) -> dict:
    prefix = params.get("QueueNamePrefix", "")
    urls = [_url(q) for q in view.of_type("sqs") if q.name.startswith(prefix)]
    if "MaxResults" not in params:
        # Without MaxResults SQS answers up to 1,000 URLs and no NextToken.
        return {"QueueUrls": urls[:SQS_LIST_QUEUES_RANGE[1]]} if urls else {}
    check_list_queues(params["MaxResults"])
    taken, token = page(urls, params.get("NextToken"), params["MaxResults"])
    output: dict[str, Any] = {"QueueUrls": taken} if taken else {}
    if token is not None:
        output["NextToken"] = token
    return output


def _attributes(view: Any, queue: Any) -> dict[str, str]:
    visible, in_flight = queue.sqs.counts(view.now)
    created = str(int(view.wall_time(0.0).timestamp()))
    attributes = {"QueueArn": queue.arn, "ApproximateNumberOfMessages": str(visible),
                  "ApproximateNumberOfMessagesNotVisible": str(in_flight),
                  "ApproximateNumberOfMessagesDelayed": "0", "CreatedTimestamp": created,
                  "LastModifiedTimestamp": created, **SQS_QUEUE_DEFAULTS}
    if queue.fifo:
        attributes.update(FifoQueue="true", ContentBasedDeduplication="false")
    return attributes


def get_queue_attributes(view: Any, params: dict) -> dict:
    queue = _queue(view, params["QueueUrl"])
    names = params.get("AttributeNames", [])
    for name in names:
        if name not in QUEUE_ATTRIBUTES:
            raise invalid_attribute_name(name)
    attributes = _attributes(view, queue)
    if "All" not in names:
        attributes = {k: v for k, v in attributes.items() if k in names}
    return {"Attributes": attributes} if attributes else {}


def md5_of_message_attributes(attributes: dict) -> str:
    """SQS's ``MD5OfMessageAttributes``: for each attribute in name order, the name, the data type
    and the value, each 4-byte-length prefixed, with a transport byte (1 string or number, 2 binary)
    before the value (SQS developer guide, "Calculating the MD5 message digest for message attributes")."""
    digest = hashlib.md5()

    def field(data: bytes) -> None:
        digest.update(struct.pack(">I", len(data)) + data)

    for name in sorted(attributes):
        value = attributes[name]
        field(name.encode())
        field(value["DataType"].encode())
        if "BinaryValue" in value:
            digest.update(b"\x02")
            field(bytes(value["BinaryValue"]))
        else:
            digest.update(b"\x01")
            field(value["StringValue"].encode())
    return digest.hexdigest()


def _wanted(names: list[str], name: str) -> bool:
    """Whether ``name`` is asked for: ``All``, ``.*``, the name itself or a ``prefix.*`` of it."""
    return any(n in ("All", ".*", name) or (n.endswith(".*") and name.startswith(n[:-1])) for n in names)


def receive_message(view: Any, params: dict) -> dict:
    queue = _queue(view, params["QueueUrl"])
    timeout = params.get("VisibilityTimeout", SQS_VISIBILITY_TIMEOUT_S)
    check_receive(params.get("MaxNumberOfMessages", 1), timeout, params.get("WaitTimeSeconds", 0))
    system_names = [*params.get("MessageSystemAttributeNames", []), *params.get("AttributeNames", [])]
    attribute_names = params.get("MessageAttributeNames", [])
    messages = []
    for received in queue.sqs.receive(view.now, params.get("MaxNumberOfMessages", 1), timeout):
        message = received.message
        body = message.body if isinstance(message.body, str) else bytes(message.body).decode()
        entry: dict[str, Any] = {"MessageId": message.message_id, "ReceiptHandle": received.receipt_handle,
                                 "MD5OfBody": hashlib.md5(body.encode()).hexdigest(), "Body": body}
        system = {"SentTimestamp": view.epoch_ms(message.sent_at),
                  "ApproximateReceiveCount": str(received.receive_count),
                  "ApproximateFirstReceiveTimestamp": view.epoch_ms(received.first_received_at)}
        system = {k: v for k, v in system.items() if _wanted(system_names, k)}
        if system:
            entry["Attributes"] = system
        attributes = {k: dict(v) for k, v in message.attributes.items() if _wanted(attribute_names, k)}
        if attributes:
            entry["MD5OfMessageAttributes"] = md5_of_message_attributes(attributes)
            entry["MessageAttributes"] = attributes
        messages.append(entry)
    return {"Messages": messages} if messages else {}


def delete_message(view: Any, params: dict) -> dict:
    queue = _queue(view, params["QueueUrl"])
    handle = params["ReceiptHandle"]
    if not queue.sqs.is_issued(handle):
        raise receipt_handle_is_invalid(handle)
    queue.sqs.delete(handle)
    return {}


HANDLERS = {"GetQueueUrl": get_queue_url, "ListQueues": list_queues,
            "GetQueueAttributes": get_queue_attributes, "ReceiveMessage": receive_message,
            "DeleteMessage": delete_message}
