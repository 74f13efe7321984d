"""An EventBridge schedule (``rate(...)`` or ``cron(...)``) as the workload it makes.

A SAM ``Schedule`` event, an ``AWS::Events::Rule`` and a Terraform ``aws_cloudwatch_event_rule`` with a
``ScheduleExpression`` invoke their target function asynchronously at the schedule's instants, each
with EventBridge's "Scheduled Event" as the payload. :func:`schedule_workload` lists those instants
up to the run's horizon as an ``events`` workload in the scenario-file shape. The expression's
grammar and ranges are AWS's (:mod:`lambdasim.model.rules.schedules`).

Choices where AWS is silent (docs/aws-behaviour.md §20): a rate schedule fires at 0 s and then
once a period (as the CloudFormation reader's rate workloads do); a cron schedule fires at the
minutes it names, in UTC, counted from the scenario's ``start_time``.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from lambdasim.model.errors import invalid_value
from lambdasim.model.rules import (
    CRON_ALLOWED,
    CRON_FIELDS,
    CRON_MONTHS,
    CRON_UNSUPPORTED,
    CRON_WEEKDAYS,
    RATE_ALLOWED,
    SCHEDULE_ALLOWED,
    SCHEDULE_RATE_UNITS,
)

__all__ = ["schedule_workload", "schedule_times", "target_input", "SCHEDULE_HORIZON_S",
           "DEFAULT_START_TIME"]

#: How long a schedule's workload runs when the scenario sets no ``horizon_s``.
SCHEDULE_HORIZON_S = 3600.0
#: The clock a cron schedule is read on when the scenario sets no ``start_time`` (a scenario's default).
DEFAULT_START_TIME = "2025-01-01T00:00:00Z"
#: A target without ``Input``: each event is EventBridge's "Scheduled Event".
_SCHEDULED_EVENT = object()

_RATE = re.compile(r"rate\(\s*(\d+)\s+([a-z]+)\s*\)")
_CRON = re.compile(r"cron\((.*)\)")


def schedule_times(expression: str, start_time: str, horizon_s: float, path: str) -> list[float]:
    """The instants (virtual seconds from ``start_time``, before ``horizon_s``) the schedule fires at.

    ``path`` names where the expression was written, for the error a bad one raises.
    """
    if not isinstance(expression, str):
        raise invalid_value(path, expression, SCHEDULE_ALLOWED)
    text = expression.strip()
    rate = _RATE.fullmatch(text)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value < 1 or unit not in SCHEDULE_RATE_UNITS or (value == 1) != (not unit.endswith("s")):
            raise invalid_value(path, expression, RATE_ALLOWED)
        period = value * SCHEDULE_RATE_UNITS[unit]
        return [float(period * k) for k in range(int(horizon_s // period) + 1) if period * k < horizon_s]
    cron = _CRON.fullmatch(text)
    if cron:
        return _cron_times(cron.group(1).split(), expression, start_time, horizon_s, path)
    raise invalid_value(path, expression, SCHEDULE_ALLOWED)


def schedule_workload(expression: str, function: str, *, rule_arn: str, region: str, account_id: str,
                      start_time: str, horizon_s: float, path: str, payload: Any = _SCHEDULED_EVENT) -> dict:
    """An ``events`` workload for ``function``: one EventBridge "Scheduled Event" at each instant, or
    ``payload`` (the target's ``Input``, :func:`target_input`) when given."""
    start = _start(start_time)
    events = []
    for at in schedule_times(expression, start_time, horizon_s, path):
        when = (start + timedelta(seconds=at)).strftime("%Y-%m-%dT%H:%M:%SZ")
        events.append({"at_s": at, "payload": {
            "version": "0", "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{rule_arn}@{when}")),
            "detail-type": "Scheduled Event", "source": "aws.events", "account": account_id,
            "time": when, "region": region, "resources": [rule_arn], "detail": {}}})
    if payload is not _SCHEDULED_EVENT:  # EventBridge sends the target's Input instead of the event
        events = [{"at_s": event["at_s"], "payload": payload} for event in events]
    return {"function": function, "arrivals": "events", "events": events}


def target_input(text: Any, resource: str, prop: str) -> Any:
    """A target's ``Input`` (JSON text), decoded; anything else is refused naming where it is written."""
    from lambdasim.model.templates.report import TemplateRefused

    if not isinstance(text, str):
        raise TemplateRefused(resource, prop, f"{text!r} is not a string",
                              "a JSON text, as EventBridge takes for a target's Input")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise TemplateRefused(resource, prop, f"{text!r} is not JSON ({exc})",
                              "a JSON text, as EventBridge takes for a target's Input") from None


def _start(start_time: str) -> datetime:
    return datetime.fromisoformat(start_time.replace("Z", "+00:00")).astimezone(timezone.utc)


def _cron_times(fields: list[str], expression: str, start_time: str, horizon_s: float,
                path: str) -> list[float]:
    """The minutes (as virtual seconds) matching a six-field cron expression, before ``horizon_s``."""
    if len(fields) != len(CRON_FIELDS) or any(mark in f for f in fields for mark in CRON_UNSUPPORTED):
        raise invalid_value(path, expression, CRON_ALLOWED)
    day_of_month, day_of_week = fields[2], fields[4]
    if (day_of_month == "?") == (day_of_week == "?"):  # exactly one day field is '?'
        raise invalid_value(path, expression, CRON_ALLOWED)
    minutes, hours, days, months, weekdays, years = (
        _cron_field(text, spec, expression, path) for text, spec in zip(fields, CRON_FIELDS, strict=True))
    start = _start(start_time)
    first = start.replace(second=0, microsecond=0)
    if first < start:
        first += timedelta(minutes=1)
    times, moment = [], first
    end = start + timedelta(seconds=horizon_s)
    while moment < end:
        weekday = (moment.isoweekday() % 7) + 1  # EventBridge: 1 = Sunday ... 7 = Saturday
        if (moment.minute in minutes and moment.hour in hours and moment.month in months
                and moment.year in years and moment.day in days and weekday in weekdays):
            times.append((moment - start).total_seconds())
        moment += timedelta(minutes=1)
    return times


def _cron_field(text: str, spec: tuple[str, int, int], expression: str, path: str) -> set[int]:
    """The values one cron field allows: ``*``/``?`` (all), ``a``, ``a-b``, ``a/step``, ``a-b/step``,
    and lists of these."""
    name, low, high = spec
    names = {"Month": CRON_MONTHS, "Day-of-week": CRON_WEEKDAYS}.get(name, ())
    out: set[int] = set()

    def number(part: str) -> int:
        if part.upper() in names:
            return names.index(part.upper()) + 1
        if not part.isdigit() or not low <= int(part) <= high:
            raise invalid_value(path, expression, f"{CRON_ALLOWED}; {name} is {low}-{high}")
        return int(part)

    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) >= 1 else None
        if step_text and step is None:
            raise invalid_value(path, expression, f"{CRON_ALLOWED}; {name}'s increment is a number >= 1")
        if base in ("*", "?"):
            first, last = low, high
        elif "-" in base:
            first, last = (number(p) for p in base.split("-", 1))
        else:
            first = number(base)
            last = high if step else first
        out.update(range(first, last + 1, step or 1))
    return out

