"""What can go wrong inside one invocation: the system errors Lambda can meet, the error payload of
a failed execution, an event the runtime cannot parse, and the recursion-loop limit
(docs/aws-behaviour.md §4, §15).
"""

from __future__ import annotations

from lambdasim.model.rules.payloads import RESPONSE_TOO_LARGE_ERROR

__all__ = [
    "SYSTEM_ERRORS", "DEFAULT_SYSTEM_ERROR", "RECURSION_LIMIT", "unmarshal_error", "error_object",
]

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

#: With ``RecursiveLoop: Terminate``, a chain of invocations caused by one event is stopped at its
#: 17th invocation (AWS: "about 16").
RECURSION_LIMIT = 16


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
