"""The CloudFormation readers of the resources events are delivered to: queues, topics (and their
subscriptions), event buses and buckets.
"""

from __future__ import annotations

from collections.abc import Mapping

from lambdasim.model.rules import parse_function
from lambdasim.model.templates.cloudformation.names import TemplateResources
from lambdasim.model.templates.cloudformation.properties import EVENT_SOURCE, KMS_KEY, NOT_MODELLED, is_true
from lambdasim.model.templates.report import caller_sized

__all__ = ["TargetReaders"]

_QUEUE_READ = ("FifoQueue", "VisibilityTimeout", "RedrivePolicy", "MessageRetentionPeriod", "DelaySeconds",
               "ReceiveMessageWaitTimeSeconds", "ContentBasedDeduplication", "MaximumMessageSize",
               "SqsManagedSseEnabled")
_QUEUE_REPORTED = {"KmsMasterKeyId": KMS_KEY,
                   "DeduplicationScope": "high-throughput FIFO settings are not simulated",
                   "FifoThroughputLimit": "high-throughput FIFO settings are not simulated",
                   "RedriveAllowPolicy": "which queues may use this one as a dead-letter queue is not "
                                         "checked"}
_TOPIC_REPORTED = {"KmsMasterKeyId": KMS_KEY, "FifoTopic": "FIFO topics are not simulated (ordering, "
                                                        "deduplication): it is read as a standard topic"}
_SUBSCRIPTION_REPORTED = {"FilterPolicy": "filter policies drop the messages they do not match; lambdasim "
                                          "delivers every message", "FilterPolicyScope": NOT_MODELLED,
                          "RedrivePolicy": "a subscription's dead-letter queue is not simulated",
                          "DeliveryPolicy": "SNS's delivery retry policy is not simulated"}


class TargetReaders(TemplateResources):
    """Reads ``AWS::SQS::Queue``, ``AWS::SNS::Topic`` and ``Subscription``, ``AWS::Events::EventBus``
    and ``AWS::S3::Bucket``."""

    def _queue(self, logical_id: str, properties: Mapping) -> None:
        values = self._properties(logical_id, properties, _QUEUE_READ, ("Tags", "QueueName"), _QUEUE_REPORTED)
        attributes = {k: values[k] for k in _QUEUE_READ if k in values}
        arn = self._queue_value(logical_id, "Arn")
        self.targets[arn] = {"Attributes": attributes} if attributes else {}
        self.report.resources[logical_id] = arn

    def _topic(self, logical_id: str, properties: Mapping) -> None:
        values = self._properties(logical_id, properties, ("Subscription",),
                                  ("Tags", "TopicName", "DisplayName"), _TOPIC_REPORTED)
        arn = self._topic_value(logical_id, "Ref")
        self.targets[arn] = {}
        self.report.resources[logical_id] = arn
        for i, subscription in enumerate(values.get("Subscription") or []):
            self._subscriber(logical_id, f"Subscription[{i}]", arn, subscription)

    def _subscription(self, logical_id: str, properties: Mapping) -> None:
        values = self._properties(logical_id, properties, ("TopicArn", "Protocol", "Endpoint",
                                  "RawMessageDelivery"), (), _SUBSCRIPTION_REPORTED)
        self.report.resources[logical_id] = str(values.get("Endpoint"))
        self.subscriptions.setdefault(str(values.get("TopicArn")), []).append((logical_id, values))

    def _subscriber(self, logical_id: str, prop: str, topic: str, values: Mapping) -> None:
        protocol, endpoint = str(values.get("Protocol", "")), values.get("Endpoint")
        if protocol not in ("sqs", "lambda"):
            self.report.add(logical_id, f"{prop}.Protocol", f"a subscription of protocol {protocol}: "
                            "lambdasim's topics deliver to SQS queues and Lambda functions only; this one is "
                            "left out")
            return
        target = self.targets.setdefault(topic, {})
        target.setdefault("subscriptions", []).append(endpoint)
        if protocol != "sqs":  # raw delivery is a setting of queue subscriptions (Lambda gets SNS's event)
            return
        raw = is_true(values.get("RawMessageDelivery", False))
        if raw != target.setdefault("raw_message_delivery", raw):
            self.report.add(logical_id, "RawMessageDelivery", f"the subscriptions of {topic} differ in "
                            "RawMessageDelivery: a scenario sets it per topic, as its first queue "
                            "subscription does")

    def _place_subscriptions(self) -> None:
        for topic, subscriptions in self.subscriptions.items():
            if topic not in self.targets:
                logical_id = subscriptions[0][0]
                self.report.add(logical_id, "TopicArn", f"{topic} is not a topic of the template: its "
                                "subscriptions are left out")
                continue
            for logical_id, values in subscriptions:
                self._subscriber(logical_id, "Protocol", topic, values)
        for target in self.targets.values():
            if target.get("raw_message_delivery") is False:
                del target["raw_message_delivery"]

    def _bus(self, logical_id: str, properties: Mapping) -> None:
        self._properties(logical_id, properties, (), ("Name", "Tags", "Description", "Policy"),
                         {"DeadLetterConfig": NOT_MODELLED, "KmsKeyIdentifier": KMS_KEY})
        arn = self._bus_value(logical_id, "Arn")
        self.targets[arn] = {}
        self.report.resources[logical_id] = arn

    def _bucket(self, logical_id: str, properties: Mapping) -> None:
        arn = self._bucket_value(logical_id, "Arn")
        self.targets[arn] = {}
        self.report.resources[logical_id] = arn
        notifications = properties.get("NotificationConfiguration")
        if notifications is not None:
            notifications = self.resolver.value(notifications, (logical_id, "NotificationConfiguration"))
            for i, notification in enumerate(notifications.get("LambdaConfigurations") or []):
                function = notification.get("Function") if isinstance(notification, Mapping) else None
                why = EVENT_SOURCE if function is None else caller_sized(
                    "the bucket's notifications", parse_function(str(function))[0])
                self.report.add(logical_id, f"NotificationConfiguration.LambdaConfigurations[{i}]", why)
