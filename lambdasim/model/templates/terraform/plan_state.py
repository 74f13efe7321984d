"""The JSON of ``terraform show -json``, as resources: a plan (``planned_values``) or a state (``values``).

A plan's value Terraform knows only after apply (a queue's ``arn``) is rebuilt from the plan's
``configuration`` references and the referenced resource's name; child modules are walked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from lambdasim.model.templates.terraform.resources import UNKNOWN, Context, Resource, computed

__all__ = ["state_resources", "plan_region", "plan_resources", "arn_parts"]

#: The attributes a plan's unknown value is rebuilt for, from the resource its configuration refers to.
_REFERENCE_ATTRIBUTES = frozenset({"target_arn", "destination", "topic_arn", "endpoint", "event_source_arn",
                                   "function_name", "qualifier", "function_version",
                                   "arn", "rule"})  # an event target's function and rule


def _walk_module(module: Mapping, out: list[Resource], lookup: Callable,
                 unknown: Mapping[str, frozenset] | None = None) -> None:
    for resource in module.get("resources", ()):
        if resource.get("mode", "managed") == "managed":
            out.append(Resource(resource["address"], resource["type"], resource["name"],
                                 dict(resource.get("values") or {}), lookup,
                                 (unknown or {}).get(resource["address"], frozenset())))
    for child in module.get("child_modules", ()):
        _walk_module(child, out, lookup, unknown)


def state_resources(document: Mapping) -> list[Resource]:
    out: list[Resource] = []
    _walk_module((document.get("values") or {}).get("root_module") or {}, out, lambda r, p: UNKNOWN)
    return out


def plan_region(document: Mapping) -> str | None:
    """The ``region`` the plan's aws provider is configured with, when literal."""
    provider = ((document.get("configuration") or {}).get("provider_config") or {}).get("aws") or {}
    return ((provider.get("expressions") or {}).get("region") or {}).get("constant_value")


def plan_resources(document: Mapping, context: Context) -> list[Resource]:
    """The planned resources; an unknown value is answered from the configuration's references."""
    expressions: dict[str, dict] = {}

    def collect(module: Mapping, prefix: str) -> None:
        for resource in module.get("resources", ()):
            expressions[prefix + resource["address"]] = resource.get("expressions") or {}
        for name, call in (module.get("module_calls") or {}).items():
            collect(call.get("module") or {}, f"{prefix}module.{name}.")

    configuration = document.get("configuration") or {}
    collect(configuration.get("root_module") or {}, "")
    by_address: dict[str, Resource] = {}

    def lookup(resource: Resource, path: tuple) -> Any:
        if not path or path[-1] not in _REFERENCE_ATTRIBUTES:
            return UNKNOWN  # only a plain reference to a name or an ARN is rebuilt
        expression: Any = expressions.get(_config_address(resource.address), {})
        for step in path:
            if isinstance(step, int):
                listed = isinstance(expression, list) and len(expression) > step
                expression = expression[step] if listed else None
            else:
                expression = expression.get(step) if isinstance(expression, Mapping) else None
            if expression is None:
                return UNKNOWN
        if not isinstance(expression, Mapping):
            return UNKNOWN
        if "constant_value" in expression:
            return expression["constant_value"]
        module = resource.address.rpartition(f"{resource.type}.{resource.name}")[0]
        for reference in expression.get("references", ()):
            target, _, attribute = _split_reference(reference)
            if target and (module + target) in by_address:
                return computed(by_address[module + target], attribute, context)
        return UNKNOWN

    unknown = {change["address"]: frozenset(k for k, v in ((change.get("change") or {}).get("after_unknown")
                                                           or {}).items() if v is True)
               for change in document.get("resource_changes", ())}
    resources: list[Resource] = []
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


def arn_parts(resources: list[Resource]) -> tuple[str | None, str | None]:
    """The Region and account of the first ARN a state holds (the scenario's account then matches)."""
    for resource in resources:
        arn = resource.values.get("arn")
        if isinstance(arn, str) and arn.count(":") >= 5:
            parts = arn.split(":")
            if parts[3] and parts[4]:
                return parts[3], parts[4]
    return None, None
