"""Terraform resources mapped to the scenario-file shape: functions, targets, event-source mappings,
and the workloads of scheduled EventBridge rules (:mod:`.event_sources`).

What they set that affects async behaviour and is not modelled goes into the
:class:`~lambdasim.model.templates.report.TemplateReport`; resources that do not change what
happens to an async event (IAM, permissions, log groups) are left alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from lambdasim.model.rules import LATEST, parse_function
from lambdasim.model.templates.report import TemplateRefused, TemplateReport, unplaced_invoke_config
from lambdasim.model.templates.terraform.event_sources import event_rule_workloads, report_caller_sized
from lambdasim.model.templates.terraform.resources import UNKNOWN, Context, Resource, computed

__all__ = ["scenario_dict"]

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


def scenario_dict(resources: list[Resource], context: Context, report: TemplateReport, *,
                  start_time: str, horizon_s: float) -> dict:
    """The scenario-file shape of ``resources`` (functions, targets, event-source mappings, and the
    workloads of scheduled rules from ``start_time`` up to ``horizon_s``); findings go to ``report``."""
    functions: dict[str, dict] = {}
    targets: dict[str, dict] = {}
    mappings: list[dict] = []
    aliases: dict[tuple[str, str], str] = {}   # (function, alias) -> its version
    invoke_configs: dict[str, dict[str, str]] = {}  # function -> {qualifier: the resource it took}
    by_type: dict[str, list[Resource]] = {}
    for resource in resources:
        by_type.setdefault(resource.type, []).append(resource)

    def need(resource: Resource, *path: str | int) -> Any:
        value = resource.get(*path)
        if value is None:
            raise TemplateRefused(resource.address, ".".join(map(str, path)),
                                  "has no value lambdasim can read (unknown until apply)",
                                  "give it literally, or read the state after apply (terraform show -json)")
        return value

    def function_name(resource: Resource) -> str:
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

    workloads = event_rule_workloads(by_type.pop("aws_cloudwatch_event_rule", []),
                                     by_type.pop("aws_cloudwatch_event_target", []), functions, aliases,
                                     context, report, start_time=start_time, horizon_s=horizon_s)
    report_caller_sized(by_type.pop("aws_s3_bucket_notification", []),
                        by_type.pop("aws_cloudwatch_log_subscription_filter", []), report)

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
    if workloads:
        out["workloads"] = workloads
    return out


def _arn_of(resource: Resource, context: Context) -> str:
    arn = resource.get("arn")
    if arn is None:
        arn = computed(resource, "arn", context)
    if arn is UNKNOWN or arn is None:
        raise TemplateRefused(resource.address, "name", "is not set (a name_prefix or a generated name is "
                              "known only after apply)",
                              "give the resource a name, or read the state after apply")
    return str(arn)


def _snap_start_off(given: Any) -> bool:
    blocks = given if isinstance(given, list) else [given]
    return all(isinstance(b, Mapping) and b.get("apply_on") in (None, "None") for b in blocks)
