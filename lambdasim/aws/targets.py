"""The simulated targets answer boto3 under ``mock_aws``: SNS and S3 reads, and SQS's queue operations.

A learner's consumer code runs unchanged against what the simulation delivered::

    with ls.mock_aws(sim):
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.get_queue_url(QueueName="orders-failed")["QueueUrl"]
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

:class:`TargetReads` serves the operations of :data:`OPERATIONS` (one module per service:
:mod:`~lambdasim.aws.sqs`, :mod:`~lambdasim.aws.sns`, :mod:`~lambdasim.aws.s3`). It answers with
the dict botocore's parser would have made of AWS's response (as botocore's ``Stubber`` does),
after botocore has validated the request: writing JSON, query-XML and rest-XML wire bytes for three
more protocols only to have them parsed back would add code without adding fidelity here, and each
answer is checked against the operation's output shape in botocore's model (a member the model
does not have is a bug, raised at once). Errors are AWS's codes, messages and statuses
(:mod:`lambdasim.model.rules`), raised as :class:`~lambdasim.model.errors.TargetServiceError`.

Which targets exist: those the simulation knows (configured in the scenario's ``targets:`` or as a
destination or DLQ, or delivered to). A read never creates one.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import botocore.session

from lambdasim.aws import s3, sns, sqs
from lambdasim.engine.targets import Target
from lambdasim.model.rules import not_simulated
from lambdasim.records import RequestIds

__all__ = ["TargetReads", "OPERATIONS", "output_shape"]

#: The operations served, by botocore service name.
HANDLERS = {"sqs": sqs.HANDLERS, "sns": sns.HANDLERS, "s3": s3.HANDLERS}
OPERATIONS = {service: tuple(sorted(handlers)) for service, handlers in HANDLERS.items()}
#: The request-id stream of target reads (the Lambda service uses 3 and 4, the engine 1 and 2).
_REQUEST_ID_STREAM = 11
_BOTOCORE = botocore.session.get_session()


def output_shape(service: str, operation: str) -> Any:
    """The output shape of ``operation`` in botocore's model of ``service``."""
    return _BOTOCORE.get_service_model(service).operation_model(operation).output_shape


def _check(value: Any, shape: Any, where: str) -> None:
    """Every key of an answer is a member of the model's shape (the answer is what botocore parses)."""
    if shape is None or value is None:
        return
    if shape.type_name == "structure":
        unknown = set(value) - set(shape.members)
        if unknown:
            raise RuntimeError(f"{where}: {sorted(unknown)} are not members of {shape.name}")
        for key, item in value.items():
            _check(item, shape.members[key], f"{where}.{key}")
    elif shape.type_name == "list":
        for item in value:
            _check(item, shape.member, f"{where}[]")
    elif shape.type_name == "map":
        for item in value.values():
            _check(item, shape.value, f"{where}{{}}")


class TargetView:
    """What one request sees of a simulation: its targets, clock, account and the client's Region."""

    def __init__(self, sim: Any, region: str) -> None:
        self.sim = sim
        self.region = region
        self.account_id = sim.scenario.account.account_id
        self.now = sim.now

    def find(self, arn: str, kind: str) -> Target | None:
        """The target of type ``kind`` at ``arn``, or None (a read never creates one)."""
        target = self.sim.destinations.targets.get(arn)
        return target if target is not None and target.type == kind else None

    def of_type(self, kind: str) -> list[Target]:
        """The targets of type ``kind`` in the client's Region and the simulated account, by ARN."""
        targets = [t for t in self.sim.destinations.targets.values()
                   if t.type == kind and t.arn.split(":")[3:5] == [self.region, self.account_id]]
        return sorted(targets, key=lambda t: t.arn)

    def all_of_type(self, kind: str) -> list[Target]:
        """Every target of type ``kind``, whatever its Region and account."""
        return [t for t in self.sim.destinations.targets.values() if t.type == kind]

    def create(self, arn: str) -> Target:
        """A new queue (CreateQueue) in the simulation."""
        return self.sim.destinations.target(arn)

    def new_message_id(self) -> str:
        """A fresh id for a message sent through SendMessage: the next of the simulation's one
        series of message ids (so it never repeats one a delivery or an earlier block made)."""
        return self.sim.destinations._message_id()

    def wall_time(self, at: float) -> datetime:
        """The UTC wall-clock moment of virtual second ``at``."""
        return self.sim.scenario.wall_time(at).astimezone(timezone.utc)

    def epoch_ms(self, at: float) -> str:
        """Virtual second ``at`` as SQS's epoch milliseconds (a string, as SQS sends it)."""
        moment = self.wall_time(at)
        return str(int(moment.timestamp()) * 1000 + moment.microsecond // 1000)


class TargetReads:
    """The simulated SQS queues, SNS topics and S3 buckets of ``sim``, answering boto3.

    Parameters
    ----------
    sim
        The simulation whose targets answer.
    """

    def __init__(self, sim: Any) -> None:
        self.sim = sim
        self.request_ids = RequestIds(int(sim.scenario.seed), stream=_REQUEST_ID_STREAM)
        self.requests = 0

    def next_request_id(self) -> str:
        """A fresh request id for a target's response."""
        self.requests += 1
        return self.request_ids(self.requests)

    def answer(self, service: str, operation: str, params: dict, region: str) -> dict:
        """The parsed output of ``operation`` (no ``ResponseMetadata``); raises
        :class:`~lambdasim.model.errors.TargetServiceError` as the service would, or
        ``lambdasim.NotSimulated`` for an operation of :data:`OPERATIONS` it is not."""
        handler = HANDLERS.get(service, {}).get(operation)
        if handler is None:
            raise not_simulated(service, operation, OPERATIONS.get(service, ()))
        output = handler(TargetView(self.sim, region), params)
        _check(output, output_shape(service, operation), operation)
        return output
