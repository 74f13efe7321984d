"""PublishVersion publishes only when something changed since the newest version (docs/aws-behaviour.md
§13): through the native client and real boto3 under ``mock_aws`` (the ``lam`` fixture), and on the
engine. The recorded behaviour is LocalStack's AWS-validated snapshot of ``TestLambdaVersions``.
"""

from __future__ import annotations

import pytest

import lambdasim as ls

#: The parts of a PublishVersion answer that are the version itself (boto3 adds ResponseMetadata).
_VERSION_KEYS = ("FunctionArn", "Version", "Description", "RevisionId", "CodeSha256", "Timeout",
                 "MemorySize", "LastModified")


def _version(response: dict) -> dict:
    return {key: response[key] for key in _VERSION_KEYS}


def _versions(lam, name="orders"):
    return [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]]


def test_publishing_twice_without_a_change_answers_the_same_version_as_it_is(lam):
    first = lam.publish_version(FunctionName="orders", Description="first")
    again = lam.publish_version(FunctionName="orders", Description="second try")
    assert _version(again) == _version(first)
    assert again["Version"] == "1" and again["Description"] == "first"  # the request's is not applied
    assert again["FunctionArn"].endswith(":function:orders:1")
    assert _versions(lam) == ["$LATEST", "1"]


def test_the_repeated_publish_answers_201_as_recorded(sim):
    import boto3

    with ls.mock_aws(sim):
        lam = boto3.client("lambda", region_name="us-east-1")
        lam.publish_version(FunctionName="orders")
        again = lam.publish_version(FunctionName="orders")
    assert (again["Version"], again["ResponseMetadata"]["HTTPStatusCode"]) == ("1", 201)


def test_a_description_change_of_latest_publishes_a_new_version_with_that_description(lam, sim):
    lam.publish_version(FunctionName="orders", Description="First version description")
    lam.update_function_configuration(FunctionName="orders", Description="Second version")
    sim.wait_until_active("orders")
    second = lam.publish_version(FunctionName="orders")
    third = lam.publish_version(FunctionName="orders", Description="Third version description")
    assert (second["Version"], second["Description"]) == ("2", "Second version")
    assert _version(third) == _version(second)
    assert _versions(lam) == ["$LATEST", "1", "2"]


@pytest.mark.parametrize("change", [
    {"Timeout": 60}, {"MemorySize": 256}, {"Environment": {"Variables": {"STAGE": "prod"}}},
    {"Role": "arn:aws:iam::123456789012:role/other"}, {"Handler": "app.other"}])
def test_a_configuration_change_publishes_a_new_version(lam, sim, change):
    lam.publish_version(FunctionName="orders")
    lam.update_function_configuration(FunctionName="orders", **change)
    sim.wait_until_active("orders")
    assert lam.publish_version(FunctionName="orders")["Version"] == "2"
    assert lam.publish_version(FunctionName="orders")["Version"] == "2"


def test_new_code_publishes_a_new_version_and_the_same_code_does_not(lam, sim):
    lam.update_function_code(FunctionName="orders", ZipFile=b"code one")
    sim.wait_until_active("orders")
    first = lam.publish_version(FunctionName="orders")
    lam.update_function_code(FunctionName="orders", ZipFile=b"code one")  # the same package again
    sim.wait_until_active("orders")
    assert lam.publish_version(FunctionName="orders")["Version"] == first["Version"] == "1"
    lam.update_function_code(FunctionName="orders", ZipFile=b"code two")
    sim.wait_until_active("orders")
    second = lam.publish_version(FunctionName="orders")
    assert second["Version"] == "2" and second["CodeSha256"] != first["CodeSha256"]


def test_update_function_code_with_publish_and_unchanged_code_returns_the_newest_version(lam, sim):
    lam.update_function_code(FunctionName="orders", ZipFile=b"code one", Publish=True)
    again = lam.update_function_code(FunctionName="orders", ZipFile=b"code one", Publish=True)
    assert again["Version"] == "1"
    assert _versions(lam) == ["$LATEST", "1"]


def test_create_function_with_publish_then_publish_gives_version_1_again(lam, sim):
    # Recorded: test_publish_version_on_create; $LATEST's RevisionId changes when it turns Active,
    # which is no change to publish.
    lam.create_function(FunctionName="fresh", Role="arn:aws:iam::123456789012:role/r", Runtime="python3.12",
                        Handler="app.handler", Code={"ZipFile": b"zip"}, Publish=True)
    sim.wait_until_active("fresh")
    repeated = lam.publish_version(FunctionName="fresh", Description="Repeated version description")
    assert (repeated["Version"], repeated["Description"]) == ("1", "")
    assert _versions(lam, "fresh") == ["$LATEST", "1"]


def test_function_level_settings_publish_no_new_version(lam, sim):
    lam.publish_version(FunctionName="orders")
    lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=5)
    lam.put_function_event_invoke_config(FunctionName="orders", MaximumRetryAttempts=0)
    lam.put_function_recursion_config(FunctionName="orders", RecursiveLoop="Allow")
    assert lam.publish_version(FunctionName="orders")["Version"] == "1"


def test_a_change_reverted_is_no_change(lam, sim):
    lam.publish_version(FunctionName="orders")
    for timeout in (60, 900):  # api_scenario's orders has Timeout 900
        lam.update_function_configuration(FunctionName="orders", Timeout=timeout)
        sim.wait_until_active("orders")
    assert lam.publish_version(FunctionName="orders")["Version"] == "1"


def test_after_the_newest_version_is_deleted_the_one_before_is_compared(lam, sim):
    lam.publish_version(FunctionName="orders")
    lam.update_function_configuration(FunctionName="orders", Timeout=60)
    sim.wait_until_active("orders")
    assert lam.publish_version(FunctionName="orders")["Version"] == "2"
    lam.delete_function(FunctionName="orders", Qualifier="2")
    # $LATEST (Timeout 60) differs from version 1 (Timeout 900): a new version, numbered past the
    # deleted one
    assert lam.publish_version(FunctionName="orders")["Version"] == "3"
    assert _versions(lam) == ["$LATEST", "1", "3"]


def test_the_engine_publishes_only_on_a_change(sim):
    assert sim.publish_version("orders") == "1"
    assert sim.publish_version("orders") == "1"
    sim.update_function("orders", timeout_s=30, at_once=True)
    assert sim.publish_version("orders") == "2"
    assert sim.versions("orders") == ["$LATEST", "1", "2"]
    assert sim.publish_version("orders", code_changed=True) == "3"


def test_the_versions_a_scenario_publishes_count_as_the_newest():
    sim = ls.Simulation(ls.Scenario(functions={"orders": ls.FunctionConfig(provisioned={"2": 1})}))
    lam = sim.client()
    assert lam.publish_version(FunctionName="orders")["Version"] == "2"
    lam.update_function_configuration(FunctionName="orders", Description="changed")
    sim.wait_until_active("orders")
    assert lam.publish_version(FunctionName="orders")["Version"] == "3"


def test_a_deleted_versions_number_is_never_given_again(sim):
    sim.publish_version("orders")
    sim.update_function("orders", timeout_s=30, at_once=True)
    assert sim.publish_version("orders") == "2"
    sim.delete_function("orders", "2")
    sim.delete_function("orders", "1")
    assert sim.versions("orders") == ["$LATEST"]
    assert sim.publish_version("orders") == "3"  # not 1 again, nor 2
    sim.update_function("orders", timeout_s=60, at_once=True)
    assert sim.publish_version("orders") == "4"


def test_a_function_deleted_and_created_again_counts_from_1(sim):
    sim.publish_version("orders")
    sim.update_function("orders", timeout_s=30, at_once=True)
    assert sim.publish_version("orders") == "2"
    config = sim.function_config("orders")
    sim.delete_function("orders")
    sim.create_function("orders", config, publish=True)
    assert sim.versions("orders") == ["$LATEST", "1"]


def test_a_scenarios_versions_count_when_numbering_past_a_deleted_one():
    sim = ls.Simulation(ls.Scenario(functions={"orders": ls.FunctionConfig(provisioned={"2": 1})}))
    sim.delete_function("orders", "2")  # the scenario published 1 and 2
    sim.update_function("orders", timeout_s=30, at_once=True)
    assert sim.publish_version("orders") == "3"


def test_publishing_after_deleting_the_newest_version_numbers_past_it_through_the_api(lam, sim):
    lam.publish_version(FunctionName="orders")
    lam.update_function_configuration(FunctionName="orders", Timeout=60)
    sim.wait_until_active("orders")
    lam.publish_version(FunctionName="orders")
    lam.delete_function(FunctionName="orders", Qualifier="2")
    lam.update_function_configuration(FunctionName="orders", Timeout=61)
    sim.wait_until_active("orders")
    published = lam.publish_version(FunctionName="orders")
    assert (published["Version"], published["FunctionArn"].rsplit(":", 1)[1]) == ("3", "3")
    assert _versions(lam) == ["$LATEST", "1", "3"]
