"""``.tf`` text, as resources, read with python-hcl2 (imported when a file is read).

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
from lambdasim.model.templates.terraform.resources import UNKNOWN, Context, Refusal, Resource, computed

__all__ = ["tf_resources"]

_REFERENCE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+")


def tf_resources(text: str, variables: dict, context: Context, provider_region: bool) -> list[Resource]:
    """The resources of ``.tf`` text, every value made literal (or refused); the aws provider's literal
    ``region`` sets the context's when ``provider_region``."""
    import io

    import hcl2
    from hcl2.utils import SerializationOptions

    parsed = hcl2.load(io.StringIO(text), serialization_options=SerializationOptions(with_comments=False))
    defaults = {}
    for block in parsed.get("variable", ()):
        for name, body in block.items():
            defaults[_unquote(name)] = body.get("default", UNKNOWN)
    raw: dict[str, dict] = {}
    for block in parsed.get("resource", ()):
        for rtype, named in block.items():
            for name, body in named.items():
                raw[f"{_unquote(rtype)}.{_unquote(name)}"] = body
    resources: dict[str, Resource] = {}
    for address in raw:
        rtype, name = address.split(".", 1)
        resources[address] = Resource(address, rtype, name, {})
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
            found = variables.get(parts[1], defaults.get(parts[1], UNKNOWN))
            if found is UNKNOWN:
                raise TemplateRefused(
                    where[0], where[1], f"var.{parts[1]} has no default and no value was passed",
                    f"pass it: parameters={{'{parts[1]}': ...}} or --parameter {parts[1]}=VALUE")
            return value(found, where) if isinstance(found, str) and found.startswith(("\"", "${")) else found
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
