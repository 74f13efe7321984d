"""A module's ``.tf`` files (:mod:`.module_files`), as resources, read with python-hcl2 (imported
when a file is read).

Values are made literal: a string, a number, a ``var.NAME`` with a default or a value the caller
passes, a reference to another resource's ``arn``/``name``/``function_name``/``id`` in the same
files, and ``jsonencode({...})`` of such values. Anything else is refused, naming the resource
and the attribute, when (and only if) it is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from lambdasim.model.templates.report import TemplateRefused
from lambdasim.model.templates.terraform.module_files import TfModule, configuration, unquote
from lambdasim.model.templates.terraform.resources import UNKNOWN, Context, Refusal, Resource, computed

__all__ = ["tf_resources"]

_REFERENCE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+")


def tf_resources(module: TfModule, variables: dict, context: Context,
                 provider_region: bool) -> list[Resource]:
    """The resources of a module's ``.tf`` files (:mod:`.module_files`), every value made literal (or
    refused); a variable's value is the caller's, else the module's tfvars files', else its default;
    the aws provider's literal ``region`` sets the context's when ``provider_region``."""
    import hcl2
    from hcl2.utils import SerializationOptions

    config = configuration(module)
    defaults = config.defaults
    variables = {**config.values, **variables}  # -var wins over the tfvars files, as in Terraform
    raw = config.resources
    resources: dict[str, Resource] = {}
    for address in raw:
        rtype, name = address.split(".", 1)
        resources[address] = Resource(address, rtype, name, {})
    resolving: set[str] = set()

    def value(expr: Any, where: tuple[str, str]) -> Any:
        if isinstance(expr, list):
            return [value(v, where) for v in expr]
        if isinstance(expr, Mapping):
            return {unquote(k): attempt(v, (where[0], f"{where[1]}.{unquote(k)}"))
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
            return Refusal(refused)

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
            if parts[1] in variables:  # plain Python values
                return variables[parts[1]]
            if parts[1] not in defaults:
                raise TemplateRefused(
                    where[0], where[1], f"var.{parts[1]} has no default and no value was passed",
                    f"pass it: parameters={{'{parts[1]}': ...}} or --parameter {parts[1]}=VALUE")
            return value(defaults[parts[1]], where)  # hcl2's form: a string keeps its quotes
        target = ".".join(parts[:2])
        if target not in resources or len(parts) != 3:
            raise _unresolved(where, expr, "refers to something outside the files' resources")
        resolve(target)
        found = computed(resources[target], parts[2], context)
        if found is UNKNOWN:
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

    for name, body in config.providers:
        if provider_region and name == "aws" and "region" in body and "alias" not in body:
            context.region = str(value(body["region"], ("provider.aws", "region")))
    for address in raw:
        resolve(address)
    return list(resources.values())


def _unresolved(where: tuple[str, str], expr: str, problem: str) -> TemplateRefused:
    return TemplateRefused(where[0], where[1], f"${{{expr}}} {problem}",
                           "write the value literally, or read the plan instead: "
                           "terraform show -json PLANFILE > plan.json")
