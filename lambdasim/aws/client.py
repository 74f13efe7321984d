"""The boto3-shaped Lambda client over a simulation: boto3's methods, and the request pipeline.

``sim.client()`` (or ``LambdaClient(sim)``) answers with boto3's method names, CamelCase keyword
arguments and response shapes, so the code a learner writes here is the code they run against AWS::

    lam = sim.client()
    lam.put_function_event_invoke_config(FunctionName="orders", MaximumRetryAttempts=0)
    lam.invoke(FunctionName="orders", InvocationType="Event", Payload=b'{"id": 1}')   # StatusCode 202

Every call goes through one pipeline: **validate** (botocore's validator, as boto3 runs it before
sending; then the service's own checks of the model's ``max``, ``enum`` and ``pattern``
constraints, :mod:`lambdasim.aws.validation`), **dispatch** to the operation (:mod:`~lambdasim.aws.invoke`,
:mod:`~lambdasim.aws.event_invoke_configs`, :mod:`~lambdasim.aws.functions`,
:mod:`~lambdasim.aws.concurrency`; AWS's rules themselves are :mod:`lambdasim.model.rules`), and
**answer** in the rest-json wire format, read back with botocore's own parser
(:mod:`lambdasim.aws.wire`), so each response is exactly what boto3 returns;
:mod:`lambdasim.aws.mock` serves the same wire responses to real boto3.

Errors are :class:`botocore.exceptions.ClientError` subclasses, reachable as
``lam.exceptions.ResourceNotFoundException`` and so on, that are also lambdasim's own error class of
the same name (``except ls.ResourceNotFoundException`` catches them too).
"""

from __future__ import annotations

from collections.abc import Callable
from email.utils import format_datetime
from types import SimpleNamespace
from typing import Any

import botocore.paginate
import botocore.validate
from botocore import xform_name
from botocore.awsrequest import HeadersDict
from botocore.exceptions import ParamValidationError

from lambdasim.aws import concurrency, event_invoke_configs, event_source_mappings, functions, invoke
from lambdasim.aws.exceptions import client_error_class, client_exceptions
from lambdasim.aws.functions import config_changes
from lambdasim.aws.service import LambdaService
from lambdasim.aws.service_model import OPERATIONS, paginators, service_model
from lambdasim.aws.validation import check_request, validate_request
from lambdasim.aws.wire import parse_response, wire_error, wire_response
from lambdasim.model import errors
from lambdasim.model.errors import ValidationException

__all__ = ["LambdaClient", "ValidationException", "OPERATIONS", "service_model", "validate_request",
           "config_changes", "client_error_class"]

#: Each operation's handler ``(service, params) -> output``, by API name.
HANDLERS: dict[str, Callable[[LambdaService, dict], dict]] = {
    **invoke.HANDLERS, **event_invoke_configs.HANDLERS, **functions.HANDLERS, **concurrency.HANDLERS,
    **event_source_mappings.HANDLERS}


class LambdaClient:
    """A boto3 Lambda client whose account is a :class:`~lambdasim.Simulation`.

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
        self._service = LambdaService.of(sim)
        self.exceptions = client_exceptions()
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

    def put_provisioned_concurrency_config(self, *args: Any, **kwargs: Any) -> dict:
        """Configure provisioned concurrency on a version or alias (answers ``IN_PROGRESS``)."""
        return self._call("PutProvisionedConcurrencyConfig", args, kwargs)

    def get_provisioned_concurrency_config(self, *args: Any, **kwargs: Any) -> dict:
        """A version's or alias's provisioned concurrency."""
        return self._call("GetProvisionedConcurrencyConfig", args, kwargs)

    def delete_provisioned_concurrency_config(self, *args: Any, **kwargs: Any) -> dict:
        """Remove a version's or alias's provisioned concurrency."""
        return self._call("DeleteProvisionedConcurrencyConfig", args, kwargs)

    def list_provisioned_concurrency_configs(self, *args: Any, **kwargs: Any) -> dict:
        """The function's provisioned-concurrency configurations."""
        return self._call("ListProvisionedConcurrencyConfigs", args, kwargs)

    def get_account_settings(self, *args: Any, **kwargs: Any) -> dict:
        """The account's concurrency limit and what is left unreserved."""
        return self._call("GetAccountSettings", args, kwargs)

    def create_function(self, *args: Any, **kwargs: Any) -> dict:
        """Add a function (``Timeout``, ``MemorySize``, ``Architectures``, ``DeadLetterConfig``)."""
        return self._call("CreateFunction", args, kwargs)

    def update_function_configuration(self, *args: Any, **kwargs: Any) -> dict:
        """Change ``$LATEST``'s ``Timeout``, ``MemorySize`` or ``DeadLetterConfig``."""
        return self._call("UpdateFunctionConfiguration", args, kwargs)

    def update_function_code(self, *args: Any, **kwargs: Any) -> dict:
        """Change ``$LATEST``'s code and ``Architectures`` (the code itself is not run)."""
        return self._call("UpdateFunctionCode", args, kwargs)

    def get_function_configuration(self, *args: Any, **kwargs: Any) -> dict:
        """The configuration of ``$LATEST``, a version or an alias's version."""
        return self._call("GetFunctionConfiguration", args, kwargs)

    def delete_function(self, *args: Any, **kwargs: Any) -> dict:
        """Delete a function, or one of its versions."""
        return self._call("DeleteFunction", args, kwargs)

    def publish_version(self, *args: Any, **kwargs: Any) -> dict:
        """Publish ``$LATEST`` as the next numbered version."""
        return self._call("PublishVersion", args, kwargs)

    def create_alias(self, *args: Any, **kwargs: Any) -> dict:
        """Point a new alias at a version."""
        return self._call("CreateAlias", args, kwargs)

    def update_alias(self, *args: Any, **kwargs: Any) -> dict:
        """Repoint an alias: ``FunctionVersion``, ``Description``, ``RoutingConfig`` weights."""
        return self._call("UpdateAlias", args, kwargs)

    def get_alias(self, *args: Any, **kwargs: Any) -> dict:
        """An alias: its version, description and routing."""
        return self._call("GetAlias", args, kwargs)

    def delete_alias(self, *args: Any, **kwargs: Any) -> dict:
        """Delete an alias (no error when it does not exist)."""
        return self._call("DeleteAlias", args, kwargs)

    def list_aliases(self, *args: Any, **kwargs: Any) -> dict:
        """A function's aliases, a page (``MaxItems``, ``Marker``) at a time."""
        return self._call("ListAliases", args, kwargs)

    def get_function(self, *args: Any, **kwargs: Any) -> dict:
        """A function's (or version's) configuration, code location and reserved concurrency."""
        return self._call("GetFunction", args, kwargs)

    def list_functions(self, *args: Any, **kwargs: Any) -> dict:
        """The account's functions (``FunctionVersion="ALL"``: every version), a page at a time."""
        return self._call("ListFunctions", args, kwargs)

    def list_versions_by_function(self, *args: Any, **kwargs: Any) -> dict:
        """``$LATEST`` and the published versions, a page at a time."""
        return self._call("ListVersionsByFunction", args, kwargs)

    def get_function_recursion_config(self, *args: Any, **kwargs: Any) -> dict:
        """Whether Lambda stops the function's recursive loops (``Terminate``) or not (``Allow``)."""
        return self._call("GetFunctionRecursionConfig", args, kwargs)

    def put_function_recursion_config(self, *args: Any, **kwargs: Any) -> dict:
        """Set ``RecursiveLoop`` (``Allow`` | ``Terminate``) for the whole function."""
        return self._call("PutFunctionRecursionConfig", args, kwargs)

    def invoke_async(self, *args: Any, **kwargs: Any) -> dict:
        """Deprecated ``InvokeAsync``: an ``Event`` invoke of ``InvokeArgs``; ``{"Status": 202}``."""
        return self._call("InvokeAsync", args, kwargs)

    def create_event_source_mapping(self, *args: Any, **kwargs: Any) -> dict:
        """``CreateEventSourceMapping`` (an SQS queue of the simulation to a function)."""
        return self._call("CreateEventSourceMapping", args, kwargs)

    def get_event_source_mapping(self, *args: Any, **kwargs: Any) -> dict:
        """``GetEventSourceMapping``."""
        return self._call("GetEventSourceMapping", args, kwargs)

    def update_event_source_mapping(self, *args: Any, **kwargs: Any) -> dict:
        """``UpdateEventSourceMapping``."""
        return self._call("UpdateEventSourceMapping", args, kwargs)

    def delete_event_source_mapping(self, *args: Any, **kwargs: Any) -> dict:
        """``DeleteEventSourceMapping``."""
        return self._call("DeleteEventSourceMapping", args, kwargs)

    def list_event_source_mappings(self, *args: Any, **kwargs: Any) -> dict:
        """``ListEventSourceMappings`` (``FunctionName``, ``EventSourceArn``, ``Marker``, ``MaxItems``)."""
        return self._call("ListEventSourceMappings", args, kwargs)

    def can_paginate(self, operation_name: str) -> bool:
        """True for the List operations with a botocore paginator (``list_functions``, ``list_aliases``,
        ``list_versions_by_function``, ``list_function_event_invoke_configs``), as in boto3."""
        return operation_name in ("list_function_event_invoke_configs", "list_aliases", "list_functions",
                                  "list_versions_by_function", "list_event_source_mappings")

    def get_paginator(self, operation_name: str) -> botocore.paginate.Paginator:
        """botocore's paginator over this client (the operations :meth:`can_paginate` names)."""
        if not self.can_paginate(operation_name):
            raise ValueError(f"Operation cannot be paginated: {operation_name}")
        name = OPERATIONS[operation_name]
        return botocore.paginate.Paginator(getattr(self, operation_name), paginators()[name],
                                           service_model().operation_model(name))

    # -- the request pipeline: validate, dispatch, answer ----------------------------------------------

    def _call(self, operation: str, args: tuple, params: dict) -> dict:
        """A boto3 call: botocore's validation, then the service's answer, parsed as boto3 parses it."""
        if args:
            raise TypeError(f"{xform_name(operation)}() only accepts keyword arguments.")
        shape = service_model().operation_model(operation).input_shape
        report = botocore.validate.ParamValidator().validate(params, shape)   # botocore, before sending
        if report.has_errors():
            raise ParamValidationError(report=report.generate_report())
        return parse_response(operation, *self.handle(operation, params))

    def serve(self, operation: str, params: dict) -> dict:
        """Serve one request as the Lambda service: check it, apply it, return the operation's output.

        ``params`` are the request members as botocore serializes them; the service checks them
        against the model again (``ValidationException`` when a constraint fails), so a client
        that skips botocore's validation meets AWS's. Errors are raised as lambdasim's own
        exceptions (:mod:`lambdasim.model.errors`); the output may carry a ``_RequestId``.
        """
        check_request(operation, params)
        return HANDLERS[operation](self._service, params)

    def handle(self, operation: str, params: dict) -> tuple[int, HeadersDict, bytes]:
        """Serve one request (:meth:`serve`) and answer on the wire: status, headers, body."""
        date = format_datetime(self._sim.wall_time(), usegmt=True)
        try:
            output = self.serve(operation, params)
            request_id = output.pop("_RequestId", None) or self._service.next_request_id()
            return wire_response(operation, output, request_id, date)
        except errors.LambdaError as error:
            return wire_error(error, self._service.next_request_id(), date)

    def handle_error(self, error: errors.LambdaError) -> tuple[int, HeadersDict, bytes]:
        """The wire response of a request that fails with ``error`` before reaching an operation."""
        date = format_datetime(self._sim.wall_time(), usegmt=True)
        return wire_error(error, self._service.next_request_id(), date)
