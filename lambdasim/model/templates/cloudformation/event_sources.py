"""The CloudFormation readers of what sends events to a function: SQS event-source mappings,
EventBridge rules (a ``rate(...)`` schedule becomes a constant workload; other sources are reported)
and CloudWatch Logs subscription filters (reported: their volume is not in the template).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lambdasim.model.rules import parse_function
from lambdasim.model.templates.cloudformation.names import TemplateResources
from lambdasim.model.templates.report import caller_sized
from lambdasim.model.templates.schedules import SCHEDULE_HORIZON_S

__all__ = ["EventSourceReaders", "SCHEDULE_HORIZON_S"]


#: ``rate(N unit)``, EventBridge's rate syntax.
_RATE = re.compile(r"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)")
_UNIT_S = {"minute": 60, "hour": 3600, "day": 86400}


def _rate_s(expression: str) -> float | None:
    """The period in seconds of ``rate(N unit)`` (EventBridge Scheduler's rate syntax); None otherwise."""
    match = _RATE.fullmatch(expression.strip())
    if match is None:
        return None
    return int(match.group(1)) * _UNIT_S[match.group(2).rstrip("s")]


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
        if state != "ENABLED":
            return
        expression = properties.get("ScheduleExpression")
        targets = self.resolver.value(properties.get("Targets") or [], (logical_id, "Targets"))
        functions = [t.get("Arn") for t in targets if ":lambda:" in str(t.get("Arn", ""))]
        if not functions:
            return
        if expression is None:
            for name in dict.fromkeys(parse_function(str(arn))[0] for arn in functions):
                self.report.add(logical_id, "EventPattern", caller_sized("the events the rule matches", name))
            return
        expression = str(self.resolver.value(expression, (logical_id, "ScheduleExpression")))
        period = _rate_s(expression)
        if period is None:
            self.report.add(logical_id, "ScheduleExpression", f"{expression}: only rate(...) schedules "
                            "become workloads; pass a workload for the function")
            return
        for arn in functions:
            name, qualifier = parse_function(str(arn))
            self.schedules.append((logical_id, {"function": name, "qualifier": qualifier,
                                                "arrivals": "constant", "rate_per_s": 1.0 / period}))

    def _log_subscription(self, logical_id: str, properties: Mapping) -> None:
        """A subscription filter to a function: CloudWatch Logs invokes it asynchronously with the log
        events it matches (a SAM ``CloudWatchLogs`` event becomes one); other destinations are not Lambda."""
        destination = str(self.resolver.value(properties.get("DestinationArn", ""),
                                              (logical_id, "DestinationArn")))
        if ":lambda:" in destination:
            self.report.add(logical_id, "DestinationArn", caller_sized(
                "the log events the subscription filter matches", parse_function(destination)[0]))

    def _place_schedules(self) -> None:
        for logical_id, workload in self.schedules:
            if workload["function"] not in self.functions:
                self.report.add(logical_id, "Targets", f"{workload['function']} is not a function of the "
                                "template: its schedule is left out")
                continue
            if workload["qualifier"] is None:
                del workload["qualifier"]
            self.workloads.append(workload)
