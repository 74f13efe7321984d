"""EventBridge schedule expressions (a SAM ``Schedule`` event) as the instants they fire at."""

from __future__ import annotations

import pytest

from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.templates.schedules import schedule_times, schedule_workload

START = "2025-01-01T00:00:00Z"   # a Wednesday
PATH = "Orders.Properties.Events.Tick.Properties.Schedule"


@pytest.mark.parametrize(("expression", "horizon", "times"), [
    ("rate(5 minutes)", 1_800, [0, 300, 600, 900, 1_200, 1_500]),   # at the start, then once a period
    ("rate(1 minute)", 181, [0, 60, 120, 180]),
    ("rate(2 hours)", 86_400, [7_200 * k for k in range(12)]),
    ("rate(1 day)", 3 * 86_400, [0, 86_400, 172_800]),
    ("cron(0/15 * * * ? *)", 3_600, [0, 900, 1_800, 2_700]),
    ("cron(30 9 * * ? *)", 2 * 86_400, [34_200, 86_400 + 34_200]),
    # 10:00 on weekdays: Wed 1, Thu 2, Fri 3, then Mon 6 January 2025
    ("cron(0 10 ? * MON-FRI *)", 6 * 86_400, [36_000, 122_400, 208_800, 468_000]),
    ("cron(0 0 1 JAN,FEB ? 2025)", 40 * 86_400, [0, 31 * 86_400]),
    ("cron(5,10 0 ? * 4 *)", 3_600, [300, 600]),                # day-of-week 4 = Wednesday
])
def test_schedule_times(expression, horizon, times):
    assert schedule_times(expression, START, horizon, PATH) == [float(t) for t in times]


def test_cron_counts_from_the_scenario_start_time():
    assert schedule_times("cron(0 * * * ? *)", "2025-01-01T00:30:00Z", 3_600, PATH) == [1_800.0]


@pytest.mark.parametrize("expression", ["rate(1 minutes)", "rate(2 minute)", "rate(0 minutes)",
                                        "rate(5 seconds)"])
def test_a_bad_rate_is_refused_with_the_rule(expression):
    with pytest.raises(InvalidParameterValueException) as refused:
        schedule_times(expression, START, 3_600, PATH)
    assert str(refused.value) == (
        f"{PATH}: {expression!r} is not valid; allowed: rate(VALUE UNIT): VALUE a whole number >= 1, UNIT "
        "minute, hour or day when VALUE is 1, minutes, hours or days above")


CRON = ("cron(Minutes Hours Day-of-month Month Day-of-week Year): six fields of numbers, names (JAN-DEC, "
        "SUN-SAT), ',', '-', '*', '/' and '?' (one of the day fields is '?'); lambdasim does not evaluate "
        "'L', 'W' or '#'")


@pytest.mark.parametrize(("expression", "extra"), [
    ("cron(0 10 * * * *)", ""),            # neither day field is '?'
    ("cron(0 10 ? * ? *)", ""),            # both are
    ("cron(0 10 * *)", ""),                # four fields
    ("cron(0 10 L * ? *)", ""),            # last day of the month: not evaluated
    ("cron(0 10 ? * 3#2 *)", ""),
    ("cron(61 10 * * ? *)", "; Minutes is 0-59"),
    ("cron(0 10 * 13 ? *)", "; Month is 1-12"),
    ("cron(0/0 10 * * ? *)", "; Minutes's increment is a number >= 1"),
])
def test_a_bad_cron_is_refused_naming_the_field(expression, extra):
    with pytest.raises(InvalidParameterValueException) as refused:
        schedule_times(expression, START, 3_600, PATH)
    assert str(refused.value) == f"{PATH}: {expression!r} is not valid; allowed: {CRON}{extra}"


def test_neither_rate_nor_cron_names_both_forms():
    with pytest.raises(InvalidParameterValueException) as refused:
        schedule_times("every hour", START, 3_600, PATH)
    assert str(refused.value).startswith(f"{PATH}: 'every hour' is not valid; allowed: rate(VALUE UNIT)")
    assert str(refused.value).endswith(f"; or {CRON}")


def test_the_workload_sends_eventbridge_scheduled_events():
    rule = "arn:aws:events:us-east-1:123456789012:rule/OrdersTick"
    workload = schedule_workload("rate(30 minutes)", "orders", rule_arn=rule, region="us-east-1",
                                 account_id="123456789012", start_time=START, horizon_s=3_601, path=PATH)
    assert workload["function"] == "orders" and workload["arrivals"] == "events"
    assert [e["at_s"] for e in workload["events"]] == [0.0, 1_800.0, 3_600.0]
    payload = workload["events"][2]["payload"]
    assert {k: v for k, v in payload.items() if k != "id"} == {
        "version": "0", "detail-type": "Scheduled Event", "source": "aws.events", "account": "123456789012",
        "time": "2025-01-01T01:00:00Z", "region": "us-east-1", "resources": [rule], "detail": {}}
    assert payload["id"] != workload["events"][1]["payload"]["id"]   # one id per event, the same every run
    assert payload["id"] == schedule_workload(
        "rate(30 minutes)", "orders", rule_arn=rule, region="us-east-1", account_id="123456789012",
        start_time=START, horizon_s=3_601, path=PATH)["events"][2]["payload"]["id"]
