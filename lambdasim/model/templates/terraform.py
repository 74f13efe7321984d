"""Terraform: the async configuration of a plan, a state or ``.tf`` files, as a scenario dict.

Three inputs, one reading:

- the JSON of ``terraform show -json PLANFILE`` (a plan: ``planned_values``; a value Terraform only
  knows after apply, such as a queue's ``arn``, is taken from the plan's ``configuration``
  references and built from the referenced resource's name),
- the JSON of ``terraform show -json`` after apply (a state: ``values``), child modules included,
- ``.tf`` text read with python-hcl2, where the values are literal: a string, a number, a
  ``var.NAME`` with a default or a value the caller passes, a reference to another resource's
  ``arn``/``name``/``function_name``/``id`` in the same files, and ``jsonencode({...})`` of such
  values. Anything else (a ``data`` source, a ``local``, a function call) is refused naming the
  resource and the attribute.

The resources read: ``aws_lambda_function``, ``aws_lambda_function_event_invoke_config``,
``aws_lambda_alias``, ``aws_lambda_event_source_mapping``, ``aws_lambda_provisioned_concurrency_config``,
``aws_sqs_queue``, ``aws_sns_topic`` (+ ``aws_sns_topic_subscription``), ``aws_cloudwatch_event_bus``.
What they set that affects async behaviour and is not modelled goes into the
:class:`~lambdasim.model.templates.report.TemplateReport`; resources that do not change what
happens to an async event (IAM, permissions, log groups) are left alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lambdasim.model.rules import LATEST, function_arn, parse_function
from lambdasim.model.templates.cloudformation import unplaced_invoke_config
from lambdasim.model.templates.report import TemplateRefused, TemplateReport

__all__ = ["scenario_dict_from_terraform", "is_terraform_json"]

#: Resource types that never change what happens to an async event: read past without a word.
_LEFT_ALONE = ("aws_iam_", "aws_lambda_permission", "aws_cloudwatch_log_group", "aws_s3_object",
               "aws_lambda_layer_version", "aws_sqs_queue_policy", "aws_sns_topic_policy", "null_",
               "random_", "archive_", "local_", "terraform_data", "time_")
#: Function attributes that change how an async event is handled and that lambdasim does not model.
_FUNCTION_NOT_MODELLED = {
    "vpc_config": "a VPC config: cold starts and ENI limits of a VPC function are not simulated",
    "kms_key_arn": "a KMS key for the environment variables: decryption is not simulated",
    "snap_start": "SnapStart: restored snapshots instead of cold starts are not simulated",
    "file_system_config": "an EFS file system: its connections are not simulated",
}
_UNKNOWN = object()
#: The attributes a plan's unknown value is rebuilt for, from the resource its configuration refers to.
_REFERENCE_ATTRIBUTES = frozenset({"target_arn", "destination", "topic_arn", "endpoint", "event_source_arn",
                                   "function_name", "qualifier", "function_version"})


class _Refusal:
    """A ``.tf`` value lambdasim cannot make literal: refused when (and only if) it is read."""

    def __init__(self, error: TemplateRefused) -> None:
        self.error = error


@dataclass
class _Context:
    """The Region and account the ARNs Terraform computes are built in."""

    region: str
    account_id: str

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"


@dataclass
class _Resource:
    """One resource: its address, type, logical name and attribute values; ``lookup`` answers a
    value the values leave out (a plan's unknown, a ``.tf`` reference)."""

    address: str
    type: str
    name: str
    values: dict
    lookup: Callable[[_Resource, tuple], Any] = field(repr=False, default=lambda r, p: _UNKNOWN)
    #: Top-level attributes a plan says are known only after apply (its ``after_unknown``).
    after_apply: frozenset = frozenset()

    def get(self, *path: str | int, default: Any = None) -> Any:
        value: Any = self.values
        for step in path:
            if isinstance(step, int):
                value = value[step] if isinstance(value, list) and len(value) > step else None
            else:
                value = value.get(step) if isinstance(value, Mapping) else None
            if isinstance(value, _Refusal):
                raise value.error
            if value is None:
                break
        if value is None:
            found = self.lookup(self, path)
            value = default if found is _UNKNOWN else found
        return value

    def block(self, name: str) -> dict:
        """A nested block (Terraform writes them as one-element lists); ``{}`` when absent."""
        value = self.values.get(name)
        return value[0] if isinstance(value, list) and value and isinstance(value[0], Mapping) else {}


def is_terraform_json(document: Any) -> bool:
    """Whether ``document`` is the JSON of ``terraform show -json`` (a plan or a state)."""
    return isinstance(document, Mapping) and "format_version" in document and (
        "planned_values" in document or "values" in document or "terraform_version" in document)


def scenario_dict_from_terraform(source: Mapping | str, report: TemplateReport, *,
                                 parameters: Mapping[str, Any] | None = None,
                                 region: str | None = None, account_id: str | None = None) -> dict:
    """The scenario dict (file shape, no workloads) of a Terraform plan/state JSON or ``.tf`` text.

    ``parameters`` answer a ``.tf`` file's ``var.NAME`` (over its defaults); ``region`` and
    ``account_id`` build the ARNs Terraform only knows after apply (default: the provider's
    ``region`` in a plan, the ARNs of a state, else lambdasim's us-east-1 / 123456789012).
    """
    if isinstance(source, str):
        report.format = "Terraform (.tf)"
        context = _Context(region or "us-east-1", account_id or "123456789012")
        resources = _tf_resources(source, dict(parameters or {}), context, region is None)
    elif source.get("planned_values") is not None:
        report.format = "Terraform plan"
        context = _Context(region or _plan_region(source) or "us-east-1", account_id or "123456789012")
        resources = _plan_resources(source, context)
    else:
        report.format = "Terraform state"
        resources = _state_resources(source)
        found_region, found_account = _arn_parts(resources)
        context = _Context(region or found_region or "us-east-1",
                           account_id or found_account or "123456789012")
    return _read(resources, context, report)


# -- the three inputs, as resources ------------------------------------------------------------------

def _walk_module(module: Mapping, out: list[_Resource], lookup: Callable,
                 unknown: Mapping[str, frozenset] | None = None) -> None:
    for resource in module.get("resources", ()):
        if resource.get("mode", "managed") == "managed":
            out.append(_Resource(resource["address"], resource["type"], resource["name"],
                                 dict(resource.get("values") or {}), lookup,
                                 (unknown or {}).get(resource["address"], frozenset())))
    for child in module.get("child_modules", ()):
        _walk_module(child, out, lookup, unknown)


def _state_resources(document: Mapping) -> list[_Resource]:
    out: list[_Resource] = []
    _walk_module((document.get("values") or {}).get("root_module") or {}, out, lambda r, p: _UNKNOWN)
    return out


def _plan_region(document: Mapping) -> str | None:
    """The ``region`` the plan's aws provider is configured with, when literal."""
    provider = ((document.get("configuration") or {}).get("provider_config") or {}).get("aws") or {}
    return ((provider.get("expressions") or {}).get("region") or {}).get("constant_value")


def _plan_resources(document: Mapping, context: _Context) -> list[_Resource]:
    """The planned resources; an unknown value is answered from the configuration's references."""
    expressions: dict[str, dict] = {}

    def collect(module: Mapping, prefix: str) -> None:
        for resource in module.get("resources", ()):
            expressions[prefix + resource["address"]] = resource.get("expressions") or {}
        for name, call in (module.get("module_calls") or {}).items():
            collect(call.get("module") or {}, f"{prefix}module.{name}.")

    configuration = document.get("configuration") or {}
    collect(configuration.get("root_module") or {}, "")
    by_address: dict[str, _Resource] = {}

    def lookup(resource: _Resource, path: tuple) -> Any:
        if not path or path[-1] not in _REFERENCE_ATTRIBUTES:
            return _UNKNOWN  # only a plain reference to a name or an ARN is rebuilt
        expression: Any = expressions.get(_config_address(resource.address), {})
        for step in path:
            if isinstance(step, int):
                listed = isinstance(expression, list) and len(expression) > step
                expression = expression[step] if listed else None
            else:
                expression = expression.get(step) if isinstance(expression, Mapping) else None
            if expression is None:
                return _UNKNOWN
        if not isinstance(expression, Mapping):
            return _UNKNOWN
        if "constant_value" in expression:
            return expression["constant_value"]
        module = resource.address.rpartition(f"{resource.type}.{resource.name}")[0]
        for reference in expression.get("references", ()):
            target, _, attribute = _split_reference(reference)
            if target and (module + target) in by_address:
                return _computed(by_address[module + target], attribute, context)
        return _UNKNOWN

    unknown = {change["address"]: frozenset(k for k, v in ((change.get("change") or {}).get("after_unknown")
                                                           or {}).items() if v is True)
               for change in document.get("resource_changes", ())}
    resources: list[_Resource] = []
    _walk_module((document.get("planned_values") or {}).get("root_module") or {}, resources, lookup, unknown)
    by_address.update((r.address, r) for r in resources)
    return resources


def _config_address(address: str) -> str:
    """A planned address without instance keys: ``module.a["x"].aws_sqs_queue.q[0]`` ->
    ``module.a.aws_sqs_queue.q``."""
    return re.sub(r"\[[^\]]*\]", "", address)


def _split_reference(reference: str) -> tuple[str, str, str]:
    """``aws_sqs_queue.dlq.arn`` -> (``aws_sqs_queue.dlq``, ``.``, ``arn``); a bare address has no
    attribute."""
    parts = re.sub(r"\[[^\]]*\]", "", reference).split(".")
    if len(parts) < 2 or parts[0] in ("var", "local", "data", "module", "each", "count", "path"):
        return "", "", ""
    return ".".join(parts[:2]), ".", ".".join(parts[2:3])


def _arn_parts(resources: list[_Resource]) -> tuple[str | None, str | None]:
    """The Region and account of the first ARN a state holds (the scenario's account then matches)."""
    for resource in resources:
        arn = resource.values.get("arn")
        if isinstance(arn, str) and arn.count(":") >= 5:
            parts = arn.split(":")
            if parts[3] and parts[4]:
                return parts[3], parts[4]
    return None, None


# -- .tf files --------------------------------------------------------------------------------------

_REFERENCE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+")


def _tf_resources(text: str, variables: dict, context: _Context, provider_region: bool) -> list[_Resource]:
    """The resources of ``.tf`` text, every value made literal (or refused); the aws provider's literal
    ``region`` sets the context's when ``provider_region``."""
    import io

    import hcl2
    from hcl2.utils import SerializationOptions

    parsed = hcl2.load(io.StringIO(text), serialization_options=SerializationOptions(with_comments=False))
    defaults = {}
    for block in parsed.get("variable", ()):
        for name, body in block.items():
            defaults[_unquote(name)] = body.get("default", _UNKNOWN)
    raw: dict[str, dict] = {}
    for block in parsed.get("resource", ()):
        for rtype, named in block.items():
            for name, body in named.items():
                raw[f"{_unquote(rtype)}.{_unquote(name)}"] = body
    resources: dict[str, _Resource] = {}
    for address in raw:
        rtype, name = address.split(".", 1)
        resources[address] = _Resource(address, rtype, name, {})
    resolving: set[str] = set()

    def value(expr: Any, where: tuple[str, str]) -> Any:
        if isinstance(expr, list):
            return [value(v, where) for v in expr]
        if isinstance(expr, Mapping):
            return {_unquote(k): attempt(v, (where[0], f"{where[1]}.{_unquote(k)}"))
                    for k, v in expr.items() if k != "__is_block__"}
        if not isinstance(expr, str):
            return expr
        if expr.startswith('"') and expr.endswith('"') and len(expr) >= 2:
            literal = expr[1:-1]
            return re.sub(r"\$\{([^}]*)\}", lambda m: str(reference(m.group(1), where)), literal)
        if expr.startswith("${") and expr.endswith("}"):
            return reference(expr[2:-1], where)
        return expr

    def attempt(expr: Any, where: tuple[str, str]) -> Any:
        try:
            return value(expr, where)
        except TemplateRefused as refused:
            return _Refusal(refused)

    def reference(expr: str, where: tuple[str, str]) -> Any:
        expr = expr.strip()
        encoded = re.fullmatch(r"jsonencode\((.*)\)", expr, re.S)
        if encoded:
            inner = hcl2.loads(f"x = {encoded.group(1)}\n",
                               serialization_options=SerializationOptions(with_comments=False))["x"]
            return json.dumps(value(inner, where), separators=(",", ":"))
        if _REFERENCE.fullmatch(expr) is None:
            raise _unresolved(where, expr, "is an expression lambdasim does not evaluate")
        parts = expr.split(".")
        if parts[0] == "var":
            found = variables.get(parts[1], defaults.get(parts[1], _UNKNOWN))
            if found is _UNKNOWN:
                raise TemplateRefused(
                    where[0], where[1], f"var.{parts[1]} has no default and no value was passed",
                    f"pass it: parameters={{'{parts[1]}': ...}} or --parameter {parts[1]}=VALUE")
            return value(found, where) if isinstance(found, str) and found.startswith(("\"", "${")) else found
        target = ".".join(parts[:2])
        if target not in resources or len(parts) != 3:
            raise _unresolved(where, expr, "refers to something outside the files' resources")
        resolve(target)
        found = _computed(resources[target], parts[2], context)
        if found is _UNKNOWN:
            raise _unresolved(where, expr, f"refers to {parts[2]}, which Terraform knows only after apply")
        return found

    def resolve(address: str) -> None:
        target = resources[address]
        if target.values or address in resolving:
            return
        resolving.add(address)
        body = raw[address]
        target.values = {key: attempt(v, (address, key)) for key, v in body.items()
                         if key != "__is_block__" and key not in ("redrive_policy",)}
        resolving.discard(address)
        if "redrive_policy" in body:  # may refer to the queue itself or to another queue
            target.values["redrive_policy"] = attempt(body["redrive_policy"], (address, "redrive_policy"))

    for block in parsed.get("provider", ()):
        for name, body in block.items():
            if provider_region and _unquote(name) == "aws" and "region" in body:
                context.region = str(value(body["region"], ("provider.aws", "region")))
    for address in raw:
        resolve(address)
    return list(resources.values())


def _unquote(text: str) -> str:
    return text[1:-1] if isinstance(text, str) and len(text) >= 2 and text[0] == text[-1] == '"' else text


def _unresolved(where: tuple[str, str], expr: str, problem: str) -> TemplateRefused:
    return TemplateRefused(where[0], where[1], f"${{{expr}}} {problem}",
                           "write the value literally, or read the plan instead: "
                           "terraform show -json PLANFILE > plan.json")


# -- from resources to the scenario ------------------------------------------------------------------

def _computed(resource: _Resource, attribute: str, ctx: _Context) -> Any:
    """An attribute Terraform computes (``arn`` ...), built from the resource's given values."""
    values = {k: v for k, v in resource.values.items() if not isinstance(v, _Refusal)}
    name = values.get("name")
    if resource.type == "aws_lambda_function":
        name = values.get("function_name")
        table = {"arn": function_arn(ctx.region, ctx.account_id, name) if name else None,
                 "function_name": name, "id": name,
                 "version": "1" if values.get("publish") else LATEST}
    elif resource.type == "aws_sqs_queue":
        table = {"arn": ctx.arn("sqs", name) if name else None, "name": name,
                 "id": f"https://sqs.{ctx.region}.amazonaws.com/{ctx.account_id}/{name}" if name else None}
        table["url"] = table["id"]
    elif resource.type == "aws_sns_topic":
        table = {"arn": ctx.arn("sns", name) if name else None, "name": name}
        table["id"] = table["arn"]
    elif resource.type == "aws_cloudwatch_event_bus":
        table = {"arn": ctx.arn("events", f"event-bus/{name}") if name else None, "name": name, "id": name}
    elif resource.type == "aws_lambda_alias":
        function = values.get("function_name")
        table = {"name": name, "function_version": values.get("function_version"),
                 "arn": function_arn(ctx.region, ctx.account_id, parse_function(function)[0], name)
                 if function and name else None}
    elif resource.type == "aws_s3_bucket":
        bucket = values.get("bucket")
        table = {"arn": f"arn:aws:s3:::{bucket}" if bucket else None, "bucket": bucket, "id": bucket}
    else:
        table = {}
    found = table.get(attribute, values.get(attribute))
    return _UNKNOWN if found is None else found


def _read(resources: list[_Resource], context: _Context, report: TemplateReport) -> dict:
    functions: dict[str, dict] = {}
    targets: dict[str, dict] = {}
    mappings: list[dict] = []
    aliases: dict[tuple[str, str], str] = {}   # (function, alias) -> its version
    invoke_configs: dict[str, dict[str, str]] = {}  # function -> {qualifier: the resource it took}
    by_type: dict[str, list[_Resource]] = {}
    for resource in resources:
        by_type.setdefault(resource.type, []).append(resource)

    def need(resource: _Resource, *path: str | int) -> Any:
        value = resource.get(*path)
        if value is None:
            raise TemplateRefused(resource.address, ".".join(map(str, path)),
                                  "has no value lambdasim can read (unknown until apply)",
                                  "give it literally, or read the state after apply (terraform show -json)")
        return value

    def function_name(resource: _Resource) -> str:
        name, _ = parse_function(str(need(resource, "function_name")))
        if name not in functions:
            raise TemplateRefused(resource.address, "function_name",
                                  f"names {name!r}, no aws_lambda_function of this configuration",
                                  "declare the function in the same configuration")
        return name

    for resource in by_type.pop("aws_lambda_function", ()):
        name = need(resource, "function_name")
        report.resources[resource.address] = name
        config: dict[str, Any] = {}
        for key, attribute in (("Timeout", "timeout"), ("MemorySize", "memory_size")):
            if resource.get(attribute) is not None:
                config[key] = resource.get(attribute)
        architectures = resource.get("architectures")
        if architectures:
            config["Architectures"] = list(architectures)
        reserved = resource.get("reserved_concurrent_executions")
        if reserved is not None and reserved != -1:
            config["ReservedConcurrentExecutions"] = reserved
        dlq = resource.get("dead_letter_config", 0, "target_arn")
        if dlq:
            config["DeadLetterConfig"] = {"TargetArn": dlq}
        variables = resource.get("environment", 0, "variables")
        if variables:
            config["Environment"] = {"Variables": {k: str(v) for k, v in variables.items()}}
        for attribute, why in _FUNCTION_NOT_MODELLED.items():
            given = resource.values.get(attribute)
            if given and given != [] and not (attribute == "snap_start" and _snap_start_off(given)):
                report.add(resource.address, attribute, why)
        functions[name] = config

    for resource in by_type.pop("aws_lambda_alias", ()):
        name = function_name(resource)
        alias = str(need(resource, "name"))
        version = resource.get("function_version")
        aliases[(name, alias)] = str(version) if version not in (None, LATEST) else "1"
        report.resources[resource.address] = f"{name}:{alias}"
        weights = resource.get("routing_config", 0, "additional_version_weights")
        if weights:
            report.add(resource.address, "routing_config", "weighted alias routing: lambdasim invokes the "
                       "function's published version; the weights are not simulated")

    for resource in by_type.pop("aws_lambda_provisioned_concurrency_config", ()):
        name = function_name(resource)
        qualifier = str(need(resource, "qualifier"))
        version = aliases.get((name, qualifier), qualifier)
        if not version.isdigit():
            raise TemplateRefused(resource.address, "qualifier",
                                  f"{qualifier!r} is neither a version number nor an alias of {name} in this "
                                  "configuration", "name a version or an alias")
        count = need(resource, "provisioned_concurrent_executions")
        functions[name].setdefault("ProvisionedConcurrencyConfigs", {})[version] = count
        report.resources[resource.address] = f"{name}:{qualifier}"

    # After provisioned concurrency: the versions it publishes (1..N) are known. AWS keeps one config
    # per qualifier; the scenario holds $LATEST's and each published version's.
    for resource in by_type.pop("aws_lambda_function_event_invoke_config", ()):
        name = function_name(resource)
        qualifier = str(resource.get("qualifier") or LATEST)
        published = max(map(int, functions[name].get("ProvisionedConcurrencyConfigs", {})), default=0)
        simulated_on = aliases.get((name, qualifier), qualifier)
        if (name, qualifier) in aliases and not (simulated_on.isdigit() and int(simulated_on) <= published):
            simulated_on = LATEST        # an alias to a version the scenario does not publish
        placed = invoke_configs.setdefault(name, {})
        if simulated_on in placed or not (simulated_on == LATEST or simulated_on.isdigit()
                                          and 1 <= int(simulated_on) <= published):
            report.add(resource.address, "qualifier",
                       unplaced_invoke_config(name, qualifier, simulated_on, placed.get(simulated_on)))
            continue
        placed[simulated_on] = resource.address
        report.resources[resource.address] = name if qualifier == LATEST else f"{name}:{qualifier}"
        eic: dict[str, Any] = {}
        for key, attribute in (("MaximumRetryAttempts", "maximum_retry_attempts"),
                               ("MaximumEventAgeInSeconds", "maximum_event_age_in_seconds")):
            if resource.get(attribute) is not None:
                eic[key] = resource.get(attribute)
        destinations = {}
        for side, attribute in (("OnSuccess", "on_success"), ("OnFailure", "on_failure")):
            arn = resource.get("destination_config", 0, attribute, 0, "destination")
            if arn:
                destinations[side] = {"Destination": arn}
        if destinations:
            eic["DestinationConfig"] = destinations
        if simulated_on == LATEST:
            functions[name]["EventInvokeConfig"] = eic
        else:
            functions[name].setdefault("VersionEventInvokeConfigs", {})[simulated_on] = eic

    for resource in by_type.pop("aws_sqs_queue", ()):
        arn = _arn_of(resource, context)
        attributes: dict[str, Any] = {}
        for key, attribute in (("VisibilityTimeout", "visibility_timeout_seconds"),
                               ("MessageRetentionPeriod", "message_retention_seconds"),
                               ("DelaySeconds", "delay_seconds"),
                               ("ReceiveMessageWaitTimeSeconds", "receive_wait_time_seconds"),
                               ("MaximumMessageSize", "max_message_size"),
                               ("FifoQueue", "fifo_queue"),
                               ("ContentBasedDeduplication", "content_based_deduplication")):
            value = resource.get(attribute)
            flag = attribute in ("fifo_queue", "content_based_deduplication")
            if value is not None and not (flag and not value):
                attributes[key] = value
        redrive = resource.get("redrive_policy")
        if redrive:
            attributes["RedrivePolicy"] = json.loads(redrive) if isinstance(redrive, str) else redrive
        elif "redrive_policy" in resource.after_apply:
            report.add(resource.address, "redrive_policy", "known only after apply (it refers to another "
                       "resource): the queue is simulated without a redrive policy; read the state after "
                       "apply (terraform show -json) to include it")
        if resource.get("kms_master_key_id"):
            report.add(resource.address, "kms_master_key_id", "a KMS key: Lambda needs "
                       "kms:Decrypt/GenerateDataKey to deliver to it, which lambdasim does not check")
        targets[arn] = {"Attributes": attributes} if attributes else {}
        report.resources[resource.address] = arn

    for resource in by_type.pop("aws_sns_topic", ()):
        arn = _arn_of(resource, context)
        targets[arn] = {}
        report.resources[resource.address] = arn
        if resource.get("kms_master_key_id"):
            report.add(resource.address, "kms_master_key_id", "a KMS key: Lambda needs "
                       "kms:Decrypt/GenerateDataKey to publish to it, which lambdasim does not check")

    for resource in by_type.pop("aws_sns_topic_subscription", ()):
        topic = str(need(resource, "topic_arn"))
        protocol = need(resource, "protocol")
        if protocol not in ("sqs", "lambda"):
            report.add(resource.address, "protocol",
                       f"a subscription by {protocol}: lambdasim delivers to SQS and Lambda subscribers only")
            continue
        if resource.get("filter_policy"):
            report.add(resource.address, "filter_policy",
                       "a filter policy: the subscriber receives every message")
        entry = targets.setdefault(topic, {})
        entry.setdefault("subscriptions", []).append(str(need(resource, "endpoint")))
        if resource.get("raw_message_delivery"):
            entry["raw_message_delivery"] = True
        report.resources[resource.address] = topic

    for resource in by_type.pop("aws_cloudwatch_event_bus", ()):
        arn = _arn_of(resource, context)
        targets[arn] = {}
        report.resources[resource.address] = arn

    for resource in by_type.pop("aws_lambda_event_source_mapping", ()):
        source = str(need(resource, "event_source_arn"))
        if ":sqs:" not in source:
            report.add(resource.address, "event_source_arn",
                       f"{source}: lambdasim simulates SQS event-source mappings only")
            continue
        mapping: dict[str, Any] = {"EventSourceArn": source, "FunctionName": function_name(resource)}
        for key, attribute in (("BatchSize", "batch_size"),
                               ("MaximumBatchingWindowInSeconds", "maximum_batching_window_in_seconds")):
            if resource.get(attribute) is not None:
                mapping[key] = resource.get(attribute)
        if resource.get("function_response_types"):
            mapping["FunctionResponseTypes"] = list(resource.get("function_response_types"))
        maximum = resource.get("scaling_config", 0, "maximum_concurrency")
        if maximum:
            mapping["ScalingConfig"] = {"MaximumConcurrency": maximum}
        if resource.get("enabled") is not None:
            mapping["Enabled"] = bool(resource.get("enabled"))
        if resource.get("filter_criteria"):
            report.add(resource.address, "filter_criteria",
                       "filter criteria: every message reaches the function")
        mappings.append(mapping)
        report.resources[resource.address] = source

    for rtype, rest in by_type.items():
        if not rtype.startswith(_LEFT_ALONE):
            for resource in rest:
                report.add(resource.address, rtype, "a resource type lambdasim does not read")
    if not functions:
        raise TemplateRefused("Template", "resources", "has no aws_lambda_function",
                              "a configuration with at least one function")
    out: dict[str, Any] = {"account": {"region": context.region, "account_id": context.account_id},
                           "functions": functions}
    if targets:
        out["targets"] = targets
    if mappings:
        out["EventSourceMappings"] = mappings
    return out


def _arn_of(resource: _Resource, context: _Context) -> str:
    arn = resource.get("arn")
    if arn is None:
        arn = _computed(resource, "arn", context)
    if arn is _UNKNOWN or arn is None:
        raise TemplateRefused(resource.address, "name", "is not set (a name_prefix or a generated name is "
                              "known only after apply)",
                              "give the resource a name, or read the state after apply")
    return str(arn)


def _snap_start_off(given: Any) -> bool:
    blocks = given if isinstance(given, list) else [given]
    return all(isinstance(b, Mapping) and b.get("apply_on") in (None, "None") for b in blocks)
