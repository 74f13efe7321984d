"""Where resolved events go: destinations, dead-letter queues and the simulated targets.

:class:`Destinations` is the engine's router: every resolved event is handed to it once. A
succeeded event's invocation record goes to the ``OnSuccess`` destination; a failed one's goes to
``OnFailure`` and, when a DLQ is set, the raw event goes to the DLQ as well (docs/aws-behaviour.md §6, §7).
Targets are addressed by ARN and simulated in place: SQS queues keep messages, SNS topics fan out to
subscribed queues and functions, EventBridge buses keep events, S3 buckets keep objects, and a
Lambda target is invoked asynchronously in the same simulation (so chains work, and recursive
loops are stopped after 16 invocations, docs/aws-behaviour.md §15).

Choices where AWS is silent (docs/aws-behaviour.md §6, §7), each a documented choice:

- condition of an event stopped by loop detection: ``RecursiveInvocationException``;
- EventBridge ``source``: ``lambda`` (the 2019 launch post, the 2022 guide and the CDK README;
  the current guide says ``aws.lambda``);
- a Lambda function ARN in another Region or account is not the local function of that name: it
  is an external target that records what it receives, as a queue does (nothing of it runs here,
  and the ARN pattern AWS validates allows any Region and account). Only a function of the
  scenario's own account and Region is invoked;
- a failed delivery is not retried: it is recorded (``ok`` false) and counted
  (``DestinationDeliveryFailures`` / ``DeadLetterErrors``); an event that failed and that no
  channel received is ``lost``;
- a record over SNS's 256 KB limit fails delivery (the developer guide's reading, not the API
  reference's "drops the payload");
- the DLQ message body is the request body exactly as the caller sent it (AWS's recorded
  ``MD5OfBody`` is that of the caller's bytes); a payload a scenario gives as data is sent as
  ``json.dumps(payload)``. The invocation record carries ``requestPayload`` as parsed JSON inside a
  compact record: AWS's recordings mask the record's bytes, so its whitespace is unknown;
- DLQ ``ErrorCode``: 200 after a function error (as AWS sends), 429 for an event that never ran
  (throttled until it expired, or reserved concurrency 0), 400 for a recursion stop;
- a record sent to a function of this simulation is an async invoke of it, so the account's async
  payload limit (1 MB, or 256 KB) applies to it as to any Invoke: a larger record fails that
  delivery with the Invoke's ``RequestEntityTooLargeException`` (413) message, recorded and counted
  in ``DestinationDeliveryFailures``. AWS does not document this case; it is how a
  ``RecursiveLoop: Allow`` loop, whose records nest, ends at last.

What a record holds, its encoding (a chain's records spliced in as shared bodies) and the run's
cache of record templates are :mod:`lambdasim.engine.invocation_records`. A plain record delivered
to a queue, topic, bucket or external function is kept as a
:class:`~lambdasim.records.bodies.RecordText` (:meth:`Destinations._kept_record`): a template
shared by every record of the same content, plus the event's index and the delivery time, its text
built on read (a million deliveries keep a million small objects, not a million texts). A queue or
topic keeps such a record as a :class:`~lambdasim.engine.targets.RecordMessage`: the message and
its body are one object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lambdasim.engine.invocation_records import (
    _SPLICE,
    _SPLICE_JSON,
    CONDITIONS,
    RecordCache,
    _json,
    encode,
    invocation_record,
)
from lambdasim.engine.live_function import request_body
from lambdasim.engine.targets import DeadLetterAttributes, Message, RecordMessage, Target
from lambdasim.model.rules import is_local_function
from lambdasim.records import RequestIds
from lambdasim.records.bodies import Body, RecordText

if TYPE_CHECKING:
    from lambdasim.engine.duplicates import Duplicate
    from lambdasim.engine.executions import AsyncEvent
    from lambdasim.model.scenario import Scenario
    from lambdasim.records import Recorder

__all__ = ["Destinations"]

#: Routing that resolves events at once and routes them in turn (only reserved concurrency 0 with
#: RecursiveLoop: Allow can chain without end) stops nesting at this depth.
MAX_NESTED_ROUTING = 64
_NOWHERE = ("", "", "", False)
_DLQ_ERROR_CODES = {"zero_reserved_concurrency": "429", "recursion_stopped": "400"}


def _text(body: bytes | Body) -> str:
    return (body.bytes() if isinstance(body, Body) else body).decode("utf-8", "replace")


class Destinations:
    """The router: delivers each resolved event where AWS would and records every delivery.

    Parameters
    ----------
    scenario
        The scenario (for ``targets`` behaviour, the account, Region and ``start_time``).
    recorder
        The run's :class:`~lambdasim.records.Recorder`; deliveries are written to it.
    request_ids
        The run's request ids.
    invoke
        ``invoke(function_arn, payload, chain, raw) -> failure reason or ""``: an async invoke in the
        same simulation, for Lambda destinations and SNS subscriptions (``raw``: the body as sent).
    """

    def __init__(self, scenario: Scenario, recorder: Recorder, request_ids: RequestIds,
                 invoke: Callable[[str, Any, int, bytes], str]) -> None:
        self.scenario = scenario
        self.recorder = recorder
        self.request_ids = request_ids
        self.invoke = invoke
        self.message_ids = RequestIds(int(scenario.seed), stream=1)
        self._ids = (self.message_ids, request_ids)  # how a Message turns its numbers into ids
        self._nesting: list[bool] = []
        self.sent = 0
        # Plain records are kept as a shared template and filled in on read (RecordText).
        self.records = RecordCache(scenario, request_ids, self.message_ids)
        self.templates = self.records.templates
        self._template = self.records.template  # bound once: _kept_record calls it directly
        self.targets: dict[str, Target] = {}
        for arn, behaviour in scenario.targets.items():
            self.targets[arn] = self._bound(Target(arn, behaviour, self._external(arn)))
        # Every configured destination exists from the start, so an unused queue reads as empty.
        for config in scenario.functions.values():
            arns = [config.dead_letter_target_arn]
            versions = (invoke_config for _, invoke_config in config.version_event_invoke_configs)
            for invoke_config in (config.event_invoke_config, *versions):
                destinations = invoke_config.destination_config
                arns += (destinations.on_success, destinations.on_failure)
            for arn in arns:
                if arn is not None:
                    self.target(arn)

    # -- targets ---------------------------------------------------------------------------------

    def target(self, arn: str) -> Target:
        """The simulated target with this ARN (created on first use)."""
        target = self.targets.get(arn)
        if target is None:
            target = self.targets[arn] = self._bound(Target(arn, None, self._external(arn)))
        return target

    def _bound(self, target: Target) -> Target:
        """An SQS queue records its ops and finds its DLQ and move destinations among the queues here."""
        if target.sqs is not None:
            target.sqs.recorder = self.recorder
            target.sqs.resolve = lambda arn: self.target(arn).sqs if arn.split(":")[2:3] == ["sqs"] else None
        return target

    def _external(self, arn: str) -> bool:
        """A Lambda ARN outside the scenario's account and Region: not a function of this simulation."""
        account = self.scenario.account
        return not is_local_function(arn, account.region, account.account_id)

    def timestamp(self, now: float, precision: str = "milliseconds") -> str:
        """The wall-clock time of virtual second ``now``, ISO 8601 in UTC with a ``Z``."""
        if precision == "milliseconds":
            return self.templates.timestamp(now)
        moment = self.scenario.wall_time(now)
        return moment.replace(tzinfo=None).isoformat(timespec=precision) + "Z"

    def _message_id(self) -> str:
        self.sent += 1
        return self.message_ids(self.sent)

    def _message(self, body: str | Body, attributes: dict | None, at: float, event: int | str) -> Message:
        """A new message, its id and its event's request id kept as numbers until read."""
        self.sent += 1
        return Message(self.sent, body, attributes, at, event, self._ids)

    # -- routing ---------------------------------------------------------------------------------

    def __call__(self, event: AsyncEvent, fate: str, now: float) -> tuple[str, str, str, bool]:
        """Route one resolved event; return (on_success ARN, on_failure ARN, DLQ ARN, lost)."""
        fn = event.fn
        if fate == "succeeded" and (fn.settings.get(event.qualifier) or fn.defaults).on_success is None:
            return _NOWHERE  # the common case, kept cheap (fn.settings_for, inlined): nothing to deliver
        # Routing can invoke a function that resolves at once (reserved concurrency 0, a loop stop)
        # and is routed in turn; keep track of that nesting and of loop stops.
        self._nesting.append(fate == "recursion_stopped")
        try:
            return self._route(event, fate, now)
        finally:
            self._nesting.pop()

    def duplicate_succeeded(self, copy: Duplicate, now: float) -> None:
        """A duplicate delivery succeeded: its record goes to ``OnSuccess``, if the qualifier has one
        (:mod:`lambdasim.engine.duplicates` says why)."""
        on_success = copy.fn.settings_for(copy.qualifier).on_success
        if on_success is None:
            return
        self._nesting.append(False)
        try:
            self._send_record(copy, "on_success", on_success, "Success", now)
        finally:
            self._nesting.pop()

    def _invoke(self, arn: str, payload: Any, chain: int, raw: bytes | Body) -> str:
        """Invoke a Lambda target, unless that would only continue a loop that was just stopped."""
        if self._nesting[-1]:
            # The record of a loop-stopped event would start the next hop of the same loop, which
            # loop detection stops too: the delivery fails instead (AWS: "a new loop that is also stopped").
            return "RecursiveInvocationException"
        if len(self._nesting) > MAX_NESTED_ROUTING:
            return "RecursiveInvocationException (simulation guard: immediate resolutions nested too deep)"
        return self.invoke(arn, payload, chain, raw)

    def _route(self, event: AsyncEvent, fate: str, now: float) -> tuple[str, str, str, bool]:
        fn = event.fn
        settings = fn.settings.get(event.qualifier) or fn.defaults  # fn.settings_for, inlined
        if fate == "succeeded":
            if settings.on_success is None:
                return "", "", "", False
            self._send_record(event, "on_success", settings.on_success, "Success", now)
            return settings.on_success, "", "", False
        condition = CONDITIONS[fate]
        received = False
        if settings.on_failure is not None:
            received = self._send_record(event, "on_failure", settings.on_failure, condition, now)
        dead_letter_arn = fn.runs(event.version).dead_letter_arn  # a version's DLQ is locked with it
        if dead_letter_arn is not None:
            received = self._send_dead_letter(event, dead_letter_arn, fate, condition, now) or received
        return "", settings.on_failure or "", dead_letter_arn or "", not received

    def _send_record(self, event: AsyncEvent | Duplicate, channel: str, arn: str, condition: str,
                     now: float) -> bool:
        target = self.target(arn)
        if target.type != "eventbridge" and not (target.type == "lambda" and not target.external) \
                and not isinstance(event.payload, Body):
            kept = self._kept_record(event, target, channel, condition, now)
            if kept is not None:
                return kept
        request_id = self.request_ids(event.index)
        record = invocation_record(event, condition, self.timestamp(now), request_id)
        value = record
        if target.type == "eventbridge":
            value = self._bus_event(event, record, arn, condition, now)
        body = encode(value, record)
        hop = target.type == "lambda" and not target.external
        # A function of this simulation checks the size itself, against the account's async limit.
        reason = target.refusal(now, 0 if hop else len(body))
        if hop:
            # The record is the next event's payload: kept as its Body, parsed only by a handler.
            body = body if isinstance(body, Body) else Body(body)
            if not reason:
                reason = self._invoke(target.arn, body, event.chain + 1, body)
            recorded: str | Body = body
        else:
            # A record that carries earlier records stays a shared Body; a plain one becomes text.
            recorded = body if isinstance(body, Body) else body.decode("utf-8")
            if not reason:
                reason = self._accept(target, recorded, None, now, event)
        self.recorder.delivery(event.index, now, channel, target.type, arn, condition, not reason, reason,
                               recorded)
        return not reason

    def _kept_record(self, event: AsyncEvent | Duplicate, target: Target, channel: str, condition: str,
                     now: float) -> bool | None:
        """Deliver a plain record to a queue, topic, bucket or external function, kept as a
        :class:`RecordText` (a shared template, the event's index and ``now``): the text is built
        only when read. None when the record's content makes a template ambiguous (sent as text)."""
        template = self._template(event, condition)
        if template is None:
            return None
        index = event.index
        reason = target.refusal(now, template.size)
        if reason or target.type == "s3":  # no message (or an object with a key): the text alone
            body = RecordText(template, index, now)
            if not reason:
                reason = self._accept(target, body, None, now, event)
        else:  # the message is its own body: one object per delivery (RecordMessage)
            self.sent += 1
            body = RecordMessage(template, index, now, self.sent)
            self._received(target, body, event, now)
        self.recorder.delivery(index, now, channel, target.type, target.arn, condition, not reason, reason,
                               body)
        return not reason

    def _send_dead_letter(self, event: AsyncEvent, arn: str, fate: str, condition: str, now: float) -> bool:
        failure = event.failure if event.attempts else None
        # The raw event exactly as the caller sent it (AWS's recorded MD5OfBody is that of the
        # caller's bytes), not a re-serialisation of the parsed payload.
        raw = event.raw
        body = _text(raw if raw is not None else request_body(event.payload))
        attributes = DeadLetterAttributes(self.request_ids, event.index,
                                          "200" if failure else _DLQ_ERROR_CODES.get(fate, "429"),
                                          (failure.error_message if failure else condition)[:1024])
        target = self.target(arn)
        size = len(body.encode()) + sum(len(k) + len(v["DataType"]) + len(v["StringValue"])
                                        for k, v in attributes.items())
        reason = target.refusal(now, size)
        if not reason:
            reason = self._accept(target, body, attributes, now, event)
        self.recorder.delivery(event.index, now, "dlq", target.type, arn, condition, not reason, reason, body)
        return not reason

    def _accept(self, target: Target, body: str | Body, attributes: dict | None, now: float,
                event: AsyncEvent | Duplicate) -> str:
        """Hand an accepted message to a queue, topic, bus, bucket or external function."""
        if target.type == "s3":
            stamp = self.scenario.wall_time(now)
            key = (f"aws/lambda/async/{event.fn.name}/{stamp:%Y/%m/%d}/"
                   f"{stamp:%Y-%m-%dT%H.%M.%S}-{self._message_id()}")
            attributes = {"Key": key}
        self._received(target, self._message(body, attributes, now, event.index), event, now)
        return ""

    def _received(self, target: Target, message: Message | RecordMessage,
                  event: AsyncEvent | Duplicate, now: float) -> None:
        """A target takes a message sent at ``now``: a queue keeps it, a topic fans it out."""
        target.messages.append(message)
        if target.sqs is not None:
            target.sqs.added(message, now)
        if target.type == "sns":
            self._fan_out(target, message, event.chain + 1)

    def _fan_out(self, topic: Target, message: Message, chain: int) -> None:
        """SNS delivers to each subscription: a queue gets the notification, a function is invoked.

        The notification carries the message as a JSON string. When the message is a record (our
        own compact, ASCII JSON) it is quoted in as a shared :class:`Body`, not re-encoded: a topic
        that feeds a function whose record comes back to it costs memory linear in its hops."""
        notification = {
            "Type": "Notification", "MessageId": message.message_id, "TopicArn": topic.arn,
            "Message": _SPLICE, "Timestamp": self.timestamp(message.sent_at),
            "MessageAttributes": {k: {"Type": v["DataType"], "Value": v["StringValue"]}
                                  for k, v in (message._attributes or {}).items()},
        }
        carried = message._body
        if isinstance(carried, RecordText):
            carried = carried.bytes()
        elif type(carried) is str:
            carried = carried.encode("utf-8") if carried.isascii() else None
        if carried is None:  # text with non-ASCII characters (a DLQ message): encoded the plain way
            notification["Message"] = message.body

        def sent(value: dict) -> str | Body:
            """``_json(value)``, with the message quoted in where the notification holds it."""
            text = _json(value)
            if carried is None:
                return text
            head, tail = text.split(_SPLICE_JSON, 1)
            return Body(head.encode(), carried, tail.encode(), quoted=True)

        for arn in topic.subscriptions:
            subscriber = self.target(arn)
            if subscriber.type == "lambda":
                record = {"EventSource": "aws:sns", "EventVersion": "1.0",
                          "EventSubscriptionArn": f"{topic.arn}:{self._message_id()}", "Sns": notification}
                body = sent({"Records": [record]})
                size = len(body.encode()) if type(body) is str else len(body)
                if not subscriber.external:
                    if isinstance(body, Body):
                        reason = self._invoke(arn, body, chain, body)
                    else:
                        reason = self._invoke(arn, {"Records": [record]}, chain, body.encode())
                else:  # a function of another account or Region: it records the event it is sent
                    reason = subscriber.refusal(message.sent_at, size)
                    if not reason:
                        subscriber.messages.append(self._message(body, None, message.sent_at,
                                                                 message._event_id))
            else:
                body = message._body if topic.raw_message_delivery else sent(notification)
                size = len(body.encode()) if type(body) is str else len(body)
                reason = subscriber.refusal(message.sent_at, size)
                if not reason:
                    subscriber.messages.append(self._message(body, dict(message._attributes or {}),
                                                             message.sent_at, message._event_id))
                    if subscriber.sqs is not None:
                        subscriber.sqs.added(subscriber.messages[-1], message.sent_at)
            if reason:
                topic.failed_fan_out.append((arn, message.message_id, reason))

    def _bus_event(self, event: AsyncEvent | Duplicate, record: dict, bus_arn: str, condition: str,
                   now: float) -> dict:
        """The EventBridge event that carries a record as its ``detail``."""
        outcome = "Success" if condition == "Success" else "Failure"
        return {
            "version": "0", "id": self._message_id(),
            "detail-type": f"Lambda Function Invocation Result - {outcome}", "source": "lambda",
            "account": self.scenario.account.account_id, "time": self.timestamp(now, "seconds"),
            "region": self.scenario.account.region,
            # AWS lists the bus first, then the function (AWS-recorded events, issue 10).
            "resources": [bus_arn, f"{event.fn.arn}:{event.qualifier}"], "detail": record,
        }
