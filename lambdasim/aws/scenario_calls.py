"""From a Scenario to the Lambda API calls that configure it in a real account, and back.

:func:`scenario_to_boto3_calls` lists the boto3 calls that give each of a scenario's functions its
settings (timeout, memory, dead-letter queue, reserved concurrency, event-invoke config);
:func:`scenario_to_cli` prints the same calls as ``aws lambda …`` commands; and
:func:`scenario_from_calls` builds a Scenario from such calls by replaying them through the client
on a simulation, so they meet the service model and AWS's rules exactly as boto3 calls do. The
functions themselves are assumed to exist in the account (their code, role and architecture come
with the deployment package), so no ``create_function`` is emitted; ``scenario_from_calls``
accepts ``create_function`` to add a function.
"""

from __future__ import annotations

import dataclasses
import json
import shlex
from collections.abc import Iterable
from typing import Any

from botocore import xform_name
from botocore.exceptions import ParamValidationError

from lambdasim.aws.client import LambdaClient
from lambdasim.aws.service_model import OPERATIONS
from lambdasim.aws.validation import validate_request
from lambdasim.engine import Model
from lambdasim.model import errors, rules
from lambdasim.model.functions import DestinationConfig, EventInvokeConfig, FunctionConfig
from lambdasim.model.scenario import Account, Scenario

__all__ = ["scenario_to_boto3_calls", "scenario_to_cli", "scenario_from_calls"]

#: The function a simulation without a ``base`` starts with (a Scenario needs one); deleted at once.
_PLACEHOLDER = "lambdasim-placeholder"
#: Calls that only read: ``scenario_from_calls`` passes over them.
_READS = {"get_function_event_invoke_config", "list_function_event_invoke_configs",
          "get_function_concurrency", "get_account_settings", "get_function_configuration", "get_function",
          "list_functions", "list_versions_by_function", "list_aliases", "get_alias",
          "get_function_recursion_config"}


def scenario_to_boto3_calls(scenario: Scenario) -> list[tuple[str, dict]]:
    """The boto3 Lambda calls ``(method, kwargs)`` that configure the scenario's functions.

    Per function, in the scenario's order: ``update_function_configuration`` (``Timeout``,
    ``MemorySize``, and ``DeadLetterConfig`` and ``Environment`` when set),
    ``put_function_concurrency`` when it reserves concurrency, and
    ``put_function_event_invoke_config`` when its event-invoke config differs from AWS's defaults.
    Run them with ``getattr(client, method)(**kwargs)``.
    """
    calls: list[tuple[str, dict]] = []
    for name, config in scenario.functions.items():
        settings: dict[str, Any] = {"FunctionName": name, "Timeout": config.timeout_s,
                                    "MemorySize": config.memory_mb}
        if config.dead_letter_target_arn is not None:
            settings["DeadLetterConfig"] = {"TargetArn": config.dead_letter_target_arn}
        if config.environment:
            settings["Environment"] = {"Variables": dict(config.environment)}
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

    The calls are replayed through a :class:`~lambdasim.aws.client.LambdaClient` on a fresh
    simulation of ``base``, so each is checked and applied by the code that answers boto3: the
    service model (``ParamValidationError`` / ``ValidationException``) and AWS's rules
    (:mod:`lambdasim.model.rules`: Put replaces an event-invoke config, Update merges into an
    existing one, else ``ResourceNotFoundException``; at least 100 concurrency stays unreserved;
    ...). The scenario is then read back from the simulation's functions. Read-only calls are
    checked and passed over. A Scenario holds each function's ``$LATEST`` settings only, so
    qualified names, ``publish_version``, the alias changes and the invokes are refused. ``base``
    gives the functions to start from and everything else (account, workloads, targets, seed);
    without it the calls must create the functions.
    """
    start = base if base is not None else Scenario(functions={_PLACEHOLDER: FunctionConfig()})
    # Handlers are set aside (a replay imports no user code) and given back to the functions that
    # keep them: those of the base that the calls neither delete nor create anew.
    handlers = {name: c.handler for name, c in start.functions.items() if c.handler is not None}
    quiet = {name: dataclasses.replace(c, handler=None) for name, c in start.functions.items()}
    # A replay describes settings, not timing: each change is in force at once (no Pending state).
    instant = dataclasses.replace(start.account, function_pending_s=0)
    sim = Model(dataclasses.replace(start, functions=quiet, workloads=(), account=instant))
    if base is None:
        sim.delete_function(_PLACEHOLDER)
    client = LambdaClient(sim)
    account = start.account
    for i, call in enumerate(calls):
        where = f"calls[{i}]"
        try:
            method, kwargs = call
        except (TypeError, ValueError):
            raise errors.invalid_value(where, call, "a (method, kwargs) pair") from None
        if method not in OPERATIONS:
            raise errors.invalid_value(f"{where}.method", method, "a boto3 Lambda method: "
                                       + ", ".join(sorted(OPERATIONS)))
        params = dict(kwargs)
        try:
            validate_request(method, params)
            if method not in _READS:
                name = _only_latest(method, params, account)
                client.serve(OPERATIONS[method], params)
                if method in ("create_function", "delete_function"):
                    handlers.pop(name, None)
        except ParamValidationError as error:
            raise ParamValidationError(report=f"{where} {method}: {error.kwargs['report']}") from None
        except errors.LambdaError as error:
            raise type(error)(f"{where} {method}: {error.message}", **error.fields) from None
    functions = {name: dataclasses.replace(_function_config(sim, name), handler=handlers.get(name))
                 for name in sim.function_names()}
    if base is not None:
        return dataclasses.replace(base, functions=functions)
    return Scenario(functions=functions, account=account)


def _only_latest(method: str, p: dict, account: Account) -> str:
    """The function a call changes; what a Scenario cannot hold (versions, aliases, invokes and
    qualified names) is refused."""
    if method in ("publish_version", "create_alias", "update_alias", "delete_alias", "invoke",
                  "invoke_async"):
        raise errors.InvalidParameterValueException(
            "a Scenario holds each function's $LATEST settings only: versions, aliases and invokes are "
            "made with a client on a Simulation")
    name, qualifier = rules.parse_function(p["FunctionName"], p.get("Qualifier"))
    if qualifier not in (None, rules.LATEST):
        arn = rules.function_arn(account.region, account.account_id, name, qualifier)
        raise errors.InvalidParameterValueException(
            f"a Scenario holds each function's $LATEST settings only, not those of {arn}")
    return name


def _function_config(sim: Any, name: str) -> FunctionConfig:
    """A simulated function's ``$LATEST`` settings as a Scenario holds them."""
    reserved = sim.get_reserved_concurrency(name)
    invoke_config = EventInvokeConfig()
    if any(c["qualifier"] == rules.LATEST for c in sim.list_event_invoke_configs(name)):
        current = sim.get_event_invoke_config(name)
        invoke_config = EventInvokeConfig(
            rules.DEFAULT_RETRY_ATTEMPTS if current["maximum_retry_attempts"] is None
            else current["maximum_retry_attempts"],
            rules.DEFAULT_EVENT_AGE_S if current["maximum_event_age_s"] is None
            else current["maximum_event_age_s"],
            DestinationConfig(current["on_success"], current["on_failure"]))
    return dataclasses.replace(sim.function_config(name), reserved_concurrency=reserved,
                               event_invoke_config=invoke_config)
