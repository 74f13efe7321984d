"""EventBridge schedule expressions: the ``rate(...)`` units and the six ``cron(...)`` fields.

A SAM ``Schedule`` event and an ``AWS::Events::Rule`` / ``aws_cloudwatch_event_rule`` with a
``ScheduleExpression`` invoke their function asynchronously at these instants; the template readers
turn them into workloads (:mod:`lambdasim.model.templates.schedules`). Source: "Setting a schedule
pattern for scheduled rules" in the EventBridge User Guide (docs/aws-behaviour.md §20).
"""

from __future__ import annotations

__all__ = ["SCHEDULE_RATE_UNITS", "CRON_FIELDS", "CRON_MONTHS", "CRON_WEEKDAYS", "CRON_UNSUPPORTED",
           "SCHEDULE_ALLOWED", "RATE_ALLOWED", "CRON_ALLOWED"]

#: Seconds in each unit a ``rate(value unit)`` takes: singular when the value is 1, plural above.
SCHEDULE_RATE_UNITS = {"minute": 60, "minutes": 60, "hour": 3_600, "hours": 3_600,
                       "day": 86_400, "days": 86_400}

#: The six cron fields in order, with the values each allows (day-of-week 1 = Sunday).
CRON_FIELDS = (("Minutes", 0, 59), ("Hours", 0, 23), ("Day-of-month", 1, 31), ("Month", 1, 12),
               ("Day-of-week", 1, 7), ("Year", 1970, 2199))
CRON_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
CRON_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
#: Wildcards EventBridge takes that lambdasim does not evaluate (last day, nearest weekday, nth weekday).
CRON_UNSUPPORTED = ("L", "W", "#")

RATE_ALLOWED = ("rate(VALUE UNIT): VALUE a whole number >= 1, UNIT minute, hour or day when VALUE is 1, "
                "minutes, hours or days above")
CRON_ALLOWED = ("cron(Minutes Hours Day-of-month Month Day-of-week Year): six fields of numbers, names "
                "(JAN-DEC, SUN-SAT), ',', '-', '*', '/' and '?' (one of the day fields is '?'); lambdasim "
                "does not evaluate 'L', 'W' or '#'")
SCHEDULE_ALLOWED = f"{RATE_ALLOWED}; or {CRON_ALLOWED}"
