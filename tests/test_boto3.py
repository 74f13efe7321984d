"""Real boto3 driving the simulation under ``mock_aws``: what only boto3 does (botocore's own errors,
the same answers as the native client), the seed article's three CLI commands, and the mock's own
guarantees (no network, environment restored, which clients are routed). The seal itself (nothing
leaves the process, target reads, threads, after the block) is ``test_mock_seal.py``. The behaviours
and contract cases both clients share run through both in ``test_api_matrix.py``."""

import json
import os

import boto3
import botocore.endpoint
import botocore.session
import pytest
from api_cases import ARN, VALID_CASES, case_id, queue
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from helpers import api_scenario, prepare

import lambdasim as ls
from lambdasim.aws.client import LambdaClient
from lambdasim.aws.mock import mock_aws
from lambdasim.aws.scenario_calls import scenario_to_boto3_calls
from lambdasim.model.dists import Constant
from lambdasim.model.failures import FailureModel

pytestmark = pytest.mark.usefixtures("no_network")   # any connection attempt fails the test


@pytest.fixture
def lam(sim):
    """Real boto3 alone (overrides the two-client ``lam`` of ``conftest.py``)."""
    with mock_aws(sim):
        yield boto3.client("lambda", region_name="us-east-1")


def test_errors_are_botocore_s_own(lam):
    with pytest.raises(ClientError) as excinfo:
        lam.get_function_concurrency(FunctionName="nope")
    assert type(excinfo.value) is lam.exceptions.ResourceNotFoundException
    assert type(excinfo.value).__module__ == "botocore.errorfactory"


@pytest.mark.parametrize("case", VALID_CASES, ids=case_id)
def test_boto3_and_the_native_client_answer_alike(case):
    """Same scenario, same calls: the same responses, request ids and headers included."""
    answers = []
    for kind in ("native", "boto3"):
        sim = ls.Simulation(api_scenario())
        with mock_aws(sim):
            lam = LambdaClient(sim) if kind == "native" else boto3.client("lambda", region_name="us-east-1")
            prepare(lam, sim)
            response = getattr(lam, case[0])(**case[1])
        if "Payload" in response:
            response["Payload"] = response["Payload"].read()
        answers.append(response)
    assert answers[0] == answers[1]


def test_the_seed_article_commands():
    """``aws lambda invoke --invocation-type Event``, ``put-function-event-invoke-config
    --maximum-event-age-in-seconds 3600 --maximum-retry-attempts 2`` and
    ``update-function-event-invoke-config --destination-config '{"OnFailure": ...}'``."""
    failing = ls.FunctionConfig(duration=Constant(0.5), cold_start=Constant(0.0),
                                failures=FailureModel(error_probability=1.0))
    sim = ls.Simulation(ls.Scenario(functions={"my-function": failing}))
    destination = "arn:aws:sqs:us-east-2:123456789012:destination"
    with mock_aws(sim):
        client = boto3.client("lambda", region_name="us-east-1")
        put = client.put_function_event_invoke_config(
            FunctionName="my-function", MaximumEventAgeInSeconds=3600, MaximumRetryAttempts=2)
        assert put["FunctionArn"] == f"{ARN}my-function:$LATEST"
        assert (put["MaximumRetryAttempts"], put["MaximumEventAgeInSeconds"]) == (2, 3600)
        update = client.update_function_event_invoke_config(
            FunctionName="my-function", DestinationConfig=json.loads(
                '{"OnFailure":{"Destination": "arn:aws:sqs:us-east-2:123456789012:destination"}}'))
        assert (update["MaximumRetryAttempts"], update["MaximumEventAgeInSeconds"]) == (2, 3600)
        assert update["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {"Destination": destination}}
        response = client.invoke(FunctionName="my-function", InvocationType="Event",
                                 Payload=b'{"key": "value"}')
        assert response["StatusCode"] == 202
    sim.run()
    [message] = sim.target(destination).messages
    record = message.json()
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestContext"]["requestId"] == response["ResponseMetadata"]["RequestId"]
    assert record["requestPayload"] == {"key": "value"}


def test_a_client_created_before_the_block_is_routed_inside_it(sim):
    client = boto3.client("lambda", region_name="us-east-1")
    with mock_aws(sim):
        assert client.invoke(FunctionName="orders", InvocationType="Event")["StatusCode"] == 202
    sim.run()
    assert len(sim.result().events) == 1


def test_sessions_and_the_default_session_are_routed(sim):
    with mock_aws(sim):
        clients = [boto3.Session(region_name="eu-west-1").client("lambda"),
                   botocore.session.get_session().create_client("lambda", region_name="us-east-1"),
                   boto3.client("lambda")]
        for client in clients:
            client.invoke(FunctionName="orders", InvocationType="Event")
    sim.run()
    assert len(sim.result().events) == 3


def test_the_innermost_block_answers(sim):
    other = ls.Simulation(api_scenario())
    with mock_aws(sim):
        client = boto3.client("lambda", region_name="us-east-1")
        with mock_aws(other):
            client.invoke(FunctionName="orders", InvocationType="Event")
        client.invoke(FunctionName="orders", InvocationType="Event")
        client.invoke(FunctionName="orders", InvocationType="Event")
    assert (other.queue.accepted, sim.queue.accepted) == (1, 2)


def test_the_environment_is_faked_inside_and_restored_after(sim, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "someone-real")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    before = dict(os.environ)
    with mock_aws(sim):
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
        assert "AWS_PROFILE" not in os.environ
        boto3.client("lambda").get_account_settings()
    assert dict(os.environ) == before


def test_throttles_are_not_retried_by_the_sdk_unless_asked(sim, monkeypatch):
    sim.put_reserved_concurrency("orders", 0)
    with mock_aws(sim):
        client = boto3.client("lambda", region_name="us-east-1")
        with pytest.raises(client.exceptions.TooManyRequestsException) as excinfo:
            client.invoke(FunctionName="orders")
    assert excinfo.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert excinfo.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert (sim.result().attempts["kind"] == "sync").sum() == 1
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda seconds: None)   # the SDK's backoff
    with mock_aws(sim, sdk_retries=True):
        client = boto3.client("lambda", region_name="us-east-1",
                              config=Config(retries={"mode": "standard", "total_max_attempts": 3}))
        with pytest.raises(client.exceptions.TooManyRequestsException) as excinfo:
            client.invoke(FunctionName="orders")
    assert excinfo.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    assert (sim.result().attempts["kind"] == "sync").sum() == 4


def test_the_service_checks_constraints_when_the_client_does_not(sim):
    with mock_aws(sim):
        client = boto3.client("lambda", region_name="us-east-1", config=Config(parameter_validation=False))
        with pytest.raises(ClientError) as excinfo:
            client.put_function_event_invoke_config(FunctionName="orders", MaximumEventAgeInSeconds=59)
    error = excinfo.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        "1 validation error detected: Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: "
        "Member must have value greater than or equal to 60")


def test_operations_lambdasim_does_not_simulate_say_so(sim):
    with mock_aws(sim):
        client = boto3.client("lambda", region_name="us-east-1")
        with pytest.raises(ClientError) as excinfo:
            client.list_layers()
    error = excinfo.value.response["Error"]
    assert error["Code"] == "lambdasim.NotSimulated"
    assert error["Message"].startswith(
        "lambdasim does not simulate lambda ListLayers: inside mock_aws no request leaves the process, and "
        "the lambda operations it answers are CreateAlias, CreateEventSourceMapping, CreateFunction, ")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert excinfo.value.response["ResponseMetadata"]["RetryAttempts"] == 0


def test_boto3_validates_before_sending(sim):
    with mock_aws(sim):
        client = boto3.client("lambda", region_name="us-east-1")
        with pytest.raises(ParamValidationError):
            client.put_function_event_invoke_config(FunctionName="orders", MaximumRetryAttempts=-1)


def test_a_scenario_s_calls_through_boto3():
    scenario = ls.Scenario.from_dict({"functions": {"orders": {
        "Timeout": 30, "ReservedConcurrentExecutions": 10, "DeadLetterConfig": {"TargetArn": queue("dlq")},
        "EventInvokeConfig": {"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": 600}}}})
    sim = ls.Simulation(ls.Scenario(functions={"orders": ls.FunctionConfig()}))
    with mock_aws(sim):
        client = boto3.client("lambda", region_name="us-east-1")
        for method, kwargs in scenario_to_boto3_calls(scenario):
            getattr(client, method)(**kwargs)
        got = client.get_function_event_invoke_config(FunctionName="orders")
        configuration = client.get_function_configuration(FunctionName="orders")
    assert (got["MaximumRetryAttempts"], got["MaximumEventAgeInSeconds"]) == (1, 600)
    assert configuration["Timeout"] == 30 and configuration["DeadLetterConfig"] == {"TargetArn": queue("dlq")}
    assert sim.get_reserved_concurrency("orders") == 10
