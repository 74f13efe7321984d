"""CloudFormation templates in and out (issue 16): tests/templates/cfn_* read field by field, what
is not simulated reported with its exact words, refusals with their exact messages, runs of each
template, and the way back (to_cloudformation passes cfn-lint and reads back equal; to_sam is
accepted by AWS's SAM translator)."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import pytest

import lambdasim as ls
from lambdasim.model.templates import (
    SAM_TRANSFORM,
    Finding,
    TemplateRefused,
    TemplateWarning,
    read_template,
    template_format,
)

TEMPLATES = Path(__file__).parent / "templates"
ORDERS = TEMPLATES / "cfn_orders.yaml"
PAYMENTS = TEMPLATES / "cfn_payments.json"
ACCOUNT = "123456789012"
ORDERS_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders-prod"
AUDIT_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:AuditFunction"
DLQ_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-dlq-prod"
WORK_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:WorkQueue"
LEDGER_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:LedgerQueue.fifo"
ALARMS_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:orders-alarms-prod"
BUS_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders-bus"
BUCKET_ARN = f"arn:aws:s3:::failed-orders-{ACCOUNT}"


def _load(source, **kwargs) -> ls.Scenario:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TemplateWarning)
        return ls.Scenario.from_template(source, **kwargs)


def _cfn(resources: dict, **sections) -> dict:
    """A small template around ``resources`` (with one function named ``f`` unless given)."""
    resources = {"F": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "f"}}, **resources}
    return {**sections, "Resources": resources}


# -- the YAML template, field by field -------------------------------------------------------------

def test_yaml_functions_read_field_by_field() -> None:
    s = _load(ORDERS)
    assert list(s.functions) == ["orders-prod", "AuditFunction"]
    orders = s.functions["orders-prod"]
    assert (orders.timeout_s, orders.memory_mb, orders.architecture) == (30, 512, "arm64")
    assert orders.reserved_concurrency == 50                       # !If IsProd -> !FindInMap
    assert orders.dead_letter_target_arn == DLQ_ARN                # !GetAtt OrdersDlq.Arn, name from !Sub
    assert dict(orders.environment) == {"STAGE": "prod", "TABLE": "lambdasim-orders",
                                        "FIRST_SUBNET": "subnet-1", "REGION_PART": "east"}
    assert orders.provisioned == (("2", 5),)                      # the second AWS::Lambda::Version
    config = orders.event_invoke_config
    assert (config.maximum_retry_attempts, config.maximum_event_age_s) == (1, 3600)
    destinations = config.destination_config
    assert (destinations.on_success, destinations.on_failure) == (BUS_ARN, ALARMS_ARN)
    assert orders.recursive_loop == "Terminate"
    audit = s.functions["AuditFunction"]                           # no FunctionName: the logical id
    assert (audit.timeout_s, audit.memory_mb, audit.reserved_concurrency) == (10, 256, None)
    assert audit.recursive_loop == "Allow"
    assert audit.event_invoke_config.maximum_retry_attempts == 1   # !Ref AuditRetries (Number, default 1)
    assert audit.event_invoke_config.maximum_event_age_s == 21_600  # AWS's default: the template sets none
    assert audit.event_invoke_config.destination_config.on_failure == BUCKET_ARN


def test_yaml_targets_mappings_and_schedule_read_field_by_field() -> None:
    s = _load(ORDERS)
    # every queue, topic, bus and bucket but DevOnlyQueue (its Condition is false)
    assert set(s.targets) == {DLQ_ARN, WORK_ARN, LEDGER_ARN, ALARMS_ARN, BUS_ARN, BUCKET_ARN}
    assert s.targets[DLQ_ARN]["Attributes"] == {"MessageRetentionPeriod": 1_209_600}
    assert s.targets[WORK_ARN]["Attributes"] == {
        "VisibilityTimeout": 180, "MessageRetentionPeriod": 86_400,
        "RedrivePolicy": {"deadLetterTargetArn": DLQ_ARN, "maxReceiveCount": 3}}
    assert s.targets[WORK_ARN]["queue"].visibility_timeout_s == 180
    assert s.targets[LEDGER_ARN]["Attributes"] == {"FifoQueue": True, "ContentBasedDeduplication": True,
                                                   "VisibilityTimeout": 60}
    assert s.targets[ALARMS_ARN]["subscriptions"] == (AUDIT_ARN, WORK_ARN)  # inline lambda, then the resource
    assert s.targets[ALARMS_ARN]["raw_message_delivery"] is True
    assert s.targets[BUS_ARN]["unavailable"] == () and s.targets[BUCKET_ARN]["unavailable"] == ()
    work, ledger = s.event_source_mappings
    assert (work.event_source_arn, work.function_name, work.batch_size, work.window_s,
            work.report_batch_item_failures, work.maximum_concurrency, work.enabled) == (
        WORK_ARN, "AuditFunction", 50, 5, True, 4, True)
    assert (ledger.event_source_arn, ledger.function_name, ledger.batch_size) == (LEDGER_ARN, AUDIT_ARN, 10)
    (heartbeat,) = s.workloads                                     # rate(1 minute) for the default hour
    assert (heartbeat.function, heartbeat.to_dict()["arrivals"]) == ("orders-prod", "events")
    assert [e.at_s for e in heartbeat.events] == [60.0 * k for k in range(60)]
    assert heartbeat.events[1].payload == {   # EventBridge's Scheduled Event, as SAM's and Terraform's
        "version": "0", "id": heartbeat.events[1].payload["id"], "detail-type": "Scheduled Event",
        "source": "aws.events", "account": ACCOUNT, "time": "2025-01-01T00:01:00Z", "region": "us-east-1",
        "resources": [f"arn:aws:events:us-east-1:{ACCOUNT}:rule/Heartbeat"], "detail": {}}


def test_yaml_report_lists_what_is_not_simulated_in_exact_words() -> None:
    with pytest.warns(TemplateWarning, match=r"^10 resources or properties of .*cfn_orders.yaml are not "
                                             r"simulated \(scenario.template_report lists them\)$"):
        s = ls.Scenario.from_template(ORDERS)
    kms = ("encryption with a KMS key: a key that is disabled, or whose policy denies the sender, makes AWS "
           "refuse the message; lambdasim never does")
    assert [(f.resource, f.prop) for f in s.template_report] == [  # in template order
        ("WorkQueue", "KmsMasterKeyId"), ("Alarms", "Subscription[1].Protocol"),
        ("AlarmsToWork", "FilterPolicy"),
        ("OrdersFunction", "VpcConfig"), ("OrdersFunction", "KmsKeyArn"), ("OrdersFunction", "SnapStart"),
        ("OrdersLive", "RoutingConfig"), ("OrdersLive", "Name"), ("WorkMapping", "FilterCriteria"),
        ("OrdersTable", "AWS::DynamoDB::Table")]
    whys = [f.why for f in s.template_report]
    assert whys[0] == kms
    assert whys[1] == ("a subscription of protocol email: lambdasim's topics deliver to SQS queues and "
                       "Lambda functions only; this one is left out")
    assert whys[3] == ("a function in a VPC: its network interfaces and the VPC's routes to the targets are "
                       "not simulated (cold starts take the cold_start distribution)")
    assert whys[5] == ("SnapStart restores published versions from a snapshot instead of running Init: set "
                       "the function's cold_start to what you measured")
    assert whys[6] == ("weighted alias routing: a scenario file has no aliases; invocations through the "
                       "alias are simulated on version 2; to split traffic, create the alias with the client "
                       "(create_alias with RoutingConfig)")
    assert whys[7] == ("a scenario file has no aliases: invocations through live are simulated on "
                       "orders-prod:2")
    assert whys[9] == ("a resource type lambdasim does not model; if it sends events to a function, pass a "
                       "workload for them")
    text = str(s.template_report)
    assert text.splitlines()[0] == f"{ORDERS} (CloudFormation): 14 resources read; 10 not modelled:"
    assert text.splitlines()[1] == f"  - WorkQueue.KmsMasterKeyId: {kms}"


def test_parameters_passed_change_conditions_names_and_mappings() -> None:
    s = _load(ORDERS, parameters={"Stage": "dev", "OrdersMemory": "1024"})
    orders = s.functions["orders-dev"]
    assert (orders.memory_mb, orders.reserved_concurrency) == (1024, None)  # AWS::NoValue when not IsProd
    assert s.functions["AuditFunction"].memory_mb == 128
    assert f"arn:aws:sqs:us-east-1:{ACCOUNT}:dev-only" in s.targets          # Condition IsDev now true
    assert s.targets[f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-dlq-dev"]["Attributes"] == {
        "MessageRetentionPeriod": 345_600}
    assert len(s.event_source_mappings) == 1                       # LedgerMapping needs ProdInRegion


def test_the_account_and_region_come_from_overrides() -> None:
    s = _load(ORDERS, overrides={"account": {"region": "eu-west-1", "account_id": "111122223333",
                                             "ConcurrentExecutions": 2000}})
    assert s.account.concurrent_executions == 2000
    orders = s.functions["orders-prod"]
    assert orders.dead_letter_target_arn == "arn:aws:sqs:eu-west-1:111122223333:orders-dlq-prod"
    assert s.functions["orders-prod"].environment[3] == ("REGION_PART", "west")
    assert "arn:aws:s3:::failed-orders-111122223333" in s.targets
    assert len(s.event_source_mappings) == 1  # ProdInRegion: us-east-1 or us-west-2 only


# -- the JSON template ------------------------------------------------------------------------------

def test_json_template_read_field_by_field() -> None:
    s = _load(PAYMENTS)
    (name,) = s.functions
    payments = s.functions[name]
    assert name == "payments-handler"                                  # Fn::Sub with its variables
    assert (payments.timeout_s, payments.memory_mb, payments.reserved_concurrency) == (60, 1024, 20)
    assert payments.dead_letter_target_arn == f"arn:aws:sns:us-east-1:{ACCOUNT}:payments-dead-letters"
    assert payments.provisioned == (("1", 3),)                          # on the alias: on its version
    config = payments.event_invoke_config                               # $LATEST's
    assert (config.maximum_retry_attempts, config.maximum_event_age_s) == (0, 120)
    assert config.destination_config.on_failure == "arn:aws:sqs:us-east-1:210987654321:payment-audit"
    # the alias live's, on its version 1 (the template's second config for version 1 is reported)
    assert payments.version_event_invoke_configs == (("1", ls.EventInvokeConfig(maximum_retry_attempts=1)),)
    topic = s.targets[f"arn:aws:sns:us-east-1:{ACCOUNT}:payments-dead-letters"]
    assert topic["subscriptions"] == (f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:payments-handler:1",)
    nightly, settlements = s.workloads            # cron(0 2 * * ? *) and rate(5 minutes), via the alias
    assert (nightly.function, nightly.qualifier, [e.at_s for e in nightly.events]) == (
        "payments-handler", "1", [])                                    # 02:00 is past the hour
    assert (settlements.function, settlements.qualifier) == ("payments-handler", "1")
    assert [e.at_s for e in settlements.events] == [300.0 * k for k in range(12)]
    day = _load(PAYMENTS, overrides={"horizon_s": 86_400}).workloads[0]
    assert [e.at_s for e in day.events] == [7_200.0]
    assert s.event_source_mappings == ()                                # the Kinesis mapping is reported


def test_json_report_in_exact_words() -> None:
    report = _load(PAYMENTS).template_report
    assert [str(f) for f in report] == [  # in template order
        "PaymentsLive.Name: a scenario file has no aliases: invocations through live are simulated on "
        "payments-handler:1",
        "PaymentsLiveInvokeConfig.Qualifier: invocations through live are simulated on payments-handler:1, "
        "with this EventInvokeConfig",
        "PaymentsLatestInvokeConfig.DestinationConfig.OnFailure.Destination: a cross-account destination "
        "(210987654321): lambdasim delivers to it as a target that always accepts; the other account's "
        "resource policy is not simulated",
        "PaymentsVersionInvokeConfig.Qualifier: an EventInvokeConfig for 1: payments-handler:1 has one "
        "already (from PaymentsLiveInvokeConfig); to simulate it, call put_function_event_invoke_config "
        "with Qualifier '1' on the simulation's client",
        "PaymentsDeadLetters.KmsMasterKeyId: encryption with a KMS key: a key that is disabled, or whose "
        "policy denies the sender, makes AWS refuse the message; lambdasim never does",
        "PaymentStream.EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/payments is not an SQS "
        "queue: lambdasim simulates SQS event-source mappings only; this mapping is left out",
    ]
    assert report.format == "CloudFormation" and report.aliases == {"payments-handler:live": "1"}


def test_caller_workloads_name_logical_ids_and_aliases() -> None:
    s = _load(PAYMENTS, workloads=[{"function": "PaymentsFunction", "qualifier": "live", "arrivals": "burst",
                                    "count": 3, "at_s": 1}])
    assert s.workloads[2].to_dict() == {"function": "payments-handler", "arrivals": "burst", "count": 3,
                                        "at_s": 1, "qualifier": "1"}


def test_an_alias_to_an_unpublished_version_is_simulated_on_latest() -> None:
    template = _cfn({"V": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "F"}}},
                     "A": {"Type": "AWS::Lambda::Alias", "Properties": {
                         "FunctionName": {"Ref": "F"}, "Name": "live",
                         "FunctionVersion": {"Fn::GetAtt": "V.Version"}}},
                     "T": {"Type": "AWS::SNS::Topic", "Properties": {
                         "Subscription": [{"Protocol": "lambda", "Endpoint": {"Ref": "A"}}]}}})
    s = _load(template)
    assert s.targets[f"arn:aws:sns:us-east-1:{ACCOUNT}:T"]["subscriptions"] == (
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f",)
    assert str(s.template_report.findings[-1]) == ("A.Name: a scenario file has no aliases: invocations "
                                                   "through live are simulated on f:$LATEST")


# -- runs ---------------------------------------------------------------------------------------------

def test_a_run_of_the_yaml_template_meets_the_expected_fates() -> None:
    """Each of the 60 heartbeats fails twice (1 retry) and goes to the Alarms topic, whose Lambda
    subscriber (AuditFunction) then runs once per record: 60 + the caller's 5 succeed."""
    s = _load(ORDERS, overrides={"functions": {"orders-prod": {"failures": {"error_probability": 1.0}}},
                                 "queue": {"retry_jitter_s": 0, "throttle_jitter": 0}},
              workloads=[{"function": "AuditFunction", "arrivals": "burst", "count": 5, "at_s": 10}])
    result = ls.run(s)
    assert result.fates() == {"succeeded": 65, "retries_exhausted": 60}
    events = result.events
    orders = events[events["function"] == "orders-prod"]
    assert set(orders["attempts"]) == {2} and set(orders["on_failure"]) == {ALARMS_ARN}


def test_a_run_of_the_json_template_meets_the_expected_fates() -> None:
    """The schedule invokes the alias, simulated on version 1 with the alias's config (1 retry); the
    caller's burst invokes $LATEST, whose config (no retries, 120 s) the template sets."""
    topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:payments-dead-letters"  # its subscriber would loop the failures
    s = _load(PAYMENTS, overrides={"horizon_s": 1700, "functions": {"payments-handler": {
        "failures": {"error_probability": 1.0}}}, "queue": {"retry_jitter_s": 0},
        "targets": {topic: {"subscriptions": []}}},
        workloads=[{"function": "PaymentsFunction", "arrivals": "burst", "count": 2, "at_s": 0}])
    healthy = s.replace({"functions.payments-handler.failures": ls.FailureModel()})
    assert ls.run(healthy).fates() == {"succeeded": 8}                # at 0, 300, ... 1500 s, and 2
    result = ls.run(s)
    rows = {tuple(row) for row in result.events[["max_retry_attempts", "max_event_age_s", "attempts",
                                                  "on_failure"]].itertuples(index=False)}
    assert rows == {(1, 21_600, 2, ""), (0, 120, 1, "arn:aws:sqs:us-east-1:210987654321:payment-audit")}
    assert list(result.events["max_retry_attempts"].value_counts().sort_index()) == [2, 6]   # 0 and 1 retry
    assert set(result.events["dlq"]) == {topic}


# -- refusals, with their exact messages ---------------------------------------------------------------

@pytest.mark.parametrize(("resources", "sections", "parameters", "message"), [
    ({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": {"Ref": "Visibility"}}}},
     {"Parameters": {"Visibility": {"Type": "Number"}}}, None,
     "Q.VisibilityTimeout: Ref to Visibility, a parameter with no Default; pass it with "
     "parameters={'Visibility': ...}"),
    ({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": {"Ref": "Visibility"}}}},
     {"Parameters": {"Visibility": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/q/vis"}}},
     None,
     "Q.VisibilityTimeout: Ref to Visibility, a Systems Manager parameter, read when the stack is deployed; "
     "pass it with parameters={'Visibility': ...}"),
    ({"E": {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
        "FunctionName": "f", "Qualifier": "$LATEST",
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::ImportValue": "shared-dlq-arn"}}}}}},
     {}, None,
     "E.DestinationConfig.OnFailure.Destination: Fn::ImportValue is an output of another stack, known only "
     "when deployed; write the value itself, or pass it as a parameter"),
    ({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}}}},
     {}, None,
     "Q.DelaySeconds: Fn::Cidr is an address calculation lambdasim does not evaluate; write the value "
     "itself, or pass it as a parameter"),
    ({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": {"Fn::Frobnicate": 1}}}}, {}, None,
     "Q.DelaySeconds: Fn::Frobnicate is not an intrinsic function lambdasim evaluates; write the value "
     "itself, or pass it as a parameter"),
    ({"T": {"Type": "AWS::Kinesis::Stream", "Properties": {}},
      "E": {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
          "FunctionName": "f", "Qualifier": "$LATEST",
          "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["T", "Arn"]}}}}}}, {}, None,
     "E.DestinationConfig.OnFailure.Destination: Fn::GetAtt T.Arn of T (AWS::Kinesis::Stream), a value "
     "lambdasim does not know; write the value itself, or pass it as a parameter"),
    ({"E": {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
        "FunctionName": {"Ref": "Gone"}, "Qualifier": "$LATEST"}}}, {}, None,
     "E.FunctionName: Ref names Gone, which is not a resource of the template (or its Condition is false); "
     "write the value itself, or pass it as a parameter"),
    ({"E": {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {"FunctionName": "g",
                                                                     "Qualifier": "$LATEST"}}},
     {}, None,
     "E.FunctionName: g is not a function of the template; name an AWS::Lambda::Function of the template"),
    ({}, {"Parameters": {"Stage": {"Type": "String", "Default": "prod"}}}, {"Stag": "dev"},
     "Parameters.Stag: no such parameter in the template; pass only its parameters: Stage"),
    ({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Stage"}}}},
     {"Parameters": {"Stage": {"Type": "String", "AllowedValues": ["prod", "dev"]}}}, {"Stage": "test"},
     "Parameters.Stage: 'test' is not one of its AllowedValues; pass one of prod, dev"),
    ({"A": {"Type": "AWS::Lambda::Alias", "Properties": {
        "FunctionName": "f", "Name": "live", "FunctionVersion": "1",
        "RoutingConfig": {"AdditionalVersionWeights": [{"FunctionVersion": "2", "FunctionWeight": 0.5}]},
        "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 2}}}}, {}, None,
     "A.ProvisionedConcurrencyConfig: Alias with weights can not be used with Provisioned Concurrency; "
     "remove RoutingConfig or the provisioned concurrency"),
    ({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": {"Fn::If": ["Nope", 1, 2]}}}}, {}, None,
     "Q.DelaySeconds: the condition Nope is not in Conditions; declare it under Conditions"),
    ({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": {"Fn::Join": ["-"]}}}}, {}, None,
     "Q.DelaySeconds: Fn::Join is malformed; write it as [delimiter, [values]]"),
])
def test_refusals_name_the_resource_the_property_and_what_to_pass(resources, sections, parameters,
                                                                   message) -> None:
    with pytest.raises(TemplateRefused) as caught:
        _load(_cfn(resources, **sections), parameters=parameters)
    assert str(caught.value) == message


def test_a_refusal_keeps_its_parts() -> None:
    template = _cfn({}, Parameters={"Memory": {"Type": "Number"}})
    template["Resources"]["F"]["Properties"]["MemorySize"] = {"Ref": "Memory"}
    with pytest.raises(TemplateRefused) as caught:
        read_template(template)
    assert (caught.value.resource, caught.value.prop) == ("F", "MemorySize")
    assert caught.value.instead == "pass it with parameters={'Memory': ...}"
    scenario = _load(template, parameters={"Memory": 2048})
    assert scenario.functions["f"].memory_mb == 2048


@pytest.mark.parametrize(("text", "message"), [
    ("Resources: [1, 2", "template: not a template lambdasim reads: as YAML or JSON, not a CloudFormation "
     "template (did not find expected ',' or ']'); as Terraform .tf text, not Terraform HCL (Unexpected "
     "token Token('COLON', ':') at line 1, column 10.); pass a CloudFormation or SAM template (YAML or "
     "JSON), the JSON of terraform show -json, or a directory of Terraform .tf files, a .tf file, or .tf "
     "text"),
    ("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
     "Resources: the template has no resources; pass a template with a Resources section"),
    ("Resources:\n  Q: {Type: AWS::SQS::Queue}\n",
     "Resources: the template has no AWS::Lambda::Function; pass a template that declares at least one "
     "function"),
])
def test_what_is_not_a_template_is_refused(text, message) -> None:
    with pytest.raises(TemplateRefused) as refused:
        read_template(text)
    assert str(refused.value) == message


def test_a_bad_value_in_the_template_names_the_scenario_field() -> None:
    template = _cfn({})
    template["Resources"]["F"]["Properties"]["Timeout"] = 901
    with pytest.raises(ls.InvalidParameterValueException,
                       match=r"^functions\.f\.Timeout: 901 is not valid; allowed: integer 1-900"):
        _load(template)


# -- formats -----------------------------------------------------------------------------------------

def test_formats_are_told_apart() -> None:
    assert template_format({"Resources": {}}) == "CloudFormation"
    assert template_format({"Transform": SAM_TRANSFORM, "Resources": {}}) == "SAM"
    assert template_format({"Transform": ["AWS::LanguageExtensions", SAM_TRANSFORM]}) == "SAM"
    assert template_format({"format_version": "1.2", "terraform_version": "1.9.0"}) == "Terraform plan"
    assert template_format("resource {}", "main.tf") == "Terraform"


def test_a_missing_reader_module_is_named(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "lambdasim.model.templates.sam", None)  # as if it were not installed
    message = (r"^SAM \(Transform: AWS::Serverless-2016-10-31\) templates are not read yet "
               r"\(lambdasim.model.templates.sam.cloudformation_from_sam is missing\)$")
    with pytest.raises(NotImplementedError, match=message):
        read_template({"Transform": SAM_TRANSFORM, "Resources": {}})


def test_json_text_bytes_and_mappings_read_alike() -> None:
    data = json.loads(PAYMENTS.read_text())
    from_path = _load(PAYMENTS)
    assert _load(data) == from_path
    assert _load(PAYMENTS.read_text()) == from_path
    assert _load(PAYMENTS.read_bytes()) == from_path
    assert _load(str(PAYMENTS)) == from_path


def test_a_clean_template_warns_nothing_and_says_so() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = ls.Scenario.from_template(_cfn({}))
    assert str(s.template_report) == ("template (CloudFormation): 1 resources read; nothing that affects "
                                      "async behaviour was left out")
    assert s.template_report.findings == [] and s.template_report.resources == {"F": "f"}
    assert Finding("F", "VpcConfig", "why").__str__() == "F.VpcConfig: why"


def test_the_report_is_not_a_field() -> None:
    s = _load(ORDERS)
    assert s == ls.Scenario.from_dict(s.to_dict())
    assert not hasattr(s.replace(seed=1), "template_report")


def test_the_readme_example_runs(monkeypatch) -> None:
    """README's "Bring your own stack" example, as a user pastes it (from the repository's root)."""
    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Bring your own stack"):text.index("## The scenario format")]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(Path(__file__).parents[1])
    namespace: dict = {}
    with pytest.warns(TemplateWarning):
        exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own code
    assert namespace["scenario"].horizon_s == 3600
    fates = namespace["result"].fates()  # 60 heartbeats, and about 3,000 Poisson arrivals (sd 55)
    assert set(fates) == {"succeeded"} and 60 + 2_780 < fates["succeeded"] < 60 + 3_220


# -- intrinsic functions, one by one ---------------------------------------------------------------

@pytest.mark.parametrize(("node", "value"), [
    ({"Fn::Sub": "${AWS::Region}/${AWS::AccountId}/${AWS::Partition}/${AWS::StackName}/${AWS::URLSuffix}"},
     "us-east-1/123456789012/aws/lambdasim/amazonaws.com"),
    ({"Fn::Sub": "${!Literal}-${Stage}"}, "${Literal}-prod"),
    ({"Fn::Sub": ["${A}.${B}", {"A": "x", "B": {"Ref": "Stage"}}]}, "x.prod"),
    ({"Fn::Sub": "${F.Arn}"}, f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f"),
    ({"Fn::Join": ["", ["a", {"Ref": "Stage"}, "c"]]}, "aprodc"),
    ({"Fn::Select": ["1", {"Fn::Split": [",", "a,b,c"]}]}, "b"),
    ({"Fn::Select": [0, {"Fn::GetAZs": ""}]}, "us-east-1a"),
    ({"Fn::FindInMap": ["M", {"Ref": "Stage"}, "size"]}, 3),
    ({"Fn::FindInMap": ["M", "dev", "size", {"DefaultValue": 1}]}, 1),
    ({"Fn::If": ["Prod", "yes", "no"]}, "yes"),
    ({"Fn::If": ["NotProd", "yes", {"Ref": "AWS::NoValue"}]}, None),
    ({"Fn::Base64": {"Fn::Sub": "${Stage}"}}, "prod"),
    ({"Fn::Equals": [{"Ref": "Size"}, "3"]}, True),
    ({"Fn::And": [{"Condition": "Prod"}, {"Fn::Not": [{"Condition": "NotProd"}]}]}, True),
    ({"Fn::Or": [{"Condition": "NotProd"}, False]}, False),
    ({"Ref": "Names"}, ["a", "b"]),
])
def test_intrinsic_functions_evaluate_as_cloudformation_does(node, value) -> None:
    template = _cfn({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q", "Tags": [node]}}},
                    Parameters={"Stage": {"Type": "String", "Default": "prod"},
                                "Size": {"Type": "Number", "Default": "3"},
                                "Names": {"Type": "CommaDelimitedList", "Default": "a, b"}},
                    Mappings={"M": {"prod": {"size": 3}}},
                    Conditions={"Prod": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
                                "NotProd": {"Fn::Not": [{"Condition": "Prod"}]}})
    from lambdasim.model.templates.intrinsics import NO_VALUE, Resolver
    resolver = Resolver(template, None, "us-east-1", ACCOUNT)
    resolver.resources = dict(template["Resources"])
    resolver.namers = {"AWS::Lambda::Function": lambda logical_id, attribute: {
        "Arn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f"}.get(attribute)}
    result = resolver.value(node, ("Q", "Tags"))
    assert (None if result is NO_VALUE else result) == value


def test_queue_attributes_are_kept_as_written() -> None:
    """SQS's API takes attribute values as strings; a template may write either: both are kept, so
    a template written back reads the same."""
    template = _cfn({"Q": {"Type": "AWS::SQS::Queue", "Properties": {
        "VisibilityTimeout": "45",
        "RedrivePolicy": '{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:d", '
                         '"maxReceiveCount": 2}'}}})
    s = _load(template)
    queue = s.targets[f"arn:aws:sqs:us-east-1:{ACCOUNT}:Q"]
    assert queue["Attributes"]["VisibilityTimeout"] == "45"
    assert (queue["queue"].visibility_timeout_s, queue["queue"].redrive) == (
        45, (f"arn:aws:sqs:us-east-1:{ACCOUNT}:d", 2))
    assert _load(s.to_cloudformation()) == s


def test_a_bad_value_notes_the_template_it_came_from() -> None:
    template = _cfn({})
    template["Resources"]["F"]["Properties"]["MemorySize"] = 64
    with pytest.raises(ls.InvalidParameterValueException) as caught:
        _load(template)
    assert caught.value.__notes__ == ["in the scenario read from template (CloudFormation); its resources "
                                      "became: F -> f"]


def test_a_rule_target_input_replaces_the_scheduled_event_and_a_disabled_rule_makes_none() -> None:
    arn = {"Fn::GetAtt": ["F", "Arn"]}
    template = _cfn({
        "Tick": {"Type": "AWS::Events::Rule", "Properties": {
            "Name": "tick", "ScheduleExpression": "rate(30 minutes)",
            "Targets": [{"Id": "q", "Arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"},
                        {"Id": "f", "Arn": arn, "Input": '{"job": "tick"}'}]}},
        "Off": {"Type": "AWS::Events::Rule", "Properties": {
            "State": "DISABLED", "ScheduleExpression": "rate(1 minute)",
            "Targets": [{"Id": "f", "Arn": arn}]}}})
    (tick,) = _load(template).workloads
    assert [(e.at_s, e.payload) for e in tick.events] == [(0.0, {"job": "tick"}), (1_800.0, {"job": "tick"})]
    template["Resources"]["Tick"]["Properties"]["Targets"][1]["Input"] = "{job"
    with pytest.raises(TemplateRefused, match=r"^Tick\.Targets\[1\]\.Input: '\{job' is not JSON \("):
        read_template(template)
