"""Lambda's concurrency rules: the account limit, the unreserved floor that reservations and
provisioned concurrency must leave, scaling, and the errors of the concurrency operations
(docs/aws-behaviour.md §9).
"""

from __future__ import annotations

from lambdasim.model.errors import (
    InvalidParameterValueException,
    ProvisionedConcurrencyConfigNotFoundException,
)

__all__ = [
    "DEFAULT_CONCURRENT_EXECUTIONS", "UNRESERVED_MINIMUM", "SCALING_BURST", "SCALING_REFILL_PER_S",
    "unreserved_floor", "reservation_message", "check_reservation", "provisioned_on_latest",
    "provisioned_on_weighted_alias", "check_provisioned", "provisioned_not_found", "whole_function_only",
]

#: The Region's concurrency limit of a new account.
DEFAULT_CONCURRENT_EXECUTIONS = 1_000
#: Reservations must leave at least this much (or the whole limit, if lower) unreserved.
UNRESERVED_MINIMUM = 100
#: Each function scales by at most 1,000 new environments per 10 s: a token bucket of 1,000 new
#: environments that refills at 100 per second.
SCALING_BURST = 1_000.0
SCALING_REFILL_PER_S = 100.0


def unreserved_floor(limit: int) -> int:
    """What must stay unreserved: 100, or the whole limit if it is lower."""
    return min(UNRESERVED_MINIMUM, limit)


def reservation_message(limit: int) -> str:
    """AWS's message for a reservation that leaves too little unreserved."""
    return ("Specified ReservedConcurrentExecutions for function decreases account's "
            f"UnreservedConcurrentExecution below its minimum value of [{unreserved_floor(limit)}].")


def check_reservation(reserved: int, reserved_by_others: int, limit: int) -> None:
    """Reserving ``reserved`` beside ``reserved_by_others`` must leave the unreserved floor.

    AWS's error body for it has no ``Type`` member (recorded), hence ``Type=None``.
    """
    if reserved_by_others + reserved > limit - unreserved_floor(limit):
        raise InvalidParameterValueException(reservation_message(limit), Type=None)


def provisioned_on_latest() -> InvalidParameterValueException:
    """AWS's error for provisioned concurrency on ``$LATEST`` (or an alias pointing to it):
    only a published version, or an alias of one, can have it."""
    return InvalidParameterValueException(
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions.")


def provisioned_on_weighted_alias() -> InvalidParameterValueException:
    """AWS's error for PutProvisionedConcurrencyConfig on an alias with ``RoutingConfig`` weights, as
    AWS returned it to Terraform (hashicorp/terraform#24957, 2020). (An alias configured first and
    weighted later, during a canary deployment, is allowed by AWS; not modelled here.)"""
    return InvalidParameterValueException("Alias with weights can not be used with Provisioned Concurrency")


def check_provisioned(total: int, reserved: int | None, unreserved_left: int, limit: int) -> None:
    """A function's provisioned concurrency (``total``, all its versions and aliases with this
    request) must fit its reserved concurrency, or else leave the unreserved floor free.

    ``unreserved_left`` is the unreserved concurrency not yet held by provisioned environments,
    this function's other configurations excluded.
    """
    if reserved is not None:
        if total > reserved:
            raise InvalidParameterValueException(
                "Requested Provisioned Concurrency should not be greater than the "
                "reservedConcurrentExecution for function")
    elif unreserved_left - total < unreserved_floor(limit):
        raise InvalidParameterValueException(
            "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
            f"below its minimum value of [{unreserved_floor(limit)}].")


def provisioned_not_found() -> ProvisionedConcurrencyConfigNotFoundException:
    """AWS's error for Get/Delete on a version or alias without provisioned concurrency."""
    return ProvisionedConcurrencyConfigNotFoundException(
        "No Provisioned Concurrency Config found for this function")


def whole_function_only() -> InvalidParameterValueException:
    """AWS's error for a reserved-concurrency operation given a version or alias (a qualified name)."""
    return InvalidParameterValueException(
        "This operation is permitted on Lambda functions only. Aliases and versions do not support this "
        "operation. Please specify either a function name or an unqualified function ARN.")
