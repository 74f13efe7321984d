"""The handler runtime: a user's Python handler called as AWS's Python runtime calls it.

:func:`load_handler` imports ``"package.module:function"``; :func:`call_handler` runs it with a
:class:`LambdaContext` and turns an exception into the ``{errorMessage, errorType, stackTrace}``
shape AWS puts in the invocation record.
"""

from __future__ import annotations

import importlib
import json
import traceback
from collections.abc import Callable
from typing import Any

from lambdasim.model.errors import invalid_value
from lambdasim.model.failures import HANDLER_PATTERN, Failure
from lambdasim.model.rules import LATEST
from lambdasim.model.validation import check_str

__all__ = ["LambdaContext", "load_handler", "call_handler"]


class LambdaContext:
    """The ``context`` a user handler receives, with the attributes of AWS's Python runtime.

    ``remaining_ms`` is a callable returning the milliseconds left, a fixed number of them, or None
    for the whole timeout (handlers run in zero virtual time).
    """

    __slots__ = ("aws_request_id", "function_name", "function_version", "invoked_function_arn",
                 "memory_limit_in_mb", "log_group_name", "log_stream_name", "identity", "client_context",
                 "_remaining")

    def __init__(self, request_id: str, function_name: str, qualifier: str | None, arn: str,
                 memory_mb: int, timeout_s: float, remaining_ms: Callable[[], float] | float | None = None,
                 log_stream_name: str | None = None) -> None:
        version = qualifier if qualifier is not None and qualifier.isdigit() else LATEST
        self.aws_request_id = request_id
        self.function_name = function_name
        self.function_version = version
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = str(memory_mb)
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = log_stream_name or f"2025/01/01/[{version}]{request_id.replace('-', '')}"
        self.identity = None
        self.client_context = None
        self._remaining = timeout_s * 1000.0 if remaining_ms is None else remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function times out (never negative)."""
        remaining = self._remaining() if callable(self._remaining) else self._remaining
        return max(0, int(remaining))

    def __repr__(self) -> str:
        return f"LambdaContext(aws_request_id={self.aws_request_id!r}, function_name={self.function_name!r})"


def load_handler(spec: str | Callable, field: str) -> Callable:
    """Import ``"package.module:function"`` (or AWS's ``"module.function"``); a callable passes through."""
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
    runtime. The stack trace lists the handler's frames only.
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
    return result, None
