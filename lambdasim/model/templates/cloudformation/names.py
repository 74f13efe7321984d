"""A template's resources as the CloudFormation reader holds them: names, ARNs, Ref and Fn::GetAtt.

:class:`TemplateResources` keeps the resources whose conditions hold, the scenario parts being
filled, the values ``Ref`` and ``Fn::GetAtt`` give for each modelled type, and how a resource's
properties are read (resolved, ignored or reported). The readers of each resource family extend it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lambdasim.model.rules import function_arn, parse_function
from lambdasim.model.templates.cloudformation.properties import NOT_MODELLED, is_true
from lambdasim.model.templates.intrinsics import NO_VALUE, Resolver
from lambdasim.model.templates.report import TemplateRefused, TemplateReport
from lambdasim.model.templates.schedules import DEFAULT_START_TIME, SCHEDULE_HORIZON_S

__all__ = ["TemplateResources"]


class TemplateResources:
    """One template's resources, their names and ARNs, and the scenario parts read from them."""

    def __init__(self, template: Mapping, parameters: Mapping | None, region: str, account_id: str,
                 report: TemplateReport, start_time: str = DEFAULT_START_TIME,
                 horizon_s: float = SCHEDULE_HORIZON_S) -> None:
        resources = template.get("Resources")
        if not isinstance(resources, Mapping) or not resources:
            raise TemplateRefused("Resources", "", "the template has no resources",
                                  "pass a template with a Resources section")
        self.resolver = Resolver(template, parameters, region, account_id)
        self.region, self.account_id, self.report = region, account_id, report
        self.start_time, self.horizon_s = start_time, horizon_s  # the span a schedule's workload fills
        self.resolver.namers = {kind: namer for kind, namer in self._namers().items()}
        for logical_id, resource in resources.items():
            if not isinstance(resource, Mapping) or not isinstance(resource.get("Type"), str):
                raise TemplateRefused(logical_id, "Type", "a resource needs a Type", "write its Type")
            condition = resource.get("Condition")
            if condition is None or self.resolver.condition(str(condition), (logical_id, "Condition")):
                self.resolver.resources[logical_id] = resource
        self.functions: dict[str, dict] = {}
        self.targets: dict[str, dict] = {}
        self.mappings: list[dict] = []
        self.workloads: list[dict] = []
        self.invoke_configs: dict[str, list[tuple[str, str, dict]]] = {}
        self.versions: dict[str, list[str]] = {}   # function name -> version logical ids in order
        self.aliases: dict[tuple[str, str], str] = {}  # (function, alias name) -> version
        self.alias_ids: dict[tuple[str, str], str] = {}  # (function, alias name) -> logical id
        self.alias_arns: dict[str, str] = {}  # alias ARN -> the ARN simulated in its place
        self.subscriptions: dict[str, list[tuple[str, dict]]] = {}
        self.schedules: list[tuple[str, dict]] = []

    # -- names, ARNs and the attributes Ref and Fn::GetAtt give ---------------------------------

    def _namers(self) -> dict[str, Callable[[str, str], Any]]:
        return {"AWS::Lambda::Function": self._function_value, "AWS::Lambda::Version": self._version_value,
                "AWS::Lambda::Alias": self._alias_value, "AWS::SQS::Queue": self._queue_value,
                "AWS::SNS::Topic": self._topic_value, "AWS::Events::EventBus": self._bus_value,
                "AWS::S3::Bucket": self._bucket_value}

    def _name(self, logical_id: str, prop: str, default: str) -> str:
        properties = self.resolver.resources[logical_id].get("Properties") or {}
        if prop in properties:
            return str(self.resolver.value(properties[prop], (logical_id, prop)))
        return default

    def function_name(self, logical_id: str) -> str:
        return self._name(logical_id, "FunctionName", logical_id)

    def _function_value(self, logical_id: str, attribute: str) -> Any:
        name = self.function_name(logical_id)
        return {"Ref": name, "Arn": function_arn(self.region, self.account_id, name)}.get(attribute)

    def version_number(self, logical_id: str) -> str:
        function = self._function_of(logical_id)
        return str(self.versions_of(function).index(logical_id) + 1)

    def versions_of(self, function: str) -> list[str]:
        """The logical ids of the template's versions of ``function``, in template order."""
        if function not in self.versions:
            self.versions[function] = [
                logical_id for logical_id, resource in self.resolver.resources.items()
                if resource["Type"] == "AWS::Lambda::Version" and self._function_of(logical_id) == function]
        return self.versions[function]

    def _function_of(self, logical_id: str) -> str:
        properties = self.resolver.resources[logical_id].get("Properties") or {}
        value = self.resolver.value(properties.get("FunctionName"), (logical_id, "FunctionName"))
        if not isinstance(value, str) or not value:
            raise TemplateRefused(logical_id, "FunctionName", "a function name is required",
                                  "name a function (for example !Ref MyFunction)")
        return parse_function(value)[0]

    def _version_value(self, logical_id: str, attribute: str) -> Any:
        function, number = self._function_of(logical_id), self.version_number(logical_id)
        arn = function_arn(self.region, self.account_id, function, number)
        return {"Ref": arn, "Version": number, "FunctionArn": arn}.get(attribute)

    def _alias_value(self, logical_id: str, attribute: str) -> Any:
        arn = function_arn(self.region, self.account_id, self._function_of(logical_id),
                           self._name(logical_id, "Name", logical_id))
        return {"Ref": arn, "AliasArn": arn}.get(attribute)

    def _queue_name(self, logical_id: str) -> str:
        properties = self.resolver.resources[logical_id].get("Properties") or {}
        fifo = self.resolver.value(properties.get("FifoQueue", False), (logical_id, "FifoQueue"))
        return self._name(logical_id, "QueueName", logical_id + (".fifo" if is_true(fifo) else ""))

    def _queue_value(self, logical_id: str, attribute: str) -> Any:
        name = self._queue_name(logical_id)
        url = f"https://sqs.{self.region}.amazonaws.com/{self.account_id}/{name}"
        return {"Ref": url, "QueueUrl": url, "QueueName": name,
                "Arn": f"arn:aws:sqs:{self.region}:{self.account_id}:{name}"}.get(attribute)

    def _topic_value(self, logical_id: str, attribute: str) -> Any:
        name = self._name(logical_id, "TopicName", logical_id)
        arn = f"arn:aws:sns:{self.region}:{self.account_id}:{name}"
        return {"Ref": arn, "TopicArn": arn, "TopicName": name}.get(attribute)

    def _bus_value(self, logical_id: str, attribute: str) -> Any:
        name = self._name(logical_id, "Name", logical_id)
        return {"Ref": name, "Name": name,
                "Arn": f"arn:aws:events:{self.region}:{self.account_id}:event-bus/{name}"}.get(attribute)

    def _bucket_value(self, logical_id: str, attribute: str) -> Any:
        name = self._name(logical_id, "BucketName", logical_id.lower())
        return {"Ref": name, "Arn": f"arn:aws:s3:::{name}"}.get(attribute)


    # -- a resource's properties, and the functions they name ----------------------------------

    def _properties(self, logical_id: str, properties: Mapping, read: tuple[str, ...],
                    ignored: tuple[str, ...], reported: Mapping[str, str]) -> dict:
        """The resolved values of the ``read`` properties; the others reported unless ``ignored``."""
        out = {}
        for prop, value in properties.items():
            if prop in read:
                resolved = self.resolver.value(value, (logical_id, prop))
                if resolved is not None and resolved is not NO_VALUE:
                    out[prop] = resolved
            elif prop not in ignored:
                self.report.add(logical_id, prop, reported.get(prop, NOT_MODELLED))
        return out


    def _known_function(self, logical_id: str, values: Mapping) -> str:
        name = parse_function(str(values.get("FunctionName", "")))[0] if values.get("FunctionName") else ""
        if name not in self.functions:
            raise TemplateRefused(logical_id, "FunctionName", f"{name or 'nothing'} is not a function of the "
                                  "template", "name an AWS::Lambda::Function of the template")
        return name
