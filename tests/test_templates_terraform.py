"""Terraform: the orders stack as .tf, as the plan JSON and as the state JSON reads into the same
scenario, field by field; what is not modelled is reported and what cannot be read is refused,
with exact messages; a run of it produces the expected fates."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import lambdasim as ls
from lambdasim.model.templates.report import TemplateRefused, TemplateReport
from lambdasim.model.templates.terraform import is_terraform_json, scenario_dict_from_terraform

TEMPLATES = Path(__file__).parent / "templates"
TF = (TEMPLATES / "tf_orders.tf").read_text()
PLAN = json.loads((TEMPLATES / "tf_orders.plan.json").read_text())
STATE = json.loads((TEMPLATES / "tf_orders.state.json").read_text())
ARN = "arn:aws:{}:eu-west-1:123456789012:{}"


def _read(source, **kw):
    report = TemplateReport()
    return scenario_dict_from_terraform(source, report, **kw), report


def _tf(text=TF, **variables):
    return _read(text, parameters={"max_event_age": 600, **variables})


def test_tf_file_reads_every_resource_type_field_by_field():
    data, report = _tf()
    scenario = ls.Scenario.from_dict(data)
    assert (scenario.account.region, scenario.account.account_id) == ("eu-west-1", "123456789012")
    orders = scenario.functions["orders"]
    assert (orders.timeout_s, orders.memory_mb, orders.architecture, orders.reserved_concurrency) == (
        30, 512, "arm64", 5)
    assert orders.dead_letter_target_arn == ARN.format("sqs", "orders-dlq")
    assert dict(orders.environment) == {"STAGE": "prod"}
    assert orders.provisioned == (("1", 2),)   # the alias live points at version 1
    eic = orders.event_invoke_config
    assert (eic.maximum_retry_attempts, eic.maximum_event_age_s) == (1, 600)
    assert eic.destination_config.on_success == ARN.format("sns", "orders-ok")
    assert eic.destination_config.on_failure == ARN.format("sqs", "orders-failed")
    audit = scenario.functions["audit"]
    bus = ARN.format("events", "event-bus/orders-bus")
    assert audit.event_invoke_config.destination_config.on_success == bus
    assert (audit.timeout_s, audit.reserved_concurrency) == (3, None)
    assert scenario.functions["worker"].timeout_s == 10
    targets = scenario.targets
    assert targets[ARN.format("sqs", "orders-dlq")]["queue"].retention_s == 1_209_600
    assert targets[ARN.format("sqs", "orders-failed")]["queue"].visibility_timeout_s == 60
    jobs = targets[ARN.format("sqs", "jobs")]["queue"]
    assert (jobs.visibility_timeout_s, jobs.redrive) == (60, (ARN.format("sqs", "orders-dlq"), 3))
    topic = targets[ARN.format("sns", "orders-ok")]
    assert topic["subscriptions"] == (ARN.format("lambda", "function:audit"),)
    assert ARN.format("events", "event-bus/orders-bus") in targets
    (mapping,) = scenario.event_source_mappings
    assert (mapping.event_source_arn, mapping.function_name, mapping.batch_size, mapping.window_s,
            mapping.report_batch_item_failures, mapping.maximum_concurrency, mapping.enabled) == (
        ARN.format("sqs", "jobs"), "worker", 5, 2, True, 2, True)
    assert report.format == "Terraform (.tf)"
    assert report.resources["aws_lambda_provisioned_concurrency_config.orders"] == "orders:live"


def test_plan_and_state_read_as_the_tf_file_does():
    assert is_terraform_json(PLAN) and is_terraform_json(STATE) and not is_terraform_json({"Resources": {}})
    from_tf = _tf()[0]
    plan, plan_report = _read(PLAN)
    state, state_report = _read(STATE)
    assert plan == from_tf
    assert state == from_tf     # the queues and the topic sit in a child module there
    assert (plan_report.format, state_report.format) == ("Terraform plan", "Terraform state")
    assert [str(f) for f in plan_report] == NOT_MODELLED
    assert [str(f) for f in state_report] == [  # a resource of a child module is named by its full address
        line.replace("aws_sqs_queue.failed", "module.messaging.aws_sqs_queue.failed")
        for line in NOT_MODELLED]


NOT_MODELLED = [
    "aws_lambda_function.orders.vpc_config: a VPC config: cold starts and ENI limits of a VPC function "
    "are not simulated",
    "aws_lambda_function.orders.kms_key_arn: a KMS key for the environment variables: decryption is not "
    "simulated",
    "aws_lambda_alias.live.routing_config: weighted alias routing: lambdasim invokes the function's "
    "published version; the weights are not simulated",
    "aws_sqs_queue.failed.kms_master_key_id: a KMS key: Lambda needs kms:Decrypt/GenerateDataKey to "
    "deliver to it, which lambdasim does not check",
    "aws_sns_topic_subscription.email.protocol: a subscription by email: lambdasim delivers to SQS and "
    "Lambda subscribers only",
    "aws_lambda_event_source_mapping.stream.event_source_arn: arn:aws:kinesis:eu-west-1:123456789012:"
    "stream/clicks: lambdasim simulates SQS event-source mappings only",
]


def test_the_report_lists_what_is_not_modelled_and_leaves_iam_alone():
    report = _tf()[1]
    assert [str(f) for f in report] == NOT_MODELLED
    assert "aws_iam_role.lambda" not in report.resources and all("iam" not in str(f) for f in report)


def test_a_redrive_policy_known_only_after_apply_is_reported():
    plan = copy.deepcopy(PLAN)
    for resource in plan["planned_values"]["root_module"]["resources"]:
        if resource["address"] == "aws_sqs_queue.jobs":
            del resource["values"]["redrive_policy"]
    for change in plan["resource_changes"]:
        if change["address"] == "aws_sqs_queue.jobs":
            change["change"]["after_unknown"]["redrive_policy"] = True
    data, report = _read(plan)
    assert "RedrivePolicy" not in data["targets"][ARN.format("sqs", "jobs")]["Attributes"]
    assert str(report.findings[4]) == (
        "aws_sqs_queue.jobs.redrive_policy: known only after apply (it refers to another resource): the "
        "queue is simulated without a redrive policy; read the state after apply (terraform show -json) "
        "to include it")


def test_variables_take_the_callers_values_over_defaults():
    data = _tf(retries=0, max_event_age=120)[0]
    assert data["functions"]["orders"]["EventInvokeConfig"]["MaximumRetryAttempts"] == 0
    assert data["functions"]["orders"]["EventInvokeConfig"]["MaximumEventAgeInSeconds"] == 120


@pytest.mark.parametrize(("change", "message"), [
    (None, "aws_lambda_function_event_invoke_config.orders.maximum_event_age_in_seconds: var.max_event_age "
           "has no default and no value was passed; pass it: parameters={'max_event_age': ...} or "
           "--parameter max_event_age=VALUE"),
    (("timeout                        = 30", "timeout = local.timeout"),
     "aws_lambda_function.orders.timeout: ${local.timeout} refers to something outside the files' "
     "resources; write the value literally, or read the plan instead: terraform show -json PLANFILE > "
     "plan.json"),
    (("memory_size                    = 512", "memory_size = max(128, 512)"),
     "aws_lambda_function.orders.memory_size: ${max(128, 512)} is an expression lambdasim does not "
     "evaluate; write the value literally, or read the plan instead: terraform show -json PLANFILE > "
     "plan.json"),
    (("target_arn = aws_sqs_queue.orders_dlq.arn", "target_arn = aws_lambda_function.audit.invoke_arn"),
     "aws_lambda_function.orders.dead_letter_config.target_arn: ${aws_lambda_function.audit.invoke_arn} "
     "refers to invoke_arn, which Terraform knows only after apply; write the value literally, or read "
     "the plan instead: terraform show -json PLANFILE > plan.json"),
    (('function_name                      = aws_lambda_function.worker.function_name\n  batch_size',
      'function_name                      = "ghost"\n  batch_size'),
     "aws_lambda_event_source_mapping.jobs.function_name: names 'ghost', no aws_lambda_function of this "
     "configuration; declare the function in the same configuration"),
])
def test_what_cannot_be_read_is_refused_naming_resource_and_attribute(change, message):
    text = TF if change is None else TF.replace(*change)
    assert text != TF or change is None
    parameters = {} if change is None else {"max_event_age": 600}
    with pytest.raises(TemplateRefused) as refused:
        _read(text, parameters=parameters)
    assert str(refused.value) == message


def test_an_unread_attribute_may_hold_what_lambdasim_cannot_evaluate():
    # The role's ARN is known only after apply, and nothing reads it: no refusal.
    assert TF.count("= aws_iam_role.lambda.arn") == 3
    assert _tf()[0]["functions"]["audit"] == {"EventInvokeConfig": {"DestinationConfig": {
        "OnSuccess": {"Destination": ARN.format("events", "event-bus/orders-bus")}}}}


def test_a_run_of_the_terraform_stack_gives_the_expected_fates():
    data = _tf()[0]
    data["functions"]["orders"]["failures"] = {"poison_payloads": [{"id": 13}]}
    data["workloads"] = [
        {"function": "orders", "arrivals": "events",
         "events": [{"at_s": 0, "payload": {"id": 1}}, {"at_s": 0, "payload": {"id": 13}}]},
        {"target": ARN.format("sqs", "jobs"), "arrivals": "burst", "count": 3}]
    result = ls.run(ls.Scenario.from_dict(data))
    events = result.events.set_index("function")
    assert list(result.events["fate"]) == ["succeeded", "retries_exhausted", "succeeded"]
    assert list(result.events["attempts"]) == [1, 2, 1]   # MaximumRetryAttempts = var.retries = 1
    assert events.loc["audit", "on_success"] == ARN.format("events", "event-bus/orders-bus")  # via SNS
    failed = result.events.iloc[1]
    assert (failed["on_failure"], failed["dlq"]) == (ARN.format("sqs", "orders-failed"),
                                                     ARN.format("sqs", "orders-dlq"))
    ops = result.queue_ops.groupby(["queue", "op"]).size()
    assert ops[(ARN.format("sqs", "jobs"), "delete")] == 3     # the worker's mapping read them all


@pytest.mark.parametrize(("name", "parameters", "kind"), [
    ("tf_orders.tf", {"max_event_age": 600}, "Terraform (.tf)"),
    ("tf_orders.plan.json", None, "Terraform plan"),
    ("tf_orders.state.json", None, "Terraform state"),
])
def test_scenario_from_template_reads_each_terraform_file(name, parameters, kind):
    with pytest.warns(ls.model.templates.TemplateWarning, match="6 resources or properties"):
        scenario = ls.Scenario.from_template(TEMPLATES / name, parameters=parameters,
                                             workloads=["orders=constant:1/s:10s", "jobs=burst:4"])
    assert scenario.template_report.format == kind
    assert scenario == ls.Scenario.from_dict({**_tf()[0], "workloads": [
        {"function": "orders", "arrivals": "constant", "rate_per_s": 1.0, "start_s": 0.0, "end_s": 10.0},
        {"target": ARN.format("sqs", "jobs"), "arrivals": "burst", "count": 4, "at_s": 0.0}]})


SMALL = '''
resource "aws_lambda_function" "f" {
  function_name = "f"
  snap_start {
    apply_on = "PublishedVersions"
  }
}
'''


def test_more_findings_of_a_small_configuration():
    extra = '''
resource "aws_lambda_function_event_invoke_config" "latest" {
  function_name          = aws_lambda_function.f.function_name
  maximum_retry_attempts = 0
}
resource "aws_lambda_function_event_invoke_config" "v1" {
  function_name          = aws_lambda_function.f.function_name
  qualifier              = "1"
  maximum_retry_attempts = 2
}
resource "aws_lambda_function_url" "u" {
  function_name      = aws_lambda_function.f.function_name
  authorization_type = "NONE"
}
resource "aws_sns_topic_subscription" "s" {
  topic_arn     = "arn:aws:sns:us-east-1:123456789012:t"
  protocol      = "sqs"
  endpoint      = "arn:aws:sqs:us-east-1:123456789012:q"
  filter_policy = "{}"
  raw_message_delivery = true
}
'''
    data, report = _read(SMALL + extra)
    assert data["functions"]["f"]["EventInvokeConfig"] == {"MaximumRetryAttempts": 0}
    assert data["targets"] == {"arn:aws:sns:us-east-1:123456789012:t": {
        "subscriptions": ["arn:aws:sqs:us-east-1:123456789012:q"], "raw_message_delivery": True}}
    assert [str(f) for f in report] == [
        "aws_lambda_function.f.snap_start: SnapStart: restored snapshots instead of cold starts are not "
        "simulated",
        "aws_lambda_function_event_invoke_config.v1.qualifier: an EventInvokeConfig for 1: the scenario does "
        "not publish f:1 (it publishes versions 1..N, N the highest with provisioned concurrency); to "
        "simulate it, call put_function_event_invoke_config with Qualifier '1' on the simulation's client",
        "aws_sns_topic_subscription.s.filter_policy: a filter policy: the subscriber receives every message",
        "aws_lambda_function_url.u.aws_lambda_function_url: a resource type lambdasim does not read",
    ]
    # with version 1 published (provisioned concurrency through an alias), its config is applied to it
    published = _read(SMALL + extra + '''
resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.f.function_name
  function_version = "1"
}
resource "aws_lambda_provisioned_concurrency_config" "p" {
  function_name                     = aws_lambda_function.f.function_name
  qualifier                         = aws_lambda_alias.live.name
  provisioned_concurrent_executions = 1
}
resource "aws_lambda_function_event_invoke_config" "live" {
  function_name          = aws_lambda_function.f.function_name
  qualifier              = aws_lambda_alias.live.name
  maximum_retry_attempts = 1
}
''')
    f = published[0]["functions"]["f"]
    assert (f["EventInvokeConfig"], f["VersionEventInvokeConfigs"]) == (
        {"MaximumRetryAttempts": 0}, {"1": {"MaximumRetryAttempts": 2}})
    assert ("aws_lambda_function_event_invoke_config.live.qualifier: an EventInvokeConfig for live: f:1 has "
            "one already (from aws_lambda_function_event_invoke_config.v1); to simulate it, call "
            "put_function_event_invoke_config with Qualifier '1' on the simulation's client"
            ) in [str(finding) for finding in published[1]]
    off = _read(SMALL.replace('"PublishedVersions"', '"None"'))[1]
    assert len(off) == 0      # SnapStart switched off is no finding


@pytest.mark.parametrize(("extra", "message"), [
    ('resource "aws_sqs_queue" "q" {\n  name_prefix = "jobs-"\n}\n',
     "aws_sqs_queue.q.name: is not set (a name_prefix or a generated name is known only after apply); give "
     "the resource a name, or read the state after apply"),
    ('resource "aws_lambda_provisioned_concurrency_config" "p" {\n  function_name = "f"\n'
     '  qualifier = "live"\n  provisioned_concurrent_executions = 1\n}\n',
     "aws_lambda_provisioned_concurrency_config.p.qualifier: 'live' is neither a version number nor an alias "
     "of f in this configuration; name a version or an alias"),
    ('resource "aws_lambda_alias" "a" {\n  name = "live"\n}\n',
     "aws_lambda_alias.a.function_name: has no value lambdasim can read (unknown until apply); give it "
     "literally, or read the state after apply (terraform show -json)"),
])
def test_more_refusals(extra, message):
    with pytest.raises(TemplateRefused) as refused:
        _read(SMALL + extra)
    assert str(refused.value) == message


def test_a_configuration_without_a_function_is_refused():
    with pytest.raises(TemplateRefused) as refused:
        _read('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    assert str(refused.value) == "Template.resources: has no aws_lambda_function; a configuration with at " \
                                 "least one function"
