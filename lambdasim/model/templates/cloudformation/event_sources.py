"""The CloudFormation readers of what sends events to a function: SQS event-source mappings,
EventBridge rules (a ``rate(...)`` or ``cron(...)`` schedule becomes a workload of Scheduled Events,
:mod:`lambdasim.model.templates.schedules`, as SAM's and Terraform's do; a pattern is reported) and
CloudWatch Logs subscription filters (reported: their volume is not in the template).
"""

from __future__ import annotations

from collections.abc import Mapping

from lambdasim.model.rules import parse_function
from lambdasim.model.templates.cloudformation.names import TemplateResources
from lambdasim.model.templates.report import caller_sized
from lambdasim.model.templates.schedules import SCHEDULE_HORIZON_S, schedule_workload, target_input

__all__ = ["EventSourceReaders", "SCHEDULE_HORIZON_S"]


class EventSourceReaders(TemplateResources):
    """Reads ``AWS::Lambda::EventSourceMapping``, ``AWS::Events::Rule`` and
    ``AWS::Logs::SubscriptionFilter``."""

    def _mapping(self, logical_id: str, properties: Mapping) -> None:
        keys = ("EventSourceArn", "FunctionName", "BatchSize", "MaximumBatchingWindowInSeconds",
                "FunctionResponseTypes", "ScalingConfig", "Enabled")
        source = self.resolver.value(properties.get("EventSourceArn", ""), (logical_id, "EventSourceArn"))
        source = str(source)
        if ":sqs:" not in source:
            self.report.add(logical_id, "EventSourceArn", f"{source or 'a source'} is not an SQS queue: "
                            "lambdasim simulates SQS event-source mappings only; this mapping is left out")
            return
        values = self._properties(logical_id, properties, keys, ("Tags",), {
            "FilterCriteria": "filters drop the messages they do not match; lambdasim passes every message"})
        self._known_function(logical_id, values)
        mapping = {key: values[key] for key in keys if key in values}
        self.mappings.append(mapping)
        self.report.resources[logical_id] = f"EventSourceMappings[{len(self.mappings) - 1}]"

    def _rule(self, logical_id: str, properties: Mapping) -> None:
        state = self.resolver.value(properties.get("State", "ENABLED"), (logical_id, "State"))
        if state == "DISABLED":
            return
        expression = properties.get("ScheduleExpression")
        targets = self.resolver.value(properties.get("Targets") or [], (logical_id, "Targets"))
        functions = [(i, t) for i, t in enumerate(targets) if ":lambda:" in str(t.get("Arn", ""))]
        if not functions:
            return
        if expression is None:
            for name in dict.fromkeys(parse_function(str(t["Arn"]))[0] for _, t in functions):
                self.report.add(logical_id, "EventPattern", caller_sized("the events the rule matches", name))
            return
        expression = str(self.resolver.value(expression, (logical_id, "ScheduleExpression")))
        name = self.resolver.value(properties.get("Name", logical_id), (logical_id, "Name"))
        bus = self.resolver.value(properties.get("EventBusName", "default"), (logical_id, "EventBusName"))
        rule_arn = f"arn:aws:events:{self.region}:{self.account_id}:rule/" + (
            str(name) if bus == "default" else f"{bus}/{name}")
        for i, target in functions:
            function, qualifier = parse_function(str(target["Arn"]))
            given = {} if "Input" not in target else {
                "payload": target_input(target["Input"], logical_id, f"Targets[{i}].Input")}
            workload = schedule_workload(expression, function, rule_arn=rule_arn, region=self.region,
                                         account_id=self.account_id, start_time=self.start_time,
                                         horizon_s=self.horizon_s, path=f"{logical_id}.ScheduleExpression",
                                         **given)
            if qualifier is not None:
                workload["qualifier"] = qualifier
            self.schedules.append((logical_id, workload))

    def _place_schedules(self) -> None:
        for logical_id, workload in self.schedules:
            if workload["function"] not in self.functions:
                self.report.add(logical_id, "Targets", f"{workload['function']} is not a function of the "
                                "template: its schedule is left out")
                continue
            self.workloads.append(workload)

    def _log_subscription(self, logical_id: str, properties: Mapping) -> None:
        """A subscription filter to a function: CloudWatch Logs invokes it asynchronously with the log
        events it matches (a SAM ``CloudWatchLogs`` event becomes one); other destinations are not Lambda."""
        destination = str(self.resolver.value(properties.get("DestinationArn", ""),
                                              (logical_id, "DestinationArn")))
        if ":lambda:" in destination:
            self.report.add(logical_id, "DestinationArn", caller_sized(
                "the log events the subscription filter matches", parse_function(destination)[0]))
