"""The event-invoke-config operations: Put, Update, Get, Delete and List, one config per qualifier.

Put replaces a config whole and Update merges into an existing one, by
:func:`lambdasim.model.rules.put_event_invoke_config` and
:func:`~lambdasim.model.rules.update_event_invoke_config`; the destinations are checked by the
same rules (a Lambda destination exists, not the function itself, services each side allows) and
stored in the engine. Errors come in AWS's order and words: at least one setting; the function and
qualifier exist ("The function doesn't exist." for Put, Update and List); Update needs a config
(Get and Delete answer "The function ... doesn't have an EventInvokeConfig" even for a missing
function or qualifier); then the destinations.

Choices where AWS is silent (documented as choices): ``UpdateFunctionEventInvokeConfig`` with a
``DestinationConfig`` replaces the whole destination config (a side left out is removed), as
LocalStack's AWS-validated behaviour does; ``ListFunctionEventInvokeConfigs`` lists ``$LATEST``,
then versions, then aliases, its marker names the next qualifier, and ``MaxItems`` defaults to 50.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from lambdasim.aws.service import LambdaService
from lambdasim.model import errors, rules
from lambdasim.model.rules import LATEST

__all__ = ["HANDLERS"]

#: The page size of ``ListFunctionEventInvokeConfigs`` when ``MaxItems`` is left out.
_PAGE = 50


def _target(service: LambdaService, p: dict) -> tuple[str, str | None, dict]:
    """(name, qualifier, settings) of a Put or Update request, checked in AWS's order: at least one
    setting, then the function and qualifier exist (else "The function doesn't exist.")."""
    name, qualifier = service.target(p["FunctionName"], p.get("Qualifier"))
    settings = rules.put_event_invoke_config(p)
    if not service.exists(name, qualifier):
        raise rules.function_does_not_exist()
    return name, qualifier, settings


def _check_destinations(service: LambdaService, name: str, p: dict, settings: dict) -> None:
    """The destinations of a request: Lambda functions that exist, not the function itself, services
    each side allows."""
    if p.get("DestinationConfig") is None:
        return
    on_success, on_failure = settings["on_success"], settings["on_failure"]
    account = service.sim.scenario.account
    rules.check_lambda_destinations(on_success, on_failure, account.region, account.account_id,
                                    service.sim.function_names())
    rules.check_not_own_destination(service.arn(name), on_success, on_failure)
    rules.check_destination_services(on_success, on_failure)


def _qualifier_order(qualifier: str) -> tuple:
    if qualifier == LATEST:
        return (0, 0, "")
    return (1, int(qualifier), "") if qualifier.isdigit() else (2, 0, qualifier)


def _output(service: LambdaService, name: str, config: dict) -> dict:
    out: dict[str, Any] = {
        "LastModified": service.sim.wall_time(config["last_modified"]),
        "FunctionArn": service.arn(name, config["qualifier"] or LATEST),
    }
    if config["maximum_retry_attempts"] is not None:
        out["MaximumRetryAttempts"] = config["maximum_retry_attempts"]
    if config["maximum_event_age_s"] is not None:
        out["MaximumEventAgeInSeconds"] = config["maximum_event_age_s"]
    out["DestinationConfig"] = {
        side: {"Destination": config[key]} if config[key] else {}
        for side, key in (("OnSuccess", "on_success"), ("OnFailure", "on_failure"))}
    return out


def put(service: LambdaService, p: dict) -> dict:
    """``PutFunctionEventInvokeConfig``: the request replaces the qualifier's config."""
    name, qualifier, settings = _target(service, p)
    _check_destinations(service, name, p, settings)
    return _output(service, name, service.sim.put_event_invoke_config(name, qualifier, **settings))


def update(service: LambdaService, p: dict) -> dict:
    """``UpdateFunctionEventInvokeConfig``: the request merges into the existing config."""
    name, qualifier, requested = _target(service, p)
    current = service.sim.get_event_invoke_config(name, qualifier)     # none yet: ResourceNotFound
    _check_destinations(service, name, p, requested)
    settings = rules.update_event_invoke_config(current, p)
    return _output(service, name, service.sim.put_event_invoke_config(name, qualifier, **settings))


def get(service: LambdaService, p: dict) -> dict:
    """``GetFunctionEventInvokeConfig``."""
    name, qualifier = service.target(p["FunctionName"], p.get("Qualifier"))
    return _output(service, name, service.sim.get_event_invoke_config(name, qualifier))


def delete(service: LambdaService, p: dict) -> dict:
    """``DeleteFunctionEventInvokeConfig``: AWS's defaults apply again."""
    name, qualifier = service.target(p["FunctionName"], p.get("Qualifier"))
    service.sim.delete_event_invoke_config(name, qualifier)
    return {}


def list_configs(service: LambdaService, p: dict) -> dict:
    """``ListFunctionEventInvokeConfigs``, a page (``MaxItems``, ``Marker``) at a time."""
    name = service.unqualified(p["FunctionName"], "ListFunctionEventInvokeConfigs")
    if not service.exists(name):
        raise rules.function_does_not_exist()
    configs = sorted(service.sim.list_event_invoke_configs(name),
                     key=lambda c: _qualifier_order(c["qualifier"] or LATEST))
    start = 0
    if p.get("Marker"):
        try:
            after = base64.urlsafe_b64decode(p["Marker"].encode()).decode()
            order = _qualifier_order(after)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise errors.InvalidParameterValueException(f"Invalid marker: {p['Marker']}") from None
        start = sum(_qualifier_order(c["qualifier"] or LATEST) < order for c in configs)
    size = p.get("MaxItems") or _PAGE
    page = configs[start:start + size]
    out: dict[str, Any] = {"FunctionEventInvokeConfigs": [_output(service, name, c) for c in page]}
    if start + size < len(configs):
        following = configs[start + size]["qualifier"] or LATEST
        out["NextMarker"] = base64.urlsafe_b64encode(following.encode()).decode()
    return out


#: The operations this module serves, by API name.
HANDLERS: dict[str, Callable[[LambdaService, dict], dict]] = {
    "PutFunctionEventInvokeConfig": put, "UpdateFunctionEventInvokeConfig": update,
    "GetFunctionEventInvokeConfig": get, "DeleteFunctionEventInvokeConfig": delete,
    "ListFunctionEventInvokeConfigs": list_configs,
}
