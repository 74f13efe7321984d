"""Terraform's async event sources of a function: an EventBridge schedule that targets a function of
the configuration becomes its workload (:mod:`lambdasim.model.templates.schedules`, as for
CloudFormation and SAM); a rule with an event pattern, an S3 bucket's notifications and a CloudWatch
Logs subscription filter to a function are reported once each, for the caller to size.

An ``aws_cloudwatch_event_target`` names its rule (``rule``, the rule's name) and what it invokes
(``arn``); the rule holds ``schedule_expression`` or ``event_pattern`` and ``state``. A target's
``input`` replaces the Scheduled Event, as EventBridge's PutTargets ``Input`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lambdasim.model.rules import LATEST, parse_function
from lambdasim.model.templates.report import TemplateReport, caller_sized
from lambdasim.model.templates.schedules import schedule_workload, target_input
from lambdasim.model.templates.terraform.resources import UNKNOWN, Context, Resource, computed

__all__ = ["event_rule_workloads", "report_caller_sized"]

#: Target settings that change what reaches the function and are not simulated.
_TARGET_NOT_MODELLED = {
    "input_path": "a JSONPath into the Scheduled Event: the function receives the whole event",
    "input_transformer": "an input transformer: the function receives the Scheduled Event untransformed",
    "retry_policy": "EventBridge's retries of its delivery to Lambda are not simulated (Lambda queues an "
                    "async event as it arrives)",
    "dead_letter_config": "EventBridge's dead-letter queue for failed deliveries is not simulated",
}


def event_rule_workloads(rules: list[Resource], targets: list[Resource], functions: Mapping[str, dict],
                         aliases: Mapping[tuple[str, str], str], context: Context, report: TemplateReport, *,
                         start_time: str, horizon_s: float) -> list[dict]:
    """The workloads of the scheduled rules' function targets (scenario-file shape), in target order.

    ``aliases`` maps ``(function, alias)`` to its version; a target through an alias or a version the
    scenario does not publish is simulated on ``$LATEST`` and reported. Findings go to ``report``.
    """
    by_name = {}
    for rule in rules:
        name = computed(rule, "name", context)
        if name is not UNKNOWN:
            by_name[str(name)] = rule
        report.resources[rule.address] = str(computed(rule, "arn", context))
    workloads: list[dict] = []
    for target in targets:
        rule = by_name.get(str(target.get("rule")))
        if rule is None:
            report.add(target.address, "rule", f"{target.get('rule')!r} is not a rule of this configuration: "
                       "its target is left out")
            continue
        if not _enabled(rule):
            continue
        arn = str(target.get("arn") or "")
        if ":lambda:" not in arn:
            report.add(target.address, "arn", f"{arn or 'a target'} is not a Lambda function: lambdasim "
                       "invokes functions from a rule, nothing else; this target is left out")
            continue
        function, qualifier = parse_function(arn)
        if function not in functions:
            report.add(target.address, "arn", f"{function} is not a function of this configuration: its "
                       "events are left out")
            continue
        expression = rule.get("schedule_expression")
        if expression is None:
            # once per rule and function, however many targets (the report keeps a finding once)
            report.add(rule.address, "event_pattern", caller_sized("the events the rule matches", function))
            continue
        for attribute, why in _TARGET_NOT_MODELLED.items():
            if target.values.get(attribute):
                report.add(target.address, attribute, why)
        given: dict[str, Any] = {}
        if target.get("input") is not None:
            given["payload"] = target_input(target.get("input"), target.address, "input")
        workload = schedule_workload(
            str(expression), function, rule_arn=str(computed(rule, "arn", context)), region=context.region,
            account_id=context.account_id, start_time=start_time, horizon_s=horizon_s,
            path=f"{rule.address}.schedule_expression", **given)
        version = _simulated_on(function, qualifier, functions, aliases)
        if version is None and qualifier not in (None, LATEST):
            report.add(target.address, "arn", f"the schedule invokes {function}:{qualifier}, which the "
                       "scenario does not publish (it publishes versions 1..N, N the highest with "
                       "provisioned concurrency): simulated on $LATEST")
        if version is not None:
            workload["qualifier"] = version
        workloads.append(workload)
        report.resources[target.address] = f"{function}:{qualifier}" if qualifier else function
    return workloads


def _enabled(rule: Resource) -> bool:
    """``state`` (``ENABLED`` unless it says ``DISABLED``), or the older ``is_enabled`` flag."""
    state = rule.get("state")
    if state is not None:
        return str(state) != "DISABLED"
    return rule.get("is_enabled") is not False


def _simulated_on(function: str, qualifier: str | None, functions: Mapping[str, dict],
                  aliases: Mapping[tuple[str, str], str]) -> str | None:
    """The published version a target's qualifier runs on, or None ($LATEST)."""
    if qualifier in (None, LATEST):
        return None
    version = aliases.get((function, qualifier), qualifier)
    published = max(map(int, functions[function].get("ProvisionedConcurrencyConfigs", {})), default=0)
    return version if version.isdigit() and 1 <= int(version) <= published else None


def report_caller_sized(notifications: list[Resource], filters: list[Resource],
                        report: TemplateReport) -> None:
    """One line per function an ``aws_s3_bucket_notification`` or an
    ``aws_cloudwatch_log_subscription_filter`` invokes: the template does not say how often."""
    for resource in notifications:
        for i, _ in enumerate(resource.values.get("lambda_function") or ()):
            arn = resource.get("lambda_function", i, "lambda_function_arn")
            if arn:
                report.add(resource.address, f"lambda_function[{i}]", caller_sized(
                    "the bucket's notifications", parse_function(str(arn))[0]))
    for resource in filters:
        arn = str(resource.get("destination_arn") or "")
        if ":lambda:" in arn:
            report.add(resource.address, "destination_arn", caller_sized(
                "the log events the subscription filter matches", parse_function(arn)[0]))
