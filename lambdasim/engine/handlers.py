"""The handler runtime: a user's Python handler called as AWS's Python runtime calls it.

:func:`load_handler` imports ``"package.module:function"``; :func:`call_handler` runs it with a
:class:`LambdaContext` and turns an exception into the ``{errorMessage, errorType, stackTrace}``
shape AWS puts in the invocation record; :func:`run_in_runtime` does that inside the runtime's
surroundings: the function's environment variables in ``os.environ`` and its printed output,
``logging`` records and error lines captured as its log.

Sources, read (not copied): AWS's Python runtime interface client, ``awslambdaric``
(https://github.com/aws/aws-lambda-python-runtime-interface-client: ``bootstrap.py``,
``lambda_context.py``, ``lambda_runtime_marshaller.py``); the Lambda developer guide pages
"Using the Lambda context object to retrieve Python function information"
(https://docs.aws.amazon.com/lambda/latest/dg/python-context.html), "Log and monitor Python Lambda
functions" (https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html) and "Defined runtime
environment variables"
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).

**async def handlers.** AWS's managed Python runtime has no async handler: ``bootstrap.py``'s
``handle_event_request`` calls ``request_handler(event, lambda_context)`` and marshals whatever it
returns, never awaiting it. A coroutine function therefore returns an un-run coroutine object, the
JSON marshaller refuses it, and the invocation fails with ``errorType`` ``Runtime.MarshalError``,
``errorMessage`` ``"Unable to marshal response: Object of type coroutine is not JSON serializable"``
and an empty ``stackTrace``; the handler's body never runs (its side effects do not happen). The
same symptom is reported for the older runtime (https://stackoverflow.com/questions/60455830, "Can
you have an async handler in Lambda Python 3.6?"). That is what :func:`call_handler` does; the
coroutine is closed so this process does not warn that it was never awaited. (Node.js is the
runtime that awaits an async handler's promise: the course contrasts the two.)
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from lambdasim.model.errors import invalid_value
from lambdasim.model.failures import HANDLER_PATTERN, Failure
from lambdasim.model.rules import LATEST, RUNTIME_FIXED_VARIABLES
from lambdasim.model.validation import check_str

__all__ = ["CognitoIdentity", "LambdaContext", "load_handler", "call_handler", "run_in_runtime",
           "runtime_variables", "log_stream_name", "error_log"]

#: Indentation of traceback lines in the runtime's error log (``ERROR_LOG_IDENT`` in bootstrap.py).
_NO_BREAK_SPACE = "\u00a0"


def log_stream_name(when: datetime, version: str, request_id: str) -> str:
    """``YYYY/MM/DD/[version]`` and 32 hex digits, the shape of Lambda's log stream names.

    AWS names one stream per execution environment; the model has no environment identity, so the
    hex digits are the request id's (each request its own stream), a simplification.
    """
    return f"{when:%Y/%m/%d}/[{version}]{request_id.replace('-', '')}"


class CognitoIdentity:
    """``context.identity``: the runtime always makes one, its fields None without a Cognito caller."""

    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, cognito_identity_id: str | None = None, cognito_identity_pool_id: str | None = None):
        self.cognito_identity_id = cognito_identity_id
        self.cognito_identity_pool_id = cognito_identity_pool_id

    def __repr__(self) -> str:
        return (f"CognitoIdentity(cognito_identity_id={self.cognito_identity_id!r}, "
                f"cognito_identity_pool_id={self.cognito_identity_pool_id!r})")


class LambdaContext:
    """The ``context`` a user handler receives, with the attributes of AWS's Python runtime.

    ``version`` is the version that runs (``function_version``): through an alias, the version the
    alias points to; ``invoked_function_arn`` is the ARN the caller used, qualified only when the
    caller named a version or an alias (AWS: "Indicates if the invoker specified a version number or
    alias"). In ``awslambdaric`` the name, version, memory, log group and stream come from the
    ``AWS_LAMBDA_*`` variables, so they agree with :func:`runtime_variables`.
    ``identity`` is a :class:`CognitoIdentity` with None fields, as ``awslambdaric`` builds it when no
    Cognito identity came with the request; ``client_context`` is None (the model passes no
    ``ClientContext`` to handlers).
    ``remaining_ms`` is a callable returning the milliseconds left, a fixed number of them, or None
    for the whole timeout (handlers run in zero virtual time).
    """

    __slots__ = ("aws_request_id", "function_name", "function_version", "invoked_function_arn",
                 "memory_limit_in_mb", "log_group_name", "log_stream_name", "identity", "client_context",
                 "_remaining")

    def __init__(self, request_id: str, function_name: str, version: str | None, arn: str,
                 memory_mb: int, timeout_s: float, remaining_ms: Callable[[], float] | float | None = None,
                 log_stream_name: str | None = None, started: datetime | None = None) -> None:
        version = version or LATEST
        self.aws_request_id = request_id
        self.function_name = function_name
        self.function_version = version
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = str(memory_mb)
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = log_stream_name or _default_stream(started, version, request_id)
        self.identity = CognitoIdentity()
        self.client_context = None
        self._remaining = timeout_s * 1000.0 if remaining_ms is None else remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function times out (never negative)."""
        remaining = self._remaining() if callable(self._remaining) else self._remaining
        return max(0, int(remaining))

    def __repr__(self) -> str:
        return f"LambdaContext(aws_request_id={self.aws_request_id!r}, function_name={self.function_name!r})"


def _default_stream(started: datetime | None, version: str, request_id: str) -> str:
    return log_stream_name(started or datetime(2025, 1, 1), version, request_id)


def runtime_variables(context: LambdaContext, region: str, handler: str | None = None) -> dict[str, str]:
    """The variables Lambda's runtime defines that the model knows, for one call.

    From AWS's list of defined runtime environment variables: ``AWS_REGION`` and
    ``AWS_DEFAULT_REGION``, ``AWS_EXECUTION_ENV`` (``AWS_Lambda_python3.N`` of the Python running
    the handler), ``AWS_LAMBDA_FUNCTION_NAME``, ``AWS_LAMBDA_FUNCTION_MEMORY_SIZE``,
    ``AWS_LAMBDA_FUNCTION_VERSION``, ``AWS_LAMBDA_LOG_GROUP_NAME``, ``AWS_LAMBDA_LOG_STREAM_NAME``,
    ``AWS_LAMBDA_INITIALIZATION_TYPE`` (``on-demand``), ``LAMBDA_TASK_ROOT``, ``LAMBDA_RUNTIME_DIR``,
    ``TZ`` and ``_HANDLER`` when the handler is named by a string. Not set, because the model has
    none: the role's credentials (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
    ``AWS_SESSION_TOKEN``), ``_X_AMZN_TRACE_ID`` and ``AWS_LAMBDA_RUNTIME_API`` (custom runtimes).
    """
    variables = {
        "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_python{sys.version_info.major}.{sys.version_info.minor}",
        "AWS_LAMBDA_FUNCTION_NAME": context.function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": context.memory_limit_in_mb,
        "AWS_LAMBDA_FUNCTION_VERSION": context.function_version,
        "AWS_LAMBDA_LOG_GROUP_NAME": context.log_group_name,
        "AWS_LAMBDA_LOG_STREAM_NAME": context.log_stream_name,
        **RUNTIME_FIXED_VARIABLES,
    }
    if isinstance(handler, str):
        variables["_HANDLER"] = handler
    return variables


def load_handler(spec: str | Callable, field: str) -> Callable:
    """Import ``"package.module:function"`` (or AWS's ``"module.function"``); a callable passes through.

    Importing runs the module's code, so a scenario read from a file, text or a plain dict reaches
    here with a string handler only if its caller passed ``trust=True`` (:mod:`lambdasim.model.loading`).
    """
    if callable(spec):
        return spec
    allowed = "a callable or an importable 'package.module:function'"
    check_str(spec, field, HANDLER_PATTERN, allowed)
    module_name, _, attr = spec.partition(":") if ":" in spec else spec.rpartition(".")
    try:
        target: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            target = getattr(target, part)
    except Exception as exc:  # user code may raise anything while importing
        raise invalid_value(field, spec, f"{allowed} ({type(exc).__name__}: {exc})") from None
    if not callable(target):
        raise invalid_value(field, spec, f"{allowed} ({attr} is not callable)")
    return target


def call_handler(handler: Callable, event: Any, context: Any) -> tuple[Any, Failure | None]:
    """Run ``handler(event, context)``: ``(result, None)``, or ``(None, Failure)`` if it raised.

    A result that is not JSON-serialisable fails with ``Runtime.MarshalError``, as in AWS's Python
    runtime; so does an ``async def`` handler, whose coroutine is never awaited (module docstring).
    The stack trace lists the handler's frames only.
    """
    try:
        result = handler(event, context)
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)[1:]  # drop this function's own frame
        return None, Failure(type(exc).__name__, str(exc), tuple(traceback.format_list(frames)))
    try:
        json.dumps(result)
    except (TypeError, ValueError) as exc:
        return None, Failure("Runtime.MarshalError", f"Unable to marshal response: {exc}")
    finally:
        if inspect.iscoroutine(result):
            result.close()  # never awaited, as in the runtime; closed so Python does not warn about it
    return result, None


def error_log(failure: Failure) -> str:
    """The runtime's log lines for a failed invocation (text log format).

    ``[ERROR] Type: message``, then ``Traceback (most recent call last):`` and the stack trace,
    each leading space of a trace line replaced by a no-break space (U+00A0), the lines joined by
    newlines, as ``bootstrap.py``'s ``log_error`` writes them to Lambda's log.
    """
    head = "[ERROR]"
    if failure.error_type:
        head += " " + failure.error_type
    if failure.error_message:
        head += (":" if failure.error_type else "") + " " + failure.error_message
    lines = [head, "Traceback (most recent call last):"]
    for element in failure.stack_trace:
        for line in element.splitlines() or [""]:
            stripped = line.lstrip(" ")
            lines.append(_NO_BREAK_SPACE * (len(line) - len(stripped)) + stripped)
    return "\n".join(lines) + "\n"


class _RuntimeLogHandler(logging.Handler):
    """The root-logger handler the runtime installs: ``[LEVEL]\\ttime\\trequest id\\tmessage``.

    The format is ``bootstrap.py``'s text format; the time is the call's virtual wall-clock time
    (every record of a call shares it: handlers run in zero virtual time).
    """

    def __init__(self, sink: io.StringIO, request_id: str, when: datetime) -> None:
        super().__init__()
        self.sink = sink
        self.prefix = f"\t{when:%Y-%m-%dT%H:%M:%S}.{when.microsecond // 1000:03d}Z\t{request_id}\t"

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_info:
                message += "\n" + logging.Formatter().formatException(record.exc_info)
            self.sink.write(f"[{record.levelname}]{self.prefix}{message}\n")
        except Exception:  # a broken record must not break the invocation (logging's own rule)
            self.handleError(record)


@contextlib.contextmanager
def _environment(variables: Mapping[str, str]):
    """Overlay ``variables`` on ``os.environ`` for the call, then restore it exactly.

    Only what differs is written back (a variable the call added is removed, one it changed or
    removed is set again), so a call costs a few ``putenv`` calls, not one per variable. The
    before/after comparison reads CPython's encoded mapping behind ``os.environ`` (``_data``), one
    C-level copy instead of decoding every variable twice per call (a handler's hot path).
    """
    environ = os.environ
    encoded = environ._data  # type: ignore[attr-defined]
    saved = encoded.copy()
    environ.update(variables)
    try:
        yield
    finally:
        if encoded != saved:
            for key in [k for k in encoded if k not in saved]:
                environ.pop(environ.decodekey(key), None)  # type: ignore[attr-defined]
            for key, value in saved.items():
                if encoded.get(key) != value:
                    environ[environ.decodekey(key)] = environ.decodevalue(value)  # type: ignore[attr-defined]


def run_in_runtime(handler: Callable, event: Any, context: LambdaContext, variables: Mapping[str, str],
                   when: datetime) -> tuple[Any, Failure | None, str]:
    """Call the handler as the runtime does: ``(result, failure, log)``.

    During the call ``os.environ`` holds the host's variables overlaid with ``variables`` (the
    function's ``Environment.Variables`` and :func:`runtime_variables`; the host's others are left,
    so a handler finds PATH and friends), and is restored afterwards, also when the handler raises
    or changes it. What the handler writes to ``stdout`` and ``stderr`` and what reaches the root
    logger is its log (the runtime sends all three to the function's log); the root logger's
    handlers are the runtime's alone during the call, and its level is left as it is (Lambda's
    runtime leaves it at Python's default, WARNING, unless advanced logging controls set
    ``AWS_LAMBDA_LOG_LEVEL``, which the model does not). A failure adds the runtime's error lines
    (:func:`error_log`). ``log`` is the text between the START and END lines.
    """
    sink = io.StringIO()
    root = logging.getLogger()
    saved_handlers = root.handlers[:]
    root.handlers = [_RuntimeLogHandler(sink, context.aws_request_id, when)]
    try:
        with _environment(variables), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            result, failure = call_handler(handler, event, context)
    finally:
        root.handlers = saved_handlers
    if failure is not None:
        sink.write(error_log(failure))
    return result, failure, sink.getvalue()
