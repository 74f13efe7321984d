"""A serialized Lambda request read back into its parameters, with botocore's service model.

:mod:`lambdasim.aws.mock` lets botocore serialize a Lambda request exactly as it would for AWS
(method, URL path and query, headers such as ``X-Amz-Invocation-Type``, rest-json body); this
module reads those bytes back into the operation's parameters, for
:meth:`lambdasim.aws.client.LambdaClient.handle` to serve.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from lambdasim.aws.service_model import service_model

__all__ = ["request_params"]


@functools.cache
def _uri(operation: str) -> re.Pattern:
    template = service_model().operation_model(operation).http["requestUri"].split("?", 1)[0]
    parts = re.split(r"\{(\w+)\+?\}", template)
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(pattern)


def _scalar(shape: Any, text: str) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long"):
        return int(text)
    if kind == "boolean":
        return text.lower() == "true"
    return text


def _from_json(shape: Any, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return {k: _from_json(shape.members[k], v) if k in shape.members else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_from_json(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _from_json(shape.value, v) for k, v in value.items()}
    if kind == "blob" and isinstance(value, str):
        return base64.b64decode(value)
    return value


def request_params(operation: str, request: Any) -> dict:
    """The parameters of a serialized rest-json request (URI labels, query, headers and body)."""
    shape = service_model().operation_model(operation).input_shape
    url = urlsplit(request.url)
    match = _uri(operation).search(url.path)
    labels = {k: unquote(v) for k, v in match.groupdict().items()} if match else {}
    query = parse_qs(url.query, keep_blank_values=True)
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    body = (body.encode() if isinstance(body, str) else bytes(body)) if body else b""
    params: dict[str, Any] = {}
    if shape is None:
        return params
    payload = shape.serialization.get("payload")
    document = None
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri":
            if wire in labels:
                params[name] = labels[wire]
        elif location == "querystring":
            if wire in query:
                params[name] = _scalar(member, query[wire][0])
        elif location == "header":
            if wire in request.headers:
                value = request.headers[wire]
                params[name] = _scalar(member, value.decode() if isinstance(value, bytes) else value)
        elif name == payload:
            if body:
                params[name] = body
        else:
            if document is None:
                document = json.loads(body) if body else {}
            if name in document:
                params[name] = _from_json(member, document[name])
    return params
