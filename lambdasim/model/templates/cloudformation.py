"""A CloudFormation template's async configuration, read into the scenario-file shape.

The text is decoded by cfn-lint's template decoder (YAML with the short intrinsic tags such as
``!Ref`` and ``!GetAtt``, or JSON), imported when a template is read so ``import lambdasim`` stays
fast; intrinsic functions are evaluated by :class:`~lambdasim.model.templates.intrinsics.Resolver`.
Each resource type lambdasim models has a reader below that fills the scenario dict
(``functions``, ``targets``, ``EventSourceMappings``, ``workloads``) and says which of its
properties it reads, which do not change what happens to an async event (ignored), and which do
but are not simulated (each a finding of the :class:`TemplateReport`, with why). A property of a
modelled type that is in none of those lists is reported too: nothing is dropped silently.

Choices where a template does not say (docs/aws-behaviour.md §20):

* Versions of a function are numbered 1, 2, ... in template order (CloudFormation publishes them
  in the order it creates them; a ``DependsOn`` chain makes that the template order).
* A scenario file has no aliases: invocations through an alias are simulated on the version it
  points to when the scenario publishes that version (it publishes 1..N, N the highest with
  provisioned concurrency), else on ``$LATEST``. Provisioned concurrency on an alias is
  provisioned concurrency on its version.
* A scenario file holds ``$LATEST``'s EventInvokeConfig and one per version it publishes
  (``VersionEventInvokeConfigs``): a config for ``$LATEST``, a published version, or an alias
  simulated on one of them is applied there; a second for the same qualifier, or one for a version
  the scenario does not publish, is reported, not applied.
* An ``AWS::Events::Rule`` with ``ScheduleExpression: rate(...)`` targeting a function becomes a
  constant workload of that rate from 0 s to the horizon (``horizon_s`` or one hour).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from lambdasim.model.rules import LATEST, function_arn, parse_function, provisioned_on_weighted_alias
from lambdasim.model.templates.intrinsics import NO_VALUE, Resolver
from lambdasim.model.templates.report import TemplateRefused, TemplateReport, unplaced_invoke_config

__all__ = ["decode", "scenario_dict_from_cloudformation", "SCHEDULE_HORIZON_S"]

#: How long a schedule's workload runs when the scenario sets no ``horizon_s``.
SCHEDULE_HORIZON_S = 3600.0

#: Resource types that do not change what happens to an async event: read past without a finding.
IGNORED_TYPES = re.compile(
    r"AWS::(IAM|Logs|CloudWatch|SSM|KMS|CloudFormation|CDK)::.*|AWS::Lambda::(Permission|LayerVersion"
    r"|LayerVersionPermission|CodeSigningConfig)|AWS::(SQS::QueuePolicy|SQS::QueueInlinePolicy"
    r"|SNS::TopicPolicy|SNS::TopicInlinePolicy|S3::BucketPolicy|Events::EventBusPolicy)")

_NOT_MODELLED = "not simulated by lambdasim"
_SOURCE = "an async event source: lambdasim does not generate its events; pass a workload for the function"


def decode(text: str, name: str | None = None) -> dict:
    """The plain data of CloudFormation YAML (short tags become ``{"Fn::...": ...}``) or JSON."""
    from cfnlint.decode import decode_str

    template, errors = decode_str(text)
    if errors or not isinstance(template, Mapping):
        detail = "; ".join(str(error.message) for error in errors[:3]) or "not a mapping"
        raise TemplateRefused(name or "template", "", f"not a CloudFormation template ({detail})",
                              "pass CloudFormation YAML or JSON with a Resources section")
    return plain(template)


def plain(node: Any) -> Any:
    """cfn-lint's node objects (which carry line marks) as plain dicts, lists and scalars."""
    if isinstance(node, Mapping):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


class _Reader:
    """Reads one template's resources into the scenario-file shape (module docstring)."""

    def __init__(self, template: Mapping, parameters: Mapping | None, region: str, account_id: str,
                 report: TemplateReport) -> None:
        resources = template.get("Resources")
        if not isinstance(resources, Mapping) or not resources:
            raise TemplateRefused("Resources", "", "the template has no resources",
                                  "pass a template with a Resources section")
        self.resolver = Resolver(template, parameters, region, account_id)
        self.region, self.account_id, self.report = region, account_id, report
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
        return self._name(logical_id, "QueueName", logical_id + (".fifo" if _true(fifo) else ""))

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

    # -- reading ---------------------------------------------------------------------------------

    def read(self) -> dict:
        readers = {"AWS::Lambda::Function": self._function, "AWS::Lambda::Version": self._version,
                   "AWS::Lambda::Alias": self._alias, "AWS::Lambda::EventInvokeConfig": self._invoke_config,
                   "AWS::Lambda::EventSourceMapping": self._mapping, "AWS::SQS::Queue": self._queue,
                   "AWS::SNS::Topic": self._topic, "AWS::SNS::Subscription": self._subscription,
                   "AWS::Events::EventBus": self._bus, "AWS::S3::Bucket": self._bucket,
                   "AWS::Events::Rule": self._rule}
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
                self.report.add(logical_id, prop, reported.get(prop, _NOT_MODELLED))
        return out

    def _function(self, logical_id: str, properties: Mapping) -> None:
        values = self._properties(logical_id, properties, _FUNCTION_READ, _FUNCTION_IGNORED,
                                  _FUNCTION_REPORTED)
        name = self.function_name(logical_id)
        config: dict[str, Any] = {}
        for prop in ("Timeout", "MemorySize", "ReservedConcurrentExecutions"):
            if prop in values:
                config[prop] = _integer(values[prop], logical_id, prop)
        for prop in ("Architectures", "RecursiveLoop"):
            if prop in values:
                config[prop] = values[prop]
        if "Environment" in values:
            config["Environment"] = {"Variables": {k: str(v) for k, v in
                                                   (values["Environment"].get("Variables") or {}).items()}}
        target = (values.get("DeadLetterConfig") or {}).get("TargetArn")
        if target:
            config["DeadLetterConfig"] = {"TargetArn": target}
            self._check_account(logical_id, "DeadLetterConfig.TargetArn", target)
        self.functions[name] = config
        self.report.resources[logical_id] = name

    def _version(self, logical_id: str, properties: Mapping) -> None:
        values = self._properties(logical_id, properties, ("FunctionName", "ProvisionedConcurrencyConfig"),
                                  ("Description", "CodeSha256"), {"RuntimePolicy": _NOT_MODELLED})
        function = self._known_function(logical_id, values)
        number = self.version_number(logical_id)
        self.report.resources[logical_id] = function_arn(self.region, self.account_id, function, number)
        count = (values.get("ProvisionedConcurrencyConfig") or {}).get("ProvisionedConcurrentExecutions")
        if count is not None:
            self._provision(logical_id, function, number, _integer(count, logical_id,
                                                                    "ProvisionedConcurrencyConfig"))

    def _provision(self, logical_id: str, function: str, version: str, count: int) -> None:
        provisioned = self.functions[function].setdefault("ProvisionedConcurrencyConfigs", {})
        if version in provisioned:
            raise TemplateRefused(logical_id, "ProvisionedConcurrencyConfig", f"version {version} of "
                                  f"{function} already has provisioned concurrency in the template",
                                  "configure it once, on the version or on one alias")
        provisioned[version] = count

    def _alias(self, logical_id: str, properties: Mapping) -> None:
        values = self._properties(logical_id, properties, ("FunctionName", "FunctionVersion", "Name",
                                  "ProvisionedConcurrencyConfig", "RoutingConfig"), ("Description",), {})
        function = self._known_function(logical_id, values)
        version = str(values.get("FunctionVersion", ""))
        name = str(values.get("Name", logical_id))
        self.aliases[(function, name)], self.alias_ids[(function, name)] = version, logical_id
        self.report.resources[logical_id] = self._alias_value(logical_id, "Ref")
        weights = (values.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or []
        count = (values.get("ProvisionedConcurrencyConfig") or {}).get("ProvisionedConcurrentExecutions")
        if weights:
            if count is not None:
                raise TemplateRefused(logical_id, "ProvisionedConcurrencyConfig",
                                      provisioned_on_weighted_alias().message,
                                      "remove RoutingConfig or the provisioned concurrency")
            self.report.add(logical_id, "RoutingConfig", "weighted alias routing: a scenario file has no "
                            "aliases; invocations through the alias are simulated on version "
                            f"{version}; to split traffic, create the alias with the client "
                            "(create_alias with RoutingConfig)")
        if count is not None:
            if not version.isdigit():
                raise TemplateRefused(logical_id, "FunctionVersion",
                                      f"{version!r} is not a published version",
                                      "point the alias at a published version (!GetAtt MyVersion.Version)")
            self._provision(logical_id, function, version,
                            _integer(count, logical_id, "ProvisionedConcurrencyConfig"))

    def _known_function(self, logical_id: str, values: Mapping) -> str:
        name = parse_function(str(values.get("FunctionName", "")))[0] if values.get("FunctionName") else ""
        if name not in self.functions:
            raise TemplateRefused(logical_id, "FunctionName", f"{name or 'nothing'} is not a function of the "
                                  "template", "name an AWS::Lambda::Function of the template")
        return name

    def _invoke_config(self, logical_id: str, properties: Mapping) -> None:
        keys = ("FunctionName", "Qualifier", "MaximumRetryAttempts", "MaximumEventAgeInSeconds",
                "DestinationConfig")
        values = self._properties(logical_id, properties, keys, (), {})
        function = self._known_function(logical_id, values)
        config: dict[str, Any] = {}
        for prop in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
            if prop in values:
                config[prop] = _integer(values[prop], logical_id, prop)
        destinations = values.get("DestinationConfig") or {}
        for side in ("OnSuccess", "OnFailure"):
            arn = (destinations.get(side) or {}).get("Destination")
            if arn:
                config.setdefault("DestinationConfig", {})[side] = {"Destination": arn}
                self._check_account(logical_id, f"DestinationConfig.{side}.Destination", arn)
        qualifier = str(values.get("Qualifier", LATEST))
        self.invoke_configs.setdefault(function, []).append((logical_id, qualifier, config))

    def _place_invoke_configs(self) -> None:
        """AWS keeps one EventInvokeConfig per qualifier; a scenario holds ``$LATEST``'s
        (``EventInvokeConfig``) and each published version's (``VersionEventInvokeConfigs``). A
        config on an alias goes to what the alias is simulated on (a scenario has no aliases). The
        first config for a qualifier is applied; a second one, or one for a version the scenario
        does not publish, is reported with how to set it (never applied where AWS would not)."""
        for function, configs in self.invoke_configs.items():
            properties = self.functions[function]
            published = max(map(int, properties.get("ProvisionedConcurrencyConfigs", {})), default=0)
            placed: dict[str, str] = {}   # simulated qualifier -> logical id of its config
            for logical_id, qualifier, config in configs:
                simulated_on = qualifier
                if qualifier != LATEST:
                    simulated_on = self.report.aliases.get(f"{function}:{qualifier}", qualifier) or LATEST
                is_published = simulated_on.isdigit() and 1 <= int(simulated_on) <= published
                if simulated_on not in placed and (simulated_on == LATEST or is_published):
                    placed[simulated_on] = logical_id
                    if simulated_on == LATEST:
                        properties["EventInvokeConfig"] = config
                    else:
                        properties.setdefault("VersionEventInvokeConfigs", {})[simulated_on] = config
                    if qualifier != simulated_on:
                        self.report.add(logical_id, "Qualifier", f"invocations through {qualifier} are "
                                        f"simulated on {function}:{simulated_on}, "
                                        "with this EventInvokeConfig")
                    continue
                why = unplaced_invoke_config(function, qualifier, simulated_on, placed.get(simulated_on))
                self.report.add(logical_id, "Qualifier", why)

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

    def _queue(self, logical_id: str, properties: Mapping) -> None:
        values = self._properties(logical_id, properties, _QUEUE_READ, ("Tags", "QueueName"), _QUEUE_REPORTED)
        attributes = {k: values[k] for k in _QUEUE_READ if k in values}
        arn = self._queue_value(logical_id, "Arn")
        self.targets[arn] = {"Attributes": attributes} if attributes else {}
        self.report.resources[logical_id] = arn

    def _topic(self, logical_id: str, properties: Mapping) -> None:
        values = self._properties(logical_id, properties, ("Subscription",),
                                  ("Tags", "TopicName", "DisplayName"), _TOPIC_REPORTED)
        arn = self._topic_value(logical_id, "Ref")
        self.targets[arn] = {}
        self.report.resources[logical_id] = arn
        for i, subscription in enumerate(values.get("Subscription") or []):
            self._subscriber(logical_id, f"Subscription[{i}]", arn, subscription)

    def _subscription(self, logical_id: str, properties: Mapping) -> None:
        values = self._properties(logical_id, properties, ("TopicArn", "Protocol", "Endpoint",
                                  "RawMessageDelivery"), (), _SUBSCRIPTION_REPORTED)
        self.report.resources[logical_id] = str(values.get("Endpoint"))
        self.subscriptions.setdefault(str(values.get("TopicArn")), []).append((logical_id, values))

    def _subscriber(self, logical_id: str, prop: str, topic: str, values: Mapping) -> None:
        protocol, endpoint = str(values.get("Protocol", "")), values.get("Endpoint")
        if protocol not in ("sqs", "lambda"):
            self.report.add(logical_id, f"{prop}.Protocol", f"a subscription of protocol {protocol}: "
                            "lambdasim's topics deliver to SQS queues and Lambda functions only; this one is "
                            "left out")
            return
        target = self.targets.setdefault(topic, {})
        target.setdefault("subscriptions", []).append(endpoint)
        if protocol != "sqs":  # raw delivery is a setting of queue subscriptions (Lambda gets SNS's event)
            return
        raw = _true(values.get("RawMessageDelivery", False))
        if raw != target.setdefault("raw_message_delivery", raw):
            self.report.add(logical_id, "RawMessageDelivery", f"the subscriptions of {topic} differ in "
                            "RawMessageDelivery: a scenario sets it per topic, as its first queue "
                            "subscription does")

    def _place_subscriptions(self) -> None:
        for topic, subscriptions in self.subscriptions.items():
            if topic not in self.targets:
                logical_id = subscriptions[0][0]
                self.report.add(logical_id, "TopicArn", f"{topic} is not a topic of the template: its "
                                "subscriptions are left out")
                continue
            for logical_id, values in subscriptions:
                self._subscriber(logical_id, "Protocol", topic, values)
        for target in self.targets.values():
            if target.get("raw_message_delivery") is False:
                del target["raw_message_delivery"]

    def _bus(self, logical_id: str, properties: Mapping) -> None:
        self._properties(logical_id, properties, (), ("Name", "Tags", "Description", "Policy"),
                         {"DeadLetterConfig": _NOT_MODELLED, "KmsKeyIdentifier": _KMS})
        arn = self._bus_value(logical_id, "Arn")
        self.targets[arn] = {}
        self.report.resources[logical_id] = arn

    def _bucket(self, logical_id: str, properties: Mapping) -> None:
        arn = self._bucket_value(logical_id, "Arn")
        self.targets[arn] = {}
        self.report.resources[logical_id] = arn
        notifications = properties.get("NotificationConfiguration")
        if notifications is not None:
            notifications = self.resolver.value(notifications, (logical_id, "NotificationConfiguration"))
            for i, _ in enumerate(notifications.get("LambdaConfigurations") or []):
                self.report.add(logical_id, f"NotificationConfiguration.LambdaConfigurations[{i}]", _SOURCE)

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
            self.report.add(logical_id, "EventPattern", _SOURCE)
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

    def _place_schedules(self) -> None:
        for logical_id, workload in self.schedules:
            if workload["function"] not in self.functions:
                self.report.add(logical_id, "Targets", f"{workload['function']} is not a function of the "
                                "template: its schedule is left out")
                continue
            if workload["qualifier"] is None:
                del workload["qualifier"]
            self.workloads.append(workload)

    def _place_aliases(self) -> None:
        """A scenario file has no aliases: each ARN of an alias of the template becomes the ARN of
        the version it points to (or of the function, when that version is not published in the
        scenario: it publishes versions 1..N, N the highest with provisioned concurrency)."""
        for (function, alias), version in self.aliases.items():
            published = max(map(int, self.functions[function].get("ProvisionedConcurrencyConfigs", {})),
                            default=0)
            qualifier = version if version.isdigit() and int(version) <= published else None
            self.report.aliases[f"{function}:{alias}"] = qualifier
            alias_arn = function_arn(self.region, self.account_id, function, alias)
            self.alias_arns[alias_arn] = function_arn(self.region, self.account_id, function, qualifier)
            self.report.add(self.alias_ids[(function, alias)], "Name", "a scenario file has no aliases: "
                            f"invocations through {alias} are simulated on {function}:{qualifier or LATEST}")
        if not self.alias_arns:
            return
        swap = self.alias_arns.get
        for config in self.functions.values():
            for side in (config.get("EventInvokeConfig") or {}).get("DestinationConfig", {}).values():
                side["Destination"] = swap(side["Destination"], side["Destination"])
        for target in self.targets.values():
            if "subscriptions" in target:
                target["subscriptions"] = [swap(arn, arn) for arn in target["subscriptions"]]
        for mapping in self.mappings:
            mapping["FunctionName"] = swap(mapping["FunctionName"], mapping["FunctionName"])
        for workload in self.workloads:
            key = f"{workload['function']}:{workload.get('qualifier')}"
            if key in self.report.aliases:
                workload["qualifier"] = self.report.aliases[key]
                if workload["qualifier"] is None:
                    del workload["qualifier"]

    def _check_account(self, logical_id: str, prop: str, arn: str) -> None:
        parts = str(arn).split(":")
        if len(parts) > 4 and parts[4] and parts[4] != self.account_id:
            self.report.add(logical_id, prop, f"a cross-account destination ({parts[4]}): lambdasim delivers "
                            "to it as a target that always accepts; the other account's resource policy "
                            "is not simulated")


_KMS = ("encryption with a KMS key: a key that is disabled, or whose policy denies the sender, makes AWS "
        "refuse the message; lambdasim never does")
_FUNCTION_READ = ("FunctionName", "Timeout", "MemorySize", "Architectures", "ReservedConcurrentExecutions",
                  "DeadLetterConfig", "Environment", "RecursiveLoop")
_FUNCTION_IGNORED = ("Code", "Handler", "Runtime", "Role", "Description", "Tags", "Layers", "PackageType",
                     "ImageConfig", "TracingConfig", "LoggingConfig", "EphemeralStorage",
                     "CodeSigningConfigArn", "RuntimeManagementConfig")
_FUNCTION_REPORTED = {
    "VpcConfig": "a function in a VPC: its network interfaces and the VPC's routes to the targets are "
                 "not simulated (cold starts take the cold_start distribution)",
    "KmsKeyArn": "environment variables encrypted with a customer managed KMS key: a disabled key fails "
                 "every invocation (KMSDisabledException); lambdasim never does",
    "SnapStart": "SnapStart restores published versions from a snapshot instead of running Init: set "
                 "the function's cold_start to what you measured",
    "FileSystemConfigs": "an EFS mount: its connection limits and latency are not simulated",
    "CapacityProviderConfig": _NOT_MODELLED,
}
_QUEUE_READ = ("FifoQueue", "VisibilityTimeout", "RedrivePolicy", "MessageRetentionPeriod", "DelaySeconds",
               "ReceiveMessageWaitTimeSeconds", "ContentBasedDeduplication", "MaximumMessageSize",
               "SqsManagedSseEnabled")
_QUEUE_REPORTED = {"KmsMasterKeyId": _KMS,
                   "DeduplicationScope": "high-throughput FIFO settings are not simulated",
                   "FifoThroughputLimit": "high-throughput FIFO settings are not simulated",
                   "RedriveAllowPolicy": "which queues may use this one as a dead-letter queue is not "
                                         "checked"}
_TOPIC_REPORTED = {"KmsMasterKeyId": _KMS, "FifoTopic": "FIFO topics are not simulated (ordering, "
                                                        "deduplication): it is read as a standard topic"}
_SUBSCRIPTION_REPORTED = {"FilterPolicy": "filter policies drop the messages they do not match; lambdasim "
                                          "delivers every message", "FilterPolicyScope": _NOT_MODELLED,
                          "RedrivePolicy": "a subscription's dead-letter queue is not simulated",
                          "DeliveryPolicy": "SNS's delivery retry policy is not simulated"}

_RATE = re.compile(r"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)")
_UNIT_S = {"minute": 60, "hour": 3600, "day": 86400}


def _rate_s(expression: str) -> float | None:
    """The period in seconds of ``rate(N unit)`` (EventBridge Scheduler's rate syntax); None otherwise."""
    match = _RATE.fullmatch(expression.strip())
    if match is None:
        return None
    return int(match.group(1)) * _UNIT_S[match.group(2).rstrip("s")]


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _integer(value: Any, logical_id: str, prop: str) -> Any:
    """A whole number written as a number or a numeric string (CloudFormation accepts both)."""
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return value


def scenario_dict_from_cloudformation(template: Mapping, report: TemplateReport, *,
                                      parameters: Mapping[str, Any] | None = None, region: str = "us-east-1",
                                      account_id: str = "123456789012") -> dict:
    """The scenario-file shape of a CloudFormation template's async configuration (module docstring);
    findings go to ``report``."""
    return _Reader(template, parameters, region, account_id, report).read()
