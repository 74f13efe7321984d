"""The CloudFormation reader: walks a template's resources, hands each to the reader of its type, then
places what needs the whole template (subscriptions, schedules, aliases, event-invoke configs).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lambdasim.model.templates.cloudformation.event_sources import EventSourceReaders
from lambdasim.model.templates.cloudformation.functions import FunctionReaders
from lambdasim.model.templates.cloudformation.targets import TargetReaders
from lambdasim.model.templates.report import TemplateRefused, TemplateReport
from lambdasim.model.templates.schedules import DEFAULT_START_TIME, SCHEDULE_HORIZON_S

__all__ = ["TemplateReader", "scenario_dict_from_cloudformation", "IGNORED_TYPES"]

#: Resource types that do not change what happens to an async event: read past without a finding.
IGNORED_TYPES = re.compile(
    r"AWS::(IAM|Logs|CloudWatch|SSM|KMS|CloudFormation|CDK)::.*|AWS::Lambda::(Permission|LayerVersion"
    r"|LayerVersionPermission|CodeSigningConfig)|AWS::(SQS::QueuePolicy|SQS::QueueInlinePolicy"
    r"|SNS::TopicPolicy|SNS::TopicInlinePolicy|S3::BucketPolicy|Events::EventBusPolicy)")


class TemplateReader(FunctionReaders, TargetReaders, EventSourceReaders):
    """Reads one template's resources into the scenario-file shape (package docstring)."""

    def read(self) -> dict:
        readers = {"AWS::Lambda::Function": self._function, "AWS::Lambda::Version": self._version,
                   "AWS::Lambda::Alias": self._alias, "AWS::Lambda::EventInvokeConfig": self._invoke_config,
                   "AWS::Lambda::EventSourceMapping": self._mapping, "AWS::SQS::Queue": self._queue,
                   "AWS::SNS::Topic": self._topic, "AWS::SNS::Subscription": self._subscription,
                   "AWS::Events::EventBus": self._bus, "AWS::S3::Bucket": self._bucket,
                   "AWS::Events::Rule": self._rule, "AWS::Logs::SubscriptionFilter": self._log_subscription}
        # functions first (the others name them), then versions before the aliases that point at them
        order = {kind: i for i, kind in enumerate(("AWS::Lambda::Function", "AWS::Lambda::Version"))}
        resources = sorted(self.resolver.resources.items(), key=lambda item: order.get(item[1]["Type"], 2))
        for logical_id, resource in resources:
            kind = resource["Type"]
            reader = readers.get(kind)
            if reader is not None:
                properties = resource.get("Properties") or {}
                if not isinstance(properties, Mapping):
                    raise TemplateRefused(logical_id, "Properties", "not a mapping", "write a mapping")
                reader(logical_id, properties)
            elif not IGNORED_TYPES.fullmatch(kind):
                self.report.add(logical_id, kind, "a resource type lambdasim does not model; if it sends "
                                                  "events to a function, pass a workload for them")
        if not self.functions:
            raise TemplateRefused("Resources", "", "the template has no AWS::Lambda::Function",
                                  "pass a template that declares at least one function")
        self._place_subscriptions()
        self._place_schedules()
        self._place_aliases()
        self._place_invoke_configs()
        position = {logical_id: i for i, logical_id in enumerate(self.resolver.template["Resources"])}
        self.report.findings.sort(key=lambda finding: position.get(finding.resource, -1))  # template order
        out: dict[str, Any] = {"account": {"region": self.region, "account_id": self.account_id},
                               "functions": self.functions, "targets": self.targets}
        if self.mappings:
            out["EventSourceMappings"] = self.mappings
        if self.workloads:
            out["workloads"] = self.workloads
        return out


def scenario_dict_from_cloudformation(template: Mapping, report: TemplateReport, *,
                                      parameters: Mapping[str, Any] | None = None, region: str = "us-east-1",
                                      account_id: str = "123456789012", start_time: str = DEFAULT_START_TIME,
                                      horizon_s: float = SCHEDULE_HORIZON_S) -> dict:
    """The scenario-file shape of a CloudFormation template's async configuration (module docstring);
    findings go to ``report``; a schedule's workload fires from ``start_time`` up to ``horizon_s``."""
    return TemplateReader(template, parameters, region, account_id, report, start_time, horizon_s).read()
