"""From a Scenario to the Lambda API calls that configure it in a real account, and back.

:func:`scenario_to_boto3_calls` lists the boto3 calls that give each of a scenario's functions its
settings (timeout, memory, dead-letter queue, reserved concurrency, event-invoke config);
:func:`scenario_to_cli` prints the same calls as ``aws lambda …`` commands; and
:func:`scenario_from_calls` builds a Scenario from such calls, checked against the Lambda service
model as the client checks them. The functions themselves are assumed to exist in the account
(their code, role and architecture come with the deployment package), so no ``create_function``
is emitted; ``scenario_from_calls`` accepts ``create_function`` to add a function.
"""

from __future__ import annotations

import dataclasses
import json
import shlex
from collections.abc import Iterable
from typing import Any

from botocore import xform_name
from botocore.exceptions import ParamValidationError

from lambdasim.aws.function_calls import config_changes
from lambdasim.aws.wire import OPERATIONS, validate_request
from lambdasim.model import errors
from lambdasim.model.functions import DestinationConfig, EventInvokeConfig, FunctionConfig
from lambdasim.model.scenario import Account, Scenario

__all__ = ["scenario_to_boto3_calls", "scenario_to_cli", "scenario_from_calls"]

LATEST = "$LATEST"
#: Calls that only read: ``scenario_from_calls`` passes over them.
_READS = {"get_function_event_invoke_config", "list_function_event_invoke_configs",
          "get_function_concurrency", "get_account_settings", "get_function_configuration"}


def scenario_to_boto3_calls(scenario: Scenario) -> list[tuple[str, dict]]:
    """The boto3 Lambda calls ``(method, kwargs)`` that configure the scenario's functions.

    Per function, in the scenario's order: ``update_function_configuration`` (``Timeout``,
    ``MemorySize`` and ``DeadLetterConfig`` when one is set), ``put_function_concurrency`` when it
    reserves concurrency, and ``put_function_event_invoke_config`` when its event-invoke config
    differs from AWS's defaults. Run them with ``getattr(client, method)(**kwargs)``.
    """
    calls: list[tuple[str, dict]] = []
    for name, config in scenario.functions.items():
        settings: dict[str, Any] = {"FunctionName": name, "Timeout": config.timeout_s,
                                    "MemorySize": config.memory_mb}
        if config.dead_letter_target_arn is not None:
            settings["DeadLetterConfig"] = {"TargetArn": config.dead_letter_target_arn}
        calls.append(("update_function_configuration", settings))
        if config.reserved_concurrency is not None:
            calls.append(("put_function_concurrency", {
                "FunctionName": name, "ReservedConcurrentExecutions": config.reserved_concurrency}))
        invoke_config = config.event_invoke_config
        if invoke_config != EventInvokeConfig():
            request: dict[str, Any] = {"FunctionName": name,
                                       "MaximumRetryAttempts": invoke_config.maximum_retry_attempts,
                                       "MaximumEventAgeInSeconds": invoke_config.maximum_event_age_s}
            destinations = invoke_config.destination_config.to_dict()
            if destinations:
                request["DestinationConfig"] = destinations
            calls.append(("put_function_event_invoke_config", request))
    return calls


def scenario_to_cli(scenario: Scenario) -> list[str]:
    """The same calls as AWS CLI commands, one string each, quoted for a POSIX shell.

    For example ``aws lambda put-function-event-invoke-config --function-name orders
    --maximum-retry-attempts 2 --maximum-event-age-in-seconds 3600``. Structures are passed as
    JSON. Run them with the scenario's Region as the CLI's Region.
    """
    commands = []
    for method, kwargs in scenario_to_boto3_calls(scenario):
        words = ["aws", "lambda", method.replace("_", "-")]
        for key, value in kwargs.items():
            text = json.dumps(value, separators=(",", ":")) if isinstance(value, (dict, list)) else str(value)
            words += [f"--{xform_name(key, '-')}", shlex.quote(text)]
        commands.append(" ".join(words))
    return commands


def scenario_from_calls(calls: Iterable[tuple[str, dict]], base: Scenario | None = None) -> Scenario:
    """A Scenario configured by boto3 Lambda calls ``(method, kwargs)``, applied in order to ``base``.

    Each call is validated against the service model (``ParamValidationError`` /
    ``ValidationException``, as the client raises them) and applied with AWS's semantics: Put
    replaces an event-invoke config, Update merges into an existing one (else
    ``ResourceNotFoundException``), at least 100 concurrency stays unreserved. Read-only calls are
    passed over. A Scenario holds each function's ``$LATEST`` settings only, so qualified names,
    ``publish_version``, ``create_alias`` and ``invoke`` are refused. ``base`` gives the functions
    to start from and everything else (account, workloads, targets, seed); without it the calls
    must create the functions.
    """
    account = base.account if base is not None else Account()
    functions: dict[str, FunctionConfig] = dict(base.functions) if base is not None else {}
    configured = {name for name, c in functions.items() if c.event_invoke_config != EventInvokeConfig()}
    for i, call in enumerate(calls):
        where = f"calls[{i}]"
        try:
            method, kwargs = call
        except (TypeError, ValueError):
            raise errors.invalid_value(where, call, "a (method, kwargs) pair") from None
        if method not in OPERATIONS:
            raise errors.invalid_value(f"{where}.method", method, "a boto3 Lambda method: "
                                       + ", ".join(sorted(OPERATIONS)))
        try:
            validate_request(method, dict(kwargs))
            if method not in _READS:
                _apply(method, dict(kwargs), functions, configured, account)
        except ParamValidationError as error:
            raise ParamValidationError(report=f"{where} {method}: {error.kwargs['report']}") from None
        except errors.LambdaError as error:
            raise type(error)(f"{where} {method}: {error.message}", **error.fields) from None
    if base is not None:
        return dataclasses.replace(base, functions=functions)
    return Scenario(functions=functions, account=account)


def _apply(method: str, p: dict, functions: dict[str, FunctionConfig], configured: set[str],
           account: Account) -> None:
    """Apply one validated call to the functions, with the API's semantics."""
    if method in ("publish_version", "create_alias", "invoke"):
        raise errors.InvalidParameterValueException(
            "a Scenario holds each function's $LATEST settings only: versions, aliases and invokes are "
            "made with a client on a Simulation")
    name, qualifier = _name(p["FunctionName"], p.get("Qualifier"))
    arn = f"arn:aws:lambda:{account.region}:{account.account_id}:function:{name}"
    if qualifier not in (None, LATEST):
        raise errors.InvalidParameterValueException(
            f"a Scenario holds each function's $LATEST settings only, not those of {arn}:{qualifier}")
    if method == "create_function":
        if name in functions:
            raise errors.ResourceConflictException(f"Function already exist: {name}")
        functions[name] = FunctionConfig(**config_changes(p))
        return
    if name not in functions:
        raise errors.ResourceNotFoundException(f"Function not found: {arn}")
    config = functions[name]
    if method in ("update_function_configuration", "update_function_code"):
        functions[name] = dataclasses.replace(config, **config_changes(p))
    elif method == "put_function_concurrency":
        _check_unreserved(name, p["ReservedConcurrentExecutions"], functions, account)
        reserved = p["ReservedConcurrentExecutions"]
        functions[name] = dataclasses.replace(config, reserved_concurrency=reserved)
    elif method == "delete_function_concurrency":
        functions[name] = dataclasses.replace(config, reserved_concurrency=None)
    elif method == "delete_function":
        del functions[name]
        configured.discard(name)
    elif method.endswith("function_event_invoke_config"):
        if method != "put_function_event_invoke_config" and name not in configured:
            raise errors.ResourceNotFoundException(
                f"The function {arn}:{LATEST} doesn't have an EventInvokeConfig")
        if method == "delete_function_event_invoke_config":
            functions[name] = dataclasses.replace(config, event_invoke_config=EventInvokeConfig())
            configured.discard(name)
            return
        if all(p.get(k) is None for k in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds",
                                          "DestinationConfig")):
            raise errors.InvalidParameterValueException(
                "You must specify at least one of error handling or destination setting.")
        current = config.event_invoke_config if method.startswith("update") else EventInvokeConfig()
        retries = p.get("MaximumRetryAttempts")
        age = p.get("MaximumEventAgeInSeconds")
        destinations = current.destination_config
        if p.get("DestinationConfig") is not None:
            destinations = DestinationConfig.from_dict(p["DestinationConfig"], "DestinationConfig")
        targets = (destinations.on_success, destinations.on_failure)
        if arn in (":".join(d.split(":")[:7]) for d in targets if d):
            raise errors.InvalidParameterValueException(
                "You can't specify the function as a destination for itself.")
        functions[name] = dataclasses.replace(config, event_invoke_config=EventInvokeConfig(
            current.maximum_retry_attempts if retries is None else retries,
            current.maximum_event_age_s if age is None else age, destinations))
        configured.add(name)


def _name(function: str, qualifier: str | None) -> tuple[str, str | None]:
    """(name, qualifier) of a name, ARN, partial ARN or ``name:qualifier``."""
    name = function.split(":function:", 1)[1] if ":function:" in function else function
    name, _, suffix = name.partition(":")
    if suffix and qualifier and suffix != qualifier:
        raise errors.InvalidParameterValueException(
            "The derived qualifier from the function name does not match the specified qualifier.")
    return name, qualifier or suffix or None


def _check_unreserved(name: str, reserved: int, functions: dict[str, FunctionConfig],
                      account: Account) -> None:
    floor = min(100, account.concurrent_executions)
    others = sum(c.reserved_concurrency or 0 for n, c in functions.items() if n != name)
    if others + reserved > account.concurrent_executions - floor:
        raise errors.InvalidParameterValueException(
            "Specified ReservedConcurrentExecutions for function decreases account's "
            f"UnreservedConcurrentExecution below its minimum value of [{floor}].")
