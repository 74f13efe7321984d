"""The rest-json wire format: answers written as AWS sends them, read back with botocore's parser.

:func:`wire_response` and :func:`wire_error` write an operation's output, or an error, as the
HTTP response (status, headers, body) AWS sends; :func:`parse_response` reads one back with
botocore's own parser, so the native client returns exactly what boto3 would, and raises the same
ClientError (:mod:`lambdasim.aws.exceptions`); :mod:`lambdasim.aws.mock` hands the same bytes to
real boto3.
"""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import botocore.model
import botocore.parsers
from botocore.awsrequest import HeadersDict
from botocore.exceptions import ClientError
from botocore.response import StreamingBody

from lambdasim.aws.exceptions import client_error_class, client_exceptions
from lambdasim.aws.service_model import service_model
from lambdasim.model import errors

__all__ = ["wire_response", "wire_error", "parse_response"]


def _to_wire(value: Any, shape: botocore.model.Shape) -> Any:
    """A Python value as its rest-json body form (timestamps as epoch seconds, blobs in base64)."""
    kind = shape.type_name
    if kind == "structure":
        unknown = set(value) - set(shape.members)
        if unknown:
            raise RuntimeError(f"{sorted(unknown)} are not members of {shape.name}")
        return {k: _to_wire(v, shape.members[k]) for k, v in value.items() if v is not None}
    if kind == "list":
        return [_to_wire(v, shape.member) for v in value]
    if kind == "map":
        return {k: _to_wire(v, shape.value) for k, v in value.items()}
    if kind == "timestamp":
        return round(value.timestamp(), 3)
    if kind == "blob":
        return base64.b64encode(value).decode()
    return value


def wire_response(operation: str, output: dict, request_id: str, date: str) -> tuple[int, HeadersDict, bytes]:
    """The HTTP response (status, headers, body) AWS sends for ``output`` of ``operation``."""
    model = service_model().operation_model(operation)
    shape = model.output_shape
    status = model.http.get("responseCode", 200)
    headers = HeadersDict({"Date": date, "Content-Type": "application/json", "x-amzn-RequestId": request_id})
    body: Any = {}
    payload = shape.serialization.get("payload") if shape is not None else None
    if shape is not None:
        unknown = set(output) - set(shape.members)
        if unknown:
            raise RuntimeError(f"{sorted(unknown)} are not members of {shape.name}")
        for name, value in output.items():
            member = shape.members[name]
            location = member.serialization.get("location")
            if location == "statusCode":
                status = value
            elif location == "header":
                headers[member.serialization.get("name", name)] = str(value)
            elif name == payload:
                body = value
            else:
                body[name] = _to_wire(value, member)
    data = body if isinstance(body, bytes) else json.dumps(body).encode() if shape is not None else b""
    if status == 204:
        data = b""
    headers["Content-Length"] = str(len(data))
    return status, headers, data


def wire_error(error: errors.LambdaError, request_id: str, date: str) -> tuple[int, HeadersDict, bytes]:
    """The HTTP error response AWS sends for ``error`` (``x-amzn-ErrorType`` and a JSON body)."""
    code, status = error.code, int(error.http_status)
    headers = HeadersDict({"Date": date, "Content-Type": "application/json", "x-amzn-RequestId": request_id,
                           "x-amzn-ErrorType": code})
    body: dict[str, Any] = {"message": error.message}
    shape = service_model().shape_for_error_code(code)
    if shape is not None:
        body = {}
        for name, member in shape.members.items():
            if name in ("message", "Message"):
                body[name] = error.message
            elif name == "Type" and error.fields.get("Type", "") is not None:   # Type=None: AWS sends none
                body[name] = error.fields.get("Type") or ("Service" if status >= 500 else "User")
            elif name == "Reason" and getattr(error, "reason", ""):
                body[name] = error.reason
            elif member.serialization.get("location") == "header" and name in error.fields:
                headers[member.serialization.get("name", name)] = str(error.fields[name])
    data = json.dumps(body).encode()
    headers["Content-Length"] = str(len(data))
    return status, headers, data


def _error_class(code: str) -> type[ClientError]:
    """The class botocore raises for ``code``: the model's, else a plain ClientError. For a code the
    model lacks but lambdasim names (``RequestEntityTooLargeException``) the native client raises a
    ClientError subclass that is also lambdasim's class, so ``except ClientError`` still catches it."""
    if service_model().shape_for_error_code(code) is None and isinstance(getattr(errors, code, None), type):
        return client_error_class(code)
    return client_exceptions().from_code(code)


def parse_response(operation: str, status: int, headers: HeadersDict, body: bytes) -> dict:
    """Read a wire response with botocore's parser: the dict boto3 returns, or its ClientError raised."""
    model = service_model().operation_model(operation)
    parser = botocore.parsers.create_parser("rest-json")
    response: dict[str, Any] = {"status_code": status, "headers": headers, "body": body,
                                "context": {"operation_name": operation}}
    if status < 300 and model.has_streaming_output:
        response["body"] = StreamingBody(io.BytesIO(body), len(body))
    parsed = parser.parse(response, model.output_shape)
    parsed.setdefault("ResponseMetadata", {})["RetryAttempts"] = 0
    if status >= 300:
        code = parsed["Error"]["Code"]
        shape = service_model().shape_for_error_code(code)
        if shape is not None:
            parsed.update(parser.parse(response, shape))
        raise _error_class(code)(parsed, operation)
    return parsed
