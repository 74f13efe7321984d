"""The boto3-shaped Lambda client over a simulation, and AWS's errors as botocore raises them.

``sim.client()`` (or ``LambdaClient(sim)``) answers with boto3's method names, CamelCase keyword
arguments and response shapes, so the code a learner writes here is the code they run against AWS::

    lam = sim.client()
    lam.put_function_event_invoke_config(FunctionName="orders", MaximumRetryAttempts=0)
    lam.invoke(FunctionName="orders", InvocationType="Event", Payload=b'{"id": 1}')   # StatusCode 202

Requests are checked against botocore's Lambda service model and answered in the rest-json wire
format, read back with botocore's own parser (:mod:`lambdasim.aws.wire`): botocore's validator raises
:class:`botocore.exceptions.ParamValidationError` as boto3 does, the ``max``, ``enum`` and
``pattern`` constraints fail as AWS fails them (a ``ValidationException`` "1 validation error
detected: Value '…' at '…' failed to satisfy constraint: …"), and each response is exactly what
boto3 returns; :mod:`lambdasim.aws.mock` serves the same wire responses to real boto3.

Errors are :class:`botocore.exceptions.ClientError` subclasses, reachable as
``lam.exceptions.ResourceNotFoundException`` and so on, that are also lambdasim's own error class of
the same name (``except ls.ResourceNotFoundException`` catches them too).

Choices where AWS is silent (documented as choices):

- ``UpdateFunctionEventInvokeConfig`` with a ``DestinationConfig`` replaces the whole destination
  config (a side left out is removed), as LocalStack's AWS-validated behaviour does; retry and age
  settings merge.
- the request id of an Event invoke is the event's id, the ``requestContext.requestId`` of its
  invocation record (spec §15.8);
- ``ListFunctionEventInvokeConfigs`` lists ``$LATEST``, then versions, then aliases; its marker
  names the next qualifier; ``MaxItems`` defaults to 50;
- functions a scenario defines (rather than ``create_function``) report a placeholder role and no
  runtime or handler; code is never run from ``Code`` (the simulated handler is the scenario's).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from email.utils import format_datetime
from types import SimpleNamespace
from typing import Any

import botocore.paginate
import botocore.validate
from botocore import xform_name
from botocore.awsrequest import HeadersDict
from botocore.exceptions import ParamValidationError

from lambdasim.aws.function_calls import LATEST, FunctionOperations, _read_blob, _state, config_changes
from lambdasim.aws.wire import (
    OPERATIONS,
    ValidationException,
    _ApiError,
    _exceptions,
    _paginators,
    _validation_error,
    _violations,
    client_error_class,
    parse_response,
    service_model,
    validate_request,
    wire_error,
    wire_response,
)
from lambdasim.model import errors

__all__ = ["LambdaClient", "ValidationException", "OPERATIONS", "service_model", "validate_request",
           "config_changes", "client_error_class"]

#: Synchronous request payloads are limited to 6 MB (spec §1.4).
SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024
_ON_SUCCESS = ("sqs", "sns", "lambda", "events")
_ON_FAILURE = (*_ON_SUCCESS, "s3")


def _service(arn: str) -> str:
    """The service of an ARN (``sqs`` in ``arn:aws:sqs:...``); "" for anything else."""
    parts = arn.split(":")
    return parts[2] if len(parts) > 2 and parts[0] == "arn" else ""


def _qualifier_order(qualifier: str) -> tuple:
    if qualifier == LATEST:
        return (0, 0, "")
    return (1, int(qualifier), "") if qualifier.isdigit() else (2, 0, qualifier)


class LambdaClient(FunctionOperations):
    """A boto3 Lambda client whose account is a :class:`~lambdasim.engine.Simulation`.

    Methods take boto3's keyword arguments and return boto3's response dicts; the simulation's
    clock does not move during a call (``sim.run`` moves it). Several clients of one simulation
    share its state. The operations are those of :data:`OPERATIONS`.

    Parameters
    ----------
    sim
        The simulation this client configures and invokes.
    """

    def __init__(self, sim: Any) -> None:
        self._sim = sim
        self._state = _state(sim)
        self.exceptions = _exceptions()
        account = sim.scenario.account
        self.meta = SimpleNamespace(region_name=account.region, service_model=service_model(),
                                    partition="aws", method_to_api_mapping=dict(OPERATIONS))

    def __repr__(self) -> str:
        return f"<lambdasim LambdaClient of {self._sim!r}>"

    # -- boto3 methods -------------------------------------------------------------------------------

    def invoke(self, *args: Any, **kwargs: Any) -> dict:
        """Invoke: ``Event`` → 202 (queued), ``RequestResponse`` → 200 with the payload, ``DryRun`` → 204."""
        return self._call("Invoke", args, kwargs)

    def put_function_event_invoke_config(self, *args: Any, **kwargs: Any) -> dict:
        """Set a function's, version's or alias's async config; settings left out are removed."""
        return self._call("PutFunctionEventInvokeConfig", args, kwargs)

    def update_function_event_invoke_config(self, *args: Any, **kwargs: Any) -> dict:
        """Change the given settings of an existing async config."""
        return self._call("UpdateFunctionEventInvokeConfig", args, kwargs)

    def get_function_event_invoke_config(self, *args: Any, **kwargs: Any) -> dict:
        """A qualifier's async config."""
        return self._call("GetFunctionEventInvokeConfig", args, kwargs)

    def delete_function_event_invoke_config(self, *args: Any, **kwargs: Any) -> dict:
        """Remove a qualifier's async config (AWS's defaults apply again)."""
        return self._call("DeleteFunctionEventInvokeConfig", args, kwargs)

    def list_function_event_invoke_configs(self, *args: Any, **kwargs: Any) -> dict:
        """The async configs of a function's qualifiers, a page (``MaxItems``, ``Marker``) at a time."""
        return self._call("ListFunctionEventInvokeConfigs", args, kwargs)

    def put_function_concurrency(self, *args: Any, **kwargs: Any) -> dict:
        """Reserve concurrency for a function (at least 100 stays unreserved)."""
        return self._call("PutFunctionConcurrency", args, kwargs)

    def get_function_concurrency(self, *args: Any, **kwargs: Any) -> dict:
        """A function's reserved concurrency (``{}`` when it has none)."""
        return self._call("GetFunctionConcurrency", args, kwargs)

    def delete_function_concurrency(self, *args: Any, **kwargs: Any) -> dict:
        """Return a function to the unreserved pool."""
        return self._call("DeleteFunctionConcurrency", args, kwargs)

    def get_account_settings(self, *args: Any, **kwargs: Any) -> dict:
        """The account's concurrency limit and what is left unreserved."""
        return self._call("GetAccountSettings", args, kwargs)

    def can_paginate(self, operation_name: str) -> bool:
        """True for ``list_function_event_invoke_configs``, as in boto3."""
        return operation_name == "list_function_event_invoke_configs"

    def get_paginator(self, operation_name: str) -> botocore.paginate.Paginator:
        """botocore's paginator over this client (``list_function_event_invoke_configs``)."""
        if not self.can_paginate(operation_name):
            raise ValueError(f"Operation cannot be paginated: {operation_name}")
        name = OPERATIONS[operation_name]
        return botocore.paginate.Paginator(getattr(self, operation_name), _paginators()[name],
                                           service_model().operation_model(name))

    # -- request handling ----------------------------------------------------------------------------

    def _call(self, operation: str, args: tuple, params: dict) -> dict:
        if args:
            raise TypeError(f"{xform_name(operation)}() only accepts keyword arguments.")
        shape = service_model().operation_model(operation).input_shape
        report = botocore.validate.ParamValidator().validate(params, shape)   # botocore, before sending
        if report.has_errors():
            raise ParamValidationError(report=report.generate_report())
        return parse_response(operation, *self.handle(operation, params))

    def handle(self, operation: str, params: dict) -> tuple[int, HeadersDict, bytes]:
        """Serve one request as the Lambda service: the wire response (status, headers, body).

        ``params`` are the request members as botocore serializes them; the service checks them
        against the model again (``ValidationException`` when a constraint fails), so a client
        that skips botocore's validation meets AWS's.
        """
        date = format_datetime(self._sim.wall_time(), usegmt=True)
        try:
            shape = service_model().operation_model(operation).input_shape
            problems: list[str] = []
            _violations(params, shape, "", problems)
            if problems:
                raise _validation_error(problems)
            report = botocore.validate.ParamValidator().validate(params, shape)
            if report.has_errors():
                raise _ApiError("SerializationException", 400, report.generate_report())
            output = getattr(self, "_" + xform_name(operation))(params)
            request_id = output.pop("_RequestId", None) or self._next_request_id()
            return wire_response(operation, output, request_id, date)
        except errors.LambdaError as error:
            return wire_error(error, self._next_request_id(), date)

    def handle_error(self, error: errors.LambdaError) -> tuple[int, HeadersDict, bytes]:
        """The wire response of a request that fails with ``error`` before reaching an operation."""
        return wire_error(error, self._next_request_id(), format_datetime(self._sim.wall_time(), usegmt=True))

    def _next_request_id(self) -> str:
        state = self._state
        state.requests += 1
        return state.request_ids(state.requests)

    # -- names ---------------------------------------------------------------------------------------

    def _target(self, function: str, qualifier: str | None = None) -> tuple[str, str | None]:
        """(name, qualifier or None) of a name, ARN, partial ARN or ``name:qualifier``."""
        account = self._sim.scenario.account
        if ":function:" in function:
            head = function.split(":function:", 1)[0].split(":")
            region = head[-2] if len(head) >= 2 else account.region
            if head[-1] != account.account_id or region != account.region:
                raise errors.ResourceNotFoundException(f"Function not found: {function}")
        return self._sim.parse_function(function, qualifier)

    def _unqualified(self, function: str, operation: str) -> str:
        name, qualifier = self._target(function)
        if qualifier is not None:
            raise errors.InvalidParameterValueException(
                f"{operation} applies to the whole function: use the unqualified function name, "
                f"not {function}")
        return name

    # -- invoking ------------------------------------------------------------------------------------

    def _invoke(self, p: dict) -> dict:
        sim = self._sim
        name, qualifier = self._target(p["FunctionName"], p.get("Qualifier"))
        kind = p.get("InvocationType", "RequestResponse")
        raw = _read_blob(p.get("Payload", b""))
        payload = None
        if raw:
            try:
                payload = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise errors.InvalidRequestContentException(
                    "Could not parse request body into json: Could not parse payload into json: "
                    f"{exc}") from None
        if kind == "DryRun":
            sim.dry_run(name, qualifier)
            return {"StatusCode": 204, "Payload": b""}
        if kind == "Event":
            request_id = sim.invoke(name, payload, qualifier, payload_size_bytes=len(raw) or None)
            return {"StatusCode": 202, "Payload": b"", "_RequestId": request_id}
        if len(raw) > SYNC_PAYLOAD_LIMIT:
            raise errors.RequestTooLargeException(
                f"Request must be smaller than {SYNC_PAYLOAD_LIMIT} bytes for the Invoke operation")
        result = sim.invoke_sync(name, payload, qualifier)
        output = {"StatusCode": result["status_code"], "Payload": json.dumps(result["payload"]).encode(),
                  "ExecutedVersion": result["executed_version"], "_RequestId": result["request_id"]}
        if result["function_error"]:
            output["FunctionError"] = result["function_error"]
        if p.get("LogType") == "Tail":
            output["LogResult"] = self._log_tail(name, qualifier, result)
        return output

    def _log_tail(self, name: str, qualifier: str | None, result: dict) -> str:
        """The base64 log AWS returns with ``LogType: Tail``: START, END and REPORT lines."""
        rid, version = result["request_id"], result["executed_version"]
        init, run = result["init_s"], result["duration_s"]
        memory = self._sim.function_config(name, qualifier).memory_mb
        report = (f"REPORT RequestId: {rid}\tDuration: {run * 1000:.2f} ms\tBilled Duration: "
                  f"{math.ceil(run * 1000 - 1e-6)} ms\tMemory Size: {memory} MB")
        if init:
            report += f"\tInit Duration: {init * 1000:.2f} ms"
        text = f"START RequestId: {rid} Version: {version}\nEND RequestId: {rid}\n{report}\t\n"
        return base64.b64encode(text.encode()[-4096:]).decode()

    # -- event invoke config -------------------------------------------------------------------------

    def _settings(self, name: str, p: dict) -> dict:
        """The engine's settings from a Put/Update request; destinations checked as AWS checks them."""
        if all(p.get(k) is None for k in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds",
                                          "DestinationConfig")):
            raise errors.InvalidParameterValueException(
                "You must specify at least one of error handling or destination setting.")
        settings = {"maximum_retry_attempts": p.get("MaximumRetryAttempts"),
                    "maximum_event_age_s": p.get("MaximumEventAgeInSeconds")}
        if p.get("DestinationConfig") is not None:
            config = p["DestinationConfig"]
            success = (config.get("OnSuccess") or {}).get("Destination") or None
            failure = (config.get("OnFailure") or {}).get("Destination") or None
            own = self._sim.scenario.function_arn(name)
            for arn in (success, failure):
                if arn is not None and ":".join(arn.split(":")[:7]) == own:
                    raise errors.InvalidParameterValueException(
                        "You can't specify the function as a destination for itself.")
            if (success is not None and _service(success) not in _ON_SUCCESS) or (
                    failure is not None and _service(failure) not in _ON_FAILURE):
                parts = [f"{side}(destination={arn})" if arn else "null"
                         for side, arn in (("OnSuccess", success), ("OnFailure", failure))]
                raise errors.InvalidParameterValueException(
                    f"The provided destination config DestinationConfig(onSuccess={parts[0]}, "
                    f"onFailure={parts[1]}) is invalid.")
            settings.update(on_success=success, on_failure=failure)
        return settings

    def _config_output(self, name: str, config: dict) -> dict:
        out: dict[str, Any] = {
            "LastModified": self._sim.wall_time(config["last_modified"]),
            "FunctionArn": self._sim.scenario.function_arn(name, config["qualifier"] or LATEST),
        }
        if config["maximum_retry_attempts"] is not None:
            out["MaximumRetryAttempts"] = config["maximum_retry_attempts"]
        if config["maximum_event_age_s"] is not None:
            out["MaximumEventAgeInSeconds"] = config["maximum_event_age_s"]
        out["DestinationConfig"] = {
            side: {"Destination": config[key]} if config[key] else {}
            for side, key in (("OnSuccess", "on_success"), ("OnFailure", "on_failure"))}
        return out

    def _put_function_event_invoke_config(self, p: dict) -> dict:
        name, qualifier = self._target(p["FunctionName"], p.get("Qualifier"))
        settings = {"on_success": None, "on_failure": None, **self._settings(name, p)}
        return self._config_output(name, self._sim.put_event_invoke_config(name, qualifier, **settings))

    def _update_function_event_invoke_config(self, p: dict) -> dict:
        name, qualifier = self._target(p["FunctionName"], p.get("Qualifier"))
        settings = self._settings(name, p)
        current = self._sim.get_event_invoke_config(name, qualifier)
        merged = {k: current[k] for k in ("maximum_retry_attempts", "maximum_event_age_s", "on_success",
                                          "on_failure")}
        merged.update({k: v for k, v in settings.items() if v is not None or k.startswith("on_")})
        return self._config_output(name, self._sim.put_event_invoke_config(name, qualifier, **merged))

    def _get_function_event_invoke_config(self, p: dict) -> dict:
        name, qualifier = self._target(p["FunctionName"], p.get("Qualifier"))
        return self._config_output(name, self._sim.get_event_invoke_config(name, qualifier))

    def _delete_function_event_invoke_config(self, p: dict) -> dict:
        name, qualifier = self._target(p["FunctionName"], p.get("Qualifier"))
        self._sim.delete_event_invoke_config(name, qualifier)
        return {}

    def _list_function_event_invoke_configs(self, p: dict) -> dict:
        name = self._unqualified(p["FunctionName"], "ListFunctionEventInvokeConfigs")
        configs = sorted(self._sim.list_event_invoke_configs(name),
                         key=lambda c: _qualifier_order(c["qualifier"] or LATEST))
        start = 0
        if p.get("Marker"):
            try:
                after = base64.urlsafe_b64decode(p["Marker"].encode()).decode()
                order = _qualifier_order(after)
            except (binascii.Error, UnicodeDecodeError, ValueError):
                raise errors.InvalidParameterValueException(f"Invalid marker: {p['Marker']}") from None
            start = sum(_qualifier_order(c["qualifier"] or LATEST) < order for c in configs)
        size = p.get("MaxItems") or 50
        page = configs[start:start + size]
        out: dict[str, Any] = {"FunctionEventInvokeConfigs": [self._config_output(name, c) for c in page]}
        if start + size < len(configs):
            following = configs[start + size]["qualifier"] or LATEST
            out["NextMarker"] = base64.urlsafe_b64encode(following.encode()).decode()
        return out

    # -- concurrency ---------------------------------------------------------------------------------

    def _put_function_concurrency(self, p: dict) -> dict:
        name = self._unqualified(p["FunctionName"], "PutFunctionConcurrency")
        reserved = self._sim.put_reserved_concurrency(name, p["ReservedConcurrentExecutions"])
        return {"ReservedConcurrentExecutions": reserved}

    def _get_function_concurrency(self, p: dict) -> dict:
        reserved = self._sim.get_reserved_concurrency(self._unqualified(p["FunctionName"],
                                                                        "GetFunctionConcurrency"))
        return {} if reserved is None else {"ReservedConcurrentExecutions": reserved}

    def _delete_function_concurrency(self, p: dict) -> dict:
        name = self._unqualified(p["FunctionName"], "DeleteFunctionConcurrency")
        self._sim.delete_reserved_concurrency(name)
        return {}

    def _get_account_settings(self, p: dict) -> dict:
        settings = self._sim.account_settings()
        names = self._sim.function_names()
        code_size = sum(self._meta(n, LATEST)["CodeSize"] for n in names)
        limit = {"TotalCodeSize": 80530636800, "CodeSizeUnzipped": 262144000, "CodeSizeZipped": 52428800,
                 "ConcurrentExecutions": settings["concurrent_executions"],
                 "UnreservedConcurrentExecutions": settings["unreserved_concurrent_executions"]}
        return {"AccountLimit": limit,
                "AccountUsage": {"TotalCodeSize": code_size, "FunctionCount": len(names)}}
