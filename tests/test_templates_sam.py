"""SAM: the orders stack translated offline by AWS's SAM translator and read field by field; its
Schedule events become workloads, its S3/SNS events are reported; refusals and report lines are
pinned; a run of it produces the expected fates."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import lambdasim as ls
from lambdasim.model.templates import TemplateRefused, TemplateWarning, read_template
from lambdasim.model.templates.cloudformation import decode
from lambdasim.model.templates.sam import cloudformation_from_sam, is_sam

TEMPLATE = Path(__file__).parent / "templates" / "sam_orders.yaml"
ARN = "arn:aws:{}:us-east-1:123456789012:{}"


def _scenario(**kw) -> ls.Scenario:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TemplateWarning)
        return ls.Scenario.from_template(TEMPLATE, **kw)


def test_the_translator_runs_offline_and_gives_cloudformation(monkeypatch):
    import boto3

    def no_session(*args, **kwargs):
        raise AssertionError("the SAM translator asked boto3 for a session")

    monkeypatch.setattr(boto3.session, "Session", no_session)
    template = decode(TEMPLATE.read_text())
    assert is_sam(template) and not is_sam({"Resources": {}})
    resources = cloudformation_from_sam(template)["Resources"]
    types = {logical_id: r["Type"] for logical_id, r in resources.items()}
    assert types["WorkerAliaslive"] == "AWS::Lambda::Alias"
    assert resources["WorkerAliaslive"]["Properties"]["ProvisionedConcurrencyConfig"] == {
        "ProvisionedConcurrentExecutions": 2}
    assert resources["OrdersEventInvokeConfig"]["Properties"]["Qualifier"] == "$LATEST"
    assert resources["OrdersEventInvokeConfig"]["Properties"]["MaximumRetryAttempts"] == 1  # Ref: Retries
    assert resources["Orders"]["Properties"]["DeadLetterConfig"] == {
        "TargetArn": {"Fn::GetAtt": ["OrdersDlq", "Arn"]}}
    assert types["WorkerJobs"] == "AWS::Lambda::EventSourceMapping"
    assert types["OrdersAnnounced"] == "AWS::SNS::Subscription"
    assert resources["Orders"]["Properties"]["Code"] == {
        "S3Bucket": "lambdasim-not-deployed", "S3Key": "code.zip"}
    # the schedules are read from the SAM events themselves, not a second time from their rules
    assert "AWS::Events::Rule" not in types.values()
    assert template["Globals"]["Function"]["CodeUri"] == "src/"   # the input is not changed


def test_the_sam_stack_reads_field_by_field():
    scenario = _scenario()
    orders = scenario.functions["orders"]
    assert (orders.timeout_s, orders.memory_mb, orders.architecture, orders.reserved_concurrency) == (
        30, 512, "arm64", 5)
    assert dict(orders.environment) == {"STAGE": "prod"}
    assert orders.dead_letter_target_arn == ARN.format("sqs", "orders-dlq")
    assert orders.provisioned == ()
    assert scenario.functions["worker"].provisioned == (("1", 2),)   # AutoPublishAlias live -> version 1
    eic = orders.event_invoke_config
    assert (eic.maximum_retry_attempts, eic.maximum_event_age_s) == (1, 600)
    assert eic.destination_config.on_success == ARN.format("sns", "orders-ok")
    assert eic.destination_config.on_failure == ARN.format("sqs", "orders-failed")
    audit = scenario.functions["audit"].event_invoke_config
    assert (audit.maximum_retry_attempts, audit.destination_config.on_success) == (
        0, ARN.format("events", "event-bus/orders-bus"))
    assert scenario.functions["worker"].timeout_s == 10
    (mapping,) = scenario.event_source_mappings
    assert (mapping.event_source_arn, mapping.function_name, mapping.batch_size, mapping.window_s,
            mapping.report_batch_item_failures, mapping.maximum_concurrency) == (
        ARN.format("sqs", "jobs"), ARN.format("lambda", "function:worker:1"), 5, 2, True, 2)
    assert scenario.targets[ARN.format("sns", "announcements")]["subscriptions"] == (
        ARN.format("lambda", "function:orders"),)
    jobs = scenario.targets[ARN.format("sqs", "jobs")]["queue"]
    assert jobs.redrive == (ARN.format("sqs", "orders-dlq"), 3)


def test_schedule_events_become_workloads():
    nightly, tick, warmup = _scenario().workloads       # the disabled schedule (Paused) makes none
    assert (nightly.function, nightly.qualifier) == ("orders", None)
    assert [e.at_s for e in nightly.events] == [0.0, 900.0, 1_800.0, 2_700.0]   # rate(15 minutes), an hour
    assert {e.payload["job"] for e in nightly.events} == {"reconcile"}     # the event's Input
    assert (tick.function, [e.at_s for e in tick.events]) == ("audit", [0.0])   # cron(0 * * * ? *)
    assert tick.events[0].payload["detail-type"] == "Scheduled Event"
    assert tick.events[0].payload["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/AuditTick"]
    # SAM points the worker's events at its alias, simulated on version 1
    assert (warmup.function, warmup.qualifier, [e.at_s for e in warmup.events]) == (
        "worker", "1", [0.0, 1_800.0])
    longer = _scenario(overrides={"horizon_s": 7_200})
    assert [e.at_s for e in longer.workloads[1].events] == [0.0, 3_600.0]


def test_the_caller_sizes_the_s3_and_sns_events_with_specs():
    scenario = _scenario(workloads=["orders=poisson:50/s:600s", "jobs=burst:20@30s"])
    poisson, burst = scenario.workloads[3:]
    assert (poisson.function, poisson.rate_per_s, poisson.start_s, poisson.end_s) == (
        "orders", 50.0, 0.0, 600.0)
    assert (burst.target, burst.count, burst.at_s) == (ARN.format("sqs", "jobs"), 20, 30.0)
    assert _scenario(workloads="orders=burst:3").workloads[3].count == 3     # one spec alone


REPORTED = [
    # the S3 event once, by the reader of the bucket the translator writes it into
    "Uploads.NotificationConfiguration.LambdaConfigurations[0]: the bucket's notifications invoke orders "
    "asynchronously at a rate the template does not say: give it with "
    "workloads=['orders=poisson:RATE/s:DURATION'] (--workload on the command line)",
    "WorkerAliaslive.Name: a scenario file has no aliases: invocations through live are simulated on "
    "worker:1",
    "Orders.Properties.Events.Announced (SNS): the topic's messages invoke orders asynchronously at a rate "
    "the template does not say: give it with workloads=['orders=poisson:RATE/s:DURATION'] (--workload on "
    "the command line)",
]


def test_the_report_of_the_sam_stack():
    scenario, report = read_template(TEMPLATE)
    assert report.format == "SAM"
    assert [str(f) for f in report] == REPORTED
    with pytest.warns(TemplateWarning, match="3 resources or properties of .*sam_orders.yaml are not "):
        ls.Scenario.from_template(TEMPLATE)


def test_parameters_reach_the_translator():
    orders = _scenario(parameters={"Retries": 0}).functions["orders"]
    assert orders.event_invoke_config.maximum_retry_attempts == 0


def test_a_template_the_translator_refuses_is_refused_with_its_message():
    text = TEMPLATE.read_text().replace("    CodeUri: src/", "    InlineCode: x")
    with pytest.raises(TemplateRefused) as refused:
        read_template(text)
    assert str(refused.value).startswith(
        "Globals: the SAM translator refused it: 'Globals' section is invalid. 'InlineCode' is not a "
        "supported property of 'Function'. Must be one of the following values - ['Handler', ")
    assert str(refused.value).endswith("; fix the template (sam validate says the same)")


def test_a_bad_schedule_is_refused_naming_the_event():
    text = TEMPLATE.read_text().replace("rate(15 minutes)", "rate(15 minute)")
    with pytest.raises(ls.model.errors.InvalidParameterValueException) as refused:
        read_template(text)
    assert str(refused.value).startswith(
        "Orders.Properties.Events.Nightly.Properties.Schedule: 'rate(15 minute)' is not valid; "
        "allowed: rate(")


def test_a_run_of_the_sam_stack_gives_the_expected_fates():
    scenario = _scenario(
        overrides={"functions": {"orders": {"failures": {"poison_payloads": [{"id": 13}]}}}},
        workloads=[{"function": "orders", "arrivals": "events",
                    "events": [{"at_s": 10, "payload": {"id": 1}}, {"at_s": 10, "payload": {"id": 13}}]}])
    result = ls.run(scenario)
    fates = result.events.groupby(["function", "fate"]).size().to_dict()
    assert fates == {("audit", "succeeded"): 1, ("orders", "retries_exhausted"): 1,
                     ("orders", "succeeded"): 5, ("worker", "succeeded"): 2}
    failed = result.events.query("fate == 'retries_exhausted'").iloc[0]
    assert (failed["attempts"], failed["on_failure"], failed["dlq"]) == (
        2, ARN.format("sqs", "orders-failed"), ARN.format("sqs", "orders-dlq"))
    warmup = result.attempts.query("function == 'worker' and qualifier == '1'")
    assert list(warmup["provisioned"]) == [True, True]   # the schedule runs the alias's version, kept warm


def test_the_shipped_orders_template_reads_with_its_parameters_and_metadata():
    shipped = Path(__file__).resolve().parents[1] / "data" / "templates" / "orders_sam.yaml"
    with pytest.warns(TemplateWarning, match="2 resources or properties"):
        scenario = ls.Scenario.from_template(shipped, parameters={"OrdersReservedConcurrency": 20},
                                             overrides={"horizon_s": 7_200})
    orders = scenario.functions["orders"]
    assert (orders.reserved_concurrency, orders.event_invoke_config.maximum_event_age_s) == (20, 600)
    assert orders.duration == ls.model.dists.Constant(1.0)          # from Metadata.lambdasim
    assert orders.event_invoke_config.destination_config.on_success == ARN.format("lambda", "function:audit")
    assert orders.dead_letter_target_arn == ARN.format("sqs", "orders-dlq")
    (hourly,) = scenario.workloads
    assert (hourly.function, [(e.at_s, e.payload) for e in hourly.events]) == (
        "audit", [(0.0, {"report": "hourly"}), (3_600.0, {"report": "hourly"})])
