"""Requests checked against the service model, as botocore and then AWS check them.

botocore's own validator runs first (missing or unknown members, wrong types, values under a
minimum: :class:`botocore.exceptions.ParamValidationError`, before anything is sent); then the
``max``, ``enum`` and ``pattern`` constraints that botocore leaves to the service fail as AWS fails
them: a ``ValidationException`` "1 validation error detected: Value '…' at '…' failed to satisfy
constraint: …".
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import botocore.model
import botocore.validate
from botocore.exceptions import ParamValidationError

from lambdasim.aws.exceptions import ApiError
from lambdasim.aws.service_model import OPERATIONS, service_model
from lambdasim.model.errors import ValidationException

__all__ = ["validate_request", "check_request"]


@cache
def _pattern(pattern: str) -> re.Pattern:
    # Java's \p{L} / \p{N} (letters, digits) and \p{Z} (separators), approximated for Python's re.
    translated = pattern.replace(r"\p{L}", r"\w").replace(r"\p{N}", r"\w").replace(r"\p{Z}", r"\s")
    return re.compile(translated)


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _constraints(value: Any, shape: botocore.model.Shape) -> list[str]:
    """What ``value`` breaks among its own shape's length, value, enum and pattern constraints.

    A value of the wrong type breaks nothing here: types are botocore's validator's business.
    """
    meta, kind, broken = shape.metadata, shape.type_name, []
    sized = {"string": str, "list": (list, tuple), "map": dict, "blob": (bytes, bytearray, str)}
    if kind in sized and isinstance(value, sized[kind]):
        size = len(value.encode() if kind == "blob" and isinstance(value, str) else value)
        if "max" in meta and size > meta["max"]:
            broken.append(f"Member must have length less than or equal to {meta['max']}")
        if "min" in meta and size < meta["min"]:
            broken.append(f"Member must have length greater than or equal to {meta['min']}")
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind in ("integer", "long", "float", "double") and numeric:
        if "max" in meta and value > meta["max"]:
            broken.append(f"Member must have value less than or equal to {meta['max']}")
        if "min" in meta and value < meta["min"]:
            broken.append(f"Member must have value greater than or equal to {meta['min']}")
    if kind == "string" and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            broken.append(f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
        if "pattern" in meta and not _pattern(meta["pattern"]).fullmatch(value):
            broken.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
    return broken


def _violations(value: Any, shape: botocore.model.Shape, path: str, out: list[str]) -> None:
    """Collect AWS-style messages for every constraint ``value`` breaks, members included."""
    def report(constraint: str) -> None:
        shown = "" if shape.metadata.get("sensitive") else f" '{_shown(value)}'"
        out.append(f"Value{shown} at '{path}' failed to satisfy constraint: {constraint}")

    for constraint in _constraints(value, shape):
        report(constraint)
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if value.get(name) is not None:
                _violations(value[name], member, f"{path}.{_camel(name)}" if path else _camel(name), out)
    elif shape.type_name == "list" and isinstance(value, (list, tuple)):
        inner = sorted({c for item in value for c in _constraints(item, shape.member)})
        for constraint in inner:
            report(f"Member must satisfy constraint: [{constraint}]")
    elif shape.type_name == "map" and isinstance(value, dict):
        for key, item in value.items():
            for constraint in _constraints(key, shape.key):
                report(f"Map keys must satisfy constraint: [{constraint}]")
            _violations(item, shape.value, f"{path}.{key}", out)


def validation_error(problems: list[str]) -> ValidationException:
    count = len(problems)
    return ValidationException(
        f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(problems))


def validate_request(operation: str, params: dict) -> None:
    """Check a request against the service model, as botocore and then AWS would.

    Raises :class:`botocore.exceptions.ParamValidationError` for missing or unknown members, wrong
    types and values under a minimum (what botocore checks before sending), and
    :class:`ValidationException` for ``max``, ``enum`` and ``pattern`` violations (what AWS checks).
    ``operation`` is the API name (``Invoke``) or the boto3 method name (``invoke``).
    """
    shape = service_model().operation_model(OPERATIONS.get(operation, operation)).input_shape
    report = botocore.validate.ParamValidator().validate(params, shape)
    if report.has_errors():
        raise ParamValidationError(report=report.generate_report())
    problems: list[str] = []
    _violations(params, shape, "", problems)
    if problems:
        raise validation_error(problems)


def check_request(operation: str, params: dict) -> None:
    """Check a request as the service does on arrival (``operation`` is the API name).

    ``params`` are the members as botocore serialized them. A constraint violation is a
    ``ValidationException``; what botocore's validator would have refused (a client that skipped
    it) is a ``SerializationException``.
    """
    shape = service_model().operation_model(operation).input_shape
    problems: list[str] = []
    _violations(params, shape, "", problems)
    if problems:
        raise validation_error(problems)
    report = botocore.validate.ParamValidator().validate(params, shape)
    if report.has_errors():
        raise ApiError("SerializationException", 400, report.generate_report())
