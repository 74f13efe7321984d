"""Real boto3 against the simulated SQS queues under ``ls.mock_aws``: every operation served, with
AWS's errors as botocore parses them (code, message, status)."""

from __future__ import annotations

import hashlib
import json

import boto3
import pytest
from botocore.exceptions import ClientError

import lambdasim as ls

ACCOUNT = "123456789012"
ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:"
URL = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/"
POLICY = {"deadLetterTargetArn": ARN + "dlq", "maxReceiveCount": 2}


@pytest.fixture
def sim():
    scenario = ls.Scenario.from_dict(
        {
            "functions": {"f": {}},
            "targets": {
                ARN + "src": {"Attributes": {"VisibilityTimeout": "30", "RedrivePolicy": POLICY}},
                ARN + "dlq": {},
                ARN + "jobs.fifo": {"Attributes": {"FifoQueue": "true"}},
            },
        }
    )
    return ls.Simulation(scenario)


@pytest.fixture
def sqs(sim, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with ls.mock_aws(sim):
        yield boto3.client("sqs", region_name="us-east-1")


def error_of(excinfo) -> tuple:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_send_receive_delete(sqs, sim):
    sent = sqs.send_message(
        QueueUrl=URL + "src",
        MessageBody="hello",
        MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}},
    )
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"hello").hexdigest()
    assert "MD5OfMessageAttributes" in sent
    got = sqs.receive_message(QueueUrl=URL + "src", AttributeNames=["All"], MessageAttributeNames=["All"])
    message = got["Messages"][0]
    assert (message["MessageId"], message["Body"]) == (sent["MessageId"], "hello")
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert "Messages" not in sqs.receive_message(QueueUrl=URL + "src")  # in flight for the queue's 30 s
    sim.run(until=30)
    again = sqs.receive_message(QueueUrl=URL + "src")["Messages"][0]
    sqs.delete_message(QueueUrl=URL + "src", ReceiptHandle=again["ReceiptHandle"])
    sim.run(until=100)
    assert "Messages" not in sqs.receive_message(QueueUrl=URL + "src")


def test_missing_queue(sqs):
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as excinfo:
        sqs.send_message(QueueUrl=URL + "nope", MessageBody="x")
    assert error_of(excinfo) == (
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
        400,
    )


def test_invalid_receipt_handle(sqs):
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid) as excinfo:
        sqs.delete_message(QueueUrl=URL + "src", ReceiptHandle="bogus")
    assert error_of(excinfo) == (
        "ReceiptHandleIsInvalid",
        'The input receipt handle "bogus" is not a valid receipt handle.',
        400,
    )
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.change_message_visibility(QueueUrl=URL + "src", ReceiptHandle="bogus", VisibilityTimeout=1)


def test_change_visibility_on_a_deleted_message_and_on_one_visible_again(sqs, sim):
    sqs.send_message(QueueUrl=URL + "dlq", MessageBody="x")
    handle = sqs.receive_message(QueueUrl=URL + "dlq", VisibilityTimeout=10)["Messages"][0]["ReceiptHandle"]
    sim.run(until=10)
    with pytest.raises(ClientError) as excinfo:
        sqs.change_message_visibility(QueueUrl=URL + "dlq", ReceiptHandle=handle, VisibilityTimeout=5)
    assert error_of(excinfo) == (
        "AWS.SimpleQueueService.MessageNotInflight",
        "The specified message isn't in flight.",
        400,
    )
    handle = sqs.receive_message(QueueUrl=URL + "dlq")["Messages"][0]["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=URL + "dlq", ReceiptHandle=handle, VisibilityTimeout=0)
    assert sqs.get_queue_attributes(QueueUrl=URL + "dlq", AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"
    ] == {"ApproximateNumberOfMessages": "1"}
    sqs.delete_message(QueueUrl=URL + "dlq", ReceiptHandle=handle)
    with pytest.raises(ClientError) as excinfo:
        sqs.change_message_visibility(QueueUrl=URL + "dlq", ReceiptHandle=handle, VisibilityTimeout=5)
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        f"Value {handle} for parameter ReceiptHandle is invalid. "
        "Reason: Message does not exist or is not available for visibility timeout change.",
        400,
    )


def test_get_and_set_queue_attributes(sqs, sim):
    attributes = sqs.get_queue_attributes(QueueUrl=URL + "src", AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "30"
    assert json.loads(attributes["RedrivePolicy"]) == POLICY
    sqs.set_queue_attributes(QueueUrl=URL + "src", Attributes={"VisibilityTimeout": "5", "DelaySeconds": "2"})
    sqs.send_message(QueueUrl=URL + "src", MessageBody="x")
    assert sqs.get_queue_attributes(
        QueueUrl=URL + "src", AttributeNames=["ApproximateNumberOfMessagesDelayed"]
    )["Attributes"] == {"ApproximateNumberOfMessagesDelayed": "1"}
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(QueueUrl=URL + "src", Attributes={"VisibilityTimeout": "43201"})
    assert error_of(excinfo) == (
        "InvalidAttributeValue",
        "Invalid value for the parameter VisibilityTimeout.",
        400,
    )
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(
            QueueUrl=URL + "src",
            Attributes={
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": ARN + "dlq", "maxReceiveCount": 1001})
            },
        )
    assert error_of(excinfo)[0] == "InvalidParameterValue"
    assert error_of(excinfo)[1].endswith(
        "Reason: Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both inclusive."
    )


def test_create_queue_with_attributes_and_purge(sqs, sim):
    url = sqs.create_queue(QueueName="new", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    assert url == URL + "new"
    assert sqs.create_queue(QueueName="new")["QueueUrl"] == url
    sqs.send_message(QueueUrl=url, MessageBody="x")
    sqs.send_message(QueueUrl=url, MessageBody="y")
    sqs.purge_queue(QueueUrl=url)
    sqs.send_message(QueueUrl=url, MessageBody="z")
    sim.run(until=60)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)  # retention 60 s
    ops = sim.result().queue_ops.query("queue == @ARN + 'new'")
    assert list(ops["op"]) == ["send", "send", "purged", "purged", "send", "retention_expired"]
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="bad", Attributes={"DelaySeconds": "901"})
    assert error_of(excinfo) == (
        "InvalidAttributeValue",
        "Invalid value for the parameter DelaySeconds.",
        400,
    )


def test_fifo_needs_a_group_and_a_dedup_id_and_answers_fifo_attributes(sqs):
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=URL + "jobs.fifo", MessageBody="x")
    assert error_of(excinfo) == (
        "MissingParameter",
        "The request must contain the parameter MessageGroupId.",
        400,
    )
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=URL + "jobs.fifo", MessageBody="x", MessageGroupId="g")
    assert error_of(excinfo)[1] == (
        "The queue should either have ContentBasedDeduplication enabled or "
        "MessageDeduplicationId provided explicitly"
    )
    first = sqs.send_message(
        QueueUrl=URL + "jobs.fifo", MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d"
    )
    dup = sqs.send_message(
        QueueUrl=URL + "jobs.fifo", MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d"
    )
    assert dup["MessageId"] == first["MessageId"] and first["SequenceNumber"] == dup["SequenceNumber"]
    got = sqs.receive_message(
        QueueUrl=URL + "jobs.fifo", MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
    )["Messages"]
    assert len(got) == 1
    assert {k: got[0]["Attributes"][k] for k in ("MessageGroupId", "MessageDeduplicationId")} == {
        "MessageGroupId": "g",
        "MessageDeduplicationId": "d",
    }
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=URL + "dlq", MessageBody="x", MessageGroupId="g")
    assert error_of(excinfo)[1] == (
        "Value g for parameter MessageGroupId is invalid. Reason: The request include "
        "parameter that is not valid for this queue type."
    )


def test_batches(sqs):
    answer = sqs.send_message_batch(
        QueueUrl=URL + "dlq",
        Entries=[{"Id": "a", "MessageBody": "1"}, {"Id": "b", "MessageBody": "2", "DelaySeconds": 0}],
    )
    assert [e["Id"] for e in answer["Successful"]] == ["a", "b"] and answer.get("Failed", []) == []
    handles = [
        m["ReceiptHandle"]
        for m in sqs.receive_message(QueueUrl=URL + "dlq", MaxNumberOfMessages=10)["Messages"]
    ]
    answer = sqs.delete_message_batch(
        QueueUrl=URL + "dlq",
        Entries=[{"Id": "a", "ReceiptHandle": handles[0]}, {"Id": "x", "ReceiptHandle": "bogus"}],
    )
    assert [e["Id"] for e in answer["Successful"]] == ["a"]
    assert answer["Failed"] == [
        {
            "Id": "x",
            "SenderFault": True,
            "Code": "ReceiptHandleIsInvalid",
            "Message": 'The input receipt handle "bogus" is not a valid receipt handle.',
        }
    ]


def test_redrive_then_move_task_back_to_the_source(sqs, sim):
    sqs.send_message(QueueUrl=URL + "src", MessageBody="poison")
    for until in (30, 60):
        assert len(sqs.receive_message(QueueUrl=URL + "src").get("Messages", [])) == 1
        sim.run(until=until)
    assert "Messages" not in sqs.receive_message(QueueUrl=URL + "src")  # third receive: moved to the DLQ
    with pytest.raises(ClientError) as excinfo:
        sqs.start_message_move_task(SourceArn=ARN + "src")
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "Source queue must be configured as a Dead Letter Queue.",
        400,
    )
    with pytest.raises(ClientError) as excinfo:
        sqs.start_message_move_task(SourceArn=ARN + "nope")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "The resource that you specified for the SourceArn parameter doesn't exist.",
        404,
    )
    handle = sqs.start_message_move_task(SourceArn=ARN + "dlq", MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    [task] = sqs.list_message_move_tasks(SourceArn=ARN + "dlq")["Results"]
    assert (
        task["Status"],
        task["ApproximateNumberOfMessagesMoved"],
        task["MaxNumberOfMessagesPerSecond"],
    ) == ("COMPLETED", 1, 1)
    assert "TaskHandle" not in task and "DestinationArn" not in task
    with pytest.raises(ClientError) as excinfo:
        sqs.cancel_message_move_task(TaskHandle=handle)
    assert error_of(excinfo) == ("InvalidParameterValue", "Value for parameter TaskHandle is invalid.", 400)
    back = sqs.receive_message(QueueUrl=URL + "src", AttributeNames=["All"])["Messages"][0]
    assert (back["Body"], back["Attributes"]["ApproximateReceiveCount"]) == ("poison", "1")


def test_a_second_move_task_while_one_runs_is_refused(sqs, sim):
    for i in range(3):
        sqs.send_message(QueueUrl=URL + "dlq", MessageBody=str(i))
    sqs.start_message_move_task(
        SourceArn=ARN + "dlq", DestinationArn=ARN + "src", MaxNumberOfMessagesPerSecond=1
    )
    with pytest.raises(ClientError) as excinfo:
        sqs.start_message_move_task(SourceArn=ARN + "dlq")
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "There is already a task running. Only one active task is "
        "allowed for a source queue arn at a given time.",
        400,
    )
    [task] = sqs.list_message_move_tasks(SourceArn=ARN + "dlq")["Results"]
    assert (task["Status"], task["ApproximateNumberOfMessagesMoved"], task["DestinationArn"]) == (
        "RUNNING",
        1,
        ARN + "src",
    )
    assert (
        sqs.cancel_message_move_task(TaskHandle=task["TaskHandle"])["ApproximateNumberOfMessagesMoved"] == 1
    )
    sim.run(until=1)
    assert sqs.list_message_move_tasks(SourceArn=ARN + "dlq")["Results"][0]["Status"] == "CANCELLED"
