"""SQS operations on the simulated queues (the queue state itself is :mod:`lambdasim.engine.sqs_queues`):
CreateQueue, GetQueueUrl, ListQueues, Get/SetQueueAttributes, PurgeQueue, SendMessage(Batch),
ReceiveMessage, DeleteMessage(Batch), ChangeMessageVisibility, and the message move tasks
(Start/List/CancelMessageMoveTask).

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
- a queue of the scenario was created at its ``start_time``, with the ``Attributes`` the scenario
  gives it (AWS's defaults otherwise); CreateQueue makes one at the simulation's ``now``;
- CreateQueue with a name ending in ``.fifo`` makes a FIFO queue even without ``FifoQueue: true``
  (AWS asks for both; lambdasim reads the name), and for an existing name answers its URL whatever
  the attributes (AWS refuses different ones with ``QueueAlreadyExists``: not modelled);
- a message's size is not checked against ``MaximumMessageSize`` on SendMessage.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any
from urllib.parse import urlsplit

import botocore.session

from lambdasim.aws.pages import page
from lambdasim.engine.targets import Message
from lambdasim.model.errors import TargetServiceError
from lambdasim.model.queue_settings import queue_settings
from lambdasim.model.rules import (
    SQS_LIST_QUEUES_RANGE,
    SQS_MOVE_RATE_RANGE,
    check_delay,
    check_list_queues,
    check_move_rate,
    check_receive,
    check_visibility_change,
    fifo_parameter_on_standard,
    invalid_attribute_name,
    invalid_task_handle,
    message_not_inflight,
    missing_deduplication_id,
    missing_message_group_id,
    move_resource_not_found,
    move_task_running,
    not_available_for_visibility_change,
    queue_does_not_exist,
    queue_url,
    receipt_handle_is_invalid,
    source_not_dead_letter_queue,
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
    sqs = queue.sqs
    visible, in_flight, delayed = sqs.counts3(view.now)
    attributes = {"QueueArn": queue.arn, "ApproximateNumberOfMessages": str(visible),
                  "ApproximateNumberOfMessagesNotVisible": str(in_flight),
                  "ApproximateNumberOfMessagesDelayed": str(delayed),
                  "CreatedTimestamp": str(int(view.wall_time(sqs.created_at).timestamp())),
                  "LastModifiedTimestamp": str(int(view.wall_time(sqs.modified_at).timestamp())),
                  **sqs.settings.attributes()}
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
    timeout = params.get("VisibilityTimeout", queue.sqs.settings.visibility_timeout_s)
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
        if received.group_id is not None:  # FIFO
            system.update(MessageGroupId=received.group_id, SequenceNumber=received.sequence_number,
                          MessageDeduplicationId=received.deduplication_id)
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
    queue.sqs.delete(handle, view.now)
    return {}


def _send(view: Any, queue: Any, entry: dict) -> dict:
    """One SendMessage (or batch entry) to ``queue``: the answer's ``MessageId``, MD5s, ``SequenceNumber``."""
    sqs = queue.sqs
    group, dedup = entry.get("MessageGroupId"), entry.get("MessageDeduplicationId")
    if sqs.settings.fifo:
        if "DelaySeconds" in entry:  # a FIFO queue has only its own delay
            raise fifo_parameter_on_standard("DelaySeconds", entry["DelaySeconds"])
        if group is None:
            raise missing_message_group_id()
        if dedup is None and not sqs.settings.content_based_dedup:
            raise missing_deduplication_id()
    else:
        if group is not None:
            raise fifo_parameter_on_standard("MessageGroupId", group)
        if dedup is not None:
            raise fifo_parameter_on_standard("MessageDeduplicationId", dedup)
        if "DelaySeconds" in entry:
            check_delay(entry["DelaySeconds"])
    body = entry["MessageBody"]
    attributes = {k: dict(v) for k, v in entry.get("MessageAttributes", {}).items()}
    message = Message(view.new_message_id(), body, attributes, view.now, "")
    kept, sequence = sqs.send(message, view.now, entry.get("DelaySeconds"), group, dedup)
    output = {"MessageId": kept.message_id, "MD5OfMessageBody": hashlib.md5(body.encode()).hexdigest()}
    if attributes:
        output["MD5OfMessageAttributes"] = md5_of_message_attributes(attributes)
    if sequence is not None:
        output["SequenceNumber"] = sequence
    return output


def send_message(view: Any, params: dict) -> dict:
    return _send(view, _queue(view, params["QueueUrl"]), params)


def _batch(entries: list[dict], one: Any) -> dict:
    """A batch answer: ``Successful`` entries (with their ``Id``) and ``Failed`` ones (SQS's code
    and message, ``SenderFault``)."""
    successful, failed = [], []
    for entry in entries:
        try:
            successful.append({"Id": entry["Id"], **one(entry)})
        except TargetServiceError as error:
            code = error.fields.get("QueryErrorCode", error.code)
            failed.append({"Id": entry["Id"], "SenderFault": True, "Code": code, "Message": error.message})
    output: dict[str, Any] = {"Successful": successful, "Failed": failed}
    return output


def send_message_batch(view: Any, params: dict) -> dict:
    queue = _queue(view, params["QueueUrl"])
    return _batch(params["Entries"], lambda entry: _send(view, queue, entry))


def delete_message_batch(view: Any, params: dict) -> dict:
    queue = _queue(view, params["QueueUrl"])

    def one(entry: dict) -> dict:
        delete_message(view, {"QueueUrl": params["QueueUrl"], "ReceiptHandle": entry["ReceiptHandle"]})
        return {}
    del queue
    return _batch(params["Entries"], one)


def change_message_visibility(view: Any, params: dict) -> dict:
    queue = _queue(view, params["QueueUrl"])
    handle, timeout = params["ReceiptHandle"], params["VisibilityTimeout"]
    check_visibility_change(timeout)
    status = queue.sqs.change_visibility(handle, timeout, view.now)
    if status == "invalid":
        raise receipt_handle_is_invalid(handle)
    if status == "gone":
        raise not_available_for_visibility_change(handle)
    if status == "not_in_flight":
        raise message_not_inflight()
    return {}


def set_queue_attributes(view: Any, params: dict) -> dict:
    queue = _queue(view, params["QueueUrl"])
    sqs = queue.sqs
    sqs.advance(view.now)
    sqs.settle()
    sqs.settings = queue_settings(params["Attributes"], queue.fifo, base=sqs.settings)
    sqs.modified_at = view.now
    return {}


def create_queue(view: Any, params: dict) -> dict:
    name = params["QueueName"]
    arn = f"arn:aws:sqs:{view.region}:{view.account_id}:{name}"
    existing = view.find(arn, "sqs")
    if existing is not None:
        return {"QueueUrl": _url(existing)}
    settings = queue_settings(params.get("Attributes", {}), name.endswith(".fifo"))  # checked first
    queue = view.create(arn)
    queue.sqs.settings = settings
    queue.sqs.created_at = queue.sqs.modified_at = view.now
    return {"QueueUrl": _url(queue)}


def purge_queue(view: Any, params: dict) -> dict:
    _queue(view, params["QueueUrl"]).sqs.purge(view.now)
    return {}


def _by_arn(view: Any, arn: str, parameter: str) -> Any:
    queue = view.find(arn, "sqs")
    if queue is None:
        raise move_resource_not_found(parameter)
    return queue


def start_message_move_task(view: Any, params: dict) -> dict:
    source = _by_arn(view, params["SourceArn"], "SourceArn")
    redrives = [q.sqs.settings.redrive for q in view.all_of_type("sqs")]
    if not any(redrive and redrive[0] == source.arn for redrive in redrives):
        raise source_not_dead_letter_queue()
    destination = None
    if "DestinationArn" in params:
        destination = _by_arn(view, params["DestinationArn"], "DestinationArn")
    rate = params.get("MaxNumberOfMessagesPerSecond")
    if rate is not None:
        check_move_rate(rate)
    if any(task.status == "RUNNING" for task in source.sqs.tasks if task.next_step_at() is not None):
        source.sqs.advance(view.now)
        if any(task.status == "RUNNING" for task in source.sqs.tasks):
            raise move_task_running()
    task = source.sqs.start_move(view.now, destination.sqs if destination else None, rate,
                                 SQS_MOVE_RATE_RANGE[1])
    return {"TaskHandle": task.handle}


def list_message_move_tasks(view: Any, params: dict) -> dict:
    source = _by_arn(view, params["SourceArn"], "SourceArn")
    source.sqs.advance(view.now)
    results = []
    for task in reversed(source.sqs.tasks[-params.get("MaxResults", 1):]):
        entry: dict[str, Any] = {"Status": task.status, "SourceArn": source.arn,
                                 "ApproximateNumberOfMessagesMoved": task.moved,
                                 "ApproximateNumberOfMessagesToMove": len(task.to_move),
                                 "StartedTimestamp": int(view.epoch_ms(task.started_at))}
        if task.status == "RUNNING":
            entry["TaskHandle"] = task.handle
        if task.destination_arn:
            entry["DestinationArn"] = task.destination_arn
        if task.rate is not None:
            entry["MaxNumberOfMessagesPerSecond"] = task.rate
        results.append(entry)
    return {"Results": results}


def cancel_message_move_task(view: Any, params: dict) -> dict:
    handle = params["TaskHandle"]
    for queue in view.all_of_type("sqs"):
        task = queue.sqs.cancel_move(handle, view.now)
        if task is not None:
            return {"ApproximateNumberOfMessagesMoved": task.moved}
    raise invalid_task_handle()


HANDLERS = {"GetQueueUrl": get_queue_url, "ListQueues": list_queues,
            "GetQueueAttributes": get_queue_attributes, "ReceiveMessage": receive_message,
            "DeleteMessage": delete_message, "DeleteMessageBatch": delete_message_batch,
            "SendMessage": send_message, "SendMessageBatch": send_message_batch,
            "ChangeMessageVisibility": change_message_visibility, "SetQueueAttributes": set_queue_attributes,
            "CreateQueue": create_queue, "PurgeQueue": purge_queue,
            "StartMessageMoveTask": start_message_move_task, "ListMessageMoveTasks": list_message_move_tasks,
            "CancelMessageMoveTask": cancel_message_move_task}
