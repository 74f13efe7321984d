"""CloudWatch metric alarms as AWS defines them: the comparison operators, the ways to treat missing
data, the states, and the limits on an alarm's period and evaluation window (``docs/aws-behaviour.md``
§16, "Alarms"). :mod:`lambdasim.results.alarms` evaluates an alarm over a run's metrics with them.

Sources: the PutMetricAlarm API reference
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html) and the
CloudWatch user guide on alarm evaluation and missing data
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html,
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html).
"""

from __future__ import annotations

from collections.abc import Callable

from lambdasim.model.errors import invalid_value

__all__ = [
    "ALARM_COMPARISONS", "ALARM_TREAT_MISSING_DATA", "ALARM_DEFAULT_TREAT_MISSING_DATA", "ALARM_STATES",
    "ALARM_INITIAL_STATE", "ALARM_SHORT_PERIODS_S", "ALARM_MAX_EVALUATION_SPAN_S", "check_alarm_window",
    "LAMBDA_METRICS_NAMESPACE", "ALARM_NAME_LENGTH",
]

#: PutMetricAlarm's static-threshold ``ComparisonOperator`` values, each with the test it applies
#: as ``test(value, threshold)`` (the anomaly-detection operators take a band, not a threshold).
ALARM_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanOrEqualToThreshold": lambda value, threshold: value >= threshold,
    "GreaterThanThreshold": lambda value, threshold: value > threshold,
    "LessThanThreshold": lambda value, threshold: value < threshold,
    "LessThanOrEqualToThreshold": lambda value, threshold: value <= threshold,
}
#: ``TreatMissingData`` values; ``missing`` when omitted.
ALARM_TREAT_MISSING_DATA = ("breaching", "notBreaching", "ignore", "missing")
ALARM_DEFAULT_TREAT_MISSING_DATA = "missing"
#: An alarm's states; a new alarm starts with too little data to judge.
ALARM_STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")
ALARM_INITIAL_STATE = "INSUFFICIENT_DATA"
#: ``Period``: 10, 20 or 30 s (high-resolution metrics), or any multiple of 60 s.
ALARM_SHORT_PERIODS_S = (10, 20, 30)
#: The CloudWatch namespace of Lambda's metrics, and the length an ``AlarmName`` may have.
LAMBDA_METRICS_NAMESPACE = "AWS/Lambda"
ALARM_NAME_LENGTH = (1, 255)
#: ``EvaluationPeriods`` x ``Period`` may be at most one day (for periods of a minute or more).
ALARM_MAX_EVALUATION_SPAN_S = 86_400


def check_alarm_window(period_s: float, evaluation_periods: int, datapoints_to_alarm: int,
                       names: tuple[str, str, str] = ("Period", "EvaluationPeriods",
                                                      "DatapointsToAlarm")) -> None:
    """Refuse a period, evaluation window or M-of-N that PutMetricAlarm refuses; the error names the
    field as the caller called it (``names``: AWS's names by default)."""
    period, periods, datapoints = names
    if isinstance(period_s, bool) or not isinstance(period_s, (int, float)) or (
            period_s not in ALARM_SHORT_PERIODS_S and (not period_s > 0 or period_s % 60)):
        raise invalid_value(period, period_s, "10, 20, 30 or a multiple of 60 seconds")
    if (isinstance(evaluation_periods, bool) or not isinstance(evaluation_periods, int)
            or evaluation_periods < 1):
        raise invalid_value(periods, evaluation_periods, "an integer >= 1")
    if period_s >= 60 and evaluation_periods * period_s > ALARM_MAX_EVALUATION_SPAN_S:
        raise invalid_value(periods, evaluation_periods,
                            f"{periods} x {period} ({period_s:g} s) at most {ALARM_MAX_EVALUATION_SPAN_S} s")
    if (isinstance(datapoints_to_alarm, bool) or not isinstance(datapoints_to_alarm, int)
            or not 1 <= datapoints_to_alarm <= evaluation_periods):
        raise invalid_value(datapoints, datapoints_to_alarm,
                            f"an integer 1-{evaluation_periods} (at most {periods})")
