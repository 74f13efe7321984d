"""A scenario's published versions, their event-invoke configs and provisioned concurrency through
``scenario_to_boto3_calls`` / ``scenario_to_cli`` and back through ``scenario_from_calls``; the calls
run by real boto3 under ``ls.mock_aws`` build what the scenario builds."""

from __future__ import annotations

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lambdasim as ls
from lambdasim.aws.scenario_calls import scenario_from_calls, scenario_to_boto3_calls, scenario_to_cli

FAILED = "arn:aws:sqs:us-east-1:123456789012:orders-failed"


def versioned() -> ls.Scenario:
    return ls.Scenario.from_dict({"functions": {"orders": {
        "Timeout": 30, "ReservedConcurrentExecutions": 10,
        "ProvisionedConcurrencyConfigs": {"3": 4, "1": 2},
        "VersionEventInvokeConfigs": {
            "1": {"MaximumRetryAttempts": 0},
            "3": {"MaximumRetryAttempts": 1, "DestinationConfig": {"OnFailure": {"Destination": FAILED}}}}}}})


def blank(*names: str) -> ls.Scenario:
    return ls.Scenario(functions={name: ls.FunctionConfig() for name in names or ("orders",)})


def test_the_calls_publish_each_version_after_a_change_then_configure_it():
    assert scenario_to_boto3_calls(versioned()) == [
        ("update_function_configuration", {"FunctionName": "orders", "Timeout": 30, "MemorySize": 128}),
        ("put_function_concurrency", {"FunctionName": "orders", "ReservedConcurrentExecutions": 10}),
        ("publish_version", {"FunctionName": "orders"}),
        ("update_function_configuration", {"FunctionName": "orders",
                                           "Description": "lambdasim: published as version 2"}),
        ("publish_version", {"FunctionName": "orders"}),
        ("update_function_configuration", {"FunctionName": "orders",
                                           "Description": "lambdasim: published as version 3"}),
        ("publish_version", {"FunctionName": "orders"}),
        ("put_function_event_invoke_config", {"FunctionName": "orders", "Qualifier": "1",
                                              "MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 21600}),
        ("put_function_event_invoke_config", {
            "FunctionName": "orders", "Qualifier": "3", "MaximumRetryAttempts": 1,
            "MaximumEventAgeInSeconds": 21600, "DestinationConfig": {"OnFailure": {"Destination": FAILED}}}),
        ("put_provisioned_concurrency_config", {"FunctionName": "orders", "Qualifier": "3",
                                                "ProvisionedConcurrentExecutions": 4}),
        ("put_provisioned_concurrency_config", {"FunctionName": "orders", "Qualifier": "1",
                                                "ProvisionedConcurrentExecutions": 2}),
    ]


def test_the_cli_waits_for_each_update_before_publishing():
    commands = scenario_to_cli(versioned())
    publishes = [i for i, c in enumerate(commands) if c.startswith("aws lambda publish-version")]
    wait = "aws lambda wait function-updated-v2 --function-name orders"
    assert [commands[i - 1] for i in publishes] == [wait] * 3
    assert commands[publishes[1] - 2] == ("aws lambda update-function-configuration --function-name orders "
                                          "--description 'lambdasim: published as version 2'")
    assert commands[-1] == ("aws lambda put-provisioned-concurrency-config --function-name orders "
                            "--qualifier 1 --provisioned-concurrent-executions 2")


def test_the_calls_give_the_scenario_back():
    scenario = versioned()
    assert scenario_from_calls(scenario_to_boto3_calls(scenario), base=blank()) == scenario


def test_a_scenario_without_versions_gives_no_version_calls():
    calls = scenario_to_boto3_calls(ls.Scenario(functions={"orders": ls.FunctionConfig(timeout_s=5)}))
    assert [method for method, _ in calls] == ["update_function_configuration"]


@st.composite
def small_scenarios(draw):
    functions = {}
    for name in ("orders", "audit")[:draw(st.integers(1, 2))]:
        published = draw(st.integers(0, 3))
        some_versions = st.lists(st.integers(1, max(published, 1)), unique=True, max_size=published)
        with_count = draw(some_versions)
        if published and published not in with_count:
            with_count.append(published)  # the highest version published carries provisioned concurrency
        provisioned = {str(v): draw(st.integers(1, 3)) for v in draw(st.permutations(with_count))}
        ages = st.sampled_from([60, 3600, 21600])
        configured = draw(some_versions)
        configs = {str(v): ls.EventInvokeConfig(draw(st.integers(0, 2)), draw(ages)) for v in configured}
        total = sum(provisioned.values())
        reserved = draw(st.one_of(st.none(), st.integers(total, total + 3)))
        if reserved == 0:
            reserved = None if draw(st.booleans()) else 0
        functions[name] = ls.FunctionConfig(
            timeout_s=draw(st.integers(1, 900)), memory_mb=draw(st.sampled_from([128, 512, 10240])),
            reserved_concurrency=reserved, provisioned=provisioned, version_event_invoke_configs=configs,
            event_invoke_config=ls.EventInvokeConfig(draw(st.integers(0, 2)), 21600),
            environment=draw(st.sampled_from([{}, {"STAGE": "prod"}])))
    return ls.Scenario(functions=functions)


@settings(max_examples=40, deadline=None)
@given(small_scenarios())
def test_any_small_scenario_round_trips_through_its_calls(scenario):
    assert scenario_from_calls(scenario_to_boto3_calls(scenario), base=blank(*scenario.functions)) == scenario


def _built(sim, name):
    """What a simulation holds of a function's versions: each one's configuration, event-invoke config
    and provisioned concurrency (the clock times aside)."""
    def config(c):
        return {k: v for k, v in c.items() if k != "last_modified"}
    return (sim.versions(name),
            [config(c) for c in sorted(sim.list_event_invoke_configs(name), key=lambda c: c["qualifier"])],
            [(q, p["requested"]) for q, p in sim.list_provisioned_concurrency(name)],
            [sim.function_config(name, v) for v in sim.versions(name)[1:]])


def test_the_calls_under_mock_aws_with_real_boto3_build_what_the_scenario_builds(no_network):
    scenario = versioned()
    sim = ls.Simulation(blank())
    with ls.mock_aws(sim):
        lam = boto3.client("lambda", region_name="us-east-1")
        for method, kwargs in scenario_to_boto3_calls(scenario):
            if method == "publish_version":  # as against AWS: the update must be in force first
                sim.wait_until_active(kwargs["FunctionName"])
                lam.get_waiter("function_updated_v2").wait(FunctionName=kwargs["FunctionName"])
            getattr(lam, method)(**kwargs)
        versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName="orders")["Versions"]]
        version_3 = lam.get_function_event_invoke_config(FunctionName="orders", Qualifier="3")
        provisioned = lam.get_provisioned_concurrency_config(FunctionName="orders", Qualifier="1")
    assert versions == ["$LATEST", "1", "2", "3"]
    assert (version_3["MaximumRetryAttempts"], version_3["DestinationConfig"]) == (
        1, {"OnSuccess": {}, "OnFailure": {"Destination": FAILED}})
    assert (provisioned["RequestedProvisionedConcurrentExecutions"], provisioned["Status"]) == (2, "READY")
    expected = ls.Simulation(scenario)
    assert _built(sim, "orders")[:3] == _built(expected, "orders")[:3]
    # each version runs the scenario's settings (Timeout 30), as the scenario's own versions do
    assert [c.timeout_s for c in _built(sim, "orders")[3]] == [30, 30, 30]


@pytest.mark.parametrize("calls, text", [
    ([("publish_version", {"FunctionName": "orders"}),
      ("update_function_configuration", {"FunctionName": "orders", "Timeout": 60}),
      ("publish_version", {"FunctionName": "orders"}),
      ("put_provisioned_concurrency_config", {"FunctionName": "orders", "Qualifier": "2",
                                              "ProvisionedConcurrentExecutions": 1})],
     "functions.orders: version 1 was published from settings other than $LATEST's; allowed: a Scenario "
     "publishes every version from the function's settings"),
    ([("publish_version", {"FunctionName": "orders"}),
      ("update_function_configuration", {"FunctionName": "orders", "Description": "two"}),
      ("publish_version", {"FunctionName": "orders"}),
      ("put_provisioned_concurrency_config", {"FunctionName": "orders", "Qualifier": "1",
                                              "ProvisionedConcurrentExecutions": 1})],
     "functions.orders: published versions ['1', '2'] cannot be held by a Scenario; allowed: versions 1..N "
     "with provisioned concurrency on N (here ['1'])"),
    ([("publish_version", {"FunctionName": "orders"}),
      ("create_alias", {"FunctionName": "orders", "Name": "live", "FunctionVersion": "1"})],
     "calls[1] create_alias: a Scenario holds each function's settings and published versions, not aliases"),
])
def test_what_a_scenario_cannot_hold_is_refused(calls, text):
    with pytest.raises(ls.InvalidParameterValueException) as excinfo:
        scenario_from_calls(calls, base=blank())
    assert text in excinfo.value.message


def test_a_publish_with_nothing_changed_is_no_new_version_in_the_replay():
    calls = [("publish_version", {"FunctionName": "orders"}), ("publish_version", {"FunctionName": "orders"}),
             ("put_provisioned_concurrency_config", {"FunctionName": "orders", "Qualifier": "1",
                                                     "ProvisionedConcurrentExecutions": 2})]
    assert scenario_from_calls(calls, base=blank()).functions["orders"].provisioned == (("1", 2),)
