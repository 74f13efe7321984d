"""A scenario's async configuration written as a CloudFormation or SAM template.

:func:`to_cloudformation` writes each function (``AWS::Lambda::Function`` with its Timeout,
MemorySize, Architectures, reserved concurrency, DLQ, environment and recursion setting), its
EventInvokeConfig (for ``$LATEST``), its published versions with their provisioned concurrency
and event-invoke configs (``AWS::Lambda::Version`` resources chained by ``DependsOn``, so they are
numbered 1, 2, ... as the scenario numbers them), its SQS event-source mappings, and each target
the scenario lists (an SQS queue with its attributes, an SNS topic with its subscriptions, an
EventBridge bus, an S3 bucket) in its account and Region. A destination that is a resource of the
template is written as ``!GetAtt`` (or ``!Ref``), any other as its ARN. The code, runtime and
execution role are placeholders (a template needs them; the simulation does not): paste the async
settings into your own stack.

What a template cannot say (durations, cold starts, failures, workloads, outages, the account's
concurrency, the queue's timing, seed and horizon) goes under the template's ``Metadata.lambdasim``
as scenario-file YAML text (cfn-lint refuses numbers with a fraction in Metadata), which
CloudFormation keeps and ignores and ``Scenario.from_template``
reads back: loading the output gives an equal scenario. :func:`to_sam` writes the functions as
``AWS::Serverless::Function`` with SAM's ``EventInvokeConfig``, ``DeadLetterQueue`` and ``SQS``
events; a function whose versions are what SAM's ``AutoPublishAlias`` makes (version 1 alone, here
with provisioned concurrency) gets ``AutoPublishAlias`` (:data:`AUTO_PUBLISH_ALIAS`) with its
``ProvisionedConcurrencyConfig`` and version 1's ``EventInvokeConfig`` on the function (SAM applies
both to the alias, which a scenario runs as version 1); more versions stay ``AWS::Lambda::Version``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import yaml

from lambdasim.model.rules import (
    DEFAULT_EVENT_AGE_S,
    DEFAULT_RETRY_ATTEMPTS,
    LATEST,
    parse_function,
    service_of,
)
from lambdasim.model.templates import METADATA_KEY, SAM_TRANSFORM

__all__ = ["to_cloudformation", "to_sam", "template_yaml", "PLACEHOLDER_RUNTIME", "AUTO_PUBLISH_ALIAS"]

#: The runtime of the placeholder code (a supported Python runtime).
PLACEHOLDER_RUNTIME = "python3.12"
_PLACEHOLDER_CODE = "def handler(event, context):\n    return None  # placeholder\n"
_DESCRIPTION = ("The async configuration of a lambdasim scenario. Code, runtime and role are placeholders; "
                "Metadata.lambdasim keeps the simulator's settings.")
#: The settings of a function that are the simulator's, not AWS's (they go to Metadata).
_SIMULATOR_KEYS = ("duration", "cold_start", "keep_alive_s", "failures", "handler")
#: The alias name :func:`to_sam` gives ``AutoPublishAlias`` (a scenario has no aliases, so it names none).
AUTO_PUBLISH_ALIAS = "live"
_SAM_TYPES = {"sqs": "SQS", "sns": "SNS", "events": "EventBridge", "lambda": "Lambda", "s3": "S3Bucket"}


def _logical_id(name: str, suffix: str, taken: set[str]) -> str:
    """An alphanumeric logical id from a name (``orders-dlq`` -> ``OrdersDlqQueue``), unique."""
    base = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)
    base = base if base.endswith(suffix) else base + suffix  # orders-bus -> OrdersBus, not OrdersBusBus
    logical_id, n = base, 2
    while logical_id in taken:
        logical_id, n = f"{base}{n}", n + 1
    taken.add(logical_id)
    return logical_id


class _Writer:
    def __init__(self, scenario: Any, sam: bool) -> None:
        self.scenario, self.sam = scenario, sam
        self.region, self.account_id = scenario.account.region, scenario.account.account_id
        # the scenario-file shape as plain data (a module-level callable handler as "module:name")
        self.data = yaml.safe_load(scenario.to_yaml())
        self.resources: dict[str, dict] = {}
        self.taken: set[str] = set()
        self.refs: dict[str, Any] = {}   # ARN (or function name) -> how the template names it
        self.function_ids: dict[str, str] = {}
        self.target_ids: dict[str, str] = {}

    def write(self) -> dict:
        for name in self.data["functions"]:
            logical_id = self.function_ids[name] = _logical_id(name, "Function", self.taken)
            self.refs[self.scenario.function_arn(name)] = {"Fn::GetAtt": [logical_id, "Arn"]}
        for arn in self.data.get("targets", {}):
            if self._local(arn):
                self.target_ids[arn] = self._target_id(arn)
        for arn, target in self.data.get("targets", {}).items():
            if arn in self.target_ids:
                self._target(arn, target)
        for name, config in self.data["functions"].items():
            self._function(name, config)
        for mapping in self.data.get("EventSourceMappings", []):
            self._mapping(mapping)
        template: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09"}
        if self.sam:
            template["Transform"] = SAM_TRANSFORM
        settings = yaml.safe_dump(self._metadata(), sort_keys=False)  # text: cfn-lint refuses floats here
        template.update(Description=_DESCRIPTION, Metadata={METADATA_KEY: settings}, Resources=self.resources)
        return template

    def _local(self, arn: str) -> bool:
        parts = arn.split(":")
        return service_of(arn) == "s3" or (parts[3], parts[4]) == (self.region, self.account_id)

    def _target_id(self, arn: str) -> str:
        service, name = service_of(arn), re.split(r"[:/]", arn)[-1]
        suffix = {"sqs": "Queue", "sns": "Topic", "events": "Bus", "s3": "Bucket"}.get(service, "Target")
        logical_id = _logical_id(name.removesuffix(".fifo"), suffix, self.taken)
        self.refs[arn] = {"Ref": logical_id} if service == "sns" else {"Fn::GetAtt": [logical_id, "Arn"]}
        return logical_id

    def ref(self, arn: Any) -> Any:
        """How the template names ``arn``: a fresh ``!Ref``/``!GetAtt`` of its resource, or the ARN."""
        ref = self.refs.get(arn)
        return arn if ref is None else copy.deepcopy(ref)

    def _target(self, arn: str, target: dict) -> None:
        service, logical_id, name = service_of(arn), self.target_ids[arn], re.split(r"[:/]", arn)[-1]
        if service == "sqs":
            properties: dict[str, Any] = {"QueueName": name}
            for key, value in (target.get("Attributes") or {}).items():
                if key == "RedrivePolicy" and isinstance(value, dict):
                    value = {**value, "deadLetterTargetArn": self.ref(value.get("deadLetterTargetArn"))}
                properties[key] = value
            self.resources[logical_id] = {"Type": "AWS::SQS::Queue", "Properties": properties}
        elif service == "sns":
            self.resources[logical_id] = {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": name}}
            for subscriber in target.get("subscriptions", []):
                properties = {"TopicArn": {"Ref": logical_id}, "Protocol": service_of(subscriber),
                              "Endpoint": self.ref(subscriber)}
                if target.get("raw_message_delivery"):
                    properties["RawMessageDelivery"] = True
                self.resources[_logical_id(logical_id, "Subscription", self.taken)] = {
                    "Type": "AWS::SNS::Subscription", "Properties": properties}
        elif service == "events":
            self.resources[logical_id] = {"Type": "AWS::Events::EventBus", "Properties": {"Name": name}}
        elif service == "s3":
            self.resources[logical_id] = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": name}}
        else:  # a Lambda function named as a target (outages): it is written with the functions
            del self.target_ids[arn]

    def _function(self, name: str, config: dict) -> None:
        logical_id = self.function_ids[name]
        properties: dict[str, Any] = {"FunctionName": name}
        for key in ("Timeout", "MemorySize", "Architectures", "ReservedConcurrentExecutions", "Environment",
                    "RecursiveLoop"):
            if key in config:
                properties[key] = config[key]
        dlq = (config.get("DeadLetterConfig") or {}).get("TargetArn")
        invoke_config = self._invoke_config(config.get("EventInvokeConfig") or {})
        if self.sam:
            properties.update(Runtime=PLACEHOLDER_RUNTIME, Handler="index.handler",
                              InlineCode=_PLACEHOLDER_CODE)
            if dlq:
                properties["DeadLetterQueue"] = {"Type": _SAM_TYPES[service_of(dlq)],
                                                 "TargetArn": self.ref(dlq)}
            self.resources[logical_id] = {"Type": "AWS::Serverless::Function", "Properties": properties}
            if self._auto_publish(logical_id, properties, config):
                if invoke_config:  # the function's EventInvokeConfig is the alias's: $LATEST's is its own
                    self._latest_invoke_config(logical_id, invoke_config)
                return
            if invoke_config:
                properties["EventInvokeConfig"] = invoke_config
        else:
            properties.update(Runtime=PLACEHOLDER_RUNTIME, Handler="index.handler",
                              Code={"ZipFile": _PLACEHOLDER_CODE}, Role={"Fn::GetAtt": [self._role(), "Arn"]})
            if dlq:
                properties["DeadLetterConfig"] = {"TargetArn": self.ref(dlq)}
            self.resources[logical_id] = {"Type": "AWS::Lambda::Function", "Properties": properties}
            if invoke_config:
                self._latest_invoke_config(logical_id, invoke_config)
        self._versions(name, logical_id, config.get("ProvisionedConcurrencyConfigs") or {},
                       config.get("VersionEventInvokeConfigs") or {})

    def _latest_invoke_config(self, function_id: str, invoke_config: dict) -> None:
        """``$LATEST``'s event-invoke config as an ``AWS::Lambda::EventInvokeConfig`` resource."""
        self.resources[_logical_id(function_id, "InvokeConfig", self.taken)] = {
            "Type": "AWS::Lambda::EventInvokeConfig",
            "Properties": {"FunctionName": {"Ref": function_id}, "Qualifier": LATEST, **invoke_config}}

    def _auto_publish(self, function_id: str, properties: dict, config: dict) -> bool:
        """Write a SAM function's versions as ``AutoPublishAlias`` when they are what it makes: one
        version, one alias on it (true when the scenario publishes version 1 alone). Its provisioned
        concurrency and event-invoke config go on the function, where SAM sets them on the alias."""
        provisioned = config.get("ProvisionedConcurrencyConfigs") or {}
        if set(provisioned) != {"1"}:
            return False
        properties["AutoPublishAlias"] = AUTO_PUBLISH_ALIAS
        properties["ProvisionedConcurrencyConfig"] = {"ProvisionedConcurrentExecutions": provisioned["1"]}
        version_config = (config.get("VersionEventInvokeConfigs") or {}).get("1")
        if version_config is not None:
            # AWS needs at least one setting: a config of AWS's defaults states its retries
            properties["EventInvokeConfig"] = (self._invoke_config(version_config)
                                               or {"MaximumRetryAttempts": DEFAULT_RETRY_ATTEMPTS})
        return True

    def _invoke_config(self, config: dict, sam: bool | None = None) -> dict:
        """The non-default settings of an EventInvokeConfig, destinations as references (with SAM's
        destination ``Type`` in a SAM function's property, unless ``sam`` is False)."""
        out: dict[str, Any] = {}
        if config.get("MaximumRetryAttempts", DEFAULT_RETRY_ATTEMPTS) != DEFAULT_RETRY_ATTEMPTS:
            out["MaximumRetryAttempts"] = config["MaximumRetryAttempts"]
        if config.get("MaximumEventAgeInSeconds", DEFAULT_EVENT_AGE_S) != DEFAULT_EVENT_AGE_S:
            out["MaximumEventAgeInSeconds"] = config["MaximumEventAgeInSeconds"]
        destinations = {}
        for side, value in (config.get("DestinationConfig") or {}).items():
            arn = (value or {}).get("Destination")
            if arn:
                destinations[side] = {"Destination": self.ref(arn)}
                if self.sam if sam is None else sam:  # SAM names the kind of destination
                    destinations[side]["Type"] = _SAM_TYPES[service_of(arn)]
        if destinations:
            out["DestinationConfig"] = destinations
        return out

    def _role(self) -> str:
        if "FunctionRole" not in self.resources:
            self.taken.add("FunctionRole")
            self.resources["FunctionRole"] = {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole"}]},
                "ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]}}
        return "FunctionRole"

    def _versions(self, name: str, function_id: str, provisioned: dict, invoke_configs: dict) -> None:
        """Versions 1..N as the scenario publishes them, each with its provisioned concurrency and its
        own ``AWS::Lambda::EventInvokeConfig`` (``Qualifier`` its version number, in SAM too: a SAM
        function's ``EventInvokeConfig`` property is for ``$LATEST`` or its AutoPublishAlias)."""
        previous = None
        for number in range(1, max(map(int, provisioned), default=0) + 1):
            logical_id = _logical_id(function_id, f"Version{number}", self.taken)
            properties: dict[str, Any] = {"FunctionName": {"Ref": function_id}}
            if str(number) in provisioned:
                properties["ProvisionedConcurrencyConfig"] = {
                    "ProvisionedConcurrentExecutions": provisioned[str(number)]}
            resource: dict[str, Any] = {"Type": "AWS::Lambda::Version", "Properties": properties}
            if previous is not None:
                resource["DependsOn"] = previous  # publish in order: version numbers follow the template
            self.resources[logical_id] = resource
            self.refs[self.scenario.function_arn(name, str(number))] = {"Ref": logical_id}
            if str(number) in invoke_configs:
                # AWS needs at least one setting: a config of AWS's defaults states its retries
                settings = (self._invoke_config(invoke_configs[str(number)], sam=False)
                            or {"MaximumRetryAttempts": DEFAULT_RETRY_ATTEMPTS})
                self.resources[_logical_id(logical_id, "InvokeConfig", self.taken)] = {
                    "Type": "AWS::Lambda::EventInvokeConfig",
                    "Properties": {"FunctionName": {"Ref": function_id},
                                   "Qualifier": {"Fn::GetAtt": [logical_id, "Version"]}, **settings}}
            previous = logical_id

    def _mapping(self, mapping: dict) -> None:
        function = mapping["FunctionName"]
        name, qualifier = parse_function(function)
        local = function == name and name in self.function_ids
        properties = {key: value for key, value in mapping.items() if key != "FunctionName"}
        properties["EventSourceArn"] = self.ref(mapping["EventSourceArn"])
        if self.sam and local:
            function_properties = self.resources[self.function_ids[name]]["Properties"]
            events = function_properties.setdefault("Events", {})
            queue = properties.pop("EventSourceArn")
            event_id = _logical_id(self.scenario_queue_name(mapping["EventSourceArn"]), "Messages",
                                   self.taken)
            events[event_id] = {"Type": "SQS", "Properties": {"Queue": queue, **properties}}
            return
        properties["FunctionName"] = {"Ref": self.function_ids[name]} if local else function
        self.resources[_logical_id(f"{name}-{self.scenario_queue_name(mapping['EventSourceArn'])}",
                                   "Mapping", self.taken)] = {"Type": "AWS::Lambda::EventSourceMapping",
                                                              "Properties": properties}

    @staticmethod
    def scenario_queue_name(arn: str) -> str:
        return arn.rsplit(":", 1)[-1].removesuffix(".fifo")

    def _metadata(self) -> dict:
        """The simulator's settings, in the scenario-file shape, for ``Metadata.lambdasim``."""
        data = self.data
        out: dict[str, Any] = {key: data[key] for key in ("seed", "horizon_s", "dispatch", "start_time",
                                                          "max_events", "account", "queue", "workloads")
                               if key in data}
        functions = {name: {key: config[key] for key in _SIMULATOR_KEYS if key in config}
                     for name, config in data["functions"].items()}
        out["functions"] = {name: settings for name, settings in functions.items() if settings}
        targets = {arn: {"unavailable": target["unavailable"]}
                   for arn, target in data.get("targets", {}).items() if target.get("unavailable")}
        targets.update({arn: target for arn, target in data.get("targets", {}).items()
                        if arn not in self.target_ids and arn not in targets})
        if targets:
            out["targets"] = targets
        return out


def to_cloudformation(scenario: Any) -> dict:
    """The scenario's async configuration as a CloudFormation template (module docstring)."""
    return _Writer(scenario, sam=False).write()


def to_sam(scenario: Any) -> dict:
    """The scenario's async configuration as a SAM template (module docstring)."""
    return _Writer(scenario, sam=True).write()


class _Dumper(yaml.SafeDumper):
    """Writes ``{"Ref": x}`` and ``{"Fn::GetAtt": [a, b]}`` as CloudFormation's short tags, text of
    several lines as a literal block, and no YAML aliases (CloudFormation refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> Any:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> Any:
    if len(data) == 1:
        (key, value), = data.items()
        if key == "Ref" and isinstance(value, str):
            return dumper.represent_scalar("!Ref", value)
        if key == "Fn::GetAtt" and isinstance(value, list) and len(value) == 2:
            return dumper.represent_scalar("!GetAtt", f"{value[0]}.{value[1]}")
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items())


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(str, _represent_str)


def template_yaml(template: dict) -> str:
    """A template as YAML text with ``!Ref`` and ``!GetAtt`` (keys in the order written)."""
    return yaml.dump(template, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=110)
