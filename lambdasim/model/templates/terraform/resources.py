"""A Terraform resource as the readers see it, and the attributes Terraform computes for one.

Each input (plan, state, ``.tf`` files) gives a list of :class:`Resource`; :func:`computed` answers
an attribute Terraform knows only after apply (an ``arn``, a queue's ``url``) from the values given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lambdasim.model.rules import LATEST, function_arn, parse_function
from lambdasim.model.templates.report import TemplateRefused

__all__ = ["UNKNOWN", "Refusal", "Context", "Resource", "computed"]

#: A value no input answers (told apart from None, which a resource may hold).
UNKNOWN = object()


class Refusal:
    """A ``.tf`` value lambdasim cannot make literal: refused when (and only if) it is read."""

    def __init__(self, error: TemplateRefused) -> None:
        self.error = error


@dataclass
class Context:
    """The Region and account the ARNs Terraform computes are built in."""

    region: str
    account_id: str

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"


@dataclass
class Resource:
    """One resource: its address, type, logical name and attribute values; ``lookup`` answers a
    value the values leave out (a plan's unknown, a ``.tf`` reference)."""

    address: str
    type: str
    name: str
    values: dict
    lookup: Callable[[Resource, tuple], Any] = field(repr=False, default=lambda r, p: UNKNOWN)
    #: Top-level attributes a plan says are known only after apply (its ``after_unknown``).
    after_apply: frozenset = frozenset()

    def get(self, *path: str | int, default: Any = None) -> Any:
        value: Any = self.values
        for step in path:
            if isinstance(step, int):
                value = value[step] if isinstance(value, list) and len(value) > step else None
            else:
                value = value.get(step) if isinstance(value, Mapping) else None
            if isinstance(value, Refusal):
                raise value.error
            if value is None:
                break
        if value is None:
            found = self.lookup(self, path)
            value = default if found is UNKNOWN else found
        return value

    def block(self, name: str) -> dict:
        """A nested block (Terraform writes them as one-element lists); ``{}`` when absent."""
        value = self.values.get(name)
        return value[0] if isinstance(value, list) and value and isinstance(value[0], Mapping) else {}


def computed(resource: Resource, attribute: str, ctx: Context) -> Any:
    """An attribute Terraform computes (``arn`` ...), built from the resource's given values."""
    values = {k: v for k, v in resource.values.items() if not isinstance(v, Refusal)}
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
    elif resource.type == "aws_cloudwatch_event_rule":  # on a custom bus: rule/BUS/NAME, id BUS/NAME
        bus = values.get("event_bus_name")
        path = f"{bus}/{name}" if bus not in (None, "default") and name else name
        table = {"name": name, "id": path, "arn": ctx.arn("events", f"rule/{path}") if name else None}
    elif resource.type == "aws_s3_bucket":
        bucket = values.get("bucket")
        table = {"arn": f"arn:aws:s3:::{bucket}" if bucket else None, "bucket": bucket, "id": bucket}
    else:
        table = {}
    found = table.get(attribute, values.get(attribute))
    return UNKNOWN if found is None else found
