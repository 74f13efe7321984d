"""Lambda's aliases and versions: alias names, routing weights, and the errors of a missing alias
or of deleting a version that aliases use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from lambdasim.model.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from lambdasim.model.rules.names import LATEST

__all__ = [
    "check_alias_name", "alias_not_found", "check_routing", "version_in_use",
]


def check_alias_name(alias: str) -> None:
    """An alias may not look like a version: not all digits, not ``$LATEST``."""
    if not isinstance(alias, str) or not alias:
        raise InvalidParameterValueException(f"Name: {alias!r} is not valid; allowed: an alias name (a str)")
    if re.fullmatch(r"\d+", alias) or alias == LATEST:
        raise InvalidParameterValueException(
            f"Name: {alias!r} is not valid; allowed: an alias name, not a version")


def alias_not_found(alias_arn: str) -> ResourceNotFoundException:
    """AWS's error for GetAlias/UpdateAlias of an alias that does not exist (``alias_arn`` is the
    alias's qualified ARN; moto and LocalStack give AWS's text: ``Cannot find alias arn: ...``)."""
    return ResourceNotFoundException(f"Cannot find alias arn: {alias_arn}")


def check_routing(primary: str, weights: Mapping[str, float]) -> None:
    """An alias's ``RoutingConfig``: at most one additional version, other than the primary, with a
    weight in [0, 1], and a published primary (AWS refuses ``$LATEST`` in a weighted alias)."""
    if not weights:
        return
    if len(weights) > 1:
        raise InvalidParameterValueException(
            "Number of items in AdditionalVersionWeights cannot be greater than 1")
    (version, weight), = weights.items()
    if primary == LATEST or version == LATEST:
        raise InvalidParameterValueException(
            "$LATEST is not supported for an alias pointing to more than 1 version")
    if version == primary:
        raise InvalidParameterValueException(
            f"Invalid function version {version}. Function version {version} is already included in "
            "routing configuration.")
    if not 0.0 <= float(weight) <= 1.0:
        raise InvalidParameterValueException(
            f"AdditionalVersionWeights: {weight!r} is not valid; allowed: a weight from 0.0 to 1.0")


def version_in_use(aliases: Iterable[str]) -> ResourceConflictException:
    """AWS's answer to DeleteFunction of a version that aliases point or route to (HTTP 409), as
    emulators validated against AWS give it: ``... reference it: [live]``."""
    return ResourceConflictException(
        f"Unable to delete version because the following aliases reference it: [{', '.join(aliases)}]")
