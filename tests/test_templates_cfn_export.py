"""A scenario written back as a template (issue 16): to_cloudformation() passes cfn-lint (run as a
library) without errors and reads back to an equal scenario; to_sam() is accepted by AWS's SAM
translator, and the CloudFormation it makes reads back to the same scenario."""

from __future__ import annotations

import warnings
from pathlib import Path

import boto3
import pytest
import yaml
from cfnlint.api import lint
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

import lambdasim as ls
from lambdasim.model.templates import METADATA_KEY, SAM_TRANSFORM, TemplateWarning
from lambdasim.model.templates.export import template_yaml

TEMPLATES = Path(__file__).parent / "templates"
ACCOUNT = "123456789012"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-dlq"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:alarms"
BUS = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders"
BUCKET = "arn:aws:s3:::failed-orders"
AUDIT = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:audit"


def _load(source, **kwargs) -> ls.Scenario:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TemplateWarning)
        return ls.Scenario.from_template(source, **kwargs)


def _matches(template_text: str) -> list[str]:
    """What cfn-lint finds in a template: errors, warnings and notes alike (none are expected)."""
    return [str(match) for match in lint(template_text)]


def _sam_translated(template: dict) -> dict:
    """AWS's SAM translator, offline (a Region given, no managed policies looked up)."""
    session = boto3.session.Session(region_name="us-east-1")
    return Translator(None, Parser(), boto_session=session).translate(template, {},
                                                                      get_managed_policy_map=dict)


SCENARIO = {
    "seed": 7, "horizon_s": 900, "dispatch": "aws", "start_time": "2025-03-01T12:00:00Z",
    "account": {"ConcurrentExecutions": 400, "function_pending_s": 0},
    "queue": {"retry_jitter_s": 0, "throttle_jitter": 0.25},
    "functions": {
        "orders": {"Timeout": 30, "MemorySize": 1024, "Architectures": ["arm64"],
                   "ReservedConcurrentExecutions": 40,
                   "Environment": {"Variables": {"STAGE": "prod"}}, "RecursiveLoop": "Allow",
                   "DeadLetterConfig": {"TargetArn": QUEUE},
                   "EventInvokeConfig": {"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": 600,
                                         "DestinationConfig": {"OnSuccess": {"Destination": BUS},
                                                               "OnFailure": {"Destination": TOPIC}}},
                   "ProvisionedConcurrencyConfigs": {"2": 4},
                   "VersionEventInvokeConfigs": {"1": {"MaximumRetryAttempts": 0, "DestinationConfig": {
                       "OnFailure": {"Destination": QUEUE}}}, "2": {"MaximumEventAgeInSeconds": 120}},
                   "duration": {"dist": "lognormal", "median_s": 1.5, "sigma": 0.4},
                   "failures": {"error_probability": 0.2}, "keep_alive_s": 300},
        "audit": {"EventInvokeConfig": {"MaximumRetryAttempts": 0,
                                        "DestinationConfig": {"OnFailure": {"Destination": BUCKET}}}},
        "report": {"EventInvokeConfig": {"DestinationConfig": {"OnSuccess": {"Destination": AUDIT}}}},
    },
    "targets": {
        QUEUE: {"Attributes": {"VisibilityTimeout": 120, "MessageRetentionPeriod": 86400}},
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:ledger.fifo": {"Attributes": {
            "FifoQueue": True,
            "RedrivePolicy": {"deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:ledger-dlq.fifo",
                              "maxReceiveCount": 5}}},
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:ledger-dlq.fifo": {"Attributes": {"FifoQueue": True}},
        TOPIC: {"subscriptions": [QUEUE, AUDIT], "raw_message_delivery": True,
                "unavailable": [{"start_s": 60, "end_s": 120}]},
        BUS: {"unavailable": [{"start_s": 0, "end_s": 30}]},
        BUCKET: {},
        "arn:aws:sqs:eu-west-1:210987654321:elsewhere": {"unavailable": [{"start_s": 1, "end_s": 2}]},
    },
    "EventSourceMappings": [
        {"EventSourceArn": QUEUE, "FunctionName": "audit", "BatchSize": 100,
         "MaximumBatchingWindowInSeconds": 2,
         "FunctionResponseTypes": ["ReportBatchItemFailures"], "ScalingConfig": {"MaximumConcurrency": 5}},
        {"EventSourceArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:ledger.fifo", "FunctionName": "report"},
    ],
    "workloads": [{"function": "orders", "arrivals": "poisson", "rate_per_s": 20, "end_s": 600},
                  {"function": "orders", "qualifier": "2", "arrivals": "burst", "count": 50, "at_s": 30}],
}


@pytest.fixture(scope="module")
def scenario() -> ls.Scenario:
    return ls.Scenario.from_dict(SCENARIO)


def test_to_cloudformation_passes_cfn_lint_without_matches(scenario) -> None:
    assert _matches(scenario.to_cloudformation(as_yaml=True)) == []
    assert _matches(scenario.to_sam(as_yaml=True)) == []  # cfn-lint translates SAM itself


def test_to_cloudformation_reads_back_equal_from_dict_and_yaml(scenario) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to report: every setting is simulated
        assert ls.Scenario.from_template(scenario.to_cloudformation()) == scenario
        assert ls.Scenario.from_template(scenario.to_cloudformation(as_yaml=True)) == scenario


def test_the_template_holds_the_async_configuration_as_resources(scenario) -> None:
    template = scenario.to_cloudformation()
    resources = template["Resources"]
    assert {k: v["Type"] for k, v in resources.items()} == {
        "OrdersDlqQueue": "AWS::SQS::Queue", "LedgerQueue": "AWS::SQS::Queue",
        "LedgerDlqQueue": "AWS::SQS::Queue",
        "AlarmsTopic": "AWS::SNS::Topic", "AlarmsTopicSubscription": "AWS::SNS::Subscription",
        "AlarmsTopicSubscription2": "AWS::SNS::Subscription", "OrdersBus": "AWS::Events::EventBus",
        "FailedOrdersBucket": "AWS::S3::Bucket", "FunctionRole": "AWS::IAM::Role",
        "OrdersFunction": "AWS::Lambda::Function",
        "OrdersFunctionInvokeConfig": "AWS::Lambda::EventInvokeConfig",
        "OrdersFunctionVersion1": "AWS::Lambda::Version", "OrdersFunctionVersion2": "AWS::Lambda::Version",
        "OrdersFunctionVersion1InvokeConfig": "AWS::Lambda::EventInvokeConfig",
        "OrdersFunctionVersion2InvokeConfig": "AWS::Lambda::EventInvokeConfig",
        "AuditFunction": "AWS::Lambda::Function",
        "AuditFunctionInvokeConfig": "AWS::Lambda::EventInvokeConfig",
        "ReportFunction": "AWS::Lambda::Function",
        "ReportFunctionInvokeConfig": "AWS::Lambda::EventInvokeConfig",
        "AuditOrdersDlqMapping": "AWS::Lambda::EventSourceMapping",
        "ReportLedgerMapping": "AWS::Lambda::EventSourceMapping"}
    orders = resources["OrdersFunction"]["Properties"]
    assert {k: orders[k] for k in ("FunctionName", "Timeout", "MemorySize", "Architectures",
                                   "ReservedConcurrentExecutions", "Environment", "RecursiveLoop",
                                   "DeadLetterConfig")} == {
        "FunctionName": "orders", "Timeout": 30, "MemorySize": 1024, "Architectures": ["arm64"],
        "ReservedConcurrentExecutions": 40, "Environment": {"Variables": {"STAGE": "prod"}},
        "RecursiveLoop": "Allow",
        "DeadLetterConfig": {"TargetArn": {"Fn::GetAtt": ["OrdersDlqQueue", "Arn"]}}}
    assert resources["OrdersFunctionInvokeConfig"]["Properties"] == {
        "FunctionName": {"Ref": "OrdersFunction"}, "Qualifier": "$LATEST", "MaximumRetryAttempts": 1,
        "MaximumEventAgeInSeconds": 600,
        "DestinationConfig": {"OnSuccess": {"Destination": {"Fn::GetAtt": ["OrdersBus", "Arn"]}},
                              "OnFailure": {"Destination": {"Ref": "AlarmsTopic"}}}}
    # AWS's defaults are left out: only what the scenario changes is written
    assert resources["AuditFunctionInvokeConfig"]["Properties"] == {
        "FunctionName": {"Ref": "AuditFunction"}, "Qualifier": "$LATEST", "MaximumRetryAttempts": 0,
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["FailedOrdersBucket", "Arn"]}}}}
    assert resources["ReportFunctionInvokeConfig"]["Properties"]["DestinationConfig"] == {
        "OnSuccess": {"Destination": {"Fn::GetAtt": ["AuditFunction", "Arn"]}}}
    # each version's own config, on that version (AWS keeps one per qualifier)
    assert resources["OrdersFunctionVersion1InvokeConfig"]["Properties"] == {
        "FunctionName": {"Ref": "OrdersFunction"},
        "Qualifier": {"Fn::GetAtt": ["OrdersFunctionVersion1", "Version"]},
        "MaximumRetryAttempts": 0,
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["OrdersDlqQueue", "Arn"]}}}}
    assert resources["OrdersFunctionVersion2InvokeConfig"]["Properties"] == {
        "FunctionName": {"Ref": "OrdersFunction"},
        "Qualifier": {"Fn::GetAtt": ["OrdersFunctionVersion2", "Version"]},
        "MaximumEventAgeInSeconds": 120}
    assert resources["OrdersFunctionVersion2"] == {
        "Type": "AWS::Lambda::Version", "DependsOn": "OrdersFunctionVersion1",
        "Properties": {"FunctionName": {"Ref": "OrdersFunction"},
                       "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 4}}}
    assert resources["LedgerQueue"]["Properties"] == {
        "QueueName": "ledger.fifo", "FifoQueue": True,
        "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["LedgerDlqQueue", "Arn"]},
                          "maxReceiveCount": 5}}
    assert resources["AlarmsTopicSubscription2"]["Properties"] == {
        "TopicArn": {"Ref": "AlarmsTopic"}, "Protocol": "lambda",
        "Endpoint": {"Fn::GetAtt": ["AuditFunction", "Arn"]}, "RawMessageDelivery": True}
    assert resources["AuditOrdersDlqMapping"]["Properties"] == {
        "EventSourceArn": {"Fn::GetAtt": ["OrdersDlqQueue", "Arn"]}, "FunctionName": {"Ref": "AuditFunction"},
        "BatchSize": 100, "MaximumBatchingWindowInSeconds": 2, "Enabled": True,
        "FunctionResponseTypes": ["ReportBatchItemFailures"], "ScalingConfig": {"MaximumConcurrency": 5}}


def test_the_simulator_settings_go_to_metadata_as_scenario_yaml(scenario) -> None:
    settings = yaml.safe_load(scenario.to_cloudformation()["Metadata"][METADATA_KEY])
    assert settings["seed"] == 7 and settings["horizon_s"] == 900
    assert settings["account"]["ConcurrentExecutions"] == 400
    assert settings["functions"]["orders"]["duration"] == {"dist": "lognormal", "median_s": 1.5, "sigma": 0.4}
    assert settings["functions"]["orders"]["failures"] == {"error_probability": 0.2}
    assert settings["workloads"][1] == {"function": "orders", "arrivals": "burst", "count": 50, "at_s": 30.0,
                                        "qualifier": "2"}
    # outages of the template's targets, and the whole of a target in another account
    assert settings["targets"] == {
        TOPIC: {"unavailable": [{"start_s": 60.0, "end_s": 120.0}]},
        BUS: {"unavailable": [{"start_s": 0.0, "end_s": 30.0}]},
        "arn:aws:sqs:eu-west-1:210987654321:elsewhere": {"unavailable": [{"start_s": 1.0, "end_s": 2.0}]}}
    assert "Timeout" not in settings["functions"]["orders"]  # AWS settings are resources, not metadata


def test_yaml_text_uses_short_tags_and_no_aliases(scenario) -> None:
    text = scenario.to_cloudformation(as_yaml=True)
    assert "TargetArn: !GetAtt 'OrdersDlqQueue.Arn'" in text
    assert "FunctionName: !Ref 'OrdersFunction'" in text
    assert "&id" not in text and "*id" not in text
    assert f"{METADATA_KEY}: |\n    seed: 7\n" in text
    assert template_yaml({"A": {"Ref": "B"}}) == "A: !Ref 'B'\n"


@pytest.mark.parametrize("name", ["cfn_orders.yaml", "cfn_payments.json"])
def test_each_test_template_round_trips_through_to_cloudformation(name) -> None:
    scenario = _load(TEMPLATES / name)
    text = scenario.to_cloudformation(as_yaml=True)
    assert _matches(text) == []
    assert _load(text) == scenario


def test_to_sam_is_accepted_by_the_sam_translator_and_reads_back(scenario) -> None:
    template = scenario.to_sam()
    assert template["Transform"] == SAM_TRANSFORM
    orders = template["Resources"]["OrdersFunction"]
    assert orders["Type"] == "AWS::Serverless::Function"
    assert orders["Properties"]["DeadLetterQueue"] == {"Type": "SQS",
                                                       "TargetArn": {"Fn::GetAtt": ["OrdersDlqQueue", "Arn"]}}
    assert orders["Properties"]["EventInvokeConfig"]["DestinationConfig"] == {
        "OnSuccess": {"Destination": {"Fn::GetAtt": ["OrdersBus", "Arn"]}, "Type": "EventBridge"},
        "OnFailure": {"Destination": {"Ref": "AlarmsTopic"}, "Type": "SNS"}}
    audit = template["Resources"]["AuditFunction"]["Properties"]
    assert audit["Events"] == {"OrdersDlqMessages": {"Type": "SQS", "Properties": {
        "Queue": {"Fn::GetAtt": ["OrdersDlqQueue", "Arn"]}, "BatchSize": 100,
        "MaximumBatchingWindowInSeconds": 2,
        "Enabled": True, "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "ScalingConfig": {"MaximumConcurrency": 5}}}}
    translated = _sam_translated(template)
    assert _matches(template_yaml(translated)) == []
    back = _load(translated)
    # SAM writes a function's SQS events after the function: only the mappings' order differs
    assert set(back.event_source_mappings) == set(scenario.event_source_mappings)
    assert back.replace(event_source_mappings=scenario.event_source_mappings) == scenario


def test_a_callable_handler_is_written_by_name_and_needs_trust_to_read_back() -> None:
    scenario = ls.Scenario.from_dict({"functions": {"f": {"handler": _module_handler}}})
    template = scenario.to_cloudformation()
    with pytest.raises(ls.InvalidParameterValueException, match=r"^functions\.f\.handler: "):
        _load(template)
    back = _load(template, trust=True)
    assert back.functions["f"].handler == f"{__name__}:_module_handler"


def _module_handler(event, context):  # a module-level handler: to_yaml writes it as module:name
    return event


# -- to_sam: versions as SAM's AutoPublishAlias makes them -----------------------------------------------

ONE_VERSION = {"functions": {"orders": {
    "Timeout": 30, "ReservedConcurrentExecutions": 10, "ProvisionedConcurrencyConfigs": {"1": 2},
    "EventInvokeConfig": {"MaximumRetryAttempts": 1},
    "VersionEventInvokeConfigs": {"1": {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 300,
                                        "DestinationConfig": {"OnFailure": {"Destination": QUEUE}}}}}},
    "targets": {QUEUE: {}}}


def test_to_sam_writes_one_published_version_as_auto_publish_alias() -> None:
    scenario = ls.Scenario.from_dict(ONE_VERSION)
    template = scenario.to_sam()
    resources = template["Resources"]
    orders = resources["OrdersFunction"]["Properties"]
    assert (orders["AutoPublishAlias"], orders["ProvisionedConcurrencyConfig"]) == (
        "live", {"ProvisionedConcurrentExecutions": 2})
    # the function's EventInvokeConfig is the alias's (version 1's); $LATEST's is a resource of its own
    assert orders["EventInvokeConfig"] == {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 300,
                                           "DestinationConfig": {"OnFailure": {
                                               "Destination": {"Fn::GetAtt": ["OrdersDlqQueue", "Arn"]},
                                               "Type": "SQS"}}}
    assert resources["OrdersFunctionInvokeConfig"] == {
        "Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
            "FunctionName": {"Ref": "OrdersFunction"}, "Qualifier": "$LATEST", "MaximumRetryAttempts": 1}}
    assert not [r for r in resources.values() if r["Type"] == "AWS::Lambda::Version"]
    text = template_yaml(template)
    assert _matches(text) == []
    translated = _sam_translated(template)
    assert _matches(template_yaml(translated)) == []
    types = sorted(r["Type"] for r in translated["Resources"].values())
    assert types.count("AWS::Lambda::Alias") == types.count("AWS::Lambda::Version") == 1
    with pytest.warns(TemplateWarning):
        back = ls.Scenario.from_template(text)
    assert [str(f) for f in back.template_report] == [
        "OrdersFunctionAliaslive.Name: a scenario file has no aliases: invocations through live are "
        "simulated on orders:1",
        "OrdersFunctionEventInvokeConfig.Qualifier: invocations through live are simulated on orders:1, "
        "with this EventInvokeConfig"]
    assert back == scenario
    assert _load(translated) == scenario


def test_to_sam_auto_publish_alias_states_a_default_version_config_and_none_when_absent() -> None:
    defaults = ls.Scenario.from_dict({"functions": {"orders": {
        "ProvisionedConcurrencyConfigs": {"1": 1}, "VersionEventInvokeConfigs": {"1": {}}}}})
    orders = defaults.to_sam()["Resources"]["OrdersFunction"]["Properties"]
    assert orders["EventInvokeConfig"] == {"MaximumRetryAttempts": 2}  # AWS needs one setting
    assert _load(defaults.to_sam()) == defaults
    bare = ls.Scenario.from_dict({"functions": {"orders": {"ProvisionedConcurrencyConfigs": {"1": 1}}}})
    assert "EventInvokeConfig" not in bare.to_sam()["Resources"]["OrdersFunction"]["Properties"]
    assert _load(bare.to_sam()) == bare


def test_to_sam_keeps_more_versions_as_lambda_versions(scenario) -> None:
    resources = scenario.to_sam()["Resources"]   # orders publishes versions 1 and 2
    assert "AutoPublishAlias" not in resources["OrdersFunction"]["Properties"]
    versions = (resources["OrdersFunctionVersion1"], resources["OrdersFunctionVersion2"])
    assert [r["Type"] for r in versions] == ["AWS::Lambda::Version"] * 2
