"""One API matrix: every behaviour and contract case through both clients of one simulation.

The ``lam`` fixture (``conftest.py``) is the native :class:`lambdasim.aws.client.LambdaClient`, then
real boto3 under ``mock_aws``; ``sim`` is the simulation behind it. The contract cases are data in
``tests/api_cases.py``: every request the client accepts validates against botocore's Lambda model
(required, type, min, max, enum, pattern: checked here by an independent reading of the model) and
every response key is a member of the output shape. What only one client does is tested in
``test_api.py`` (native) and ``test_boto3.py`` (boto3).
"""

import base64
import io
import json
import re
from datetime import datetime

import pytest
from api_cases import ACCOUNT, ARN, AWS_ERRORS, INVALID_CASES, MB, ROLE, VALID_CASES, case_id, queue
from botocore.exceptions import ClientError, ParamValidationError
from helpers import error_of, prepare, publish_versions

import lambdasim as ls
from lambdasim.aws.client import OPERATIONS, service_model


def records(sim, name):
    return [m.json() for m in sim.target(queue(name)).messages]


class TestBothClients:
    """Behaviour tests against the boto3-shaped client ``lam`` of the simulation ``sim``."""

    # -- invoke --------------------------------------------------------------------------------------

    def test_event_invoke_is_queued_with_202_and_an_empty_payload(self, lam, sim):
        response = lam.invoke(FunctionName="orders", InvocationType="Event", Payload=b'{"id": 1}')
        assert response["StatusCode"] == 202
        assert response["Payload"].read() == b""
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
        assert response["ResponseMetadata"]["RetryAttempts"] == 0
        assert response["ResponseMetadata"]["RequestId"] == sim.request_id(0)
        sim.run()
        events = sim.result().events
        assert events["fate"].tolist() == ["succeeded"]
        assert events["event_id"].tolist() == [response["ResponseMetadata"]["RequestId"]]

    def test_request_response_returns_the_handler_result(self, lam):
        response = lam.invoke(FunctionName="echo", Payload=json.dumps({"id": 7}))
        assert response["StatusCode"] == 200
        assert json.loads(response["Payload"].read()) == {"got": {"id": 7}, "version": "$LATEST"}
        assert response["ExecutedVersion"] == "$LATEST"
        assert "FunctionError" not in response

    def test_request_response_reports_a_function_error(self, lam):
        response = lam.invoke(FunctionName="failing", InvocationType="RequestResponse", Payload=b"{}")
        assert response["StatusCode"] == 200
        assert response["FunctionError"] == "Unhandled"
        body = json.loads(response["Payload"].read())
        assert body["errorType"] == "SimulatedError" and body["errorMessage"]

    def test_log_tail(self, lam):
        response = lam.invoke(FunctionName="orders", LogType="Tail")
        log = base64.b64decode(response["LogResult"]).decode()
        assert log.startswith("START RequestId: ") and "Duration: 200.00 ms" in log

    def test_dry_run_answers_204_and_runs_nothing(self, lam, sim):
        response = lam.invoke(FunctionName="orders", InvocationType="DryRun")
        assert response["StatusCode"] == 204
        assert response["Payload"].read() == b""
        sim.run()
        assert len(sim.result().events) == 0

    @pytest.mark.parametrize("payload", [b'{"id": 1}', '{"id": 1}', bytearray(b'{"id": 1}'),
                                         io.BytesIO(b'{"id": 1}')], ids=["bytes", "str", "bytearray", "file"])
    def test_payload_takes_bytes_str_and_files(self, lam, sim, payload):
        lam.invoke(FunctionName="orders", InvocationType="Event", Payload=payload)
        sim.run()
        assert sim.result().events["fate"].tolist() == ["succeeded"]

    def test_a_payload_that_is_not_json_is_refused(self, lam):
        with pytest.raises(lam.exceptions.InvalidRequestContentException) as excinfo:
            lam.invoke(FunctionName="orders", InvocationType="Event", Payload=b"not json")
        code, message, status = error_of(excinfo)
        assert (code, status) == ("InvalidRequestContentException", 400)
        assert message.startswith("Could not parse request body into json")

    def test_an_oversize_event_gets_413_and_is_not_queued(self, lam, sim):
        # AWS's code is RequestEntityTooLargeException, which botocore's model does not define: boto3
        # raises a plain ClientError with that code, and lam.exceptions has no class for it.
        payload = b'"' + b"x" * MB + b'"'
        with pytest.raises(ClientError) as excinfo:
            lam.invoke(FunctionName="orders", InvocationType="Event", Payload=payload)
        assert error_of(excinfo) == ("RequestEntityTooLargeException", f"{MB + 2} byte payload is too large "
                                     f"for the Event invocation type (limit {MB} bytes)", 413)
        assert not hasattr(lam.exceptions, "RequestEntityTooLargeException")
        assert lam.exceptions.from_code("RequestEntityTooLargeException") is ClientError
        assert str(excinfo.value).startswith("An error occurred (RequestEntityTooLargeException) when "
                                             "calling the Invoke operation: ")
        lam.invoke(FunctionName="orders", InvocationType="Event", Payload=b'"' + b"x" * (MB - 2) + b'"')
        sim.run()
        assert len(sim.result().events) == 1

    def test_an_oversize_synchronous_payload_gets_413(self, lam):
        with pytest.raises(ClientError) as excinfo:
            lam.invoke(FunctionName="orders", Payload=b'"' + b"x" * (6 * MB) + b'"')
        message = "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
        assert error_of(excinfo) == ("RequestEntityTooLargeException", message, 413)

    @pytest.mark.parametrize("name, named", [
        ("nope", "nope:$LATEST"), ("orders:7", "orders:7"), (f"{ARN}nope", "nope:$LATEST"),
        (f"{ARN}orders:live", "orders:live")])
    def test_unknown_function_or_qualifier_is_404(self, lam, name, named):
        # AWS names $LATEST when the caller gave no qualifier (recorded November 2025)
        with pytest.raises(lam.exceptions.ResourceNotFoundException) as excinfo:
            lam.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")
        assert error_of(excinfo) == ("ResourceNotFoundException", f"Function not found: {ARN}{named}", 404)

    def test_qualifier_in_name_and_argument_must_agree(self, lam, sim):
        publish_versions(lam, sim, 2)
        with pytest.raises(lam.exceptions.InvalidParameterValueException) as excinfo:
            lam.invoke(FunctionName="orders:1", Qualifier="2", InvocationType="Event")
        assert "does not match" in error_of(excinfo)[1]

    def test_no_concurrency_for_request_response_is_429_with_reason(self, lam, sim):
        lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=1)
        assert lam.invoke(FunctionName="orders")["StatusCode"] == 200     # holds the one slot for 0.2 s
        with pytest.raises(lam.exceptions.TooManyRequestsException) as excinfo:
            lam.invoke(FunctionName="orders")
        code, message, status = error_of(excinfo)
        assert (code, status) == ("TooManyRequestsException", 429)
        assert excinfo.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
        assert excinfo.value.response["ResponseMetadata"]["RetryAttempts"] == 0
        sim.run(until=1.0)
        assert lam.invoke(FunctionName="orders")["StatusCode"] == 200

    def test_zero_reserved_concurrency_throttles_every_request_response(self, lam):
        lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=0)
        with pytest.raises(lam.exceptions.TooManyRequestsException) as excinfo:
            lam.invoke(FunctionName="orders")
        assert excinfo.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"

    # -- event invoke config: put vs update, missing configs ------------------------------------------

    def test_put_replaces_settings_left_out_are_removed(self, lam):
        lam.put_function_event_invoke_config(
            FunctionName="orders", MaximumRetryAttempts=0,
            DestinationConfig={"OnFailure": {"Destination": queue("failed")}})
        response = lam.put_function_event_invoke_config(FunctionName="orders", MaximumEventAgeInSeconds=3600)
        assert response["MaximumEventAgeInSeconds"] == 3600
        assert "MaximumRetryAttempts" not in response          # the response echoes only what was given
        assert response["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
        got = lam.get_function_event_invoke_config(FunctionName="orders")
        assert "MaximumRetryAttempts" not in got and got["MaximumEventAgeInSeconds"] == 3600
        assert got["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}

    def test_update_merges_into_the_existing_config(self, lam):
        lam.put_function_event_invoke_config(FunctionName="orders", MaximumRetryAttempts=0)
        response = lam.update_function_event_invoke_config(FunctionName="orders",
                                                           MaximumEventAgeInSeconds=120)
        assert (response["MaximumRetryAttempts"], response["MaximumEventAgeInSeconds"]) == (0, 120)
        response = lam.update_function_event_invoke_config(
            FunctionName="orders", DestinationConfig={"OnSuccess": {"Destination": queue("ok")}})
        assert (response["MaximumRetryAttempts"], response["MaximumEventAgeInSeconds"]) == (0, 120)
        assert response["DestinationConfig"]["OnSuccess"] == {"Destination": queue("ok")}

    def test_update_with_a_destination_config_replaces_the_destinations(self, lam):
        lam.put_function_event_invoke_config(FunctionName="orders", DestinationConfig={
            "OnSuccess": {"Destination": queue("ok")}, "OnFailure": {"Destination": queue("failed")}})
        response = lam.update_function_event_invoke_config(
            FunctionName="orders", DestinationConfig={"OnFailure": {"Destination": queue("failed-2")}})
        assert response["DestinationConfig"] == {"OnSuccess": {},
                                                 "OnFailure": {"Destination": queue("failed-2")}}

    @pytest.mark.parametrize("call", ["get", "update", "delete"])
    def test_missing_config_is_resource_not_found(self, lam, call):
        method = getattr(lam, f"{call}_function_event_invoke_config")
        extra = {"MaximumRetryAttempts": 1} if call == "update" else {}
        with pytest.raises(lam.exceptions.ResourceNotFoundException) as excinfo:
            method(FunctionName="orders", **extra)
        message = f"The function {ARN}orders:$LATEST doesn't have an EventInvokeConfig"
        assert error_of(excinfo) == ("ResourceNotFoundException", message, 404)
        with pytest.raises(lam.exceptions.ResourceNotFoundException):
            lam.get_function_event_invoke_config(FunctionName="orders")   # update did not create one

    @pytest.mark.parametrize("call", ["put", "update"])
    def test_put_and_update_need_at_least_one_setting(self, lam, call):
        lam.put_function_event_invoke_config(FunctionName="orders", MaximumRetryAttempts=1)
        with pytest.raises(lam.exceptions.InvalidParameterValueException) as excinfo:
            getattr(lam, f"{call}_function_event_invoke_config")(FunctionName="orders")
        message = "You must specify at least one of error handling or destination setting."
        assert error_of(excinfo) == ("InvalidParameterValueException", message, 400)

    @pytest.mark.parametrize("destinations", [{"OnSuccess": {}}, {"OnFailure": {}}, {}],
                             ids=["on-success", "on-failure", "none"])
    def test_an_empty_destination_config_alone_stores_an_empty_config(self, lam, sim, destinations):
        response = lam.put_function_event_invoke_config(FunctionName="orders", DestinationConfig=destinations)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
        empty = {"OnSuccess": {}, "OnFailure": {}}
        assert response["DestinationConfig"] == empty
        assert "MaximumRetryAttempts" not in response and "MaximumEventAgeInSeconds" not in response
        got = lam.get_function_event_invoke_config(FunctionName="orders")
        assert got["DestinationConfig"] == empty and "MaximumRetryAttempts" not in got
        assert sim.get_event_invoke_config("orders")["on_success"] is None
        updated = lam.update_function_event_invoke_config(FunctionName="orders",
                                                          DestinationConfig=destinations)
        assert updated["DestinationConfig"] == empty

    def test_an_empty_side_in_update_removes_the_destinations(self, lam):
        lam.put_function_event_invoke_config(FunctionName="orders", MaximumRetryAttempts=0,
                                             DestinationConfig={"OnFailure": {"Destination": queue("f")}})
        response = lam.update_function_event_invoke_config(FunctionName="orders",
                                                           DestinationConfig={"OnFailure": {}})
        assert response["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
        assert response["MaximumRetryAttempts"] == 0

    def test_a_lambda_destination_must_exist(self, lam, sim):
        response = lam.put_function_event_invoke_config(
            FunctionName="orders", DestinationConfig={"OnSuccess": {"Destination": f"{ARN}echo"}})
        assert response["DestinationConfig"]["OnSuccess"] == {"Destination": f"{ARN}echo"}
        missing = f"{ARN}nope"
        both = {"OnSuccess": {"Destination": queue("ok")}, "OnFailure": {"Destination": missing}}
        for method in ("put", "update"):
            with pytest.raises(lam.exceptions.InvalidParameterValueException) as excinfo:
                getattr(lam, f"{method}_function_event_invoke_config")(
                    FunctionName="orders", MaximumRetryAttempts=0, DestinationConfig=both)
            assert error_of(excinfo) == ("InvalidParameterValueException",
                                         f"The destination ARN {missing} is invalid.", 400)
            assert excinfo.value.response["Type"] == "User"
        got = lam.get_function_event_invoke_config(FunctionName="orders")
        assert got["DestinationConfig"]["OnSuccess"] == {"Destination": f"{ARN}echo"}   # nothing changed
        with pytest.raises(ls.InvalidParameterValueException, match="The destination ARN .*nope is invalid"):
            sim.put_event_invoke_config("orders", on_failure=missing)             # the engine's own API too

    def test_delete_answers_204_and_the_defaults_return(self, lam):
        lam.put_function_event_invoke_config(FunctionName="orders", MaximumRetryAttempts=0)
        response = lam.delete_function_event_invoke_config(FunctionName="orders")
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
        assert set(response) == {"ResponseMetadata"}
        with pytest.raises(lam.exceptions.ResourceNotFoundException):
            lam.get_function_event_invoke_config(FunctionName="orders")

    def test_destination_rules(self, lam):
        with pytest.raises(lam.exceptions.InvalidParameterValueException) as excinfo:
            lam.put_function_event_invoke_config(
                FunctionName="orders", DestinationConfig={"OnSuccess": {"Destination": f"{ARN}orders"}})
        assert error_of(excinfo)[1] == "You can't specify the function as a destination for itself."
        with pytest.raises(lam.exceptions.InvalidParameterValueException) as excinfo:
            lam.put_function_event_invoke_config(FunctionName="orders", DestinationConfig={
                "OnSuccess": {"Destination": "arn:aws:s3:::bucket"}})
        assert "is invalid" in error_of(excinfo)[1]

    def test_responses_carry_last_modified_and_the_qualified_arn(self, lam, sim):
        first = lam.put_function_event_invoke_config(FunctionName="orders", MaximumRetryAttempts=1)
        assert first["FunctionArn"] == f"{ARN}orders:$LATEST"
        assert isinstance(first["LastModified"], datetime)
        assert first["LastModified"].timestamp() == pytest.approx(sim.wall_time().timestamp())
        sim.run(until=90.5)
        later = lam.update_function_event_invoke_config(FunctionName="orders", MaximumRetryAttempts=0)
        assert (later["LastModified"] - first["LastModified"]).total_seconds() == pytest.approx(90.5)
        got = lam.get_function_event_invoke_config(FunctionName="orders")
        assert got["LastModified"] == later["LastModified"]

    def test_list_pages_with_max_items_and_marker(self, lam, sim):
        publish_versions(lam, sim, 3)
        lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="2")
        for qualifier in ("live", "3", "$LATEST", "1", "2"):
            lam.put_function_event_invoke_config(FunctionName="orders", Qualifier=qualifier,
                                                 MaximumRetryAttempts=1)
        seen, pages, marker = [], 0, None
        while True:
            page = lam.list_function_event_invoke_configs(
                FunctionName="orders", MaxItems=2, **({"Marker": marker} if marker else {}))
            pages += 1
            assert len(page["FunctionEventInvokeConfigs"]) <= 2
            seen += [c["FunctionArn"].rsplit(":", 1)[1] for c in page["FunctionEventInvokeConfigs"]]
            marker = page.get("NextMarker")
            if marker is None:
                break
        assert pages == 3
        assert seen == ["$LATEST", "1", "2", "3", "live"]
        everything = lam.list_function_event_invoke_configs(FunctionName="orders")
        assert len(everything["FunctionEventInvokeConfigs"]) == 5 and "NextMarker" not in everything
        paged = lam.get_paginator("list_function_event_invoke_configs").paginate(
            FunctionName="orders", PaginationConfig={"PageSize": 2}).build_full_result()
        assert len(paged["FunctionEventInvokeConfigs"]) == 5

    def test_list_of_a_function_without_configs_is_empty(self, lam):
        response = lam.list_function_event_invoke_configs(FunctionName="orders")
        assert response["FunctionEventInvokeConfigs"] == [] and "NextMarker" not in response

    # -- qualifiers ----------------------------------------------------------------------------------

    def test_each_qualifier_has_its_own_config_and_an_invoke_uses_it(self, lam, sim):
        assert lam.publish_version(FunctionName="failing")["Version"] == "1"
        lam.create_alias(FunctionName="failing", Name="live", FunctionVersion="1")
        for qualifier, retries in (("$LATEST", 2), ("1", 0), ("live", 1)):
            lam.put_function_event_invoke_config(
                FunctionName="failing", Qualifier=qualifier, MaximumRetryAttempts=retries,
                DestinationConfig={"OnFailure": {"Destination": queue(f"failed-{qualifier.strip('$')}")}})
        for name in ("failing", "failing:1", f"{ARN}failing:live"):
            lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"via": name}))
        sim.run()
        for qualifier, count, version in (("$LATEST", 3, "$LATEST"), ("1", 1, "1"), ("live", 2, "1")):
            [record] = records(sim, f"failed-{qualifier.strip('$')}")
            assert record["requestContext"]["functionArn"] == f"{ARN}failing:{qualifier}"
            assert record["requestContext"]["approximateInvokeCount"] == count
            assert record["responseContext"]["executedVersion"] == version
        listed = lam.list_function_event_invoke_configs(FunctionName="failing")["FunctionEventInvokeConfigs"]
        assert [c["FunctionArn"] for c in listed] == [f"{ARN}failing:{q}" for q in ("$LATEST", "1", "live")]

    def test_a_config_on_one_qualifier_is_not_anothers(self, lam):
        lam.publish_version(FunctionName="orders")
        lam.put_function_event_invoke_config(FunctionName="orders", Qualifier="1", MaximumRetryAttempts=0)
        with pytest.raises(lam.exceptions.ResourceNotFoundException):
            lam.get_function_event_invoke_config(FunctionName="orders")
        assert lam.get_function_event_invoke_config(FunctionName="orders:1")["MaximumRetryAttempts"] == 0
        lam.delete_function_event_invoke_config(FunctionName="orders", Qualifier="1")
        with pytest.raises(lam.exceptions.ResourceNotFoundException):
            lam.get_function_event_invoke_config(FunctionName="orders", Qualifier="1")

    @pytest.mark.parametrize("name", ["orders", f"{ARN}orders", f"{ACCOUNT}:function:orders",
                                      "orders:$LATEST", f"{ARN}orders:$LATEST"])
    def test_names_arns_and_partial_arns(self, lam, name):
        response = lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)
        assert response["FunctionArn"] == f"{ARN}orders:$LATEST"
        assert lam.get_function_event_invoke_config(FunctionName="orders")["MaximumRetryAttempts"] == 1

    def test_another_accounts_arn_is_not_found(self, lam):
        with pytest.raises(lam.exceptions.ResourceNotFoundException):
            lam.get_function_configuration(FunctionName="arn:aws:lambda:us-east-1:210987654321:function:orders")

    # -- concurrency ---------------------------------------------------------------------------------

    def test_at_least_100_stays_unreserved(self, lam):
        assert lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=900)[
            "ReservedConcurrentExecutions"] == 900
        with pytest.raises(lam.exceptions.InvalidParameterValueException) as excinfo:
            lam.put_function_concurrency(FunctionName="failing", ReservedConcurrentExecutions=1)
        assert error_of(excinfo) == ("InvalidParameterValueException", (
            "Specified ReservedConcurrentExecutions for function decreases account's "
            "UnreservedConcurrentExecution below its minimum value of [100]."), 400)
        limit = lam.get_account_settings()["AccountLimit"]
        assert (limit["ConcurrentExecutions"], limit["UnreservedConcurrentExecutions"]) == (1000, 100)
        lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=899)
        lam.put_function_concurrency(FunctionName="failing", ReservedConcurrentExecutions=1)
        response = lam.delete_function_concurrency(FunctionName="orders")
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
        assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 999
        with pytest.raises(lam.exceptions.InvalidParameterValueException):
            lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=901)

    def test_get_function_concurrency(self, lam):
        assert set(lam.get_function_concurrency(FunctionName="orders")) == {"ResponseMetadata"}
        lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=5)
        assert lam.get_function_concurrency(FunctionName="orders")["ReservedConcurrentExecutions"] == 5

    def test_concurrency_is_per_function_not_per_qualifier(self, lam):
        with pytest.raises(lam.exceptions.InvalidParameterValueException) as excinfo:
            lam.put_function_concurrency(FunctionName="orders:$LATEST", ReservedConcurrentExecutions=5)
        assert error_of(excinfo)[1].startswith("This operation is permitted on Lambda functions only.")
        assert excinfo.value.response["Type"] == "User"

    def test_the_unreserved_minimum_error_has_no_type(self, lam):
        with pytest.raises(lam.exceptions.InvalidParameterValueException) as excinfo:
            lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=901)
        assert "Type" not in excinfo.value.response
        assert set(excinfo.value.response) == {"Error", "message", "ResponseMetadata"}

    # -- functions, versions, aliases ------------------------------------------------------------------

    def test_function_lifecycle(self, lam, sim):
        created = lam.create_function(
            FunctionName="pay", Role=ROLE, Code={"ZipFile": b"PK\x03\x04"}, Runtime="python3.12",
            Handler="app.handler", Timeout=30, MemorySize=256, Architectures=["arm64"],
            DeadLetterConfig={"TargetArn": queue("pay-dlq")})
        assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
        assert (created["FunctionArn"], created["Version"]) == (f"{ARN}pay", "$LATEST")
        assert created["State"] == "Pending"  # for account.function_pending_s (tests/test_function_state.py)
        assert (created["Timeout"], created["MemorySize"], created["Architectures"]) == (30, 256, ["arm64"])
        assert created["DeadLetterConfig"] == {"TargetArn": queue("pay-dlq")} and created["CodeSize"] == 4
        with pytest.raises(lam.exceptions.ResourceConflictException) as excinfo:
            lam.create_function(FunctionName="pay", Role=ROLE, Code={"ZipFile": b"x"})
        assert error_of(excinfo)[2] == 409
        sim.wait_until_active("pay")
        updated = lam.update_function_configuration(FunctionName="pay", Timeout=60,
                                                    DeadLetterConfig={"TargetArn": ""})
        assert updated["Timeout"] == 60 and "DeadLetterConfig" not in updated
        sim.wait_until_active("pay")  # the update is in force once it is no longer InProgress
        assert sim.function_config("pay").timeout_s == 60
        code = lam.update_function_code(FunctionName="pay", ZipFile=b"new", Architectures=["x86_64"])
        assert code["Architectures"] == ["x86_64"] and code["CodeSize"] == 3
        assert lam.get_function_configuration(FunctionName="pay")["MemorySize"] == 256
        response = lam.delete_function(FunctionName="pay")
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
        with pytest.raises(lam.exceptions.ResourceNotFoundException):
            lam.get_function_configuration(FunctionName="pay")

    def test_create_function_with_publish_answers_version_1_under_the_unqualified_arn(self, lam):
        created = lam.create_function(FunctionName="pay", Role=ROLE, Code={"ZipFile": b"PK"}, Publish=True)
        assert (created["FunctionArn"], created["Version"]) == (f"{ARN}pay", "1")
        assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
        version = lam.get_function_configuration(FunctionName="pay", Qualifier="1")
        assert version["FunctionArn"] == f"{ARN}pay:1"

    def test_bad_function_settings_name_the_aws_parameter(self, lam):
        with pytest.raises(lam.exceptions.InvalidParameterValueException) as excinfo:
            lam.update_function_configuration(FunctionName="orders", Timeout=901)
        assert error_of(excinfo)[1].startswith("Timeout: 901 is not valid")

    def test_versions_and_aliases(self, lam, sim):
        lam.update_function_configuration(FunctionName="orders", Timeout=10)
        sim.wait_until_active("orders")  # PublishVersion is refused while the update is InProgress
        published = lam.publish_version(FunctionName="orders", Description="first")
        assert (published["Version"], published["FunctionArn"]) == ("1", f"{ARN}orders:1")
        assert published["ResponseMetadata"]["HTTPStatusCode"] == 201 and published["Description"] == "first"
        lam.update_function_configuration(FunctionName="orders", Timeout=20)
        alias = lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1")
        assert (alias["AliasArn"], alias["FunctionVersion"]) == (f"{ARN}orders:live", "1")
        assert lam.get_function_configuration(FunctionName="orders", Qualifier="live")["Timeout"] == 10
        assert lam.get_function_configuration(FunctionName="orders")["Timeout"] == 20
        echo_version = lam.publish_version(FunctionName="echo")["Version"]
        response = lam.invoke(FunctionName="echo", Qualifier=echo_version)
        assert response["ExecutedVersion"] == "1"
        with pytest.raises(lam.exceptions.ResourceConflictException):
            lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1")

    # -- errors --------------------------------------------------------------------------------------

    def test_errors_behave_like_botocore_client_errors(self, lam):
        with pytest.raises(ClientError) as excinfo:
            lam.get_function_event_invoke_config(FunctionName="nope")
        error = excinfo.value
        assert isinstance(error, lam.exceptions.ResourceNotFoundException)
        assert error.operation_name == "GetFunctionEventInvokeConfig"
        assert error.response["Error"]["Code"] == "ResourceNotFoundException"
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 404
        assert str(error).startswith("An error occurred (ResourceNotFoundException) when calling the "
                                     "GetFunctionEventInvokeConfig operation: ")
        assert lam.exceptions.from_code("ResourceNotFoundException") is type(error)

    def test_constraint_violations_fail_as_aws_validation_errors(self, lam):
        with pytest.raises(ClientError) as excinfo:
            lam.put_function_event_invoke_config(FunctionName="orders", MaximumRetryAttempts=3)
        assert error_of(excinfo) == ("ValidationException", (
            "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: "
            "Member must have value less than or equal to 2"), 400)
        with pytest.raises(ClientError) as excinfo:
            lam.invoke(FunctionName="orders", InvocationType="Async", Qualifier="a b")
        code, message, _ = error_of(excinfo)
        assert code == "ValidationException" and message.startswith("2 validation errors detected: ")
        assert "Member must satisfy enum value set: [Event, RequestResponse, DryRun]" in message
        assert "at 'qualifier' failed to satisfy constraint: Member must satisfy regular" in message

    def test_missing_and_mistyped_parameters_fail_before_sending(self, lam):
        with pytest.raises(ParamValidationError, match="Missing required parameter"):
            lam.put_function_concurrency(FunctionName="orders")
        with pytest.raises(ParamValidationError, match="Invalid type"):
            lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions="5")
        with pytest.raises(ParamValidationError, match="Unknown parameter"):
            lam.invoke(FunctionName="orders", Async=True)
        with pytest.raises(TypeError, match="only accepts keyword arguments"):
            lam.invoke("orders")



# -- the service-model contract ---------------------------------------------------------------------------


def _pattern(pattern):
    return re.compile(pattern.replace(r"\p{L}", r"\w").replace(r"\p{N}", r"\w").replace(r"\p{Z}", r"\s"))


def model_problems(value, shape, path="", required=True):
    """Everything in ``value`` that breaks ``shape``: an independent reading of the service model."""
    meta, kind, out = shape.metadata, shape.type_name, []

    def length(size):
        if size > meta.get("max", float("inf")) or size < meta.get("min", 0):
            out.append(f"{path}: length {size} outside {meta.get('min')}..{meta.get('max')}")

    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: not a structure"]
        out += [f"{path}.{m}: missing" for m in shape.required_members if required and m not in value]
        for key, item in value.items():
            if key not in shape.members:
                out.append(f"{path}.{key}: not a member of {shape.name}")
            else:
                out += model_problems(item, shape.members[key], f"{path}.{key}", required)
    elif kind == "list":
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        length(len(value))
        for i, item in enumerate(value):
            out += model_problems(item, shape.member, f"{path}[{i}]", required)
    elif kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: not a map"]
        for key, item in value.items():
            out += model_problems(key, shape.key, f"{path} key", required)
            out += model_problems(item, shape.value, f"{path}.{key}", required)
    elif kind == "string":
        if not isinstance(value, str):
            return [f"{path}: not a string"]
        length(len(value))
        if shape.enum and value not in shape.enum:
            out.append(f"{path}: {value!r} not in the enum")
        if "pattern" in meta and not _pattern(meta["pattern"]).fullmatch(value):
            out.append(f"{path}: {value!r} does not match {meta['pattern']}")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: not an integer"]
        if value > meta.get("max", float("inf")) or value < meta.get("min", -float("inf")):
            out.append(f"{path}: {value} outside {meta.get('min')}..{meta.get('max')}")
    elif kind == "boolean" and not isinstance(value, bool):
        out.append(f"{path}: not a boolean")
    elif kind == "timestamp" and not isinstance(value, datetime):
        out.append(f"{path}: not a datetime")
    elif kind == "blob":
        if hasattr(value, "read"):
            return out
        if not isinstance(value, (bytes, bytearray, str)):
            return [f"{path}: not a blob"]
        length(len(value))
    return out


def check_contract(lam, method, kwargs):
    """Run one valid case: the request and the response must both fit the model."""
    operation = service_model().operation_model(OPERATIONS[method])
    assert model_problems(kwargs, operation.input_shape) == []
    response = getattr(lam, method)(**kwargs)
    metadata = response.pop("ResponseMetadata")
    assert set(metadata) >= {"RequestId", "HTTPStatusCode", "HTTPHeaders", "RetryAttempts"}
    assert metadata["RetryAttempts"] == 0 and metadata["HTTPStatusCode"] < 300
    if operation.output_shape is None:
        assert response == {}
    else:
        assert [p for p in model_problems(response, operation.output_shape, required=False)
                if p not in AWS_OUTSIDE_THE_MODEL] == []
    return response


#: What AWS answers that botocore's model does not list: an update in progress has
#: ``LastUpdateStatusReasonCode: Creating`` in recorded UpdateFunctionConfiguration responses, a
#: code the model's enum lacks (botocore does not check response enums, so boto3 returns it).
AWS_OUTSIDE_THE_MODEL = {".LastUpdateStatusReasonCode: 'Creating' not in the enum"}


def check_refusal(lam, method, kwargs, expected):
    """Run one invalid case: the model says it is invalid, and the client refuses it as AWS would."""
    operation = service_model().operation_model(OPERATIONS[method])
    assert model_problems(kwargs, operation.input_shape) != []
    if expected == "client":
        with pytest.raises(ParamValidationError):
            getattr(lam, method)(**kwargs)
        return
    with pytest.raises(ClientError) as excinfo:
        getattr(lam, method)(**kwargs)
    code, message, status = error_of(excinfo)
    assert (code, status) == (expected, 400)
    assert re.match(r"\d+ validation errors? detected: Value", message)


def test_the_cases_cover_every_operation():
    assert {method for method, _ in VALID_CASES} == set(OPERATIONS)


@pytest.mark.parametrize("case", VALID_CASES, ids=case_id)
def test_contract_valid_requests_and_responses(sim, lam, case):
    prepare(lam, sim)
    check_contract(lam, *case)


@pytest.mark.parametrize("case", INVALID_CASES, ids=case_id)
def test_contract_invalid_requests(sim, lam, case):
    check_refusal(lam, *case)


@pytest.mark.parametrize("case", AWS_ERRORS, ids=[f"{i}-{c[0]}" for i, c in enumerate(AWS_ERRORS)])
def test_aws_recorded_error_answers(sim, lam, case):
    """Issue 10: botocore's parsed code, message and status are AWS's, exactly."""
    method, kwargs, code, message, status = case
    prepare(lam, sim)
    with pytest.raises(ClientError) as excinfo:
        getattr(lam, method)(**kwargs)
    assert error_of(excinfo) == (code, message, status)
    assert type(excinfo.value) is lam.exceptions.from_code(code)

