"""Real boto3 driving a simulation: botocore's requests are answered in process.

Under ``with mock_aws(sim):`` unchanged boto3 code talks to the simulation::

    with ls.mock_aws(sim):
        lam = boto3.client("lambda", region_name="us-east-1")
        lam.invoke(FunctionName="orders", InvocationType="Event", Payload=b"{}")   # StatusCode 202

It works the way in-process AWS mocks do, through botocore's event hooks: every Lambda client gets a
``before-send`` handler that takes the request as botocore serialized it (method, URL path and
query, headers such as ``X-Amz-Invocation-Type``, body), reads it back into the operation's
parameters with the service model, lets :meth:`lambdasim.aws.client.LambdaClient.handle` serve it, and
returns a :class:`botocore.awsrequest.AWSResponse` with AWS's status, headers and rest-json body.
botocore then parses it exactly as it parses AWS's answer, or raises the same ClientError. A
``choose-signer`` handler leaves those requests unsigned, so no credential is ever looked at.

Which clients are routed: importing this module wraps ``botocore.session.Session.create_client``
(once; it only adds the two handlers to each new Lambda client), so a Lambda client created after
the import, inside or before a ``mock_aws`` block, sends to the innermost active simulation while
a block is open; a client created inside a block keeps sending to that simulation after the block
ends (it holds the block's fake credentials, and must never reach AWS with them); any other client
outside a block talks to AWS as usual. Clients created before this module was imported are not
seen.

Inside the block the environment is faked: test credentials, the scenario's Region, no config or
shared-credentials file, no instance metadata, no endpoint override, and ``AWS_MAX_ATTEMPTS=1``:
the simulation's clock does not move during a call, so an SDK retry of a throttle would only meet
the same state again (``sdk_retries=True`` keeps the SDK's retries). Nothing touches the network.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import json
import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import botocore
import botocore.session
from botocore.awsrequest import AWSResponse

from lambdasim.aws.client import LambdaClient
from lambdasim.aws.service_model import OPERATIONS, service_model
from lambdasim.model import errors

__all__ = ["mock_aws"]

_SUPPORTED = frozenset(OPERATIONS.values())
#: The active blocks, innermost last: one LambdaClient each.
_ACTIVE: list[LambdaClient] = []
_FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
             "AWS_SESSION_TOKEN": "testing", "AWS_EC2_METADATA_DISABLED": "true",
             "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
_CLEARED_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LAMBDA",
                "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
                "AWS_MAX_ATTEMPTS")


@contextlib.contextmanager
def mock_aws(sim: Any, *, sdk_retries: bool = False) -> Iterator[Any]:
    """Send boto3's Lambda requests to ``sim`` while the block is open; yields ``sim``.

    Parameters
    ----------
    sim
        The :class:`~lambdasim.engine.Simulation` that answers.
    sdk_retries
        Keep botocore's own retries of throttles and 5xx errors (off by default: at a frozen
        virtual instant a retry meets the same state, and only costs wall-clock sleeps).
    """
    env = dict(_FAKE_ENV, AWS_DEFAULT_REGION=sim.scenario.account.region)
    if not sdk_retries:
        env["AWS_MAX_ATTEMPTS"] = "1"
    saved = {key: os.environ.get(key) for key in (*env, *_CLEARED_ENV)}
    for key in _CLEARED_ENV:
        os.environ.pop(key, None)
    os.environ.update(env)
    _ACTIVE.append(LambdaClient(sim))
    try:
        yield sim
    finally:
        _ACTIVE.pop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class _Route:
    """The handlers one Lambda client gets: answer from a simulation when one is in charge."""

    def __init__(self, bound: LambdaClient | None) -> None:
        self.bound = bound   # the simulation of the block the client was created in, if any

    def target(self) -> LambdaClient | None:
        return _ACTIVE[-1] if _ACTIVE else self.bound

    def choose_signer(self, **kwargs: Any) -> Any:
        return botocore.UNSIGNED if self.target() is not None else None

    def before_send(self, request: Any, event_name: str = "", **kwargs: Any) -> AWSResponse | None:
        client = self.target()
        if client is None:
            return None
        operation = event_name.rsplit(".", 1)[-1]
        if operation not in service_model().operation_names:
            return None
        status, headers, body = serve(client, operation, request)
        return AWSResponse(request.url, status, headers, _Body(body))


class _Body(io.BytesIO):
    """The raw body of a response, as urllib3 would hand it to botocore."""

    def stream(self, amt: int = 8192, **kwargs: Any) -> Iterator[bytes]:
        while chunk := self.read(amt):
            yield chunk


def serve(client: LambdaClient, operation: str, request: Any) -> tuple[int, Any, bytes]:
    """Answer one serialized request: read its parameters back with the model, then serve them.

    An operation lambdasim does not simulate gets a 400 ``InvalidParameterValueException`` that
    says so (a 5xx would only make botocore retry).
    """
    if operation not in _SUPPORTED:
        error = errors.InvalidParameterValueException(
            f"lambdasim does not simulate {operation}; it answers {', '.join(sorted(_SUPPORTED))}")
        return client.handle_error(error)
    return client.handle(operation, request_params(operation, request))


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


def _attach(client: Any, bound: LambdaClient | None) -> None:
    """Give a new Lambda client the two handlers (they stay idle while no simulation is in charge)."""
    route = _Route(bound)
    client.meta.events.register_first("before-send.lambda", route.before_send)
    client.meta.events.register_first("choose-signer.lambda", route.choose_signer)


def _install() -> None:
    """Wrap ``Session.create_client`` once, so every new Lambda client gets the handlers."""
    original = botocore.session.Session.create_client
    if getattr(original, "_lambdasim", False):
        return

    @functools.wraps(original)
    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        if client.meta.service_model.service_name == "lambda":
            _attach(client, _ACTIVE[-1] if _ACTIVE else None)
        return client

    create_client._lambdasim = True  # type: ignore[attr-defined]
    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]


_install()
