"""Lambda's payload rules: the size limits of requests, responses and destination messages, and
how an Invoke request body is read as JSON (docs/aws-behaviour.md §1).
"""

from __future__ import annotations

import json
from typing import Any

from lambdasim.model.errors import InvalidRequestContentException, RequestEntityTooLargeException

__all__ = [
    "SYNC_PAYLOAD_LIMIT", "ASYNC_PAYLOAD_LIMIT", "LEGACY_ASYNC_PAYLOAD_LIMIT", "ASYNC_PAYLOAD_LIMITS",
    "RESPONSE_PAYLOAD_LIMIT", "RESPONSE_TOO_LARGE_ERROR", "RESPONSE_SIZE_IN_MESSAGE",
    "DESTINATION_MAX_BYTES", "check_sync_payload", "response_too_large", "check_async_payload",
    "INVALID_JSON_MESSAGE", "JSON_PAYLOAD_ALLOWED", "invalid_json", "parse_payload", "payload_body",
]

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
