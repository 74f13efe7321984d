"""The CloudFormation readers of functions, versions, aliases and event-invoke configs.

Versions are numbered in template order; aliases and event-invoke configs are placed after every
resource is read, since a scenario file has neither aliases nor configs for versions it does not
publish (choices in the package docstring).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lambdasim.model.rules import LATEST, function_arn, provisioned_on_weighted_alias
from lambdasim.model.templates.cloudformation.names import TemplateResources
from lambdasim.model.templates.cloudformation.properties import NOT_MODELLED, whole_number
from lambdasim.model.templates.report import TemplateRefused, unplaced_invoke_config

__all__ = ["FunctionReaders"]

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
    "CapacityProviderConfig": NOT_MODELLED,
}


class FunctionReaders(TemplateResources):
    """Reads ``AWS::Lambda::Function``, ``Version``, ``Alias`` and ``EventInvokeConfig``."""

    def _function(self, logical_id: str, properties: Mapping) -> None:
        values = self._properties(logical_id, properties, _FUNCTION_READ, _FUNCTION_IGNORED,
                                  _FUNCTION_REPORTED)
        name = self.function_name(logical_id)
        config: dict[str, Any] = {}
        for prop in ("Timeout", "MemorySize", "ReservedConcurrentExecutions"):
            if prop in values:
                config[prop] = whole_number(values[prop], logical_id, prop)
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
                                  ("Description", "CodeSha256"), {"RuntimePolicy": NOT_MODELLED})
        function = self._known_function(logical_id, values)
        number = self.version_number(logical_id)
        self.report.resources[logical_id] = function_arn(self.region, self.account_id, function, number)
        count = (values.get("ProvisionedConcurrencyConfig") or {}).get("ProvisionedConcurrentExecutions")
        if count is not None:
            self._provision(logical_id, function, number, whole_number(count, logical_id,
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
                            whole_number(count, logical_id, "ProvisionedConcurrencyConfig"))


    def _invoke_config(self, logical_id: str, properties: Mapping) -> None:
        keys = ("FunctionName", "Qualifier", "MaximumRetryAttempts", "MaximumEventAgeInSeconds",
                "DestinationConfig")
        values = self._properties(logical_id, properties, keys, (), {})
        function = self._known_function(logical_id, values)
        config: dict[str, Any] = {}
        for prop in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
            if prop in values:
                config[prop] = whole_number(values[prop], logical_id, prop)
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
