"""SAM templates: translated to CloudFormation by AWS's own SAM translator, offline.

:func:`cloudformation_from_sam` runs ``aws-sam-translator`` (the library behind ``sam build`` and the
``AWS::Serverless-2016-10-31`` transform) on a template with ``Transform: AWS::Serverless-2016-10-31``
and returns the CloudFormation it produces, which the CloudFormation reader then reads: an
``AWS::Serverless::Function``'s ``EventInvokeConfig`` becomes an ``AWS::Lambda::EventInvokeConfig``,
``DeadLetterQueue`` its ``DeadLetterConfig``, ``AutoPublishAlias`` a version and an alias (with
``ProvisionedConcurrencyConfig``), an ``SQS`` event an ``AWS::Lambda::EventSourceMapping``. The
translator is given the Region itself and an empty managed-policy map, so it never calls AWS.

The events that invoke a function asynchronously are read from the SAM template itself
(:func:`sam_event_workloads`): a ``Schedule`` (or ``ScheduleV2``) event becomes its arrival process
(:mod:`lambdasim.model.templates.schedules`); an ``SNS`` event says how the function is invoked
but not how often, so the caller sizes it with workloads, and the report says so. An ``S3`` event
is reported by the CloudFormation reader of the bucket, whose ``NotificationConfiguration`` the
translator writes it into (a SAM ``S3`` event's bucket is always one of the template's): each
source is reported once, by the reader that owns it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from lambdasim.model.templates import SAM_TRANSFORM
from lambdasim.model.templates.cloudformation.decoding import plain
from lambdasim.model.templates.report import TemplateRefused, TemplateReport, caller_sized
from lambdasim.model.templates.schedules import schedule_workload, target_input

__all__ = ["is_sam", "cloudformation_from_sam", "sam_event_workloads"]

#: SAM event types whose invocations are asynchronous and whose rate the template does not give, and
#: that no CloudFormation reader reports (an S3 event becomes the bucket's notification, reported there).
_CALLER_SIZED = {"SNS": "the topic's messages"}
_SCHEDULES = ("Schedule", "ScheduleV2")


class _Session:
    """What the translator asks a boto3 session for: the Region only (no credentials, no calls)."""

    def __init__(self, region: str) -> None:
        self.region_name = region


def is_sam(template: Any) -> bool:
    """Whether ``template`` declares the SAM transform (alone or in a list of transforms)."""
    if not isinstance(template, Mapping):
        return False
    transform = template.get("Transform")
    return transform == SAM_TRANSFORM or (isinstance(transform, list) and SAM_TRANSFORM in transform)


def cloudformation_from_sam(template: dict, parameters: Mapping[str, Any] | None = None, *,
                            region: str = "us-east-1", account_id: str = "123456789012") -> dict:
    """The CloudFormation template the SAM translator makes of ``template`` (which is not changed).

    ``parameters`` are the template's parameter values (the translator resolves the ones it needs,
    such as an ``AutoPublishAlias`` given as a ``Ref``). A template the translator refuses raises
    :class:`~lambdasim.model.templates.report.TemplateRefused` naming the resource and the
    translator's own message.
    """
    from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    values = {"AWS::Region": region, "AWS::AccountId": account_id, **dict(parameters or {})}
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())  # kept here, sent nowhere
    translator = Translator(None, Parser(), boto_session=_Session(region), metrics=metrics)
    try:
        return translator.translate(_prepared(plain(template)), parameter_values=values,
                                    get_managed_policy_map=dict)
    except InvalidDocumentException as exc:
        cause = exc.causes[0] if exc.causes else exc
        resource = getattr(cause, "_logical_id", None) or "Template"
        raise TemplateRefused(str(resource), "", f"the SAM translator refused it: {cause.message}",
                              "fix the template (sam validate says the same)") from None
    finally:
        metrics.publish()  # to the dummy publisher: otherwise the translator warns when it is collected


#: Where a function's code is said to be: ``sam package`` replaces a local folder with an S3 object
#: before the translator sees it, and the code does not matter to the simulation.
_CODE = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}
_PACKAGED = "s3://lambdasim-not-deployed/code.zip"


def _prepared(template: dict) -> dict:
    """``template`` with local code folders replaced by an S3 location, as ``sam package`` does, and
    without its functions' ``Schedule`` events: :func:`sam_event_workloads` reads those (rate and
    cron, with their ``Input``), and their rules would otherwise be read a second time."""
    out = copy.deepcopy(template)
    for resource in (out.get("Resources") or {}).values():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::Serverless::Function":
            events = (resource.get("Properties") or {}).get("Events")
            if isinstance(events, dict):
                for event_id in [k for k, e in events.items()
                                 if isinstance(e, dict) and e.get("Type") in _SCHEDULES]:
                    del events[event_id]
    sections = [((out.get("Globals") or {}).get("Function"), "CodeUri")]
    sections += [(r.get("Properties"), _CODE[r.get("Type")]) for r in (out.get("Resources") or {}).values()
                 if isinstance(r, dict) and r.get("Type") in _CODE]
    for properties, key in sections:
        if isinstance(properties, dict) and isinstance(properties.get(key), str) \
                and not properties[key].startswith("s3://"):
            properties[key] = _PACKAGED
    return out



def sam_event_workloads(template: Mapping, function_names: Mapping[str, str], report: TemplateReport, *,
                        region: str, account_id: str, start_time: str, horizon_s: float) -> list[dict]:
    """Workloads (scenario-file shape) for the asynchronous events of the SAM functions.

    ``function_names`` maps a function's logical id to its name in the scenario. A ``Schedule``
    event fires up to ``horizon_s``; an ``SNS`` event is reported (the caller sizes it);
    a disabled schedule makes nothing.
    """
    workloads = []
    for logical_id, resource in (template.get("Resources") or {}).items():
        if not isinstance(resource, Mapping) or resource.get("Type") != "AWS::Serverless::Function":
            continue
        name = function_names.get(logical_id, logical_id)
        function = resource.get("Properties") or {}
        # SAM points a function's events at its AutoPublishAlias, which the scenario runs as a version
        alias = function.get("AutoPublishAlias")
        qualifier = report.aliases.get(f"{name}:{alias}") if isinstance(alias, str) else None
        events = function.get("Events") or {}
        for event_id, event in events.items():
            kind = event.get("Type")
            properties = event.get("Properties") or {}
            where = f"Properties.Events.{event_id}"
            if kind in _SCHEDULES:
                if properties.get("Enabled") is False or properties.get("State") == "DISABLED":
                    continue
                rule = f"{logical_id}{event_id}"
                expression = properties.get("Schedule" if kind == "Schedule" else "ScheduleExpression")
                given = {} if "Input" not in properties else {"payload": target_input(
                    properties["Input"], logical_id, f"{where}.Properties.Input")}
                workload = schedule_workload(
                    expression,
                    name, rule_arn=f"arn:aws:events:{region}:{account_id}:rule/{rule}", region=region,
                    account_id=account_id, start_time=start_time, horizon_s=horizon_s,
                    path=f"{logical_id}.{where}.Properties.Schedule", **given)
                if qualifier is not None:
                    workload["qualifier"] = qualifier
                workloads.append(workload)
            elif kind in _CALLER_SIZED:
                report.add(logical_id, f"{where} ({kind})", caller_sized(_CALLER_SIZED[kind], name))
    return workloads
