"""SNS read operations on the simulated topics: ListTopics and ListSubscriptionsByTopic.

A topic's subscriptions are those of its ``subscriptions:`` in the scenario's ``targets:``; each
gets a stable ``SubscriptionArn`` (the topic's ARN and a UUID derived from the topic and the
endpoint, as AWS's are the topic's ARN and a UUID) and the owner is the simulated account.
"""

from __future__ import annotations

import uuid
from typing import Any

from lambdasim.aws.pages import page
from lambdasim.model.rules import SNS_LIST_PAGE_SIZE, service_of, topic_not_found

__all__ = ["HANDLERS"]


def list_topics(view: Any, params: dict) -> dict:
    arns = [topic.arn for topic in view.of_type("sns")]
    taken, token = page(arns, params.get("NextToken"), SNS_LIST_PAGE_SIZE)
    output: dict[str, Any] = {"Topics": [{"TopicArn": arn} for arn in taken]}
    if token is not None:
        output["NextToken"] = token
    return output


def list_subscriptions_by_topic(view: Any, params: dict) -> dict:
    topic = view.find(params["TopicArn"], "sns")
    if topic is None:
        raise topic_not_found()
    subscriptions = {
        f"{topic.arn}:{uuid.uuid5(uuid.NAMESPACE_URL, topic.arn + ' ' + endpoint)}": endpoint
        for endpoint in topic.subscriptions}
    taken, token = page(sorted(subscriptions), params.get("NextToken"), SNS_LIST_PAGE_SIZE)
    output: dict[str, Any] = {"Subscriptions": [
        {"SubscriptionArn": arn, "Owner": view.account_id, "Protocol": service_of(subscriptions[arn]),
         "Endpoint": subscriptions[arn], "TopicArn": topic.arn} for arn in taken]}
    if token is not None:
        output["NextToken"] = token
    return output


HANDLERS = {"ListTopics": list_topics, "ListSubscriptionsByTopic": list_subscriptions_by_topic}
