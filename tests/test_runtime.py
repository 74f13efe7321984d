"""Handlers run as AWS's Python runtime runs them, through both clients (issue 10).

The context through an alias (defect 7), ``Environment.Variables`` and the runtime's own variables in
``os.environ`` during the call, printed and logged output and the runtime's error lines in
``LogResult`` with the REPORT line, and an ``async def`` handler (never awaited: ``Runtime.MarshalError``).
Sources are cited in :mod:`lambdasim.engine.handlers` and :mod:`lambdasim.aws.invoke`.
"""

import base64
import gc
import json
import logging
import os
import warnings

import pytest
from api_cases import ARN, ROLE, queue
from helpers import error_of

import lambdasim as ls
from lambdasim.model.dists import Constant

SEEN = []  # what the handlers saw, in call order


def context_of(event, context):
    """Return what the runtime gave the handler."""
    SEEN.append(context.aws_request_id)
    return {"version": context.function_version, "arn": context.invoked_function_arn,
            "stream": context.log_stream_name, "group": context.log_group_name,
            "memory": context.memory_limit_in_mb}


ENV_KEYS = ("STAGE", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION", "AWS_DEFAULT_REGION",
            "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_INITIALIZATION_TYPE",
            "LAMBDA_TASK_ROOT", "TZ")


def environ_of(event, context):
    """Return the variables the handler reads from os.environ."""
    return {key: os.environ.get(key) for key in ENV_KEYS}


def spoils_environ_then_fails(event, context):
    os.environ["STAGE"] = "changed by the handler"
    os.environ["LEFT_BEHIND"] = "x"
    raise RuntimeError("after changing os.environ")


def talks(event, context):
    print("hello from print")
    logging.getLogger("orders").warning("a warning with %s", "args")
    logging.getLogger().info("an info record: below the root logger's WARNING, not logged")
    if event.get("fail"):
        raise ValueError(f"bad order {event['id']}")
    return {"ok": True}


def chatty(event, context):
    print("x" * 5000)


async def async_handler(event, context):
    SEEN.append("the body ran")
    return {"ok": True}


def runtime_scenario():
    timing = {"duration": Constant(0.2), "cold_start": Constant(0.0), "timeout_s": 900}
    stage = {"STAGE": "test"}
    return ls.Scenario(functions={
        "ctx": ls.FunctionConfig(**timing, handler=context_of, memory_mb=256),
        "env": ls.FunctionConfig(**timing, handler=environ_of, environment=stage),
        "spoil": ls.FunctionConfig(**timing, handler=spoils_environ_then_fails, environment=stage),
        "talks": ls.FunctionConfig(**timing, handler=talks),
        "cold": ls.FunctionConfig(duration=Constant(0.01574), cold_start=Constant(0.13049), handler=talks),
        "chatty": ls.FunctionConfig(**timing, handler=chatty),
        "aio": ls.FunctionConfig(**timing, handler=async_handler),
    })


@pytest.fixture
def sim():
    """Overrides conftest's ``sim``: the functions of this module (conftest's ``lam`` wraps it)."""
    SEEN.clear()
    return ls.Simulation(runtime_scenario())


def call(lam, **kwargs):
    response = lam.invoke(**kwargs)
    return response, json.loads(response["Payload"].read())


def log_of(response):
    return base64.b64decode(response["LogResult"]).decode()


# -- the context (defect 7) ------------------------------------------------------------------------------


def test_context_through_an_alias_names_the_alias_s_version_and_the_arn_the_caller_used(lam):
    lam.publish_version(FunctionName="ctx")
    lam.create_alias(FunctionName="ctx", Name="live", FunctionVersion="1")
    day = "2025/01/01"
    _, bare = call(lam, FunctionName="ctx")
    assert (bare["version"], bare["arn"]) == ("$LATEST", f"{ARN}ctx")            # unqualified, as called
    assert bare["stream"].startswith(f"{day}/[$LATEST]") and len(bare["stream"]) == len(day) + 10 + 32
    assert (bare["group"], bare["memory"]) == ("/aws/lambda/ctx", "256")
    _, alias = call(lam, FunctionName="ctx", Qualifier="live")
    assert (alias["version"], alias["arn"]) == ("1", f"{ARN}ctx:live")
    assert alias["stream"].startswith(f"{day}/[1]")
    _, version = call(lam, FunctionName=f"{ARN}ctx:1")
    assert (version["version"], version["arn"]) == ("1", f"{ARN}ctx:1")
    _, full = call(lam, FunctionName=f"{ARN}ctx")
    assert full["arn"] == f"{ARN}ctx"


def test_an_async_event_through_an_alias_runs_with_the_alias_s_version(lam, sim):
    lam.publish_version(FunctionName="ctx")
    lam.create_alias(FunctionName="ctx", Name="live", FunctionVersion="1")
    lam.put_function_event_invoke_config(FunctionName="ctx", Qualifier="live",
                                         DestinationConfig={"OnSuccess": {"Destination": queue("ok")}})
    lam.invoke(FunctionName="ctx:live", InvocationType="Event", Payload=b"{}")
    lam.invoke(FunctionName="ctx", InvocationType="Event", Payload=b"{}")
    sim.run()
    (record,) = [m.json() for m in sim.target(queue("ok")).messages]
    assert record["requestContext"]["functionArn"] == f"{ARN}ctx:live"
    assert (record["responsePayload"]["version"], record["responsePayload"]["arn"]) == ("1", f"{ARN}ctx:live")
    assert record["responseContext"]["executedVersion"] == "1"


# -- environment variables -------------------------------------------------------------------------------


def test_a_handler_reads_its_environment_and_the_runtime_s_variables(lam):
    before = dict(os.environ)
    _, seen = call(lam, FunctionName="env")
    assert seen["STAGE"] == "test"
    assert seen["AWS_LAMBDA_FUNCTION_NAME"] == "env"
    assert seen["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert seen["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128"
    assert seen["AWS_REGION"] == seen["AWS_DEFAULT_REGION"] == "us-east-1"
    assert seen["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/env"
    assert seen["AWS_LAMBDA_LOG_STREAM_NAME"].startswith("2025/01/01/[$LATEST]")
    assert (seen["AWS_LAMBDA_INITIALIZATION_TYPE"], seen["LAMBDA_TASK_ROOT"], seen["TZ"]) == (
        "on-demand", "/var/task", ":UTC")
    assert dict(os.environ) == before                       # restored after the call


def test_update_function_configuration_replaces_the_variables_and_get_returns_aws_s_shape(lam, sim):
    lam.update_function_configuration(FunctionName="env", Environment={"Variables": {"STAGE": "prod"}})
    configuration = lam.get_function_configuration(FunctionName="env")
    assert configuration["Environment"] == {"Variables": {"STAGE": "prod"}}
    assert call(lam, FunctionName="env")[1]["STAGE"] == "test"  # InProgress: the previous variables
    sim.wait_until_active("env")
    assert call(lam, FunctionName="env")[1]["STAGE"] == "prod"
    lam.update_function_configuration(FunctionName="env", Environment={"Variables": {"OTHER": "1"}})
    sim.wait_until_active("env")
    assert call(lam, FunctionName="env")[1]["STAGE"] is None


def test_a_published_version_keeps_the_variables_it_was_published_with(lam, sim):
    lam.publish_version(FunctionName="env")
    lam.update_function_configuration(FunctionName="env", Environment={"Variables": {"STAGE": "prod"}})
    sim.wait_until_active("env")
    assert lam.get_function_configuration(FunctionName="env", Qualifier="1")["Environment"] == {
        "Variables": {"STAGE": "test"}}
    _, seen = call(lam, FunctionName="env", Qualifier="1")
    assert (seen["STAGE"], seen["AWS_LAMBDA_FUNCTION_VERSION"]) == ("test", "1")
    assert call(lam, FunctionName="env")[1]["STAGE"] == "prod"


def test_create_function_takes_environment_variables(lam):
    lam.create_function(FunctionName="made", Role=ROLE, Code={"ZipFile": b"PK"},
                        Environment={"Variables": {"A1": "x"}})
    assert lam.get_function_configuration(FunctionName="made")["Environment"] == {"Variables": {"A1": "x"}}


def test_reserved_variable_names_are_refused_as_aws_refuses_them(lam, sim):
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as info:
        lam.update_function_configuration(FunctionName="env", Environment={"Variables": {
            "STAGE": "x", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}})
    assert error_of(info) == (
        "InvalidParameterValueException",
        "Lambda was unable to configure your environment variables because the environment variables you "
        "have provided contains reserved keys that are currently not supported for modification. Reserved "
        "keys used in this request: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY", 400)
    unchanged = lam.get_function_configuration(FunctionName="env")["Environment"]
    assert unchanged == {"Variables": {"STAGE": "test"}}
    lam.update_function_configuration(FunctionName="env", Environment={"Variables": {"TZ": "Asia/Tokyo"}})
    sim.wait_until_active("env")
    assert call(lam, FunctionName="env")[1]["TZ"] == "Asia/Tokyo"  # TZ is listed, yet AWS accepts it


def test_the_process_environment_is_restored_when_the_handler_changes_it_and_raises(lam):
    before = dict(os.environ)
    response, body = call(lam, FunctionName="spoil")
    assert response["FunctionError"] == "Unhandled" and body["errorType"] == "RuntimeError"
    assert dict(os.environ) == before


def test_scenario_files_take_environment_under_a_function():
    function = {"Environment": {"Variables": {"STAGE": "dev"}}}
    scenario = ls.Scenario.from_dict({"functions": {"orders": function}})
    assert scenario.functions["orders"].environment == (("STAGE", "dev"),)
    assert scenario.to_dict()["functions"]["orders"]["Environment"] == {"Variables": {"STAGE": "dev"}}
    with pytest.raises(ls.InvalidParameterValueException) as info:
        ls.Scenario.from_dict({"functions": {"orders": {"Environment": {"Variables": {"STAGE": 1}}}}})
    assert str(info.value) == ("functions.orders.Environment.Variables.STAGE: 1 is not valid; "
                               "allowed: a string")


# -- LogResult -------------------------------------------------------------------------------------------


def test_log_result_holds_printed_and_logged_output_between_start_and_end(lam):
    response, _ = call(lam, FunctionName="talks", LogType="Tail", Payload=b'{"id": 1}')
    rid = response["ResponseMetadata"]["RequestId"]
    assert log_of(response) == (
        f"START RequestId: {rid} Version: $LATEST\n"
        "hello from print\n"
        f"[WARNING]\t2025-01-01T00:00:00.000Z\t{rid}\ta warning with args\n"
        f"END RequestId: {rid}\n"
        f"REPORT RequestId: {rid}\tDuration: 200.00 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 56 MB\t\n")


def test_log_result_of_an_error_has_the_runtime_s_error_lines(lam):
    response, body = call(lam, FunctionName="talks", LogType="Tail", Payload=b'{"id": 7, "fail": true}')
    rid = response["ResponseMetadata"]["RequestId"]
    assert body["errorMessage"] == "bad order 7" and len(body["stackTrace"]) == 1
    nbsp = "\u00a0"
    frame = body["stackTrace"][0].splitlines()
    assert log_of(response) == (
        f"START RequestId: {rid} Version: $LATEST\n"
        "hello from print\n"
        f"[WARNING]\t2025-01-01T00:00:00.000Z\t{rid}\ta warning with args\n"
        "[ERROR] ValueError: bad order 7\n"
        "Traceback (most recent call last):\n"
        f"{nbsp * 2}{frame[0].lstrip()}\n"
        f"{nbsp * 4}{frame[1].lstrip()}\n"
        f"END RequestId: {rid}\n"
        f"REPORT RequestId: {rid}\tDuration: 200.00 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 56 MB\t\n")
    assert frame[1].lstrip() == 'raise ValueError(f"bad order {event[\'id\']}")'


def test_a_cold_start_reports_init_duration_and_bills_it(lam):
    response, _ = call(lam, FunctionName="cold", LogType="Tail", Payload=b'{"id": 1}')
    report = log_of(response).splitlines()[-1]
    # AWS's python-logging example: Duration 15.74 ms, Init Duration 130.49 ms, Billed Duration 147 ms.
    assert report.endswith("\tDuration: 15.74 ms\tBilled Duration: 147 ms\tMemory Size: 128 MB\t"
                           "Max Memory Used: 56 MB\tInit Duration: 130.49 ms\t")


def test_log_result_is_the_last_4_kb(lam):
    response, _ = call(lam, FunctionName="chatty", LogType="Tail")
    raw = base64.b64decode(response["LogResult"])
    assert len(raw) == 4096
    assert raw.decode().startswith("x" * 100) and raw.decode().endswith("Max Memory Used: 56 MB\t\n")


def test_no_log_result_without_log_type_tail(lam):
    assert "LogResult" not in lam.invoke(FunctionName="talks", Payload=b'{"id": 1}')


# -- async def -------------------------------------------------------------------------------------------


def test_an_async_def_handler_is_not_awaited_it_fails_with_a_marshal_error(lam):
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # "coroutine ... was never awaited" would fail here
        response, body = call(lam, FunctionName="aio", LogType="Tail")
        gc.collect()
    assert response["FunctionError"] == "Unhandled"
    assert body == {
        "errorMessage": "Unable to marshal response: Object of type coroutine is not JSON serializable",
        "errorType": "Runtime.MarshalError", "requestId": response["ResponseMetadata"]["RequestId"],
        "stackTrace": []}
    assert SEEN == []                           # the body never ran
    assert ("[ERROR] Runtime.MarshalError: Unable to marshal response: Object of type coroutine is not JSON "
            "serializable\nTraceback (most recent call last):\nEND RequestId: ") in log_of(response)
