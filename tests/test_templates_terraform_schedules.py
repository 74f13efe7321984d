"""Terraform's EventBridge rules: a schedule (``rate`` or ``cron``) whose ``aws_cloudwatch_event_target``
is a function of the configuration becomes a workload of Scheduled Events at the schedule's instants,
as a CloudFormation or SAM schedule does (``templates/schedules.py``); a target's ``input`` replaces
the event; what is not simulated is reported once, with exact words."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import lambdasim as ls
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.templates import TemplateRefused, TemplateWarning, read_template
from lambdasim.model.templates.report import TemplateReport
from lambdasim.model.templates.terraform import scenario_dict_from_terraform

TF = Path(__file__).parent / "templates" / "tf_schedules.tf"
RULE = "arn:aws:events:us-east-1:123456789012:rule/{}"
SMALL = '''resource "aws_lambda_function" "f" {
  function_name = "f"
}
resource "aws_cloudwatch_event_rule" "r" {
  name                = "r"
  schedule_expression = "EXPRESSION"
}
resource "aws_cloudwatch_event_target" "t" {
  rule = aws_cloudwatch_event_rule.r.name
  arn  = aws_lambda_function.f.arn
}
'''


def _workloads(source=TF, **overrides):
    return read_template(source, overrides=overrides)[0]["workloads"]


def _times(expression: str, **overrides) -> list[float]:
    (workload,) = _workloads(SMALL.replace("EXPRESSION", expression), **overrides)
    return [event["at_s"] for event in workload["events"]]


def test_a_rate_schedule_fires_at_0_and_once_a_period_up_to_the_horizon_with_its_input():
    reconcile, _ = _workloads()
    assert (reconcile["function"], reconcile["arrivals"]) == ("report", "events")
    assert "qualifier" not in reconcile
    assert [e["at_s"] for e in reconcile["events"]] == [0.0, 900.0, 1_800.0, 2_700.0]   # an hour
    assert {str(e["payload"]) for e in reconcile["events"]} == {"{'job': 'reconcile'}"}   # the target's input
    longer, _ = _workloads(horizon_s=7_200)
    assert [e["at_s"] for e in longer["events"]] == [900.0 * k for k in range(8)]


def test_a_cron_schedule_through_an_alias_fires_at_its_minutes_on_the_published_version():
    _, nightly = _workloads(horizon_s=2 * 86_400)
    assert (nightly["function"], nightly["qualifier"]) == ("report", "1")   # live -> version 1, kept warm
    assert [e["at_s"] for e in nightly["events"]] == [1_800.0, 88_200.0]     # 00:30 UTC each day
    assert nightly["events"][0]["payload"] == {
        "version": "0", "id": nightly["events"][0]["payload"]["id"], "detail-type": "Scheduled Event",
        "source": "aws.events", "account": "123456789012", "time": "2025-01-01T00:30:00Z",
        "region": "us-east-1", "resources": [RULE.format("nightly")], "detail": {}}
    later, = _workloads(horizon_s=3_600, start_time="2025-01-01T00:45:00Z")[1:]
    assert later["events"] == []                                           # next 00:30 is a day away


@pytest.mark.parametrize(("expression", "times"), [
    ("rate(1 hour)", [0.0, 3_600.0]),
    ("rate(20 minutes)", [0.0, 1_200.0, 2_400.0, 3_600.0, 4_800.0, 6_000.0]),
    ("cron(0/30 * * * ? *)", [0.0, 1_800.0, 3_600.0, 5_400.0]),
    ("cron(0 1 ? * THU *)", [3_600.0]),                                      # 2025-01-01 is a Wednesday
])
def test_the_arrival_times_of_a_schedule(expression, times):
    start = "2025-01-02T00:00:00Z" if "THU" in expression else "2025-01-01T00:00:00Z"
    assert _times(expression, horizon_s=7_200, start_time=start) == times


def test_a_run_invokes_the_function_at_the_schedule_instants():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TemplateWarning)
        scenario = ls.Scenario.from_template(TF, overrides={"horizon_s": 3_600})
    attempts = ls.run(scenario).attempts
    assert list(attempts.query("qualifier == '$LATEST'")["enqueued_at"]) == [0.0, 900.0, 1_800.0, 2_700.0]
    assert list(attempts.query("qualifier == '1'")["enqueued_at"]) == [1_800.0]
    assert set(attempts["outcome"]) == {"success"}


def test_what_the_rules_hold_that_is_not_simulated_is_reported_once():
    _, report = read_template(TF)
    assert [str(f) for f in report] == [
        "aws_cloudwatch_event_target.nightly.retry_policy: EventBridge's retries of its delivery to Lambda "
        "are not simulated (Lambda queues an async event as it arrives)",
        "aws_cloudwatch_event_target.nightly_queue.arn: arn:aws:sqs:us-east-1:123456789012:nightly is not a "
        "Lambda function: lambdasim invokes functions from a rule, nothing else; this target is left out",
        # two targets of the pattern rule invoke the same function: one line
        "aws_cloudwatch_event_rule.orders.event_pattern: the events the rule matches invoke report "
        "asynchronously at a rate the template does not say: give it with "
        "workloads=['report=poisson:RATE/s:DURATION'] (--workload on the command line)",
        "aws_cloudwatch_event_target.elsewhere.arn: billing is not a function of this configuration: its "
        "events are left out",
        "aws_cloudwatch_event_target.lost.rule: 'no-such-rule' is not a rule of this configuration: its "
        "target is left out",
    ]
    assert report.resources["aws_cloudwatch_event_rule.paused"] == RULE.format("paused")   # read, disabled
    assert report.resources["aws_cloudwatch_event_target.nightly"] == "report:live"


def test_a_disabled_rule_makes_no_workload_and_the_older_is_enabled_flag_counts():
    assert len(_workloads()) == 2                           # paused (state DISABLED) makes none
    text = SMALL.replace("EXPRESSION", "rate(1 minute)")
    off = text.replace('  name                = "r"\n', '  name                = "r"\n  is_enabled = false\n')
    assert read_template(off)[0]["workloads"] == []


def test_a_target_through_an_unpublished_alias_runs_on_latest_and_says_so():
    text = SMALL.replace("EXPRESSION", "rate(1 hour)").replace("aws_lambda_function.f.arn",
                                                               "aws_lambda_alias.a.arn") + '''
resource "aws_lambda_alias" "a" {
  name             = "a"
  function_name    = aws_lambda_function.f.function_name
  function_version = "3"
}
'''
    scenario, report = read_template(text)
    assert "qualifier" not in scenario["workloads"][0]
    assert [str(f) for f in report] == [
        "aws_cloudwatch_event_target.t.arn: the schedule invokes f:a, which the scenario does not publish "
        "(it publishes versions 1..N, N the highest with provisioned concurrency): simulated on $LATEST"]


def test_a_rule_on_a_custom_bus_has_the_bus_in_its_arn():
    text = SMALL.replace("EXPRESSION", "rate(1 hour)").replace(
        '  name                = "r"\n', '  name                = "r"\n  event_bus_name = "jobs"\n')
    (workload,) = _workloads(text)
    assert workload["events"][0]["payload"]["resources"] == [RULE.format("jobs/r")]


def test_a_bad_schedule_or_input_is_refused_naming_where_it_is_written():
    where = r"aws_cloudwatch_event_rule\.r\.schedule_expression"
    with pytest.raises(InvalidParameterValueException, match=where):
        _times("rate(1 minutes)")
    bad_input = SMALL.replace("EXPRESSION", "rate(1 hour)").replace(
        "  arn  = aws_lambda_function.f.arn\n", '  arn  = aws_lambda_function.f.arn\n  input = "{job"\n')
    with pytest.raises(TemplateRefused) as refused:
        read_template(bad_input)
    assert str(refused.value).startswith("aws_cloudwatch_event_target.t.input: '{job' is not JSON (")
    assert str(refused.value).endswith("; a JSON text, as EventBridge takes for a target's Input")


def test_a_plan_rebuilds_the_target_arn_it_knows_only_after_apply():
    plan = {"format_version": "1.2", "terraform_version": "1.9.0",
            "planned_values": {"root_module": {"resources": [
                {"address": "aws_lambda_function.f", "mode": "managed", "type": "aws_lambda_function",
                 "name": "f", "values": {"function_name": "f"}},
                {"address": "aws_cloudwatch_event_rule.r", "mode": "managed",
                 "type": "aws_cloudwatch_event_rule", "name": "r",
                 "values": {"name": "r", "schedule_expression": "rate(30 minutes)"}},
                {"address": "aws_cloudwatch_event_target.t", "mode": "managed",
                 "type": "aws_cloudwatch_event_target", "name": "t", "values": {"rule": "r"}}]}},
            "resource_changes": [{"address": "aws_cloudwatch_event_target.t",
                                  "change": {"after_unknown": {"arn": True}}}],
            "configuration": {"root_module": {"resources": [
                {"address": "aws_cloudwatch_event_target.t",
                 "expressions": {
                     "arn": {"references": ["aws_lambda_function.f.arn", "aws_lambda_function.f"]},
                     "rule": {"references": ["aws_cloudwatch_event_rule.r.name"]}}}]}}}
    data = scenario_dict_from_terraform(plan, TemplateReport(), horizon_s=3_600)
    (workload,) = data["workloads"]
    assert (workload["function"], [e["at_s"] for e in workload["events"]]) == ("f", [0.0, 1_800.0])


def test_a_bucket_notification_and_a_log_subscription_filter_to_a_function_are_one_line_each():
    text = SMALL.replace("EXPRESSION", "rate(1 hour)") + '''
resource "aws_s3_bucket_notification" "uploads" {
  bucket = "uploads"
  lambda_function {
    lambda_function_arn = aws_lambda_function.f.arn
    events              = ["s3:ObjectCreated:*"]
  }
}
resource "aws_cloudwatch_log_subscription_filter" "errors" {
  name            = "errors"
  log_group_name  = "app"
  filter_pattern  = "ERROR"
  destination_arn = aws_lambda_function.f.arn
}
resource "aws_cloudwatch_log_subscription_filter" "archive" {
  name            = "archive"
  log_group_name  = "app"
  filter_pattern  = ""
  destination_arn = "arn:aws:firehose:us-east-1:123456789012:deliverystream/archive"
}
'''
    _, report = read_template(text)
    sized = ("invoke f asynchronously at a rate the template does not say: give it with "
             "workloads=['f=poisson:RATE/s:DURATION'] (--workload on the command line)")
    assert [str(f) for f in report] == [   # a filter to Firehose invokes no function: no line
        f"aws_s3_bucket_notification.uploads.lambda_function[0]: the bucket's notifications {sized}",
        f"aws_cloudwatch_log_subscription_filter.errors.destination_arn: the log events the subscription "
        f"filter matches {sized}"]
