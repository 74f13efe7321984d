"""AWS Lambda's own rules: the limits, the defaults and the pure checks every layer applies.

The scenario validator (:mod:`lambdasim.model`), the engine's control plane
(:mod:`lambdasim.engine.control`), the boto3-shaped client (:mod:`lambdasim.aws`) and the
scenario exporter all read these constants and call these checks, so a rule changes in one place.
Each check raises AWS's own exception with AWS's own message (``docs/aws-behaviour.md``,
sections in brackets). Plain Python: this module imports only :mod:`lambdasim.model.errors`.

The event-invoke config (one per qualifier) is handled here as a *settings* mapping with the
snake_case keys of :data:`SETTINGS`; None means "left out" (AWS's default applies).
"""

from __future__ import annotations

import json
import re
from collections.abc import Container, Iterable, Mapping
from typing import Any

from lambdasim.model.errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    ProvisionedConcurrencyConfigNotFoundException,
    RequestEntityTooLargeException,
    ResourceConflictException,
    ResourceNotFoundException,
)

__all__ = [
    "LATEST", "DEFAULT_RETRY_ATTEMPTS", "MAX_RETRY_ATTEMPTS", "DEFAULT_EVENT_AGE_S", "MIN_EVENT_AGE_S",
    "MAX_EVENT_AGE_S", "ON_SUCCESS_SERVICES", "ON_FAILURE_SERVICES", "DEAD_LETTER_SERVICES",
    "DEFAULT_CONCURRENT_EXECUTIONS", "UNRESERVED_MINIMUM", "SCALING_BURST", "SCALING_REFILL_PER_S",
    "SYNC_PAYLOAD_LIMIT", "ASYNC_PAYLOAD_LIMIT", "LEGACY_ASYNC_PAYLOAD_LIMIT", "ASYNC_PAYLOAD_LIMITS",
    "DESTINATION_MAX_BYTES", "RECURSION_LIMIT", "TIMEOUT_S", "INIT_LIMIT_S", "MEMORY_MB", "ARCHITECTURES",
    "FUNCTION_NAME_PATTERN", "REGION_PATTERN", "ARN_PATTERN", "SETTINGS", "function_arn", "parse_function",
    "FUNCTION_ARN_PATTERN", "function_not_found", "function_does_not_exist", "no_event_invoke_config",
    "check_account", "is_local", "unqualified_arn", "service_of", "is_own_destination",
    "check_not_own_destination", "invalid_destination", "missing_lambda_destination",
    "check_lambda_destinations", "check_destination_services", "check_some_setting", "unreserved_floor",
    "reservation_message", "check_reservation", "whole_function_only", "check_sync_payload",
    "check_async_payload", "check_alias_name", "destinations_of", "put_event_invoke_config",
    "update_event_invoke_config", "RESPONSE_PAYLOAD_LIMIT", "RESPONSE_TOO_LARGE_ERROR",
    "RESPONSE_SIZE_IN_MESSAGE", "response_too_large", "error_object", "unmarshal_error",
    "is_local_function", "SYSTEM_ERRORS", "DEFAULT_SYSTEM_ERROR", "DEFAULT_FUNCTION_PENDING_S",
    "MAX_FUNCTION_PENDING_S", "STATE_ACTIVE", "STATE_PENDING", "UPDATE_SUCCESSFUL", "UPDATE_IN_PROGRESS",
    "CREATING_REASON", "CREATING_REASON_CODE", "function_pending", "update_in_progress",
    "INVALID_JSON_MESSAGE", "JSON_PAYLOAD_ALLOWED", "invalid_json", "parse_payload", "payload_body",
    "ENV_VAR_NAME_PATTERN", "RUNTIME_FIXED_VARIABLES", "RESERVED_ENV_VARIABLES", "check_environment_keys",
    "provisioned_on_latest", "provisioned_on_weighted_alias", "check_provisioned", "provisioned_not_found",
    "alias_not_found", "check_routing", "invalid_marker", "version_in_use",
]

# -- names -------------------------------------------------------------------------------------------

#: The unpublished version of a function, and the qualifier of an unqualified invoke.
LATEST = "$LATEST"
#: A function name: 1-64 letters, digits, hyphens or underscores.
FUNCTION_NAME_PATTERN = r"[A-Za-z0-9_-]{1,64}"
#: A Region name such as ``us-east-1``.
REGION_PATTERN = r"[a-z]{2}(-gov|-iso|-isob)?-[a-z]+-\d"
#: An ARN of any service, Region and account (``arn:aws:<service>:<region>:<account>:...``).
ARN_PATTERN = r"arn:(aws[a-zA-Z0-9-]*):[a-zA-Z0-9-]+:(" + REGION_PATTERN + r")?:(\d{12})?:.+"
#: A Lambda function ARN, optionally qualified: botocore's ``FunctionArn`` shape pattern (Lambda 2015-03-31).
FUNCTION_ARN_PATTERN = (r"arn:(aws[a-zA-Z-]*)?:lambda:" + REGION_PATTERN + r":\d{12}:function:"
                        + FUNCTION_NAME_PATTERN + r"(:(\$LATEST|[a-zA-Z0-9-_]+))?")

# -- event-invoke config (docs/aws-behaviour.md §3, §5, §8) ---------------------------------------------

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

# -- system errors (docs/aws-behaviour.md §4) ---------------------------------------------------------

#: Lambda-side errors (HTTP 500-series) an async dispatch can meet, by AWS's error code, with the
#: status the Invoke API gives them (docs/aws-behaviour.md §4). For throttles (429)
#: and these, "Lambda returns the event to the queue and attempts to run the function again for up to
#: 6 hours", with the interval growing from 1 s to at most 5 min (AWS, "How Lambda handles errors and
#: retries with asynchronous invocation"); they do not use up MaximumRetryAttempts (docs/aws-behaviour.md §4).
SYSTEM_ERRORS = {
    "ServiceException": 500,
    "ResourceNotReadyException": 502,
    "EC2AccessDeniedException": 502,
    "EC2ThrottledException": 502,
    "EC2UnexpectedException": 502,
    "ENILimitReachedException": 502,
    "ENINotReadyException": 502,
    "InvalidRuntimeException": 502,
    "InvalidSecurityGroupIDException": 502,
    "InvalidSubnetIDException": 502,
    "InvalidZipFileException": 502,
    "KMSAccessDeniedException": 502,
    "KMSDisabledException": 502,
    "KMSInvalidStateException": 502,
    "KMSNotFoundException": 502,
    "SubnetIPAddressLimitReachedException": 502,
}
#: The system error of a failure model that names none: Lambda's internal error (HTTP 500).
DEFAULT_SYSTEM_ERROR = "ServiceException"

# -- concurrency (docs/aws-behaviour.md §9) -------------------------------------------------------------

#: The Region's concurrency limit of a new account.
DEFAULT_CONCURRENT_EXECUTIONS = 1_000
#: Reservations must leave at least this much (or the whole limit, if lower) unreserved.
UNRESERVED_MINIMUM = 100
#: Each function scales by at most 1,000 new environments per 10 s: a token bucket of 1,000 new
#: environments that refills at 100 per second.
SCALING_BURST = 1_000.0
SCALING_REFILL_PER_S = 100.0

# -- payloads (docs/aws-behaviour.md §1) ----------------------------------------------------------------

#: Synchronous request and response payloads: 6 MB each.
SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024
#: Asynchronous (Event) payloads: 1 MB since October 2025, 256 KB before (and for ``InvokeAsync``).
ASYNC_PAYLOAD_LIMIT = 1024 * 1024
LEGACY_ASYNC_PAYLOAD_LIMIT = 256 * 1024
ASYNC_PAYLOAD_LIMITS = (ASYNC_PAYLOAD_LIMIT, LEGACY_ASYNC_PAYLOAD_LIMIT)
#: A function's response (sync or async) is at most 6 MB; a larger one is a function error.
RESPONSE_PAYLOAD_LIMIT = SYNC_PAYLOAD_LIMIT
#: The error type of a response over :data:`RESPONSE_PAYLOAD_LIMIT`, and the size AWS's message
#: names: 6,291,556 bytes in every recorded answer (100 more than the limit; the limit applied here
#: is the documented 6 MB, a choice where the two differ).
RESPONSE_TOO_LARGE_ERROR = "Function.ResponseSizeTooLarge"
RESPONSE_SIZE_IN_MESSAGE = 6_291_556
#: The largest message each destination type accepts (bytes): SNS 256 KB, SQS and EventBridge 1 MB,
#: a Lambda function its async limit; S3 objects are far larger than any record.
DESTINATION_MAX_BYTES = {"sqs": ASYNC_PAYLOAD_LIMIT, "sns": LEGACY_ASYNC_PAYLOAD_LIMIT,
                         "eventbridge": ASYNC_PAYLOAD_LIMIT, "lambda": ASYNC_PAYLOAD_LIMIT, "s3": 5 * 2**30}

# -- recursion (docs/aws-behaviour.md §15) -------------------------------------------------------------

#: With ``RecursiveLoop: Terminate``, a chain of invocations caused by one event is stopped at its
#: 17th invocation (AWS: "about 16").
RECURSION_LIMIT = 16

# -- function settings -------------------------------------------------------------------------------

#: ``Timeout`` (s) and ``MemorySize`` (MB): inclusive ranges.
TIMEOUT_S = (1, 900)
#: The Init phase (a cold start) of an on-demand function is limited to 10 s (docs/aws-behaviour.md
#: §11, AWS "Lambda execution environment lifecycle",
#: docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html:
#: "The Init phase is limited to 10 seconds"; with provisioned
#: concurrency or SnapStart, the greater of 130 s or the timeout). lambdasim's cold starts are
#: on-demand ones (a provisioned environment has none), so 10 s bounds them.
INIT_LIMIT_S = 10.0
MEMORY_MB = (128, 10_240)
ARCHITECTURES = ("x86_64", "arm64")

#: ``Environment.Variables``: a name matches botocore's ``EnvironmentVariableName`` pattern.
ENV_VAR_NAME_PATTERN = r"[a-zA-Z]([a-zA-Z0-9_])+"
#: Fixed values of runtime variables Lambda defines ("Defined runtime environment variables",
#: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
RUNTIME_FIXED_VARIABLES = {"LAMBDA_TASK_ROOT": "/var/task", "LAMBDA_RUNTIME_DIR": "/var/runtime",
                           "TZ": ":UTC", "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand"}
#: The defined runtime variables a function's ``Environment.Variables`` may not set (same page). The
#: page lists ``TZ`` too, but AWS accepts it (functions set TZ to change their time zone): not refused.
RESERVED_ENV_VARIABLES = (
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
)
__all__ += ["ENV_VAR_NAME_PATTERN", "RUNTIME_FIXED_VARIABLES", "RESERVED_ENV_VARIABLES",
            "check_environment_keys"]


def check_environment_keys(names: Iterable[str]) -> None:
    """Refuse reserved variable names as AWS does: 400 ``InvalidParameterValueException``.

    AWS's message (as CloudFormation, Terraform and the SDKs report it) lists the reserved keys
    used, separated by ", ".
    """
    used = [name for name in names if name in RESERVED_ENV_VARIABLES]
    if used:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment variables "
            "you have provided contains reserved keys that are currently not supported for modification. "
            f"Reserved keys used in this request: {', '.join(used)}")


# -- names and ARNs ----------------------------------------------------------------------------------


def function_arn(region: str, account_id: str, name: str, qualifier: str | None = None) -> str:
    """``arn:aws:lambda:{region}:{account_id}:function:{name}[:{qualifier}]``."""
    arn = f"arn:aws:lambda:{region}:{account_id}:function:{name}"
    return arn if qualifier is None else f"{arn}:{qualifier}"


def parse_function(function: str, qualifier: str | None = None) -> tuple[str, str | None]:
    """Split a name, ARN, partial ARN or ``name:qualifier`` into (name, qualifier or None).

    A qualifier given both in the name and as ``qualifier`` must agree, as AWS requires.
    """
    name = function.split(":function:", 1)[1] if ":function:" in function else function
    name, _, suffix = name.partition(":")
    if suffix and qualifier and suffix != qualifier:
        raise InvalidParameterValueException(
            "The derived qualifier from the function name does not match the specified qualifier.")
    return name, (qualifier or suffix or None)


def function_not_found(arn: str, **fields: Any) -> ResourceNotFoundException:
    """AWS's error for a function, version or alias that does not exist.

    ``arn`` is qualified: AWS names ``$LATEST`` when the caller gave no qualifier
    (``Function not found: arn:aws:lambda:...:function:orders:$LATEST``, recorded November 2025).
    """
    return ResourceNotFoundException(f"Function not found: {arn}", **fields)


def function_does_not_exist() -> ResourceNotFoundException:
    """AWS's error when Put/Update/ListFunctionEventInvokeConfig(s) names a missing function or
    qualifier: it names neither."""
    return ResourceNotFoundException("The function doesn't exist.")


def no_event_invoke_config(arn: str) -> ResourceNotFoundException:
    """AWS's error for a qualifier without an event-invoke config (``arn`` is qualified). AWS gives it
    for Get and Delete even when the function or the qualifier does not exist."""
    return ResourceNotFoundException(f"The function {arn} doesn't have an EventInvokeConfig")


def is_local(function: str, region: str, account_id: str) -> bool:
    """False when an ARN or partial ARN names another account or Region (a bare name is local)."""
    if ":function:" not in function:
        return True
    head = function.split(":function:", 1)[0].split(":")
    return head[-1] == account_id and (head[-2] if len(head) >= 2 else region) == region


def check_account(function: str, region: str, account_id: str) -> None:
    """Raise ``ResourceNotFoundException`` when an ARN or partial ARN names another account or Region."""
    if not is_local(function, region, account_id):
        raise function_not_found(function)


def is_local_function(arn: str, region: str, account_id: str) -> bool:
    """True when a Lambda function ARN names a function of this account and Region.

    A function ARN in another Region or account is a different function, even with the same name.
    """
    parts = arn.split(":")
    return len(parts) >= 7 and parts[3] == region and parts[4] == account_id


def unqualified_arn(arn: str) -> str:
    """A Lambda function ARN without its qualifier (other ARNs come back unchanged up to 7 parts)."""
    return ":".join(arn.split(":")[:7])


def service_of(arn: str) -> str:
    """The service of an ARN (``sqs`` in ``arn:aws:sqs:...``); "" for anything else."""
    parts = arn.split(":")
    return parts[2] if len(parts) > 2 and parts[0] == "arn" else ""


def check_alias_name(alias: str) -> None:
    """An alias may not look like a version: not all digits, not ``$LATEST``."""
    if not isinstance(alias, str) or not alias:
        raise InvalidParameterValueException(f"Name: {alias!r} is not valid; allowed: an alias name (a str)")
    if re.fullmatch(r"\d+", alias) or alias == LATEST:
        raise InvalidParameterValueException(
            f"Name: {alias!r} is not valid; allowed: an alias name, not a version")


# -- event-invoke config -----------------------------------------------------------------------------


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


# -- concurrency -------------------------------------------------------------------------------------


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


# -- payloads ----------------------------------------------------------------------------------------


def check_sync_payload(size: int) -> None:
    """A synchronous (RequestResponse) request payload is at most :data:`SYNC_PAYLOAD_LIMIT` bytes.

    AWS answers 413 ``RequestEntityTooLargeException`` (recorded November 2025).
    """
    if size > SYNC_PAYLOAD_LIMIT:
        raise RequestEntityTooLargeException(
            f"Request must be smaller than {SYNC_PAYLOAD_LIMIT} bytes for the InvokeFunction operation")


def response_too_large() -> tuple[str, str]:
    """``(errorType, errorMessage)`` of a response over :data:`RESPONSE_PAYLOAD_LIMIT` (Unhandled)."""
    return (RESPONSE_TOO_LARGE_ERROR, "Response payload size exceeded maximum allowed payload size "
            f"({RESPONSE_SIZE_IN_MESSAGE} bytes).")


def unmarshal_error(reason: object) -> tuple[str, str]:
    """``(errorType, errorMessage)`` of an event the Python runtime cannot parse (``json.loads`` fails,
    for example nesting past its recursion limit): AWS's Python runtime interface client reports
    ``Runtime.UnmarshalError``, "Unable to unmarshal input: <reason>"; the handler does not run."""
    return "Runtime.UnmarshalError", f"Unable to unmarshal input: {reason}"


def error_object(error_type: str, error_message: str, request_id: str, stack_trace: tuple = ()) -> dict:
    """The error payload of a failed execution (the Invoke response, the record's responsePayload).

    The Python runtime formats a handler's error with ``requestId`` and ``stackTrace``; an error
    Lambda itself reports (a response over the limit) carries ``errorMessage`` and ``errorType`` only.
    """
    if error_type == RESPONSE_TOO_LARGE_ERROR:
        return {"errorMessage": error_message, "errorType": error_type}
    return {"errorMessage": error_message, "errorType": error_type, "requestId": request_id,
            "stackTrace": list(stack_trace)}


def check_async_payload(size: int, limit: int = ASYNC_PAYLOAD_LIMIT) -> None:
    """An asynchronous (Event) payload is at most ``limit`` bytes (one of :data:`ASYNC_PAYLOAD_LIMITS`).

    AWS answers 413 ``RequestEntityTooLargeException`` (recorded November 2025).
    """
    if size > limit:
        raise RequestEntityTooLargeException(
            f"{size} byte payload is too large for the Event invocation type (limit {limit} bytes)",
            size=size, limit=limit)


# -- request bodies (docs/aws-behaviour.md §1: a body Lambda cannot parse as JSON is a 400) ---------------

#: AWS's answer to an Invoke body that is not JSON, before the parser's own words: 400
#: ``InvalidRequestContentException``, e.g. "Could not parse request body into json: Could not parse
#: payload into json: Invalid UTF-8 start byte 0x87" (recorded by AWS users; LocalStack, validated
#: against AWS, answers with the same prefix).
INVALID_JSON_MESSAGE = "Could not parse request body into json: Could not parse payload into json: "
#: What a payload given as data may be: what ``json.dumps`` turns into strict JSON.
JSON_PAYLOAD_ALLOWED = ("JSON data (dict, list, str, int, float, bool or None; numbers finite: no NaN or "
                        "Infinity) or the UTF-8 bytes of a JSON document")


def invalid_json(detail: str, **fields: Any) -> InvalidRequestContentException:
    """AWS's error for a request body that is not JSON; ``detail`` is the parser's complaint."""
    return InvalidRequestContentException(INVALID_JSON_MESSAGE + detail, **fields)


def _non_numeric(token: str) -> Any:
    # Lambda's parser is Jackson (every recorded detail is Jackson's wording), and strict JSON has no
    # NaN or Infinity: Jackson refuses them with this message. Its "at [Source: ...; line, column]"
    # suffix is left out (a choice: it names Jackson's internal buffer).
    raise ValueError(f"Non-standard token '{token}': enable JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS "
                     "to allow")


def parse_payload(body: bytes, field: str | None = None) -> Any:
    """Parse an Invoke request body as Lambda does: strict JSON in UTF-8, else 400
    ``InvalidRequestContentException`` (:data:`INVALID_JSON_MESSAGE` and the parser's complaint).

    ``NaN``, ``Infinity`` and ``-Infinity`` (which Python's ``json`` would read) are refused as
    Lambda's parser refuses them. Other complaints are Python's parser's words (AWS's are Jackson's),
    except an invalid UTF-8 start byte, which has AWS's recorded wording. With ``field`` (the
    step-by-step API's argument) the message first names the field, the value and what is allowed.
    """
    try:
        text = bytes(body).decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.reason == "invalid start byte"
        detail = f"Invalid UTF-8 start byte 0x{exc.object[exc.start]:02x}" if start else str(exc)
    else:
        try:
            return json.loads(text, parse_constant=_non_numeric)
        except (ValueError, RecursionError) as exc:
            detail = str(exc) or type(exc).__name__
    if field is None:
        raise invalid_json(detail)
    raise _refused_payload(field, body, detail)


def _refused_payload(field: str, value: Any, detail: str) -> InvalidRequestContentException:
    shown = repr(value)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    return InvalidRequestContentException(
        f"{field}: {shown} is not valid; allowed: {JSON_PAYLOAD_ALLOWED}. {INVALID_JSON_MESSAGE}{detail}",
        field=field, value=value, allowed=JSON_PAYLOAD_ALLOWED)


def payload_body(payload: Any, field: str = "payload") -> bytes:
    """The request body of a payload given as data (``json.dumps``, as an SDK caller sends it).

    What JSON cannot carry is refused as Lambda refuses the body it would make:
    ``InvalidRequestContentException`` whose message names ``field``, the value and what is allowed
    (:data:`JSON_PAYLOAD_ALLOWED`), then AWS's own words for the bytes (NaN and Infinity, which
    ``json.dumps`` would write, are not JSON).
    """
    try:
        return json.dumps(payload, allow_nan=False).encode()
    except (TypeError, ValueError, RecursionError) as exc:
        detail = str(exc) or type(exc).__name__
    try:  # NaN or Infinity: Lambda's own words for the bytes json.dumps would send
        parse_payload(json.dumps(payload).encode())
    except InvalidRequestContentException as refused:
        detail = refused.message[len(INVALID_JSON_MESSAGE):]
    except (TypeError, ValueError, RecursionError):
        pass
    raise _refused_payload(field, payload, detail)


# -- aliases -----------------------------------------------------------------------------------------


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


def invalid_marker(marker: str) -> InvalidParameterValueException:
    """A List operation's ``Marker`` that no page of this listing gave."""
    return InvalidParameterValueException(f"Invalid marker: {marker}")


def version_in_use(aliases: Iterable[str]) -> ResourceConflictException:
    """AWS's answer to DeleteFunction of a version that aliases point or route to (HTTP 409), as
    emulators validated against AWS give it: ``... reference it: [live]``."""
    return ResourceConflictException(
        f"Unable to delete version because the following aliases reference it: [{', '.join(aliases)}]")


# -- function state (Pending -> Active, LastUpdateStatus InProgress -> Successful) -------------------
# Lambda function states: https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html
# ("Lambda does not invoke a function during pending state"; during an update "invocations continue
# to use the function's previous code and configuration" while UpdateFunctionCode,
# UpdateFunctionConfiguration and PublishVersion fail).

#: lambdasim's default for how long a function created or updated through the API stays ``Pending``
#: / ``InProgress`` (AWS documents no figure: seconds for a plain function, "a minute" with a VPC).
DEFAULT_FUNCTION_PENDING_S = 1.0
#: The longest delay accepted: botocore's ``function_active_v2`` / ``function_updated_v2`` waiters
#: give up after 300 polls 1 s apart (``function_active`` after 60 polls 5 s apart), so a longer
#: delay would be one that AWS's own tooling treats as a failure.
MAX_FUNCTION_PENDING_S = 300.0

STATE_ACTIVE = "Active"
STATE_PENDING = "Pending"
UPDATE_SUCCESSFUL = "Successful"
UPDATE_IN_PROGRESS = "InProgress"
#: ``StateReason`` / ``StateReasonCode`` of a function just created, as recorded CreateFunction
#: responses show them; recorded UpdateFunctionConfiguration responses give the same pair as
#: ``LastUpdateStatusReason`` / ``LastUpdateStatusReasonCode`` while ``InProgress``.
CREATING_REASON = "The function is being created."
CREATING_REASON_CODE = "Creating"


def function_pending() -> ResourceConflictException:
    """AWS's answer (HTTP 409) to Invoke, an update or PublishVersion while the function is
    ``Pending`` (the message of Lambda's troubleshooting guide, "Operation cannot be performed")."""
    return ResourceConflictException("The operation cannot be performed at this time. "
                                     f"The function is currently in the following state: {STATE_PENDING}")


def update_in_progress(function_arn: str) -> ResourceConflictException:
    """AWS's answer (HTTP 409) to an update or PublishVersion while ``LastUpdateStatus`` is
    ``InProgress``; ``function_arn`` is the function's unqualified ARN."""
    return ResourceConflictException("The operation cannot be performed at this time. "
                                     f"An update is in progress for resource: {function_arn}")
