"""The operations a user of versions, aliases and functions calls (issue 10), through both clients.

Each test runs through the native ``LambdaClient`` and through real boto3 under ``mock_aws`` (the
``lam`` fixture). Shapes are botocore's Lambda model (``AliasConfiguration``, ...); error messages are
AWS's, as moto and LocalStack's AWS-validated snapshots give them (cited per test).
"""

from __future__ import annotations

import json

import pytest
from api_cases import ARN, queue
from helpers import error_of, publish_versions

from lambdasim.model.dists import Constant

ALIAS = f"{ARN}orders:live"
NOPE = f"Function not found: {ARN}nope:$LATEST"


def records(sim, name):
    """The destination records the SQS queue ``name`` received, parsed."""
    return [json.loads(m.body) for m in sim.target(queue(name)).messages]


def publish_two(lam, sim):
    assert publish_versions(lam, sim, 2) == ["1", "2"]


class TestAliases:
    def test_get_update_list_delete(self, lam, sim):
        publish_two(lam, sim)
        created = lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1", Description="d")
        assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
        got = lam.get_alias(FunctionName="orders", Name="live")
        assert {k: got[k] for k in ("AliasArn", "Name", "FunctionVersion", "Description")} == {
            "AliasArn": ALIAS, "Name": "live", "FunctionVersion": "1", "Description": "d"}
        assert "RoutingConfig" not in got and got["RevisionId"] == created["RevisionId"]
        updated = lam.update_alias(FunctionName="orders", Name="live", FunctionVersion="2",
                                   RoutingConfig={"AdditionalVersionWeights": {"1": 0.1}})
        assert updated["FunctionVersion"] == "2" and updated["Description"] == "d"
        assert updated["RoutingConfig"] == {"AdditionalVersionWeights": {"1": 0.1}}
        assert updated["RevisionId"] != created["RevisionId"]
        assert lam.get_alias(FunctionName="orders", Name="live")["RoutingConfig"] == updated["RoutingConfig"]
        # Leaving RoutingConfig out keeps it; an empty one removes it.
        kept = lam.update_alias(FunctionName="orders", Name="live", Description="e")
        assert kept["RoutingConfig"] == updated["RoutingConfig"] and kept["Description"] == "e"
        cleared = lam.update_alias(FunctionName="orders", Name="live", RoutingConfig={})
        assert "RoutingConfig" not in cleared
        lam.create_alias(FunctionName="orders", Name="beta", FunctionVersion="1")
        listed = lam.list_aliases(FunctionName="orders")
        assert [a["Name"] for a in listed["Aliases"]] == ["beta", "live"] and "NextMarker" not in listed
        assert [a["Name"] for a in lam.list_aliases(FunctionName="orders", FunctionVersion="1")["Aliases"]] \
            == ["beta"]
        page = lam.list_aliases(FunctionName="orders", MaxItems=1)
        assert [a["Name"] for a in page["Aliases"]] == ["beta"]
        rest = lam.list_aliases(FunctionName="orders", Marker=page["NextMarker"])
        assert [a["Name"] for a in rest["Aliases"]] == ["live"] and "NextMarker" not in rest
        paged = lam.get_paginator("list_aliases").paginate(
            FunctionName="orders", PaginationConfig={"PageSize": 1}).build_full_result()
        assert [a["Name"] for a in paged["Aliases"]] == ["beta", "live"]
        deleted = lam.delete_alias(FunctionName="orders", Name="live")
        assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
        assert [a["Name"] for a in lam.list_aliases(FunctionName="orders")["Aliases"]] == ["beta"]
        # Deleting an alias that is gone is no error (AWS's DeleteAlias is idempotent).
        again = lam.delete_alias(FunctionName="orders", Name="live")
        assert again["ResponseMetadata"]["HTTPStatusCode"] == 204

    def test_errors(self, lam, sim):
        publish_two(lam, sim)
        # moto's UnknownAliasException and LocalStack's provider: "Cannot find alias arn: <alias ARN>", 404.
        with pytest.raises(lam.exceptions.ResourceNotFoundException) as excinfo:
            lam.get_alias(FunctionName="orders", Name="live")
        assert error_of(excinfo) == ("ResourceNotFoundException", f"Cannot find alias arn: {ALIAS}", 404)
        with pytest.raises(lam.exceptions.ResourceNotFoundException) as excinfo:
            lam.update_alias(FunctionName="orders", Name="live", FunctionVersion="1")
        assert error_of(excinfo) == ("ResourceNotFoundException", f"Cannot find alias arn: {ALIAS}", 404)
        with pytest.raises(lam.exceptions.ResourceNotFoundException) as excinfo:
            lam.list_aliases(FunctionName="nope")
        assert error_of(excinfo) == ("ResourceNotFoundException",
                                     f"Function not found: {ARN}nope:$LATEST", 404)
        lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1")
        with pytest.raises(lam.exceptions.ResourceNotFoundException) as excinfo:
            lam.update_alias(FunctionName="orders", Name="live", FunctionVersion="7")
        assert error_of(excinfo)[1] == f"Function not found: {ARN}orders:7"
        with pytest.raises(lam.exceptions.InvalidParameterValueException) as excinfo:
            lam.update_alias(FunctionName="orders", Name="live",
                             RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}})
        assert error_of(excinfo)[1] == ("Invalid function version 1. Function version 1 is already "
                                        "included in routing configuration.")
        with pytest.raises(lam.exceptions.InvalidParameterValueException):
            lam.create_alias(FunctionName="orders", Name="dev", FunctionVersion="$LATEST",
                             RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}})
        assert lam.get_alias(FunctionName="orders", Name="live")["FunctionVersion"] == "1"

    def test_a_version_an_alias_uses_cannot_be_deleted(self, lam, sim):
        publish_two(lam, sim)
        lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1",
                         RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
        for version in ("1", "2"):
            with pytest.raises(lam.exceptions.ResourceConflictException) as excinfo:
                lam.delete_function(FunctionName="orders", Qualifier=version)
            assert error_of(excinfo) == (
                "ResourceConflictException",
                "Unable to delete version because the following aliases reference it: [live]", 409)
        lam.update_alias(FunctionName="orders", Name="live", RoutingConfig={})
        lam.delete_function(FunctionName="orders", Qualifier="2")
        assert [v["Version"] for v in lam.list_versions_by_function(FunctionName="orders")["Versions"]] == [
            "$LATEST", "1"]

    def test_routing_weights_split_async_events(self, lam, sim):
        publish_two(lam, sim)
        lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1",
                         RoutingConfig={"AdditionalVersionWeights": {"2": 0.25}})
        lam.put_function_event_invoke_config(FunctionName="orders", Qualifier="live",
                                             DestinationConfig={"OnSuccess": {"Destination": queue("ok")}})
        for i in range(400):
            lam.invoke(FunctionName="orders:live", InvocationType="Event", Payload=json.dumps({"i": i}))
        sim.run()
        got = records(sim, "ok")
        versions = [r["responseContext"]["executedVersion"] for r in got]
        assert len(versions) == 400 and set(versions) == {"1", "2"}
        assert 70 <= versions.count("2") <= 130       # 25 % of 400, binomial sd ~ 8.7
        assert {r["requestContext"]["functionArn"] for r in got} == {ALIAS}

    def test_routing_is_seeded_and_sync_invokes_report_their_version(self, lam, sim):
        publish_two(lam, sim)
        lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1",
                         RoutingConfig={"AdditionalVersionWeights": {"2": 1.0}})
        assert lam.invoke(FunctionName="orders", Qualifier="live")["ExecutedVersion"] == "2"
        lam.update_alias(FunctionName="orders", Name="live",
                         RoutingConfig={"AdditionalVersionWeights": {"2": 0.0}})
        assert lam.invoke(FunctionName="orders", Qualifier="live")["ExecutedVersion"] == "1"


class TestVersionsAreSnapshots:
    """A published version keeps the configuration it was published with (AWS: "the DLQ is attached
    with the function's version configuration so once you publish a version, it's locked with it")."""

    def test_a_version_keeps_its_timeout_duration_memory_and_dlq(self, lam, sim):
        lam.put_function_event_invoke_config(FunctionName="failing", MaximumRetryAttempts=0)
        lam.update_function_configuration(FunctionName="failing", Timeout=5, MemorySize=256,
                                          Environment={"Variables": {"STAGE": "one"}},
                                          DeadLetterConfig={"TargetArn": queue("dlq-1")})
        sim.wait_until_active("failing")  # PublishVersion waits for the update to complete
        assert lam.publish_version(FunctionName="failing")["Version"] == "1"
        lam.put_function_event_invoke_config(FunctionName="failing", Qualifier="1", MaximumRetryAttempts=0)
        lam.update_function_configuration(FunctionName="failing", Timeout=1, MemorySize=1024,
                                          Environment={"Variables": {"STAGE": "two"}},
                                          DeadLetterConfig={"TargetArn": queue("dlq-2")})
        sim.wait_until_active("failing")
        sim.update_function("failing", duration=Constant(1.5))   # $LATEST now runs 1.5 s > 1 s
        sim.wait_until_active("failing")
        one = lam.get_function_configuration(FunctionName="failing", Qualifier="1")
        assert (one["Timeout"], one["MemorySize"]) == (5, 256)
        assert one["DeadLetterConfig"]["TargetArn"] == queue("dlq-1")
        assert one["Environment"] == {"Variables": {"STAGE": "one"}}
        for qualifier in ("1", "$LATEST"):
            lam.invoke(FunctionName="failing", Qualifier=qualifier, InvocationType="Event",
                       Payload=json.dumps({"q": qualifier}))
        sim.run()
        # Version 1 runs 0.2 s and fails as published; $LATEST runs into its new 1 s timeout.
        attempts = sim.result().attempts.set_index("qualifier")
        assert attempts.loc["1", "duration_s"] == pytest.approx(0.2)
        assert attempts.loc["$LATEST", "duration_s"] == pytest.approx(1.0)
        assert [json.loads(m.body) for m in sim.target(queue("dlq-1")).messages] == [{"q": "1"}]
        assert [json.loads(m.body) for m in sim.target(queue("dlq-2")).messages] == [{"q": "$LATEST"}]
        table = sim.result().functions
        last = table[table["function"] == "failing"].groupby("qualifier").last()
        assert (last.loc["1", "memory_mb"], last.loc["1", "timeout_s"]) == (256, 5.0)
        assert (last.loc["$LATEST", "memory_mb"], last.loc["$LATEST", "timeout_s"]) == (1024, 1.0)
        cost = sim.result().cost().set_index("function")
        assert cost.loc["failing", "gb_seconds"] == pytest.approx(0.2 * 0.25 + 1.0 * 1.0)

    def test_sync_invokes_run_each_versions_handler_settings(self, lam, sim):
        lam.update_function_configuration(FunctionName="echo", Environment={"Variables": {"STAGE": "one"}})
        sim.wait_until_active("echo")  # each update completes before the next call on the function
        lam.publish_version(FunctionName="echo")
        lam.update_function_configuration(FunctionName="echo", Timeout=1)
        sim.wait_until_active("echo")
        sim.update_function("echo", duration=Constant(2.0))
        sim.wait_until_active("echo")
        latest = lam.invoke(FunctionName="echo", Payload=b'{"a": 1}')
        assert latest["FunctionError"] == "Unhandled"
        assert json.loads(latest["Payload"].read())["errorMessage"] == "Task timed out after 1.00 seconds"
        one = lam.invoke(FunctionName="echo", Qualifier="1", Payload=b'{"a": 1}')
        assert "FunctionError" not in one and one["ExecutedVersion"] == "1"


class TestFunctions:
    def test_get_function(self, lam):
        got = lam.get_function(FunctionName="echo")
        configuration = lam.get_function_configuration(FunctionName="echo")
        assert got["Configuration"] == {k: v for k, v in configuration.items() if k != "ResponseMetadata"}
        assert got["Code"]["RepositoryType"] == "S3" and got["Code"]["Location"].startswith("https://")
        assert "Concurrency" not in got
        lam.put_function_concurrency(FunctionName="echo", ReservedConcurrentExecutions=7)
        lam.publish_version(FunctionName="echo")
        got = lam.get_function(FunctionName="echo", Qualifier="1")
        assert got["Concurrency"] == {"ReservedConcurrentExecutions": 7}
        assert (got["Configuration"]["Version"], got["Configuration"]["FunctionArn"]) == ("1", f"{ARN}echo:1")
        with pytest.raises(lam.exceptions.ResourceNotFoundException) as excinfo:
            lam.get_function(FunctionName="nope")
        assert error_of(excinfo) == ("ResourceNotFoundException", NOPE, 404)

    def test_list_functions_pages_by_name(self, lam):
        listed = lam.list_functions()
        assert [f["FunctionName"] for f in listed["Functions"]] == ["echo", "failing", "orders"]
        assert {f["Version"] for f in listed["Functions"]} == {"$LATEST"} and "NextMarker" not in listed
        assert listed["Functions"][2]["FunctionArn"] == f"{ARN}orders"
        first = lam.list_functions(MaxItems=2)
        assert [f["FunctionName"] for f in first["Functions"]] == ["echo", "failing"]
        rest = lam.list_functions(Marker=first["NextMarker"])
        assert [f["FunctionName"] for f in rest["Functions"]] == ["orders"] and "NextMarker" not in rest
        lam.publish_version(FunctionName="orders")
        every = lam.get_paginator("list_functions").paginate(
            FunctionVersion="ALL", PaginationConfig={"PageSize": 1}).build_full_result()
        assert [(f["FunctionName"], f["Version"]) for f in every["Functions"]] == [
            ("echo", "$LATEST"), ("failing", "$LATEST"), ("orders", "$LATEST"), ("orders", "1")]

    def test_list_versions_by_function(self, lam, sim):
        publish_two(lam, sim)
        listed = lam.list_versions_by_function(FunctionName="orders")
        assert [v["Version"] for v in listed["Versions"]] == ["$LATEST", "1", "2"]
        # AWS qualifies $LATEST's ARN in this listing (LocalStack's recorded ListVersionsByFunction).
        assert [v["FunctionArn"] for v in listed["Versions"]] == [
            f"{ARN}orders:$LATEST", f"{ARN}orders:1", f"{ARN}orders:2"]
        page = lam.list_versions_by_function(FunctionName="orders", MaxItems=2)
        assert [v["Version"] for v in page["Versions"]] == ["$LATEST", "1"]
        rest = lam.list_versions_by_function(FunctionName="orders", Marker=page["NextMarker"])
        assert [v["Version"] for v in rest["Versions"]] == ["2"]
        with pytest.raises(lam.exceptions.ResourceNotFoundException) as excinfo:
            lam.list_versions_by_function(FunctionName="nope")
        assert error_of(excinfo) == ("ResourceNotFoundException", NOPE, 404)

    def test_recursion_config(self, lam, sim):
        assert lam.get_function_recursion_config(FunctionName="orders")["RecursiveLoop"] == "Terminate"
        put = lam.put_function_recursion_config(FunctionName="orders", RecursiveLoop="Allow")
        assert put["RecursiveLoop"] == "Allow" and put["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert lam.get_function_recursion_config(FunctionName=f"{ARN}orders")["RecursiveLoop"] == "Allow"
        assert sim.functions["orders"].recursion_limit is None
        lam.put_function_recursion_config(FunctionName="orders", RecursiveLoop="Terminate")
        assert sim.functions["orders"].recursion_limit == 16
        with pytest.raises(lam.exceptions.ResourceNotFoundException):
            lam.get_function_recursion_config(FunctionName="nope")

    def test_invoke_async_queues_an_event(self, lam, sim):
        lam.put_function_event_invoke_config(FunctionName="orders",
                                             DestinationConfig={"OnSuccess": {"Destination": queue("ok")}})
        response = lam.invoke_async(FunctionName="orders", InvokeArgs=b'{"id": 7}')
        assert response["Status"] == 202 and response["ResponseMetadata"]["HTTPStatusCode"] == 202
        sim.run()
        [record] = records(sim, "ok")
        assert record["requestPayload"] == {"id": 7}
        with pytest.raises(lam.exceptions.ResourceNotFoundException):
            lam.invoke_async(FunctionName="nope", InvokeArgs=b"{}")
