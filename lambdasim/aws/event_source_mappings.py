"""Lambda's event-source-mapping operations over the simulation's SQS mappings.

``CreateEventSourceMapping``, ``GetEventSourceMapping``, ``UpdateEventSourceMapping``,
``DeleteEventSourceMapping`` and ``ListEventSourceMappings`` answer with AWS's
``EventSourceMappingConfiguration`` for an SQS source (``UUID``, ``EventSourceMappingArn``,
``BatchSize``, ``MaximumBatchingWindowInSeconds``, ``EventSourceArn``, ``FunctionArn``,
``LastModified``, ``State``, ``StateTransitionReason``, ``FunctionResponseTypes`` and, when set,
``ScalingConfig``), as LocalStack's AWS-validated snapshots record it. Create answers ``Creating``,
Update ``Updating`` (``Enabling``/``Disabling`` when ``Enabled`` changes) and Delete ``Deleting``; the
mapping settles after the scenario's ``account.function_pending_s`` (docs/aws-behaviour.md §19).

Errors are AWS's: a missing function → 404 ``ResourceNotFoundException`` ("Function does not
exist"); a second mapping of the same queue and function → 409 ``ResourceConflictException``
naming the existing UUID; a batch over 10 without a window → 400 ``InvalidParameterValueException``
("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than
10"); an unknown UUID → 404 "The resource you requested does not exist."; a queue whose visibility
timeout is below the function's timeout → 400. ``BatchSize`` outside 1–10,000 and the other model
ranges are the model's ``ValidationException`` (botocore refuses them before sending).

``ListEventSourceMappings`` filters by ``FunctionName`` and ``EventSourceArn`` and pages with
``Marker`` / ``NextMarker`` (``MaxItems``, 100 a page without it: a choice, AWS documents none).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from lambdasim.aws.service import LambdaService
from lambdasim.model import rules
from lambdasim.model.event_source_mappings import read_mapping

__all__ = ["HANDLERS"]


def _configuration(service: LambdaService, mapping: Any) -> dict:
    settings = mapping.settings
    account = service.sim.scenario.account
    out = {
        "UUID": mapping.uuid,
        "BatchSize": settings.batch_size,
        "MaximumBatchingWindowInSeconds": settings.window_s,
        "EventSourceArn": settings.event_source_arn,
        "FunctionArn": mapping.function_arn,
        "LastModified": service.sim.wall_time(mapping.last_modified),
        "State": mapping.state,
        "StateTransitionReason": mapping.state_reason,
        "FunctionResponseTypes": list(rules.ESM_RESPONSE_TYPES) * settings.report_batch_item_failures,
        "EventSourceMappingArn": rules.esm_arn(account.region, account.account_id, mapping.uuid),
    }
    if settings.maximum_concurrency is not None:
        out["ScalingConfig"] = {"MaximumConcurrency": settings.maximum_concurrency}
    return out


def _settings_request(p: dict) -> dict:
    """The request members the mapping's settings read (AWS's names)."""
    keys = ("EventSourceArn", "FunctionName", "BatchSize", "MaximumBatchingWindowInSeconds",
            "FunctionResponseTypes", "ScalingConfig", "Enabled")
    return {k: p[k] for k in keys if k in p}


def create_event_source_mapping(service: LambdaService, p: dict) -> dict:
    """``CreateEventSourceMapping`` (SQS queues of this simulation)."""
    request = _settings_request(p)
    source = request.get("EventSourceArn")
    if not isinstance(source, str) or rules.service_of(source) != "sqs":
        raise rules.esm_unsupported_source(source)
    mapping = service.sim.create_event_source_mapping(read_mapping(request, ""))
    return _configuration(service, mapping)


def get_event_source_mapping(service: LambdaService, p: dict) -> dict:
    """``GetEventSourceMapping``."""
    return _configuration(service, service.sim.get_event_source_mapping(p["UUID"]))


def update_event_source_mapping(service: LambdaService, p: dict) -> dict:
    """``UpdateEventSourceMapping``: the settings it gives change; the answer is in transition."""
    mapping = service.sim.update_event_source_mapping(p["UUID"], _settings_request(p))
    return _configuration(service, mapping)


def delete_event_source_mapping(service: LambdaService, p: dict) -> dict:
    """``DeleteEventSourceMapping``: the mapping as it was, ``Deleting``."""
    return _configuration(service, service.sim.delete_event_source_mapping(p["UUID"]))


def list_event_source_mappings(service: LambdaService, p: dict) -> dict:
    """``ListEventSourceMappings``, filtered by function and source, paged by ``Marker``."""
    mappings = service.sim.list_event_source_mappings()
    if p.get("EventSourceArn"):
        mappings = [m for m in mappings if m.settings.event_source_arn == p["EventSourceArn"]]
    if p.get("FunctionName"):
        name, qualifier = service.target(p["FunctionName"])
        wanted = service.arn(name, qualifier)
        mappings = [m for m in mappings if m.function_arn == wanted]
    uuids = [m.uuid for m in mappings]
    start = 0
    marker = p.get("Marker")
    if marker is not None:
        try:
            after = base64.urlsafe_b64decode(marker.encode()).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise rules.invalid_marker(marker) from None
        if after not in uuids:
            raise rules.invalid_marker(marker)
        start = uuids.index(after) + 1
    size = p.get("MaxItems", rules.ESM_LIST_PAGE_SIZE)
    taken = mappings[start:start + size]
    out: dict = {"EventSourceMappings": [_configuration(service, m) for m in taken]}
    if start + size < len(mappings) and taken:
        out["NextMarker"] = base64.urlsafe_b64encode(taken[-1].uuid.encode()).decode()
    return out


#: The operations this module serves, by API name.
HANDLERS: dict[str, Callable[[LambdaService, dict], dict]] = {
    "CreateEventSourceMapping": create_event_source_mapping,
    "GetEventSourceMapping": get_event_source_mapping,
    "UpdateEventSourceMapping": update_event_source_mapping,
    "DeleteEventSourceMapping": delete_event_source_mapping,
    "ListEventSourceMappings": list_event_source_mappings,
}
