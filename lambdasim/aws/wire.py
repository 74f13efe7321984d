"""Requests are checked against botocore's Lambda service model, botocore's own validator first and
then the ``max``, ``enum`` and ``pattern`` constraints that botocore skips, which fail as AWS fails
them (a ``ValidationException``); answers are written in the rest-json wire format (status, headers,
body) and parsed back with botocore's own parser, so the native client returns exactly what boto3
would, errors included (the ClientError classes of ``client.exceptions``).
"""

from __future__ import annotations

import base64
import io
import json
import re
from functools import cache, lru_cache
from typing import Any

import botocore.loaders
import botocore.model
import botocore.parsers
import botocore.validate
from botocore import xform_name
from botocore.awsrequest import HeadersDict
from botocore.exceptions import ClientError, ParamValidationError
from botocore.response import StreamingBody

from lambdasim.model import errors
from lambdasim.model.errors import ValidationException

__all__ = ["ValidationException", "OPERATIONS", "service_model", "validate_request", "client_error_class",
           "wire_response", "wire_error", "parse_response"]

#: The operations the simulation answers, by boto3 method name.
OPERATIONS = {xform_name(name): name for name in (
    "Invoke", "PutFunctionEventInvokeConfig", "UpdateFunctionEventInvokeConfig",
    "GetFunctionEventInvokeConfig", "DeleteFunctionEventInvokeConfig", "ListFunctionEventInvokeConfigs",
    "PutFunctionConcurrency", "GetFunctionConcurrency", "DeleteFunctionConcurrency", "GetAccountSettings",
    "CreateFunction", "UpdateFunctionConfiguration", "UpdateFunctionCode", "GetFunctionConfiguration",
    "DeleteFunction", "PublishVersion", "CreateAlias")}
#: The module the ClientError classes name as theirs: that of the client they are raised from.
_CLIENT_MODULE = "lambdasim.aws.client"


# -- the service model ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def service_model() -> botocore.model.ServiceModel:
    """botocore's Lambda service model (``botocore/data/lambda/2015-03-31/service-2.json``)."""
    data = botocore.loaders.Loader().load_service_model("lambda", "service-2")
    return botocore.model.ServiceModel(data, service_name="lambda")


@lru_cache(maxsize=1)
def _paginators() -> dict:
    return botocore.loaders.Loader().load_service_model("lambda", "paginators-1")["pagination"]


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


def _validation_error(problems: list[str]) -> ValidationException:
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
        raise _validation_error(problems)


# -- errors as botocore raises them --------------------------------------------------------------------


class _ClientErrorBase(ClientError):
    """A botocore ClientError that is also a :class:`lambdasim.model.errors.LambdaError`."""

    def __init__(self, error_response: dict, operation_name: str) -> None:
        super().__init__(error_response, operation_name)
        self.message = error_response.get("Error", {}).get("Message", "")
        self.fields = {k: v for k, v in error_response.items() if k not in ("Error", "ResponseMetadata")}
        if "Reason" in error_response:
            self.reason = error_response["Reason"]


@cache
def client_error_class(code: str) -> type[ClientError]:
    """The exception class a client raises for AWS error ``code``: a ClientError subclass that is
    also lambdasim's error of that name (or a :class:`~lambdasim.model.errors.LambdaError`)."""
    base = getattr(errors, code, None)
    if code == "ValidationException":
        base = ValidationException
    if not (isinstance(base, type) and issubclass(base, errors.LambdaError)):
        shape = service_model().shape_for_error_code(code)
        status = shape.metadata.get("error", {}).get("httpStatusCode", 400) if shape else 400
        base = type(code, (errors.LambdaError,), {"http_status": status, "__module__": _CLIENT_MODULE})
    namespace = {"__module__": _CLIENT_MODULE, "__qualname__": f"exceptions.{code}"}
    return type(code, (_ClientErrorBase, base), namespace)


class _Exceptions:
    """``client.exceptions``: a class per error of the model, like boto3's; ``from_code(code)``."""

    ClientError = ClientError

    def __init__(self) -> None:
        names = [shape.name for shape in service_model().error_shapes] + ["ValidationException"]
        self._codes = {name: client_error_class(name) for name in names}
        for name, cls in self._codes.items():
            setattr(self, name, cls)

    def from_code(self, code: str) -> type[ClientError]:
        return self._codes.get(code, ClientError)


@lru_cache(maxsize=1)
def _exceptions() -> _Exceptions:
    return _Exceptions()


class _ApiError(errors.LambdaError):
    """An AWS error without a lambdasim class of its own."""

    def __init__(self, code: str, status: int, message: str) -> None:
        super().__init__(message)
        self._code, self.http_status = code, status

    @property
    def code(self) -> str:
        return self._code


# -- the wire format (rest-json) ------------------------------------------------------------------------


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
            elif name == "Type":
                body[name] = "Service" if status >= 500 else "User"
            elif name == "Reason" and getattr(error, "reason", ""):
                body[name] = error.reason
            elif member.serialization.get("location") == "header" and name in error.fields:
                headers[member.serialization.get("name", name)] = str(error.fields[name])
    data = json.dumps(body).encode()
    headers["Content-Length"] = str(len(data))
    return status, headers, data


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
        raise _exceptions().from_code(code)(parsed, operation)
    return parsed
