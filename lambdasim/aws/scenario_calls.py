"""From a Scenario to the Lambda API calls that configure it in a real account, and back.

:func:`scenario_to_boto3_calls` lists the boto3 calls that give each of a scenario's functions its
settings (timeout, memory, dead-letter queue, reserved concurrency, event-invoke config) and its
published versions (each version's event-invoke config and provisioned concurrency);
:func:`scenario_to_cli` prints the same calls as ``aws lambda …`` commands; and
:func:`scenario_from_calls` builds a Scenario from such calls by replaying them through the client
on a simulation, so they meet the service model and AWS's rules exactly as boto3 calls do. The
functions themselves are assumed to exist in the account, with no published versions yet (their
code, role and architecture come with the deployment package), so no ``create_function`` is
emitted; ``scenario_from_calls`` accepts ``create_function`` to add a function.
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
from lambdasim.engine.control_functions import version_settings
from lambdasim.model import errors, rules
from lambdasim.model.functions import DestinationConfig, EventInvokeConfig, FunctionConfig
from lambdasim.model.scenario import Scenario

__all__ = ["scenario_to_boto3_calls", "scenario_to_cli", "scenario_from_calls", "VERSION_DESCRIPTION"]

#: The function a simulation without a ``base`` starts with (a Scenario needs one); deleted at once.
_PLACEHOLDER = "lambdasim-placeholder"
#: Calls that only read: ``scenario_from_calls`` passes over them.
_READS = {"get_function_event_invoke_config", "list_function_event_invoke_configs",
          "get_function_concurrency", "get_account_settings", "get_function_configuration", "get_function",
          "list_functions", "list_versions_by_function", "list_aliases", "get_alias",
          "get_function_recursion_config", "get_provisioned_concurrency_config",
          "list_provisioned_concurrency_configs"}
#: Calls a Scenario cannot hold the result of: it has no aliases, and invokes are workloads.
_NOT_HELD = ("create_alias", "update_alias", "delete_alias", "invoke", "invoke_async")
#: The Description each version after the first is published from: AWS publishes no new version
#: unless something changed since the last one, and the description is the change that alters nothing
#: the function runs (docs/aws-behaviour.md §13).
VERSION_DESCRIPTION = "lambdasim: published as version {version}"


def scenario_to_boto3_calls(scenario: Scenario) -> list[tuple[str, dict]]:
    """The boto3 Lambda calls ``(method, kwargs)`` that configure the scenario's functions.

    Per function, in the scenario's order: ``update_function_configuration`` (``Timeout``,
    ``MemorySize``, and ``DeadLetterConfig`` and ``Environment`` when set),
    ``put_function_concurrency`` when it reserves concurrency, and
    ``put_function_event_invoke_config`` when its event-invoke config differs from AWS's defaults.
    Then, when it publishes versions 1..N (``ProvisionedConcurrencyConfigs``), ``publish_version``
    N times, each after the first preceded by an ``update_function_configuration`` of the
    ``Description`` alone (:data:`VERSION_DESCRIPTION`: AWS publishes no new version when nothing
    changed), then ``put_function_event_invoke_config`` with ``Qualifier`` for each version's own
    config and ``put_provisioned_concurrency_config`` for each version's count. Run them with
    ``getattr(client, method)(**kwargs)`` on functions with no published versions yet; against AWS,
    wait for ``client.get_waiter("function_updated_v2")`` before each ``publish_version`` (an update
    is in progress for a few seconds, and PublishVersion meanwhile is refused with 409).
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
        if config.event_invoke_config != EventInvokeConfig():
            calls.append(("put_function_event_invoke_config",
                          {"FunctionName": name, **_invoke_config_request(config.event_invoke_config)}))
        calls += _version_calls(name, config)
    return calls


def _invoke_config_request(config: EventInvokeConfig) -> dict:
    """The PutFunctionEventInvokeConfig parameters of an event-invoke config (every value given)."""
    request: dict[str, Any] = {"MaximumRetryAttempts": config.maximum_retry_attempts,
                               "MaximumEventAgeInSeconds": config.maximum_event_age_s}
    destinations = config.destination_config.to_dict()
    if destinations:
        request["DestinationConfig"] = destinations
    return request


def _version_calls(name: str, config: FunctionConfig) -> list[tuple[str, dict]]:
    """The calls that publish a function's versions 1..N and give each its event-invoke config and
    provisioned concurrency, as the engine does at the start of a run."""
    published = max((int(version) for version, _ in config.provisioned), default=0)
    calls: list[tuple[str, dict]] = []
    for version in range(1, published + 1):
        if version > 1:
            calls.append(("update_function_configuration", {
                "FunctionName": name, "Description": VERSION_DESCRIPTION.format(version=version)}))
        calls.append(("publish_version", {"FunctionName": name}))
    for version, invoke_config in config.version_event_invoke_configs:
        calls.append(("put_function_event_invoke_config",
                      {"FunctionName": name, "Qualifier": version, **_invoke_config_request(invoke_config)}))
    for version, count in config.provisioned:
        calls.append(("put_provisioned_concurrency_config", {
            "FunctionName": name, "Qualifier": version, "ProvisionedConcurrentExecutions": count}))
    return calls


def scenario_to_cli(scenario: Scenario) -> list[str]:
    """The same calls as AWS CLI commands, one string each, quoted for a POSIX shell.

    For example ``aws lambda put-function-event-invoke-config --function-name orders
    --maximum-retry-attempts 2 --maximum-event-age-in-seconds 3600``. Structures are passed as
    JSON. Run them with the scenario's Region as the CLI's Region. Each ``publish-version`` is
    preceded by ``aws lambda wait function-updated-v2`` (AWS refuses PublishVersion with 409 while
    an update is in progress).
    """
    commands = []
    for method, kwargs in scenario_to_boto3_calls(scenario):
        if method == "publish_version":
            commands.append("aws lambda wait function-updated-v2 --function-name "
                            + shlex.quote(kwargs["FunctionName"]))
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
    checked and passed over. A Scenario holds each function's ``$LATEST`` settings and versions
    1..N published from them (N the highest version with provisioned concurrency), each with its
    own event-invoke config: the alias changes and the invokes are refused, and so is a result it
    cannot hold (a version published from other settings, or past the highest provisioned one).
    ``base`` gives the functions to start from and everything else (account, workloads, targets,
    seed); without it the calls must create the functions.
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
                name = _held(method, params)
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


def _held(method: str, p: dict) -> str:
    """The function a call changes; a call whose result a Scenario cannot hold (aliases, invokes)
    is refused."""
    if method in _NOT_HELD:
        raise errors.InvalidParameterValueException(
            "a Scenario holds each function's settings and published versions, not aliases or invokes: "
            "those are made with a client on a Simulation")
    return rules.parse_function(p["FunctionName"])[0]


def _function_config(sim: Any, name: str) -> FunctionConfig:
    """A simulated function's settings as a Scenario holds them: ``$LATEST``'s, and its versions'."""
    latest = sim.function_config(name)
    version_configs, provisioned = _versions(sim, name, latest)
    return dataclasses.replace(latest, reserved_concurrency=sim.get_reserved_concurrency(name),
                               event_invoke_config=_invoke_config(sim, name, rules.LATEST),
                               provisioned=provisioned, version_event_invoke_configs=version_configs)


def _invoke_config(sim: Any, name: str, qualifier: str) -> EventInvokeConfig:
    """A qualifier's event-invoke config as a Scenario holds it (AWS's defaults for what is not set)."""
    if not any(c["qualifier"] == qualifier for c in sim.list_event_invoke_configs(name)):
        return EventInvokeConfig()
    current = sim.get_event_invoke_config(name, qualifier)
    retries, age = current["maximum_retry_attempts"], current["maximum_event_age_s"]
    return EventInvokeConfig(rules.DEFAULT_RETRY_ATTEMPTS if retries is None else retries,
                             rules.DEFAULT_EVENT_AGE_S if age is None else age,
                             DestinationConfig(current["on_success"], current["on_failure"]))


def _versions(sim: Any, name: str, latest: FunctionConfig) -> tuple[dict, dict]:
    """The published versions' event-invoke configs and provisioned counts, ``{version: ...}``; what a
    Scenario cannot hold is refused: versions other than 1..N (N the highest with provisioned
    concurrency), or published from settings other than ``$LATEST``'s."""
    versions = sim.versions(name)[1:]
    provisioned = {version: prov["requested"] for version, prov in sim.list_provisioned_concurrency(name)}
    published = max((int(version) for version in provisioned), default=0)
    expected = [str(number) for number in range(1, published + 1)]
    if versions != expected:
        raise errors.InvalidParameterValueException(
            f"functions.{name}: published versions {versions} cannot be held by a Scenario; allowed: "
            f"versions 1..N with provisioned concurrency on N (here {expected})")
    for version in versions:
        if version_settings(sim.function_config(name, version)) != version_settings(latest):
            raise errors.InvalidParameterValueException(
                f"functions.{name}: version {version} was published from settings other than $LATEST's; "
                "allowed: a Scenario publishes every version from the function's settings")
    configured = {c["qualifier"] for c in sim.list_event_invoke_configs(name)}
    configs = {version: _invoke_config(sim, name, version) for version in versions if version in configured}
    return configs, provisioned
