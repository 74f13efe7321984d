"""CloudWatch metric alarms over a run's metrics (lambdasim.results.alarms; docs/aws-behaviour.md §16,
"Alarms"): M out of N, the four comparison operators, the four ways to treat missing data, the window limits
PutMetricAlarm enforces, and an alarm over a real run agreeing with its records."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import lambdasim as ls
from lambdasim.model import rules
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.results.alarms import Alarm


def _frame(values, metric="AsyncEventAge", statistic="Maximum", period_s=60, function="(all)"):
    """A metrics frame holding one series (NaN: no row, as metrics() leaves an empty period out)."""
    rows = [{"period_start": i * period_s, "function": function, "metric": metric, "statistic": statistic,
             "value": v} for i, v in enumerate(values) if not math.isnan(v)]
    rows.append({"period_start": (len(values) - 1) * period_s, "function": function, "metric": "Invocations",
                 "statistic": "Sum", "value": 0.0})
    return pd.DataFrame(rows)


def test_m_out_of_n_alarms_from_the_period_that_holds_the_mth_breach():
    alarm = Alarm("AsyncEventAge", threshold=400, statistic="Maximum", comparison="GreaterThanThreshold",
                  evaluation_periods=3, datapoints_to_alarm=2)
    table = alarm.evaluate(_frame([100, 500, 100, 500, 500, 100]))
    assert table["datapoint"].tolist() == ["not breaching", "breaching", "not breaching", "breaching",
                                           "breaching", "not breaching"]
    assert table["breaching_in_window"].tolist() == [0, 1, 1, 2, 2, 2]
    assert table["state"].tolist() == ["OK", "OK", "OK", "ALARM", "ALARM", "ALARM"]
    assert table["evaluated_at"].tolist() == [60, 120, 180, 240, 300, 360]
    assert alarm.first_alarm_at(_frame([100, 500, 100, 500, 500, 100])) == 240.0


@pytest.mark.parametrize("comparison, breaches", [
    ("GreaterThanOrEqualToThreshold", [False, True, True]),
    ("GreaterThanThreshold", [False, False, True]),
    ("LessThanOrEqualToThreshold", [True, True, False]),
    ("LessThanThreshold", [True, False, False]),
])
def test_each_comparison_operator_at_below_and_above_the_threshold(comparison, breaches):
    table = Alarm("AsyncEventAge", threshold=400, statistic="Maximum", comparison=comparison).evaluate(
        _frame([399, 400, 401]))
    assert (table["datapoint"] == "breaching").tolist() == breaches
    assert table["state"].tolist() == ["ALARM" if b else "OK" for b in breaches]


@pytest.mark.parametrize("treat, states", [
    ("missing", ["ALARM", "INSUFFICIENT_DATA", "INSUFFICIENT_DATA", "OK"]),
    ("ignore", ["ALARM", "ALARM", "ALARM", "OK"]),
    ("breaching", ["ALARM", "ALARM", "ALARM", "OK"]),
    ("notBreaching", ["ALARM", "OK", "OK", "OK"]),
])
def test_each_way_to_treat_missing_data(treat, states):
    table = Alarm("AsyncEventAge", threshold=400, statistic="Maximum", treat_missing_data=treat).evaluate(
        _frame([500, np.nan, np.nan, 100]))
    assert table["datapoint"].tolist() == ["breaching", "missing", "missing", "not breaching"]
    assert table["state"].tolist() == states


def test_a_new_alarm_has_insufficient_data_and_periods_before_the_run_are_missing():
    assert Alarm("AsyncEventAge", threshold=400).evaluate(_frame([np.nan, 100], statistic="Average"))[
        "state"].tolist() == ["INSUFFICIENT_DATA", "OK"]
    assert rules.ALARM_INITIAL_STATE == "INSUFFICIENT_DATA"
    # 3 of 3 with missing data as breaching: the two periods before t = 0 breach too.
    table = Alarm("AsyncEventAge", threshold=400, statistic="Maximum", evaluation_periods=3,
                  treat_missing_data="breaching").evaluate(_frame([500, 100]))
    assert table["breaching_in_window"].tolist() == [3, 2]
    assert table["state"].tolist() == ["ALARM", "OK"]


def test_sums_are_zero_in_idle_periods_and_until_extends_the_evaluation():
    alarm = Alarm("AsyncEventsDropped", threshold=1)
    assert alarm.statistic == "Sum" and alarm.datapoints_to_alarm == 1
    table = alarm.evaluate(_frame([2.0], metric="AsyncEventsDropped", statistic="Sum"), until_s=180)
    assert table["value"].tolist() == [2.0, 0.0, 0.0]
    assert table["state"].tolist() == ["ALARM", "OK", "OK"]


def test_an_alarm_over_a_run_agrees_with_its_records():
    result = ls.run(ls.Scenario.from_yaml("data/scenarios/throttling.yaml"))
    dropped = Alarm("AsyncEventsDropped", threshold=1)
    expired = result.events.query("fate == 'event_age_exceeded'")["resolved_at"]
    assert dropped.first_alarm_at(result) == (math.floor(expired.min() / 60) + 1) * 60
    age = Alarm("AsyncEventAge", statistic="Maximum", threshold=10_000, period_s=10)
    frame = result.metrics(period_s=10).query("function == '(all)' and metric == 'AsyncEventAge' "
                                              "and statistic == 'Maximum'")
    values = age.datapoints(result)
    np.testing.assert_array_equal(values[(frame["period_start"] / 10).astype(int).to_numpy()], frame["value"])
    assert np.isnan(np.delete(values, (frame["period_start"] / 10).astype(int).to_numpy())).all()
    # The event dispatched 31 s after its enqueue is the only age over 10 s: its period alone alarms.
    table = age.evaluate(result)
    assert table.loc[table["state"] == "ALARM", "period_start"].tolist() == [30.0]


@pytest.mark.parametrize("kwargs, field, allowed", [
    ({"metric": "AsyncEventsAge"}, "metric", "one of AsyncEventAge"),
    ({"metric": "AsyncEventsDropped", "statistic": "p99"}, "statistic", "for AsyncEventsDropped: one of Sum"),
    ({"comparison": "GreaterThan"}, "comparison", "one of GreaterThanOrEqualToThreshold"),
    ({"treat_missing_data": "Missing"}, "treat_missing_data",
     "one of breaching, notBreaching, ignore, missing"),
    ({"threshold": float("nan")}, "threshold", "a finite number"),
    ({"period_s": 45}, "period_s", "10, 20, 30 or a multiple of 60 seconds"),
    ({"evaluation_periods": 0}, "evaluation_periods", "an integer >= 1"),
    ({"period_s": 3600, "evaluation_periods": 25}, "evaluation_periods", "at most 86400 s"),
    ({"evaluation_periods": 3, "datapoints_to_alarm": 4}, "datapoints_to_alarm", "an integer 1-3"),
])
def test_a_bad_setting_is_refused_naming_the_field_the_value_and_what_is_allowed(kwargs, field, allowed):
    settings = {"metric": "AsyncEventAge", "threshold": 1000, **kwargs}
    with pytest.raises(InvalidParameterValueException) as caught:
        Alarm(**settings)
    message = str(caught.value)
    assert message.startswith(f"{field}: {settings[field]!r} is not valid; allowed: "), message
    assert allowed in message


def test_an_unknown_function_or_a_bad_until_is_refused_when_evaluated():
    frame = _frame([1.0])
    with pytest.raises(InvalidParameterValueException,
                       match=r"function: 'orders' is not valid; allowed: one of \(all\)"):
        Alarm("AsyncEventAge", threshold=1, function="orders").evaluate(frame)
    with pytest.raises(InvalidParameterValueException, match="until_s: -1"):
        Alarm("AsyncEventAge", threshold=1).evaluate(frame, until_s=-1)


def test_the_rules_are_put_metric_alarms():
    assert list(rules.ALARM_COMPARISONS) == ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold",
                                             "LessThanThreshold", "LessThanOrEqualToThreshold"]
    assert rules.ALARM_DEFAULT_TREAT_MISSING_DATA == "missing"
    with pytest.raises(InvalidParameterValueException, match="^Period: 90 is not valid"):
        rules.check_alarm_window(90, 1, 1)
    rules.check_alarm_window(10, 1, 1)
    rules.check_alarm_window(60, 1440, 1)


def test_the_alarm_as_a_put_metric_alarm_request_that_botocore_accepts():
    from botocore.session import get_session
    from botocore.validate import validate_parameters

    shape = get_session().get_service_model("cloudwatch").operation_model("PutMetricAlarm").input_shape
    age = Alarm("AsyncEventAge", statistic="Maximum", threshold=30_000, comparison="GreaterThanThreshold",
                evaluation_periods=3, datapoints_to_alarm=2, function="orders")
    request = age.put_metric_alarm_request("orders-async-age")
    assert request == {
        "AlarmName": "orders-async-age", "Namespace": "AWS/Lambda", "MetricName": "AsyncEventAge",
        "Statistic": "Maximum", "Dimensions": [{"Name": "FunctionName", "Value": "orders"}], "Period": 60,
        "EvaluationPeriods": 3, "DatapointsToAlarm": 2, "Threshold": 30000.0,
        "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "missing"}
    validate_parameters(request, shape)
    p99 = Alarm("Duration", statistic="p99", threshold=900).put_metric_alarm_request("all-p99")
    assert p99["ExtendedStatistic"] == "p99" and "Statistic" not in p99 and p99["Dimensions"] == []
    validate_parameters(p99, shape)
    with pytest.raises(InvalidParameterValueException, match="^metric: 'SystemErrors' is not valid"):
        Alarm("SystemErrors", threshold=1).put_metric_alarm_request("x")
    with pytest.raises(InvalidParameterValueException, match="^alarm_name: '' is not valid"):
        age.put_metric_alarm_request("")
