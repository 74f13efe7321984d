"""Lambda's event-invoke config (one per qualifier): its ranges and defaults, the destinations it may
name, and what Put and Update make of a request (docs/aws-behaviour.md §3, §5, §8).

The config is handled here as a *settings* mapping with the snake_case keys of :data:`SETTINGS`;
None means "left out" (AWS's default applies).
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from typing import Any

from lambdasim.model.errors import InvalidParameterValueException, ResourceNotFoundException
from lambdasim.model.rules.names import is_local, parse_function, service_of, unqualified_arn

__all__ = [
    "DEFAULT_RETRY_ATTEMPTS", "MAX_RETRY_ATTEMPTS", "DEFAULT_EVENT_AGE_S", "MIN_EVENT_AGE_S",
    "MAX_EVENT_AGE_S", "ON_SUCCESS_SERVICES", "ON_FAILURE_SERVICES", "DEAD_LETTER_SERVICES", "SETTINGS",
    "no_event_invoke_config", "is_own_destination", "check_not_own_destination", "invalid_destination",
    "missing_lambda_destination", "check_lambda_destinations", "check_destination_services",
    "check_some_setting", "destinations_of", "put_event_invoke_config", "update_event_invoke_config",
]

#: Retries after a function error when the config leaves them out; the allowed range is 0-2.
DEFAULT_RETRY_ATTEMPTS = 2
MAX_RETRY_ATTEMPTS = 2
#: Maximum event age when the config leaves it out; the allowed range is 60-21,600 s (6 hours).
DEFAULT_EVENT_AGE_S = 21_600
MIN_EVENT_AGE_S = 60
MAX_EVENT_AGE_S = DEFAULT_EVENT_AGE_S
#: The services a destination ARN may name (``events`` is EventBridge); S3 only on failure.
ON_SUCCESS_SERVICES = ("sqs", "sns", "lambda", "events")
ON_FAILURE_SERVICES = (*ON_SUCCESS_SERVICES, "s3")
#: The services a dead-letter queue may be.
DEAD_LETTER_SERVICES = ("sqs", "sns")
#: The settings of one qualifier's event-invoke config, by the names the engine uses.
SETTINGS = ("maximum_retry_attempts", "maximum_event_age_s", "on_success", "on_failure")


def no_event_invoke_config(arn: str) -> ResourceNotFoundException:
    """AWS's error for a qualifier without an event-invoke config (``arn`` is qualified). AWS gives it
    for Get and Delete even when the function or the qualifier does not exist."""
    return ResourceNotFoundException(f"The function {arn} doesn't have an EventInvokeConfig")


def is_own_destination(own_arn: str, destination: str | None) -> bool:
    """True when ``destination`` is the function ``own_arn`` itself (any of its qualifiers)."""
    return destination is not None and unqualified_arn(destination) == own_arn


def check_not_own_destination(own_arn: str, on_success: str | None, on_failure: str | None) -> None:
    """A function may not be its own destination."""
    if is_own_destination(own_arn, on_success) or is_own_destination(own_arn, on_failure):
        raise InvalidParameterValueException("You can't specify the function as a destination for itself.")


def invalid_destination(arn: str) -> InvalidParameterValueException:
    """AWS's error for a destination it cannot use, such as a Lambda function that does not exist."""
    return InvalidParameterValueException(f"The destination ARN {arn} is invalid.")


def missing_lambda_destination(arn: str | None, region: str, account_id: str,
                               functions: Container[str]) -> bool:
    """True when ``arn`` is a Lambda function ARN of this account and Region whose function is not
    among ``functions``. Only the function name is looked up (a qualifier is not): AWS's answer for a
    missing version or alias of an existing function is not recorded. A function of another account
    or Region cannot be looked up here and is not refused.
    """
    if arn is None or service_of(arn) != "lambda" or not is_local(arn, region, account_id):
        return False
    return ":function:" not in arn or parse_function(arn)[0] not in functions


def check_lambda_destinations(on_success: str | None, on_failure: str | None, region: str, account_id: str,
                              functions: Container[str]) -> None:
    """A Lambda destination must be an existing function: AWS refuses any other at Put/Update with
    ``The destination ARN ... is invalid.`` (OnFailure is checked first, as LocalStack's AWS-validated
    provider does)."""
    for arn in (on_failure, on_success):
        if missing_lambda_destination(arn, region, account_id, functions):
            raise invalid_destination(str(arn))


def check_destination_services(on_success: str | None, on_failure: str | None) -> None:
    """Each destination is of a service its side allows (:data:`ON_SUCCESS_SERVICES`, ...)."""
    if (on_success is not None and service_of(on_success) not in ON_SUCCESS_SERVICES) or (
            on_failure is not None and service_of(on_failure) not in ON_FAILURE_SERVICES):
        parts = [f"{side}(destination={arn})" if arn else "null"
                 for side, arn in (("OnSuccess", on_success), ("OnFailure", on_failure))]
        raise InvalidParameterValueException(
            f"The provided destination config DestinationConfig(onSuccess={parts[0]}, "
            f"onFailure={parts[1]}) is invalid.")


def check_some_setting(*values: Any) -> None:
    """A Put or Update of an event-invoke config gives at least one of retries, age or destinations.

    A ``DestinationConfig`` counts even when it names no destination (``{"OnSuccess": {}}``): AWS
    accepts it and stores an empty config.
    """
    if all(value is None for value in values):
        raise InvalidParameterValueException(
            "You must specify at least one of error handling or destination setting.")


def destinations_of(destination_config: Mapping | None) -> tuple[str | None, str | None]:
    """(on_success, on_failure) of AWS's ``{OnSuccess: {Destination}, OnFailure: {Destination}}``."""
    config = destination_config or {}
    return ((config.get("OnSuccess") or {}).get("Destination") or None,
            (config.get("OnFailure") or {}).get("Destination") or None)


def _requested(request: Mapping) -> dict:
    """The settings an AWS Put/Update request gives: retries and age always, destinations if given."""
    retries, age = request.get("MaximumRetryAttempts"), request.get("MaximumEventAgeInSeconds")
    check_some_setting(retries, age, request.get("DestinationConfig"))
    settings: dict[str, Any] = {"maximum_retry_attempts": retries, "maximum_event_age_s": age}
    if request.get("DestinationConfig") is not None:
        settings["on_success"], settings["on_failure"] = destinations_of(request["DestinationConfig"])
    return settings


def put_event_invoke_config(request: Mapping) -> dict:
    """The settings after ``PutFunctionEventInvokeConfig``: the request replaces the config whole
    (settings left out are removed)."""
    return {**dict.fromkeys(SETTINGS), **_requested(request)}


def update_event_invoke_config(current: Mapping, request: Mapping) -> dict:
    """The settings after ``UpdateFunctionEventInvokeConfig`` of an existing config ``current``.

    Retries and age that the request gives replace the current ones, the others stay; a
    ``DestinationConfig`` replaces both destinations (a side left out is removed), as LocalStack's
    AWS-validated behaviour does: AWS's documentation is silent on it.
    """
    merged = {key: current.get(key) for key in SETTINGS}
    merged.update((k, v) for k, v in _requested(request).items() if v is not None or k.startswith("on_"))
    return merged
