"""How a CloudFormation property's value is read, and the findings several resource types share."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["NOT_MODELLED", "EVENT_SOURCE", "KMS_KEY", "is_true", "whole_number"]

#: The finding of a property that changes what happens to an async event and is not simulated.
NOT_MODELLED = "not simulated by lambdasim"
#: The finding of a resource that sends events lambdasim does not generate.
EVENT_SOURCE = ("an async event source: lambdasim does not generate its events; pass a workload for the "
                "function")
#: The finding of encryption with a customer managed KMS key.
KMS_KEY = ("encryption with a KMS key: a key that is disabled, or whose policy denies the sender, makes AWS "
           "refuse the message; lambdasim never does")


def is_true(value: Any) -> bool:
    """A boolean written as one or as a string (``"true"``, any case), as CloudFormation accepts."""
    return value is True or str(value).lower() == "true"


def whole_number(value: Any, logical_id: str, prop: str) -> Any:
    """A whole number written as a number or a numeric string (CloudFormation accepts both)."""
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return value
