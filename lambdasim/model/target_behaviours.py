"""The ``targets`` of a scenario: how each destination ARN behaves (outage windows, an SNS topic's
subscriptions and raw delivery, an SQS queue's attributes), checked and written back in the
scenario-file shape."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lambdasim.model.errors import invalid_value
from lambdasim.model.queue_settings import QueueSettings as SqsQueueSettings
from lambdasim.model.queue_settings import scenario_queue_settings
from lambdasim.model.rules import ARN_PATTERN, FUNCTION_ARN_PATTERN, service_of
from lambdasim.model.validation import check_keys, check_number, check_sequence, check_str, join

__all__ = ["check_targets", "target_dict", "check_function_arn"]


def check_targets(targets: Any) -> dict:
    """Validate ``{arn: {unavailable: [...], subscriptions: [...], raw_message_delivery: bool,
    Attributes: {...}}}``.

    ``unavailable`` windows make deliveries to the target fail; ``subscriptions`` (SNS topics only)
    lists the SQS queues and Lambda functions the topic fans out to; ``raw_message_delivery`` (SNS
    only) sends subscribed queues the bare message instead of SNS's JSON envelope; ``Attributes``
    (SQS queues only) are the queue's attributes under SQS's names (``VisibilityTimeout``,
    ``MessageRetentionPeriod``, ``DelaySeconds``, ``RedrivePolicy``, ``FifoQueue``, ...), checked
    with SQS's ranges (:mod:`lambdasim.model.queue_settings`).
    """
    if not isinstance(targets, Mapping):
        raise invalid_value("targets", targets, "a mapping of destination ARNs to their behaviour")
    out = {}
    for arn, behaviour in targets.items():
        field = f"targets.{arn}"
        check_str(arn, field, ARN_PATTERN, "a destination ARN")
        check_function_arn(arn, field)
        topic, queue = service_of(arn) == "sns", service_of(arn) == "sqs"
        keys = (["unavailable", "subscriptions", "raw_message_delivery"] if topic
                else ["unavailable", "Attributes"] if queue else ["unavailable"])
        if queue and isinstance(behaviour, Mapping) and isinstance(behaviour.get("queue"), SqsQueueSettings):
            # an entry this function made (Scenario.replace re-checks it): its settings are remade below
            behaviour = {key: value for key, value in behaviour.items() if key != "queue"}
        given = check_keys(behaviour, field, keys)
        path = f"{field}.unavailable"
        entry: dict[str, Any] = {"unavailable": tuple(_window(w, join(path, i)) for i, w in enumerate(
            check_sequence(given.get("unavailable", ()), path, "a list of {start_s, end_s}")))}
        if topic:
            path = f"{field}.subscriptions"
            subscribers = check_sequence(given.get("subscriptions", ()), path, "a list of SQS or Lambda ARNs")
            for i, subscriber in enumerate(subscribers):
                check_str(subscriber, join(path, i), r"arn:aws[a-zA-Z0-9-]*:(sqs|lambda):.+",
                          "an SQS queue or Lambda function ARN")
                check_function_arn(subscriber, join(path, i))
            raw = given.get("raw_message_delivery", False)
            if not isinstance(raw, bool):
                raise invalid_value(f"{field}.raw_message_delivery", raw, "true or false")
            entry.update(subscriptions=subscribers, raw_message_delivery=raw)
        if queue and "Attributes" in given:
            attributes = given["Attributes"]
            settings = scenario_queue_settings(attributes, f"{field}.Attributes", arn.endswith(".fifo"))
            entry.update(Attributes=dict(attributes), queue=settings)
        out[arn] = entry
    return out


def check_function_arn(arn: str | None, path: str) -> None:
    """A Lambda ARN names a function (``...:function:NAME[:QUALIFIER]``, botocore's FunctionArn pattern)."""
    if arn is not None and service_of(arn) == "lambda" and re.fullmatch(FUNCTION_ARN_PATTERN, arn) is None:
        raise invalid_value(path, arn, "a Lambda function ARN arn:aws:lambda:REGION:ACCOUNT:function:NAME"
                                       "[:QUALIFIER]")


def _window(window: Any, path: str) -> dict:
    w = check_keys(window, path, ["start_s", "end_s"], required=["start_s", "end_s"])
    start = check_number(w["start_s"], f"{path}.start_s", ge=0)
    return {"start_s": start, "end_s": check_number(w["end_s"], f"{path}.end_s", gt=start,
                                                    allowed=f"number > start_s ({start:g})")}


def target_dict(target: Mapping) -> dict:
    """A target's behaviour in the scenario-file shape, defaults left out."""
    out: dict[str, Any] = {}
    if target["unavailable"]:
        out["unavailable"] = [dict(w) for w in target["unavailable"]]
    if target.get("subscriptions"):
        out["subscriptions"] = list(target["subscriptions"])
    if target.get("raw_message_delivery"):
        out["raw_message_delivery"] = True
    if target.get("Attributes"):
        out["Attributes"] = dict(target["Attributes"])
    return out
