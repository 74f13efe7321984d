"""Real boto3 driving a simulation, sealed: while a ``mock_aws`` block is open nothing leaves the process.

Under ``with mock_aws(sim):`` unchanged boto3 code talks to the simulation::

    with ls.mock_aws(sim):
        lam = boto3.client("lambda", region_name="us-east-1")
        lam.invoke(FunctionName="orders", InvocationType="Event", Payload=b"{}")   # StatusCode 202
        sqs = boto3.client("sqs", region_name="us-east-1")
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)                  # what the DLQ got

**The seal.** Entering the outermost block patches botocore's classes, so every client in the
process is seen whenever and however it was made (before ``import lambdasim`` too, with any
credentials, any endpoint); leaving the outermost block puts the originals back, and nothing of
lambdasim stays on botocore or on any client:

- ``BaseClient._make_request`` (every API call, after botocore validated and serialized it) answers
  from the block's simulation: Lambda requests go on through botocore's endpoint, target reads and
  refusals are answered here (below);
- ``Endpoint._send`` serves the Lambda request in flight, and refuses anything else;
- ``RequestSigner.sign`` signs nothing: no credential is read or refreshed, so a client holding
  real (or refreshable: SSO, assume-role, instance-metadata) credentials never uses them (a
  presigned URL made inside a block is unsigned);
- ``URLLib3Session.send`` refuses every request: the last line, for credential fetchers and
  instance metadata, which use it directly. A refusal raises :class:`RequestRefused`.

**Lambda** requests keep botocore's whole path: botocore serializes the request as for AWS, the
simulation serves the bytes (:mod:`lambdasim.aws.lambda_requests`,
:meth:`~lambdasim.aws.client.LambdaClient.handle`) and botocore parses the answer exactly as AWS's,
with its retries. **SQS, SNS and S3 reads** of the simulated targets are answered by
:mod:`lambdasim.aws.targets`. **Every other operation of every service** fails at once with a
``ClientError`` ``lambdasim.NotSimulated`` (HTTP 400, so botocore does not retry) that names the
service and the operation.

**Threads.** A block answers the thread that opened it (the innermost block of that thread when
blocks nest). Another thread's requests are sealed all the same but not answered: they fail with
``lambdasim.OtherThread``, since a simulation is not thread-safe and a request from a thread that
did not open the block is more likely a stray background call than part of the lesson.

Inside the block the environment is faked too, so clients created there resolve nothing real:
test credentials, the scenario's Region, no config or shared-credentials file, no instance
metadata, no endpoint override, and ``AWS_MAX_ATTEMPTS=1``: the simulation's clock does not move
during a call, so an SDK retry of a throttle would only meet the same state again
(``sdk_retries=True`` keeps the SDK's retries).
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
from collections.abc import Iterator
from email.utils import format_datetime
from typing import Any

import botocore.client
import botocore.endpoint
import botocore.httpsession
import botocore.signers
from botocore.awsrequest import AWSResponse
from botocore.exceptions import BotoCoreError

from lambdasim.aws.client import LambdaClient
from lambdasim.aws.lambda_requests import request_params
from lambdasim.aws.service_model import OPERATIONS
from lambdasim.aws.targets import TargetReads
from lambdasim.model.errors import TargetServiceError
from lambdasim.model.rules import not_simulated

__all__ = ["mock_aws", "RequestRefused", "sealed", "PATCHED"]

_LAMBDA_OPERATIONS = frozenset(OPERATIONS.values())
_FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
             "AWS_SESSION_TOKEN": "testing", "AWS_EC2_METADATA_DISABLED": "true",
             "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
_CLEARED_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LAMBDA",
                "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
                "AWS_MAX_ATTEMPTS")
#: The key under which a call's final parameters ride in botocore's request context.
_PARAMS = "lambdasim.params"


class RequestRefused(BotoCoreError):
    """A request reached botocore's HTTP layer while a ``mock_aws`` block was open: it is not sent."""

    fmt = ("lambdasim.mock_aws refused to send {method} {url}: no request leaves the process while a "
           "mock_aws block is open")


class _Block:
    """One open ``mock_aws`` block: the thread that opened it and what answers that thread."""

    def __init__(self, sim: Any) -> None:
        self.thread = threading.get_ident()
        self.sim = sim
        self.lambda_client = LambdaClient(sim)
        self.targets = TargetReads(sim)


_LOCK = threading.Lock()
#: The open blocks, in the order they were opened (any thread).
_BLOCKS: list[_Block] = []
#: Per thread: the (block, operation) of the Lambda request botocore is sending right now.
_IN_FLIGHT = threading.local()
#: The botocore attributes the seal replaces: (owner, name); their originals while it is installed.
PATCHED = ((botocore.client.BaseClient, "_emit_api_params"), (botocore.client.BaseClient, "_make_request"),
           (botocore.endpoint.Endpoint, "_send"), (botocore.signers.RequestSigner, "sign"),
           (botocore.httpsession.URLLib3Session, "send"))
_ORIGINALS: dict[tuple[type, str], Any] = {}


@contextlib.contextmanager
def mock_aws(sim: Any, *, sdk_retries: bool = False) -> Iterator[Any]:
    """Seal botocore and answer this thread's requests from ``sim`` while the block is open; yields ``sim``.

    Parameters
    ----------
    sim
        The :class:`~lambdasim.Simulation` that answers.
    sdk_retries
        Keep botocore's own retries of throttles and 5xx errors (off by default: at a frozen
        virtual instant a retry meets the same state, and only costs wall-clock sleeps).
    """
    if not hasattr(sim, "scenario"):  # a Scenario is the usual slip: it holds the settings, not the state
        raise TypeError(f"mock_aws(sim): sim must be a lambdasim.Simulation, not {type(sim).__name__}; "
                        f"write ls.mock_aws(ls.Simulation(scenario))")
    env = dict(_FAKE_ENV, AWS_DEFAULT_REGION=sim.scenario.account.region)
    if not sdk_retries:
        env["AWS_MAX_ATTEMPTS"] = "1"
    saved = {key: os.environ.get(key) for key in (*env, *_CLEARED_ENV)}
    for key in _CLEARED_ENV:
        os.environ.pop(key, None)
    os.environ.update(env)
    block = _Block(sim)
    with _LOCK:
        if not _BLOCKS:
            _install()
        _BLOCKS.append(block)
    try:
        yield sim
    finally:
        with _LOCK:
            _BLOCKS.remove(block)
            if not _BLOCKS:
                _remove()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def sealed() -> bool:
    """Whether a ``mock_aws`` block is open (botocore is patched) anywhere in the process."""
    return bool(_ORIGINALS)


def _install() -> None:
    replacements = {"_emit_api_params": _emit_api_params, "_make_request": _make_request, "_send": _send,
                    "sign": _sign, "send": _refuse}
    for owner, name in PATCHED:
        _ORIGINALS[owner, name] = owner.__dict__[name]
        setattr(owner, name, replacements[name])


def _remove() -> None:
    for (owner, name), original in _ORIGINALS.items():
        setattr(owner, name, original)
    _ORIGINALS.clear()


def _block_of_this_thread() -> _Block | None:
    """The innermost open block of the calling thread."""
    me = threading.get_ident()
    with _LOCK:
        return next((block for block in reversed(_BLOCKS) if block.thread == me), None)


# -- the replacements ------------------------------------------------------------------------------------


def _emit_api_params(client: Any, api_params: dict, operation_model: Any, context: dict) -> dict:
    """botocore's own, then keep the call's final parameters (after its handlers) for the targets."""
    params = _ORIGINALS[botocore.client.BaseClient, "_emit_api_params"](client, api_params, operation_model,
                                                                         context)
    context[_PARAMS] = params
    return params


def _make_request(client: Any, operation_model: Any, request_dict: dict, request_context: dict) -> tuple:
    """Every API call of every client, validated and serialized: answer it in process."""
    service = client.meta.service_model.service_name
    operation = operation_model.name
    block = _block_of_this_thread()
    if block is None:
        return _error_answer(TargetServiceError(
            "lambdasim.OtherThread",
            f"lambdasim.mock_aws refused {service} {operation}: a mock_aws block is open in another thread, "
            "and no request leaves the process while one is; a block answers only the thread that opened it",
            400), request_dict["url"], "")
    if service == "lambda" and operation in _LAMBDA_OPERATIONS:
        # botocore's endpoint sends it (retries included); _send below answers from the simulation.
        previous = getattr(_IN_FLIGHT, "call", None)
        _IN_FLIGHT.call = (block, operation)
        try:
            send = _ORIGINALS[botocore.client.BaseClient, "_make_request"]
            return send(client, operation_model, request_dict, request_context)
        finally:
            _IN_FLIGHT.call = previous
    date = format_datetime(block.sim.wall_time(), usegmt=True)
    request_id = block.targets.next_request_id()
    try:
        if service == "lambda":
            raise not_simulated(service, operation, _LAMBDA_OPERATIONS)
        output = block.targets.answer(service, operation, request_context.get(_PARAMS, {}),
                                      client.meta.region_name)
    except TargetServiceError as error:
        return _error_answer(error, request_dict["url"], request_id, date)
    headers = {"x-amzn-requestid": request_id, "date": date}
    http = AWSResponse(request_dict["url"], 200, headers, _Body(b""))
    output["ResponseMetadata"] = {"RequestId": request_id, "HTTPStatusCode": 200, "HTTPHeaders": headers,
                                  "RetryAttempts": 0}
    return http, output


def _error_answer(error: TargetServiceError, url: str, request_id: str, date: str = "") -> tuple:
    """The (http, parsed) pair botocore makes of an error response: ``_make_api_call`` raises it."""
    headers = {"x-amzn-requestid": request_id, "date": date} if request_id else {}
    http = AWSResponse(url, error.http_status, headers, _Body(b""))
    parsed = {"Error": {"Code": error.code, "Message": error.message, **error.fields},
              "ResponseMetadata": {"RequestId": request_id, "HTTPStatusCode": error.http_status,
                                   "HTTPHeaders": headers, "RetryAttempts": 0}}
    return http, parsed


def _send(endpoint: Any, request: Any) -> AWSResponse:
    """The Lambda request in flight on this thread is served by its simulation; nothing else is sent."""
    call = getattr(_IN_FLIGHT, "call", None)
    if call is None:
        raise RequestRefused(method=request.method, url=request.url)
    block, operation = call
    status, headers, body = block.lambda_client.handle(operation, request_params(operation, request))
    return AWSResponse(request.url, status, headers, _Body(body))


def _sign(signer: Any, operation_name: str, request: Any, *args: Any, **kwargs: Any) -> None:
    """Sign nothing: no credential is read, refreshed or sent while a block is open."""
    return None


def _refuse(session: Any, request: Any) -> None:
    raise RequestRefused(method=request.method, url=request.url)


class _Body(io.BytesIO):
    """The raw body of a response, as urllib3 would hand it to botocore."""

    def stream(self, amt: int = 8192, **kwargs: Any) -> Iterator[bytes]:
        while chunk := self.read(amt):
            yield chunk
