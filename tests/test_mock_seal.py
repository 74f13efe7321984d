"""``mock_aws`` is sealed: while a block is open no botocore request leaves the process, whatever
the client's creation time, service or credentials; the simulated targets answer boto3's read
operations as AWS does; everything else is refused by name; other threads are sealed but not
answered; nothing stays patched after the block (issue 11, security item 2)."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import boto3
import botocore.client
import botocore.endpoint
import botocore.httpsession
import botocore.parsers
import botocore.session
import botocore.signers
import pytest
from botocore.exceptions import ClientError, ParamValidationError

import lambdasim as ls
from lambdasim.aws import mock
from lambdasim.aws.mock import mock_aws
from lambdasim.aws.sqs import md5_of_message_attributes
from lambdasim.model import rules
from lambdasim.model.dists import Constant
from lambdasim.model.failures import FailureModel

pytestmark = pytest.mark.usefixtures("no_network")   # any connection attempt fails the test

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = "123456789012"
DLQ = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-dlq"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"
OPS = f"arn:aws:sqs:us-east-1:{ACCOUNT}:ops"
BUCKET = "arn:aws:s3:::orders-failures"
DLQ_URL = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/orders-dlq"


def failing_scenario(**targets) -> ls.Scenario:
    """``orders`` always fails, once retried: its DLQ is an SQS queue, its on-failure an S3 bucket."""
    orders = ls.FunctionConfig(
        duration=Constant(0.5), cold_start=Constant(0.0), failures=FailureModel(error_probability=1.0),
        dead_letter_target_arn=DLQ,
        event_invoke_config=ls.EventInvokeConfig(1, 3600, ls.DestinationConfig(on_failure=BUCKET)))
    return ls.Scenario(functions={"orders": orders}, targets=targets)


def failed_run(count: int = 3, **targets) -> ls.Simulation:
    """``count`` events invoked through boto3 at t=0 and run to the end: each in the DLQ and the bucket."""
    sim = ls.Simulation(failing_scenario(**targets))
    with mock_aws(sim):
        lam = boto3.client("lambda")
        for index in range(count):
            lam.invoke(FunctionName="orders", InvocationType="Event", Payload=b'{"id": %d}' % index)
    sim.run()
    return sim


def code_of(excinfo) -> tuple[str, str, int]:
    response = excinfo.value.response
    error = response["Error"]
    return error["Code"], error["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


# -- nothing leaves the process ------------------------------------------------------------------------

SUBPROCESS = r'''
import json, socket, sys
import urllib3.connectionpool

attempts = []
def audit(event, args):
    if event == "socket.connect":
        attempts.append(repr(args[1]))
        raise ConnectionRefusedError("socket.connect refused by the test")
sys.addaudithook(audit)
def urlopen(self, method, url, *args, **kwargs):
    attempts.append(f"{method} {self.host}{url}")
    raise ConnectionRefusedError("urlopen refused by the test")
urllib3.connectionpool.HTTPConnectionPool.urlopen = urlopen

import boto3, botocore.credentials
# A Lambda client made before lambdasim is imported, with real-looking credentials that are expired
# and would refresh (as SSO or assume-role credentials do) if anything read them.
refreshes = []
def refresh():
    refreshes.append(1)
    raise RuntimeError("the caller's credentials were refreshed")
real = botocore.credentials.RefreshableCredentials.create_from_metadata(
    {"access_key": "AKIAREALKEY", "secret_key": "real-secret", "token": "real-token",
     "expiry_time": "2000-01-01T00:00:00Z"}, refresh_using=refresh, method="sso")
early = boto3.Session(aws_access_key_id="AKIAREALKEY", aws_secret_access_key="real-secret",
                      region_name="us-east-1").client("lambda")
early._request_signer._credentials = real
sent = []
def record(request, **kwargs):
    sent.append(dict(request.headers))
early.meta.events.register("before-send.lambda", record)
early_sqs = boto3.client("sqs", region_name="us-east-1", aws_access_key_id="AKIAREALKEY",
                         aws_secret_access_key="real-secret")

import lambdasim as ls
sim = ls.Simulation(ls.Scenario(functions={"orders": ls.FunctionConfig()}))
out = {}
def attempt(name, call):
    try:
        result = call()
        out[name] = {"ok": result.get("StatusCode", True) if isinstance(result, dict) else True}
    except Exception as error:
        code = (getattr(error, "response", None) or {}).get("Error", {}).get("Code")
        out[name] = {"error": type(error).__name__, "code": code}

with ls.mock_aws(sim):
    attempt("lambda_before_import",
            lambda: early.invoke(FunctionName="orders", InvocationType="Event", Payload=b"{}"))
    attempt("sqs_before_import", lambda: early_sqs.list_queues())
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/q"
    attempt("sqs", lambda: boto3.client("sqs").tag_queue(QueueUrl=url, Tags={"team": "x"}))
    topic = "arn:aws:sns:us-east-1:123456789012:t"
    attempt("sns", lambda: boto3.client("sns").publish(TopicArn=topic, Message="x"))
    attempt("s3", lambda: boto3.client("s3").put_object(Bucket="b", Key="k", Body=b"x"))
    attempt("sts", lambda: boto3.client("sts").get_caller_identity())
    entry = {"Source": "s", "DetailType": "d", "Detail": "{}"}
    attempt("events", lambda: boto3.client("events").put_events(Entries=[entry]))
    attempt("dynamodb", lambda: boto3.client("dynamodb").list_tables())
    local = "http://localhost:4566"
    attempt("custom_endpoint", lambda: boto3.client("lambda", endpoint_url=local).get_account_settings())
    from botocore.utils import InstanceMetadataFetcher
    fetcher = InstanceMetadataFetcher(env={}, num_attempts=1)
    attempt("instance_metadata", fetcher.retrieve_iam_role_credentials)
sim.run()
out["accepted"] = sim.queue.accepted
out["attempts"] = attempts
out["refreshes"] = len(refreshes)
out["signed"] = [h for headers in sent for h in headers
                 if h.lower() in ("authorization", "x-amz-security-token")]
print(json.dumps(out))
'''


def test_no_request_leaves_the_process_for_any_client_or_service():
    """In a fresh interpreter (so the import order is real): a Lambda client made before
    ``import lambdasim`` with refreshable real credentials, an SQS client made before it, and
    SQS, SNS, S3, STS, EventBridge, DynamoDB and instance-metadata calls inside the block."""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "AKIAREALKEY",
           "AWS_SECRET_ACCESS_KEY": "real"}
    run = subprocess.run([sys.executable, "-c", SUBPROCESS], capture_output=True, text=True, cwd=ROOT,
                         timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["attempts"] == []                  # no socket opened, no urllib3 request made
    assert out["refreshes"] == 0                  # the caller's credentials were never read
    assert out["signed"] == []                    # the Invoke was not signed
    assert out["lambda_before_import"] == {"ok": 202}
    assert out["accepted"] == 1                   # ... and the simulation took it
    assert out["sqs_before_import"] == {"ok": True}
    for name in ("sqs", "sns", "s3", "sts", "events", "dynamodb"):
        assert out[name] == {"error": "ClientError", "code": "lambdasim.NotSimulated"}, name
    assert out["custom_endpoint"] == {"ok": True}  # a Lambda endpoint override is answered here too
    assert out["instance_metadata"] == {"error": "RequestRefused", "code": None}


def test_a_request_that_reaches_the_http_layer_is_refused(sim):
    """The last line: botocore's HTTP session refuses while a block is open (credential fetchers use it)."""
    session = botocore.httpsession.URLLib3Session()
    request = botocore.awsrequest.AWSRequest("GET", "http://169.254.169.254/latest/meta-data/").prepare()
    with mock_aws(sim), pytest.raises(mock.RequestRefused) as excinfo:
        session.send(request)
    assert str(excinfo.value) == (
        "lambdasim.mock_aws refused to send GET http://169.254.169.254/latest/meta-data/: no request leaves "
        "the process while a mock_aws block is open")


def test_signing_reads_no_credential_inside_the_block(sim):
    client = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="AKIAREAL",
                          aws_secret_access_key="real")
    reads = []

    class Credentials:
        method = "test"

        def get_frozen_credentials(self):
            reads.append(1)
            raise AssertionError("credentials read")

    client._request_signer._credentials = Credentials()
    headers = []
    client.meta.events.register("before-send.lambda", lambda request, **kw: headers.append(request.headers))
    with mock_aws(sim):
        client.get_account_settings()
    assert reads == []
    assert "Authorization" not in headers[0]


# -- every other operation is refused by name ------------------------------------------------------------


@pytest.mark.parametrize(("service", "call", "operation"), [
    ("sqs", lambda c: c.delete_queue(QueueUrl=DLQ_URL), "DeleteQueue"),
    ("sns", lambda c: c.publish(TopicArn=TOPIC, Message="x"), "Publish"),
    ("s3", lambda c: c.put_object(Bucket="orders-failures", Key="k", Body=b"x"), "PutObject"),
    ("events", lambda c: c.list_event_buses(), "ListEventBuses"),
])
def test_an_operation_not_simulated_is_refused_by_name(sim, service, call, operation):
    with mock_aws(sim):
        client = boto3.client(service)
        with pytest.raises(ClientError) as excinfo:
            call(client)
    code, message, status = code_of(excinfo)
    assert (code, status) == ("lambdasim.NotSimulated", 400)
    assert message.startswith(f"lambdasim does not simulate {service} {operation}: inside mock_aws no "
                              "request leaves the process, and ")
    assert excinfo.value.response["ResponseMetadata"]["RetryAttempts"] == 0


def test_a_service_with_nothing_simulated_says_so(sim):
    with mock_aws(sim), pytest.raises(ClientError) as excinfo:
        boto3.client("sts").get_caller_identity()
    assert code_of(excinfo) == (
        "lambdasim.NotSimulated", "lambdasim does not simulate sts GetCallerIdentity: inside mock_aws no "
        "request leaves the process, and it simulates no sts operation", 400)


def test_the_refusal_lists_what_the_service_answers(sim):
    with mock_aws(sim), pytest.raises(ClientError) as excinfo:
        boto3.client("sqs").delete_queue(QueueUrl=DLQ_URL)
    assert code_of(excinfo)[1].endswith(
        "the sqs operations it answers are CancelMessageMoveTask, ChangeMessageVisibility, CreateQueue, "
        "DeleteMessage, DeleteMessageBatch, GetQueueAttributes, GetQueueUrl, ListMessageMoveTasks, "
        "ListQueues, PurgeQueue, ReceiveMessage, SendMessage, SendMessageBatch, SetQueueAttributes, "
        "StartMessageMoveTask")


# -- SQS -------------------------------------------------------------------------------------------------


def test_get_queue_url_and_an_unknown_queue():
    sim = failed_run(0)
    with mock_aws(sim):
        sqs = boto3.client("sqs")
        assert sqs.get_queue_url(QueueName="orders-dlq")["QueueUrl"] == DLQ_URL
        with pytest.raises(sqs.exceptions.QueueDoesNotExist) as excinfo:
            sqs.get_queue_url(QueueName="nope")
    error = excinfo.value.response["Error"]
    assert error == {"Code": "AWS.SimpleQueueService.NonExistentQueue",
                     "Message": "The specified queue does not exist.", "QueryErrorCode": "QueueDoesNotExist",
                     "Type": "Sender"}
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_the_sqs_error_is_what_botocore_parses_from_aws_s_wire_error():
    """SQS's JSON error for a missing queue, as AWS sends it (``x-amzn-query-error`` header and
    ``__type``), parsed by botocore: the same ``Error`` lambdasim answers."""
    wire = {"status_code": 400, "body": b'{"__type":"com.amazonaws.sqs#QueueDoesNotExist",'
                                        b'"message":"The specified queue does not exist."}',
            "headers": {"x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender",
                        "x-amzn-requestid": "r"}}
    model = botocore.session.get_session().get_service_model("sqs").operation_model("GetQueueUrl")
    parsed = botocore.parsers.create_parser("json").parse(wire, model.output_shape)
    ours = rules.queue_does_not_exist()
    assert parsed["Error"] == {"Code": ours.code, "Message": ours.message, **ours.fields}


def test_list_queues_by_region_prefix_and_page():
    sim = failed_run(0, **{f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-extra": {},
                           f"arn:aws:sqs:eu-west-1:{ACCOUNT}:orders-elsewhere": {}, OPS: {}})
    with mock_aws(sim):
        sqs = boto3.client("sqs")
        urls = [f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/{name}" for name in ("ops", "orders-dlq",
                                                                                      "orders-extra")]
        assert sqs.list_queues()["QueueUrls"] == urls
        assert sqs.list_queues(QueueNamePrefix="orders")["QueueUrls"] == urls[1:]
        assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix="zzz")
        first = sqs.list_queues(MaxResults=2)
        assert first["QueueUrls"] == urls[:2]
        second = sqs.list_queues(MaxResults=2, NextToken=first["NextToken"])
        assert second["QueueUrls"] == urls[2:] and "NextToken" not in second
        assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix="orders-elsewhere")   # another Region
        assert boto3.client("sqs", region_name="eu-west-1").list_queues()["QueueUrls"] == [
            f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/orders-elsewhere"]
        with pytest.raises(ClientError) as excinfo:
            sqs.list_queues(MaxResults=1001)
    assert code_of(excinfo) == (
        "InvalidParameterValue",
        "Value 1001 for parameter MaxResults is invalid. Reason: Must be between 1 and 1000, if provided.",
        400)


def test_get_queue_attributes_counts_and_arn():
    sim = failed_run(3)
    with mock_aws(sim):
        sqs = boto3.client("sqs")
        everything = sqs.get_queue_attributes(QueueUrl=DLQ_URL, AttributeNames=["All"])["Attributes"]
        sqs.receive_message(QueueUrl=DLQ_URL)
        counts = sqs.get_queue_attributes(QueueUrl=DLQ_URL, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "QueueArn"])["Attributes"]
        assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=DLQ_URL)
        with pytest.raises(ClientError) as excinfo:
            sqs.get_queue_attributes(QueueUrl=DLQ_URL, AttributeNames=["Colour"])
    created = str(int(sim.scenario.wall_time(0).timestamp()))
    assert everything == {
        "QueueArn": DLQ, "ApproximateNumberOfMessages": "3", "ApproximateNumberOfMessagesNotVisible": "0",
        "ApproximateNumberOfMessagesDelayed": "0", "CreatedTimestamp": created,
        "LastModifiedTimestamp": created,
        "VisibilityTimeout": "30", "MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600",
        "DelaySeconds": "0", "ReceiveMessageWaitTimeSeconds": "0", "SqsManagedSseEnabled": "true"}
    assert counts == {"ApproximateNumberOfMessages": "2", "ApproximateNumberOfMessagesNotVisible": "1",
                      "QueueArn": DLQ}
    assert code_of(excinfo) == ("InvalidAttributeName", "Unknown Attribute Colour.", 400)
    assert type(excinfo.value).__name__ == "InvalidAttributeName"


def test_receive_gives_the_dlq_message_exactly_as_delivered():
    sim = failed_run(1)
    [delivered] = sim.target(DLQ).messages
    with mock_aws(sim):
        sqs = boto3.client("sqs")
        [message] = sqs.receive_message(QueueUrl=DLQ_URL, MessageAttributeNames=["All"],
                                        MessageSystemAttributeNames=["All"])["Messages"]
    assert message["Body"] == '{"id": 0}' == delivered.body            # the caller's bytes
    assert message["MD5OfBody"] == hashlib.md5(b'{"id": 0}').hexdigest()
    assert message["MessageId"] == delivered.message_id
    assert message["MessageAttributes"] == delivered.attributes
    assert set(message["MessageAttributes"]) == {"RequestID", "ErrorCode", "ErrorMessage"}
    assert message["MD5OfMessageAttributes"] == md5_of_message_attributes(delivered.attributes)
    sent = str(int(sim.scenario.wall_time(delivered.sent_at).timestamp() * 1000))
    now = str(int(sim.scenario.wall_time(sim.now).timestamp() * 1000))
    assert message["Attributes"] == {"SentTimestamp": sent, "ApproximateReceiveCount": "1",
                                     "ApproximateFirstReceiveTimestamp": now}
    assert base64.b64decode(message["ReceiptHandle"]).decode() == f"{DLQ} {delivered.message_id} 1"


def test_receive_returns_only_what_is_asked_for():
    sim = failed_run(1)
    with mock_aws(sim):
        sqs = boto3.client("sqs")
        [plain] = sqs.receive_message(QueueUrl=DLQ_URL, VisibilityTimeout=0)["Messages"]
        [some] = sqs.receive_message(QueueUrl=DLQ_URL, VisibilityTimeout=0,
                                     MessageAttributeNames=["ErrorCode", "ErrorMessage"],
                                     MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert set(plain) == {"MessageId", "ReceiptHandle", "MD5OfBody", "Body"}
    assert set(some["MessageAttributes"]) == {"ErrorCode", "ErrorMessage"}
    assert some["MD5OfMessageAttributes"] == md5_of_message_attributes(some["MessageAttributes"])
    assert some["Attributes"] == {"ApproximateReceiveCount": "2"}


def test_md5_of_message_attributes_matches_aws():
    """A message attribute and its MD5 from a Lambda SQS event recorded on AWS (ap-south-1)."""
    attributes = {"sample-attribute": {"DataType": "String", "StringValue": "sample-value"}}
    assert md5_of_message_attributes(attributes) == "7c815262be77a62f56671125069ca888"


def test_a_received_message_is_invisible_for_the_visibility_timeout_of_virtual_time():
    sim = failed_run(2)
    with mock_aws(sim):
        sqs = boto3.client("sqs")
        first = sqs.receive_message(QueueUrl=DLQ_URL, MaxNumberOfMessages=10)["Messages"]
        assert len(first) == 2
        assert "Messages" not in sqs.receive_message(QueueUrl=DLQ_URL, MaxNumberOfMessages=10)
    received_at = sim.now
    sim.run(until=received_at + 29.9)
    with mock_aws(sim):
        assert "Messages" not in boto3.client("sqs").receive_message(QueueUrl=DLQ_URL)
    sim.run(until=received_at + 30)
    with mock_aws(sim):
        sqs = boto3.client("sqs")
        again = sqs.receive_message(QueueUrl=DLQ_URL, MaxNumberOfMessages=10,
                                    MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert [m["MessageId"] for m in again] == [m["MessageId"] for m in first]
    assert [m["Attributes"]["ApproximateReceiveCount"] for m in again] == ["2", "2"]
    assert {m["ReceiptHandle"] for m in again}.isdisjoint(m["ReceiptHandle"] for m in first)


def test_delete_needs_the_latest_receipt_handle():
    sim = failed_run(1)
    with mock_aws(sim):
        sqs = boto3.client("sqs")
        [old] = sqs.receive_message(QueueUrl=DLQ_URL, VisibilityTimeout=0)["Messages"]
        [new] = sqs.receive_message(QueueUrl=DLQ_URL, VisibilityTimeout=0)["Messages"]
        sqs.delete_message(QueueUrl=DLQ_URL, ReceiptHandle=old["ReceiptHandle"])   # succeeds, deletes nothing
        assert len(sim.target(DLQ).messages) == 1
        sqs.delete_message(QueueUrl=DLQ_URL, ReceiptHandle=new["ReceiptHandle"])
        assert sim.target(DLQ).messages == []
        assert "Messages" not in sqs.receive_message(QueueUrl=DLQ_URL)
        sqs.delete_message(QueueUrl=DLQ_URL, ReceiptHandle=new["ReceiptHandle"])   # again: still succeeds
        with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid) as excinfo:
            sqs.delete_message(QueueUrl=DLQ_URL, ReceiptHandle="garbage")
    assert code_of(excinfo) == (
        "ReceiptHandleIsInvalid", 'The input receipt handle "garbage" is not a valid receipt handle.', 400)


@pytest.mark.parametrize(("params", "message"), [
    ({"MaxNumberOfMessages": 0},
     "Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."),
    ({"MaxNumberOfMessages": 11},
     "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."),
    ({"VisibilityTimeout": 43201},
     "Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, "
     "if provided."),
    ({"WaitTimeSeconds": 21},
     "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."),
])
def test_receive_ranges_are_aws_s(params, message):
    sim = failed_run(1)
    with mock_aws(sim), pytest.raises(ClientError) as excinfo:
        boto3.client("sqs").receive_message(QueueUrl=DLQ_URL, **params)
    assert code_of(excinfo) == ("InvalidParameterValue", message, 400)
    assert len(sim.target(DLQ).messages) == 1


def test_an_unknown_queue_url_and_botocore_s_own_validation():
    sim = failed_run(0)
    with mock_aws(sim):
        sqs = boto3.client("sqs")
        with pytest.raises(sqs.exceptions.QueueDoesNotExist):
            sqs.receive_message(QueueUrl=DLQ_URL.replace("orders-dlq", "nope"))
        with pytest.raises(sqs.exceptions.QueueDoesNotExist):
            sqs.receive_message(QueueUrl=DLQ_URL.replace("us-east-1", "eu-west-1"))
        with pytest.raises(ParamValidationError):
            sqs.receive_message()


# -- SNS -------------------------------------------------------------------------------------------------


def test_sns_lists_topics_and_their_subscriptions():
    fn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"
    sim = failed_run(0, **{TOPIC: {"subscriptions": [OPS, fn]},
                           f"arn:aws:sns:eu-west-1:{ACCOUNT}:elsewhere": {}})
    with mock_aws(sim):
        sns = boto3.client("sns")
        topics = sns.list_topics()
        subscriptions = sns.list_subscriptions_by_topic(TopicArn=TOPIC)
        with pytest.raises(sns.exceptions.NotFoundException) as excinfo:
            sns.list_subscriptions_by_topic(TopicArn=TOPIC + "-nope")
    assert topics["Topics"] == [{"TopicArn": TOPIC}] and "NextToken" not in topics
    entries = subscriptions["Subscriptions"]
    assert sorted((s["Protocol"], s["Endpoint"], s["TopicArn"], s["Owner"]) for s in entries) == [
        ("lambda", fn, TOPIC, ACCOUNT), ("sqs", OPS, TOPIC, ACCOUNT)]
    for entry in entries:
        prefix, suffix = entry["SubscriptionArn"].rsplit(":", 1)
        assert prefix == TOPIC and len(suffix) == 36
    assert code_of(excinfo) == ("NotFound", "Topic does not exist", 404)


# -- S3 --------------------------------------------------------------------------------------------------


def test_s3_lists_and_gets_the_on_failure_records():
    sim = failed_run(3)
    objects = sim.target(BUCKET).messages
    keys = sorted(m.attributes["Key"] for m in objects)
    with mock_aws(sim):
        s3 = boto3.client("s3")
        listing = s3.list_objects_v2(Bucket="orders-failures", Prefix="aws/lambda/async/orders/")
        body = s3.get_object(Bucket="orders-failures", Key=keys[0])
        data = body["Body"].read()
    assert [o["Key"] for o in listing["Contents"]] == keys
    assert all(k.startswith("aws/lambda/async/orders/2025/01/01/2025-01-01T00.") for k in keys)
    summary = {k: v for k, v in listing.items() if k not in ("Contents", "ResponseMetadata")}
    assert summary == {"Name": "orders-failures", "Prefix": "aws/lambda/async/orders/", "KeyCount": 3,
                       "MaxKeys": 1000, "IsTruncated": False, "EncodingType": "url"}
    stored = next(m for m in objects if m.attributes["Key"] == keys[0])
    assert data == stored.body.encode()
    assert json.loads(data)["requestContext"]["condition"] == "RetriesExhausted"
    first = listing["Contents"][0]
    assert first["Size"] == len(data) == body["ContentLength"]
    assert first["ETag"] == body["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    assert first["StorageClass"] == "STANDARD"
    assert first["LastModified"] == body["LastModified"]
    assert first["LastModified"].replace(tzinfo=None) == sim.scenario.wall_time(stored.sent_at).replace(
        tzinfo=None, microsecond=first["LastModified"].microsecond)
    assert body["ContentType"] == "application/json"


def test_s3_pages_and_delimits():
    sim = failed_run(3)
    with mock_aws(sim):
        s3 = boto3.client("s3")
        first = s3.list_objects_v2(Bucket="orders-failures", MaxKeys=2)
        second = s3.list_objects_v2(Bucket="orders-failures", MaxKeys=2,
                                    ContinuationToken=first["NextContinuationToken"])
        folders = s3.list_objects_v2(Bucket="orders-failures", Prefix="aws/lambda/async/", Delimiter="/")
        pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket="orders-failures", MaxKeys=1))
    assert (first["KeyCount"], first["IsTruncated"]) == (2, True)
    assert (second["KeyCount"], second["IsTruncated"]) == (1, False)
    assert "NextContinuationToken" not in second
    assert folders["CommonPrefixes"] == [{"Prefix": "aws/lambda/async/orders/"}] and "Contents" not in folders
    assert folders["KeyCount"] == 1 and folders["Delimiter"] == "/"
    assert sum(len(page.get("Contents", [])) for page in pages) == 3


def test_s3_errors_are_aws_s():
    sim = failed_run(1)
    with mock_aws(sim):
        s3 = boto3.client("s3")
        with pytest.raises(s3.exceptions.NoSuchBucket) as bucket:
            s3.list_objects_v2(Bucket="nope")
        with pytest.raises(s3.exceptions.NoSuchKey) as key:
            s3.get_object(Bucket="orders-failures", Key="aws/none")
        with pytest.raises(ClientError) as ranged:
            s3.get_object(Bucket="orders-failures", Key="aws/none", Range="bytes=0-1")
    assert code_of(bucket) == ("NoSuchBucket", "The specified bucket does not exist", 404)
    assert bucket.value.response["Error"]["BucketName"] == "nope"
    assert code_of(key) == ("NoSuchKey", "The specified key does not exist.", 404)
    assert key.value.response["Error"]["Key"] == "aws/none"
    assert code_of(ranged)[0] == "lambdasim.NotSimulated"


def test_the_s3_error_is_what_botocore_parses_from_aws_s_wire_error():
    wire = {"status_code": 404, "headers": {}, "body": (
        b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code>"
        b"<Message>The specified key does not exist.</Message><Key>aws/none</Key>"
        b"<RequestId>r</RequestId><HostId>h</HostId></Error>")}
    model = botocore.session.get_session().get_service_model("s3").operation_model("GetObject")
    parsed = botocore.parsers.create_parser("rest-xml").parse(wire, model.output_shape)
    ours = rules.no_such_key("aws/none")
    assert parsed["Error"] == {"Code": ours.code, "Message": ours.message, **ours.fields}


def test_an_answer_with_a_member_the_model_lacks_is_a_bug(monkeypatch):
    from lambdasim.aws import targets
    monkeypatch.setitem(targets.HANDLERS["sns"], "ListTopics", lambda view, params: {"Topicz": []})
    with pytest.raises(RuntimeError, match=r"ListTopics: \['Topicz'\] are not members of ListTopicsResponse"):
        targets.TargetReads(failed_run(0)).answer("sns", "ListTopics", {}, "us-east-1")


# -- threads, nesting, after the block -------------------------------------------------------------------


def test_another_thread_is_sealed_but_not_answered(sim):
    outcomes = {}

    def worker():
        for name, call in (("lambda", lambda: boto3.client("lambda").invoke(FunctionName="orders",
                                                                               InvocationType="Event")),
                           ("sqs", lambda: boto3.client("sqs").list_queues())):
            try:
                call()
                outcomes[name] = "answered"
            except ClientError as error:
                outcomes[name] = (error.response["Error"]["Code"], error.response["Error"]["Message"])

    with mock_aws(sim):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        response = boto3.client("lambda").invoke(FunctionName="orders", InvocationType="Event")
        assert response["StatusCode"] == 202
    assert outcomes["lambda"] == (
        "lambdasim.OtherThread",
        "lambdasim.mock_aws refused lambda Invoke: a mock_aws block is open in another thread, and no "
        "request leaves the process while one is; a block answers only the thread that opened it")
    assert outcomes["sqs"][0] == "lambdasim.OtherThread"
    assert sim.queue.accepted == 1   # only the block's own thread reached the simulation


def test_the_innermost_block_answers_target_reads_and_the_seal_lasts_to_the_outermost():
    outer, inner = failed_run(1), failed_run(2)
    with mock_aws(outer):
        sqs = boto3.client("sqs")
        with mock_aws(inner):
            assert len(sqs.receive_message(QueueUrl=DLQ_URL, MaxNumberOfMessages=10)["Messages"]) == 2
        assert mock.sealed()
        assert len(sqs.receive_message(QueueUrl=DLQ_URL, MaxNumberOfMessages=10)["Messages"]) == 1
    assert not mock.sealed()


def test_after_the_block_nothing_of_it_stays(sim):
    before = {(owner, name): owner.__dict__[name] for owner, name in mock.PATCHED}
    create_client = botocore.session.Session.create_client
    with mock_aws(sim):
        assert all(owner.__dict__[name] is not before[owner, name] for owner, name in mock.PATCHED)
        inside = boto3.client("lambda")
        inside_sqs = boto3.client("sqs")
        inside.get_account_settings()
    assert {(owner, name): owner.__dict__[name] for owner, name in mock.PATCHED} == before
    assert botocore.session.Session.create_client is create_client
    assert not mock.sealed()
    # The clients made inside carry no handler of lambdasim's: they are plain botocore clients now
    # (a call would go to AWS, so none is made).
    for client, service, operation in ((inside, "lambda", "Invoke"), (inside_sqs, "sqs", "ReceiveMessage")):
        for stage in ("before-call", "before-send", "choose-signer", "request-created", "after-call"):
            handlers = client.meta.events._emitter._handlers.prefix_search(f"{stage}.{service}.{operation}")
            assert not [h for h in handlers if "lambdasim" in getattr(h, "__module__", "")], stage
    assert botocore.client.BaseClient._make_request.__module__ == "botocore.client"
    assert botocore.endpoint.Endpoint._send.__module__ == "botocore.endpoint"
    assert botocore.signers.RequestSigner.sign.__module__ == "botocore.signers"
    assert botocore.httpsession.URLLib3Session.send.__module__ == "botocore.httpsession"


def test_an_exception_in_the_block_still_unseals(sim):
    with pytest.raises(ZeroDivisionError), mock_aws(sim):
        raise ZeroDivisionError
    assert not mock.sealed()


def test_the_mock_module_patches_nothing_when_imported():
    code = textwrap.dedent("""
        import botocore.client, botocore.session
        before = (botocore.session.Session.create_client, botocore.client.BaseClient._make_request)
        import lambdasim.aws.mock
        print((botocore.session.Session.create_client, botocore.client.BaseClient._make_request) == before)
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert run.stdout.strip() == "True", run.stderr


def test_the_queue_state_lives_in_the_engine():
    """Receive, visibility and delete are the engine's (no botocore): what issue 12's SQS work grows."""
    from lambdasim.engine.targets import Message, Target

    queue = Target(DLQ)
    queue.messages += [Message(f"m{i}", f"body {i}", {}, 0.0, f"e{i}") for i in range(3)]
    [first, second] = queue.sqs.receive(now=10.0, max_messages=2, visibility_timeout_s=30)
    assert [r.message.message_id for r in (first, second)] == ["m0", "m1"]
    assert queue.sqs.counts(10.0) == (1, 2) and queue.sqs.counts(40.0) == (3, 0)
    [third] = queue.sqs.receive(now=39.9, max_messages=10, visibility_timeout_s=30)
    assert third.message.message_id == "m2"
    again = queue.sqs.receive(now=40.0, max_messages=10, visibility_timeout_s=5)
    assert [(r.message.message_id, r.receive_count, r.first_received_at) for r in again] == [
        ("m0", 2, 10.0), ("m1", 2, 10.0)]
    assert queue.sqs.delete(first.receipt_handle) is False        # superseded by the second receive
    assert queue.sqs.delete(again[0].receipt_handle) is True
    assert [m.message_id for m in queue.messages] == ["m1", "m2"]
    assert queue.sqs.is_issued(first.receipt_handle) and not queue.sqs.is_issued("x")
    assert Target(BUCKET).sqs is None


def test_a_client_that_skips_validation_meets_the_service_s_checks():
    from botocore.config import Config

    sim = failed_run(2)
    unchecked = Config(parameter_validation=False)
    with mock_aws(sim):
        sqs = boto3.client("sqs", config=unchecked)
        with pytest.raises(ClientError) as receive:
            sqs.receive_message(QueueUrl=DLQ_URL, MaxNumberOfMessages="ten")
        s3 = boto3.client("s3", config=unchecked)
        with pytest.raises(ClientError) as listing:
            s3.list_objects_v2(Bucket="orders-failures", MaxKeys=-1)
        empty = s3.list_objects_v2(Bucket="orders-failures", MaxKeys=0)
    assert code_of(receive) == (
        "InvalidParameterValue",
        "Value ten for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, "
        "if provided.", 400)
    assert code_of(listing) == (
        "InvalidArgument", "Argument maxKeys must be an integer between 0 and 2147483647", 400)
    assert listing.value.response["Error"]["ArgumentValue"] == "-1"
    assert (empty["KeyCount"], empty["IsTruncated"], "Contents" in empty) == (0, False, False)


def test_a_scenario_given_for_the_simulation_is_refused_by_name_and_nothing_is_sealed():
    scenario = ls.Scenario.from_yaml(Path(__file__).resolve().parents[1] / "data/scenarios/retries.yaml")
    with pytest.raises(TypeError) as refused, mock_aws(scenario):
        pass
    assert str(refused.value) == ("mock_aws(sim): sim must be a lambdasim.Simulation, not Scenario; "
                                  "write ls.mock_aws(ls.Simulation(scenario))")
    assert not mock._BLOCKS  # no block was opened, so botocore was not sealed
