"""What only the native client does, and scenarios to and from API calls.

The behaviours and contract cases both clients share run through both in ``test_api_matrix.py``;
real boto3 alone is tested in ``test_boto3.py``.
"""

import pytest
from api_cases import ARN, PUT, ROLE, UPDATE, queue
from botocore.exceptions import ClientError, ParamValidationError

import lambdasim as ls
from lambdasim.aws.client import LambdaClient, validate_request
from lambdasim.aws.scenario_calls import scenario_from_calls, scenario_to_boto3_calls, scenario_to_cli


@pytest.fixture
def lam(sim):
    """The native client alone (overrides the two-client ``lam`` of ``conftest.py``)."""
    client = sim.client()
    assert isinstance(client, LambdaClient)
    return client


class TestNative:
    """The behaviours of :class:`lambdasim.aws.client.LambdaClient` that boto3 has no counterpart for."""

    def test_client_errors_are_lambdasim_errors_too(self, lam):
        with pytest.raises(ls.ResourceNotFoundException) as excinfo:
            lam.get_function_concurrency(FunctionName="nope")
        error = excinfo.value
        assert isinstance(error, ClientError) and isinstance(error, ls.LambdaError)
        assert (error.code, error.http_status) == ("ResourceNotFoundException", 404)
        assert error.message == error.response["Error"]["Message"]
        with pytest.raises(ls.TooManyRequestsException) as excinfo:
            lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=0)
            lam.invoke(FunctionName="orders")
        assert excinfo.value.reason == "ReservedFunctionConcurrentInvocationLimitExceeded"
        with pytest.raises(ls.InvalidParameterValueException):
            lam.put_function_event_invoke_config(FunctionName="orders")
        assert issubclass(lam.exceptions.ValidationException, ls.LambdaError)

    def test_clients_of_one_simulation_share_it(self, sim):
        first, second = LambdaClient(sim), LambdaClient(sim)
        first.create_function(FunctionName="pay", Role=ROLE, Code={"ZipFile": b"x"}, Description="d")
        assert second.get_function_configuration(FunctionName="pay")["Description"] == "d"
        sim.wait_until_active("pay")  # Pending for account.function_pending_s after CreateFunction
        assert first.invoke(FunctionName="pay")["ResponseMetadata"]["RequestId"] != \
            second.invoke(FunctionName="pay")["ResponseMetadata"]["RequestId"]


def test_validate_request_checks_what_botocore_leaves_to_the_service():
    validate_request("PutFunctionEventInvokeConfig", {"FunctionName": "orders", "MaximumRetryAttempts": 2})
    with pytest.raises(ls.LambdaError) as excinfo:
        validate_request(PUT, {"FunctionName": "orders", "MaximumRetryAttempts": 3})
    assert excinfo.value.code == "ValidationException"
    with pytest.raises(ParamValidationError):
        validate_request("put_function_event_invoke_config", {"MaximumRetryAttempts": 2})


# -- scenarios to and from calls ---------------------------------------------------------------------------


def configured_scenario():
    return ls.Scenario.from_dict({"functions": {
        "orders": {"Timeout": 30, "MemorySize": 512, "ReservedConcurrentExecutions": 10,
                   "EventInvokeConfig": {
                       "MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 3600,
                       "DestinationConfig": {"OnFailure": {"Destination": queue("failed")}}},
                   "DeadLetterConfig": {"TargetArn": queue("dlq")}},
        "plain": {},
    }})


def test_scenario_to_boto3_calls():
    calls = scenario_to_boto3_calls(configured_scenario())
    assert calls == [
        ("update_function_configuration", {"FunctionName": "orders", "Timeout": 30, "MemorySize": 512,
                                           "DeadLetterConfig": {"TargetArn": queue("dlq")}}),
        ("put_function_concurrency", {"FunctionName": "orders", "ReservedConcurrentExecutions": 10}),
        ("put_function_event_invoke_config", {
            "FunctionName": "orders", "MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 3600,
            "DestinationConfig": {"OnFailure": {"Destination": queue("failed")}}}),
        ("update_function_configuration", {"FunctionName": "plain", "Timeout": 3, "MemorySize": 128}),
    ]
    for method, kwargs in calls:
        validate_request(method, kwargs)


def test_scenario_to_cli():
    assert scenario_to_cli(configured_scenario()) == [
        "aws lambda update-function-configuration --function-name orders --timeout 30 --memory-size 512 "
        f"--dead-letter-config '{{\"TargetArn\":\"{queue('dlq')}\"}}'",
        "aws lambda put-function-concurrency --function-name orders --reserved-concurrent-executions 10",
        "aws lambda put-function-event-invoke-config --function-name orders --maximum-retry-attempts 0 "
        "--maximum-event-age-in-seconds 3600 "
        f"--destination-config '{{\"OnFailure\":{{\"Destination\":\"{queue('failed')}\"}}}}'",
        "aws lambda update-function-configuration --function-name plain --timeout 3 --memory-size 128",
    ]


def test_scenario_from_its_own_calls_round_trips():
    scenario = configured_scenario()
    blank = ls.Scenario(functions={"orders": ls.FunctionConfig(), "plain": ls.FunctionConfig()})
    assert scenario_from_calls(scenario_to_boto3_calls(scenario), base=blank) == scenario


def test_the_calls_configure_a_simulation_like_the_scenario():
    scenario = configured_scenario()
    sim = ls.Simulation(ls.Scenario(functions={"orders": ls.FunctionConfig(), "plain": ls.FunctionConfig()}))
    lam = LambdaClient(sim)
    for method, kwargs in scenario_to_boto3_calls(scenario):
        getattr(lam, method)(**kwargs)
    got = lam.get_function_event_invoke_config(FunctionName="orders")
    assert (got["MaximumRetryAttempts"], got["MaximumEventAgeInSeconds"]) == (0, 3600)
    assert lam.get_function_concurrency(FunctionName="orders")["ReservedConcurrentExecutions"] == 10
    sim.wait_until_active("orders")  # the update is in force once LastUpdateStatus is Successful
    assert sim.function_config("orders") == ls.FunctionConfig(
        timeout_s=30, memory_mb=512, dead_letter_target_arn=queue("dlq"))


def test_scenario_from_calls_with_aws_semantics():
    calls = [
        ("create_function", {"FunctionName": "orders", "Role": ROLE, "Code": {"ZipFile": b"x"}, "Timeout": 10,
                             "Architectures": ["arm64"]}),
        (PUT, {"FunctionName": "orders", "MaximumRetryAttempts": 1,
               "DestinationConfig": {"OnSuccess": {"Destination": queue("ok")}}}),
        (UPDATE, {"FunctionName": f"{ARN}orders", "MaximumEventAgeInSeconds": 600}),
        ("get_function_event_invoke_config", {"FunctionName": "orders"}),
        (PUT, {"FunctionName": "orders", "MaximumEventAgeInSeconds": 900}),
        ("put_function_concurrency", {"FunctionName": "orders", "ReservedConcurrentExecutions": 5}),
    ]
    config = scenario_from_calls(calls).functions["orders"]
    assert (config.timeout_s, config.architecture, config.reserved_concurrency) == (10, "arm64", 5)
    assert config.event_invoke_config == ls.EventInvokeConfig(2, 900)     # the last Put replaced the rest


@pytest.mark.parametrize("calls, error, text", [
    ([("update_function_event_invoke_config", {"FunctionName": "orders", "MaximumRetryAttempts": 1})],
     ls.ResourceNotFoundException, "calls[0] update_function_event_invoke_config: The function "),
    ([("put_function_event_invoke_config", {"FunctionName": "orders", "MaximumRetryAttempts": 3})],
     ls.LambdaError, "calls[0] put_function_event_invoke_config: 1 validation error detected"),
    ([("put_function_event_invoke_config", {"FunctionName": "orders"})],
     ls.InvalidParameterValueException, "at least one of error handling"),
    ([("put_function_concurrency", {"FunctionName": "orders", "ReservedConcurrentExecutions": 901})],
     ls.InvalidParameterValueException, "below its minimum value of [100]"),
    ([("put_function_event_invoke_config", {"FunctionName": "orders:1", "MaximumRetryAttempts": 1})],
     ls.ResourceNotFoundException, "calls[0] put_function_event_invoke_config: The function doesn't exist."),
    ([("publish_version", {"FunctionName": "orders"})],
     ls.InvalidParameterValueException, "published versions ['1'] cannot be held by a Scenario"),
    ([("put_function_concurrency", {"FunctionName": "nope", "ReservedConcurrentExecutions": 1})],
     ls.ResourceNotFoundException, "Function not found"),
    ([("list_layers", {})], ls.InvalidParameterValueException, "calls[0].method"),
    ([("update_alias", {"FunctionName": "orders", "Name": "live"})],
     ls.InvalidParameterValueException,
     "calls[0] update_alias: a Scenario holds each function's settings and published versions, not aliases"),
])
def test_scenario_from_calls_refuses_what_aws_refuses(calls, error, text):
    base = ls.Scenario(functions={"orders": ls.FunctionConfig()})
    with pytest.raises(error) as excinfo:
        scenario_from_calls(calls, base=base)
    assert text in str(excinfo.value)


def test_scenario_from_calls_reports_parameter_errors_with_the_call():
    with pytest.raises(ParamValidationError, match=r"calls\[0\] put_function_concurrency"):
        scenario_from_calls([("put_function_concurrency", {"FunctionName": "orders"})],
                            base=ls.Scenario(functions={"orders": ls.FunctionConfig()}))
