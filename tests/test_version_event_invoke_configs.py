"""Per-version event-invoke configs in a scenario file (issue 16): ``VersionEventInvokeConfigs``.

AWS keeps one event-invoke config per qualifier (PutFunctionEventInvokeConfig's ``Qualifier``); an
invocation of version 1 takes version 1's, not ``$LATEST``'s. A scenario names a published version's
config under ``VersionEventInvokeConfigs`` and the simulation sets it at the start exactly as
``put_function_event_invoke_config(Qualifier="1")`` would. Durations are constant and jitter is 0,
so every instant below is exact.
"""

import json

import pytest
from helpers import one_function

import lambdasim as ls
from lambdasim.model.failures import FailureModel
from lambdasim.model.templates import TemplateWarning
from lambdasim.model.workloads import Events, ScheduledEvent

FAILURES = "arn:aws:sqs:us-east-1:123456789012:v1-failures"
V1_CONFIG = {"MaximumRetryAttempts": 0, "DestinationConfig": {"OnFailure": {"Destination": FAILURES}}}


def one_event(qualifier):
    return Events("orders", (ScheduledEvent(0.0, {"q": qualifier or "latest"}),), qualifier=qualifier)


def failing(**function):
    return one_function([one_event("1"), one_event(None)], failures=FailureModel(error_probability=1.0),
                        provisioned={"1": 1}, **function)


def test_version_1_config_of_0_retries_fails_once_to_its_target_while_latest_keeps_2_retries():
    result = ls.run(failing(version_event_invoke_configs={"1": V1_CONFIG}))
    runs = result.attempts[["qualifier", "attempt", "start_at", "end_at"]].astype({"qualifier": str})
    assert sorted(runs.values.tolist(), key=lambda row: (row[2], row[0])) == [
        ["$LATEST", 1, 0.0, pytest.approx(0.2)], ["1", 1, 0.0, pytest.approx(0.2)],
        ["$LATEST", 2, pytest.approx(60.2), pytest.approx(60.4)],
        ["$LATEST", 3, pytest.approx(180.4), pytest.approx(180.6)]]
    assert result.deliveries[["at", "channel", "target_arn", "condition"]].values.tolist() == [
        [pytest.approx(0.2), "on_failure", FAILURES, "RetriesExhausted"]]
    record = json.loads(str(result.deliveries["body"][0]))
    assert record["requestContext"]["functionArn"] == \
        "arn:aws:lambda:us-east-1:123456789012:function:orders:1"
    assert (record["requestContext"]["approximateInvokeCount"], record["requestPayload"]) == (1, {"q": "1"})


def test_without_a_version_config_version_1_takes_aws_defaults():
    runs = ls.run(failing()).attempts
    assert runs[runs["qualifier"] == "1"]["start_at"].tolist() == pytest.approx([0.0, 60.2, 180.4])


def test_the_config_is_set_as_the_api_sets_it():
    sim = ls.Simulation(failing(version_event_invoke_configs={"1": V1_CONFIG}))
    assert sim.get_event_invoke_config("orders", "1") == {
        "qualifier": "1", "maximum_retry_attempts": 0, "maximum_event_age_s": 21600, "on_success": None,
        "on_failure": FAILURES, "last_modified": 0.0}
    # $LATEST's config is AWS's defaults here, so only version 1 has one
    assert [c["qualifier"] for c in sim.list_event_invoke_configs("orders")] == ["1"]


def test_scenario_file_shape_round_trips():
    scenario = failing(version_event_invoke_configs={"1": V1_CONFIG})
    written = scenario.to_dict()["functions"]["orders"]["VersionEventInvokeConfigs"]
    assert written == {"1": {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 21600,
                             "DestinationConfig": {"OnFailure": {"Destination": FAILURES}}}}
    assert ls.Scenario.from_dict(scenario.to_dict()) == scenario
    assert "VersionEventInvokeConfigs" not in ls.FunctionConfig().to_dict()


@pytest.mark.parametrize("function, field, allowed", [
    ({"VersionEventInvokeConfigs": {"1": {"MaximumRetryAttempts": 0}}},
     "function.VersionEventInvokeConfigs.1",
     "a published version, and this function publishes none (name its versions in "
     "ProvisionedConcurrencyConfigs; $LATEST's config is EventInvokeConfig)"),
    ({"ProvisionedConcurrencyConfigs": {"2": 1}, "VersionEventInvokeConfigs": {"3": {}}},
     "function.VersionEventInvokeConfigs.3",
     "a version the scenario publishes ('1'..'2', the highest in ProvisionedConcurrencyConfigs)"),
    ({"ProvisionedConcurrencyConfigs": {"1": 1}, "VersionEventInvokeConfigs": {"$LATEST": {}}},
     "function.VersionEventInvokeConfigs.$LATEST",
     "a version the scenario publishes ('1'..'1', the highest in ProvisionedConcurrencyConfigs)"),
    ({"ProvisionedConcurrencyConfigs": {"1": 1},
      "VersionEventInvokeConfigs": {"1": {"MaximumRetryAttempts": 3}}},
     "function.VersionEventInvokeConfigs.1.MaximumRetryAttempts", "integer 0-2"),
    ({"VersionEventInvokeConfigs": [1]}, "function.VersionEventInvokeConfigs",
     "a mapping {version: EventInvokeConfig}"),
])
def test_bad_version_configs_are_refused_naming_the_field(function, field, allowed):
    with pytest.raises(ls.InvalidParameterValueException) as error:
        ls.FunctionConfig.from_dict(function)
    assert error.value.fields["field"] == field
    assert error.value.fields["allowed"] == allowed


def test_a_version_config_naming_a_missing_function_is_refused_like_latest_s():
    missing = "arn:aws:lambda:us-east-1:123456789012:function:nowhere"
    with pytest.raises(ls.InvalidParameterValueException) as error:
        failing(version_event_invoke_configs={
            "1": {"DestinationConfig": {"OnSuccess": {"Destination": missing}}}})
    assert error.value.fields["field"] == \
        "functions.orders.VersionEventInvokeConfigs.1.DestinationConfig.OnSuccess.Destination"


# -- templates: a version's (or its alias's) EventInvokeConfig lands on that version ------------------

SAM_STACK = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Failures:
    Type: AWS::SQS::Queue
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: orders
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
      AutoPublishAlias: live
      ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 2}
      EventInvokeConfig:
        MaximumRetryAttempts: 0
        MaximumEventAgeInSeconds: 300
        DestinationConfig: {OnFailure: {Type: SQS, Destination: !GetAtt Failures.Arn}}
      Events:
        Every5:
          Type: Schedule
          Properties: {Schedule: rate(5 minutes)}
"""
SAM_FAILURES = "arn:aws:sqs:us-east-1:123456789012:Failures"


def from_template(text, **kwargs):
    with pytest.warns(TemplateWarning):
        return ls.Scenario.from_template(text, **kwargs)


def test_a_sam_auto_publish_alias_keeps_its_event_invoke_config_on_the_version():
    scenario = from_template(SAM_STACK, overrides={"horizon_s": 1200})
    orders = scenario.functions["orders"]
    assert orders.provisioned == (("1", 2),)
    assert orders.event_invoke_config == ls.EventInvokeConfig()          # $LATEST keeps AWS's defaults
    assert orders.version_event_invoke_configs == (("1", ls.EventInvokeConfig(
        0, 300, ls.DestinationConfig(on_failure=SAM_FAILURES))),)
    assert [str(f) for f in scenario.template_report] == [
        "OrdersAliaslive.Name: a scenario file has no aliases: invocations through live are simulated on "
        "orders:1",
        "OrdersEventInvokeConfig.Qualifier: invocations through live are simulated on orders:1, with this "
        "EventInvokeConfig"]
    failing = scenario.replace({"functions.orders.failures": FailureModel(error_probability=1.0)})
    result = ls.run(failing)
    # the schedule's 4 events (0, 300, 600, 900 s) run once each on version 1 and go to Failures
    assert result.fates() == {"retries_exhausted": 4}
    assert result.deliveries[["at", "target_arn"]].values.tolist() == [
        [pytest.approx(at + 0.1), SAM_FAILURES] for at in (0, 300, 600, 900)]


def cfn(qualifiers, published):
    """A function publishing ``published`` versions (provisioned on the last), with a config per
    qualifier in ``qualifiers`` (retries = its position, so each is told apart)."""
    resources = {"F": {"Type": "AWS::Lambda::Function", "Properties": {
        "FunctionName": "f", "Runtime": "python3.12", "Handler": "index.handler",
        "Code": {"ZipFile": "def handler(e, c): pass"}, "Role": "arn:aws:iam::123456789012:role/r"}}}
    previous = None
    for number in range(1, published + 1):
        resources[f"V{number}"] = {"Type": "AWS::Lambda::Version",
                                   "Properties": {"FunctionName": {"Ref": "F"}}}
        if previous:
            resources[f"V{number}"]["DependsOn"] = previous
        previous = f"V{number}"
    resources[previous]["Properties"]["ProvisionedConcurrencyConfig"] = {"ProvisionedConcurrentExecutions": 1}
    for index, qualifier in enumerate(qualifiers):
        resources[f"C{index}"] = {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
            "FunctionName": {"Ref": "F"}, "Qualifier": qualifier, "MaximumRetryAttempts": index % 3}}
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def test_configs_for_latest_and_two_versions_are_each_applied_to_their_qualifier():
    scenario = ls.Scenario.from_template(cfn(["$LATEST", "1", {"Fn::GetAtt": "V2.Version"}], published=2))
    f = scenario.functions["f"]
    assert f.event_invoke_config.maximum_retry_attempts == 0
    assert f.version_event_invoke_configs == (("1", ls.EventInvokeConfig(1)), ("2", ls.EventInvokeConfig(2)))
    assert scenario.template_report.findings == []


def test_a_second_config_for_a_version_and_one_for_an_unpublished_version_are_reported():
    scenario = from_template(cfn(["1", "1", "3"], published=2))
    assert scenario.functions["f"].version_event_invoke_configs == (("1", ls.EventInvokeConfig(0)),)
    assert [str(f) for f in scenario.template_report] == [
        "C1.Qualifier: an EventInvokeConfig for 1: f:1 has one already (from C0); to simulate it, call "
        "put_function_event_invoke_config with Qualifier '1' on the simulation's client",
        "C2.Qualifier: an EventInvokeConfig for 3: the scenario does not publish f:3 (it publishes versions "
        "1..N, N the highest with provisioned concurrency); to simulate it, call "
        "put_function_event_invoke_config with Qualifier '3' on the simulation's client"]


# -- Scenario.replace addresses a version's settings by version number -----------------------------------

def _two_versions():
    return ls.Scenario(functions={"f": ls.FunctionConfig(
        provisioned={"1": 2, "3": 4}, environment={"STAGE": "dev"},
        version_event_invoke_configs={"1": {"MaximumRetryAttempts": 0}, "3": {"MaximumRetryAttempts": 1}})})


def _retries(scenario):
    return {v: c.maximum_retry_attempts for v, c in scenario.functions["f"].version_event_invoke_configs}


def test_replace_addresses_a_version_event_invoke_config_by_its_version():
    scenario = _two_versions()
    path = "functions.f.version_event_invoke_configs"
    assert _retries(scenario.replace({f"{path}.3.maximum_retry_attempts": 2})) == {"1": 0, "3": 2}
    assert _retries(scenario.replace({f"{path}.1": {"MaximumRetryAttempts": 2}})) == {"1": 2, "3": 1}
    whole = ls.EventInvokeConfig(2, 60)
    replaced = scenario.replace({"functions.f.version_event_invoke_configs.3": whole})
    assert dict(replaced.functions["f"].version_event_invoke_configs)["3"] == whole


def test_replace_addresses_provisioned_and_environment_by_key():
    scenario = _two_versions()
    assert scenario.replace({"functions.f.provisioned.3": 7}).functions["f"].provisioned == (
        ("1", 2), ("3", 7))
    assert scenario.replace({"functions.f.provisioned.2": 1}).functions["f"].provisioned == (
        ("1", 2), ("3", 4), ("2", 1))
    assert scenario.replace({"functions.f.environment.STAGE": "prod"}).functions["f"].environment == (
        ("STAGE", "prod"),)


def test_replace_of_a_setting_of_a_version_without_a_config_names_the_path_and_the_versions_that_have_one():
    with pytest.raises(ls.InvalidParameterValueException) as excinfo:
        _two_versions().replace({"functions.f.version_event_invoke_configs.2.maximum_retry_attempts": 2})
    assert excinfo.value.message == ("functions.f.version_event_invoke_configs.2: '2' is not valid; "
                                     "allowed: one of the versions 1, 3")


def test_replace_adding_a_config_for_an_unpublished_version_names_the_versions_published():
    with pytest.raises(ls.InvalidParameterValueException) as excinfo:
        _two_versions().replace({"functions.f.version_event_invoke_configs.4": {"MaximumRetryAttempts": 2}})
    assert excinfo.value.message == (
        "functions.f.version_event_invoke_configs.4: {'MaximumRetryAttempts': 2, 'MaximumEventAgeInSeconds': "
        "21600, 'DestinationConfig': {}} is not valid; allowed: a version the scenario publishes ('1'..'3', "
        "the highest in ProvisionedConcurrencyConfigs)")
