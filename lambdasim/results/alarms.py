"""CloudWatch metric alarms evaluated over a run's metrics: when would an alarm on
``AsyncEventAge``, ``AsyncEventsDropped`` or any other metric of :func:`~lambdasim.results.metrics.metrics`
have gone off (docs/aws-behaviour.md §16, "Alarms")?

An alarm compares one statistic of one metric, per ``period_s``, with a threshold; it goes to
``ALARM`` when at least ``datapoints_to_alarm`` of the last ``evaluation_periods`` datapoints breach
("M out of N"), and ``treat_missing_data`` says what a period without a datapoint counts as. The
operators, options, states and limits are AWS's, kept in :mod:`lambdasim.model.rules.cloudwatch_alarms`.

Choices where CloudWatch is not specific, or where a run differs from CloudWatch (documented here as
choices):

- The alarm is evaluated once per period, at the period's end (``evaluated_at``), on the datapoints
  of that period and the ones before it; CloudWatch evaluates about once a minute and waits for late
  data, which a simulation does not have.
- Periods before the run starts count as missing. Sums are 0, not missing, in idle periods (as
  :func:`~lambdasim.results.metrics.metrics` reports them); ``Average``, percentiles and
  ``Maximum`` of ages and durations are missing where nothing happened.
- With ``missing`` (the default) or ``ignore``, missing datapoints are left out of the window and the
  alarm is ``ALARM`` when the present ones hold ``datapoints_to_alarm`` breaches, else ``OK``; with no
  datapoint at all in the window it is ``INSUFFICIENT_DATA`` (``missing``) or keeps its state
  (``ignore``). CloudWatch's own rule for a partly missing window looks further back than the window;
  that refinement is not modelled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lambdasim.model import rules
from lambdasim.model.errors import invalid_value
from lambdasim.results.metrics import ALL, METRICS

__all__ = ["Alarm"]

_BREACHING, _NOT_BREACHING, _MISSING = "breaching", "not breaching", "missing"


@dataclass(frozen=True)
class Alarm:
    """A CloudWatch metric alarm (PutMetricAlarm's settings, in lambdasim's snake_case).

    ``metric`` and ``statistic`` name a row of :data:`~lambdasim.results.metrics.METRICS`
    (``statistic`` defaults to the metric's first one: ``Sum``, or ``Average`` for ``Duration`` and
    ``AsyncEventAge``); ``threshold`` is in the metric's unit (milliseconds for ``Duration`` and
    ``AsyncEventAge``); ``comparison`` is a ``ComparisonOperator``; ``datapoints_to_alarm`` defaults to
    ``evaluation_periods``; ``function`` is a function name or ``"(all)"``.
    """

    metric: str
    threshold: float
    statistic: str | None = None
    comparison: str = "GreaterThanOrEqualToThreshold"
    period_s: float = 60
    evaluation_periods: int = 1
    datapoints_to_alarm: int | None = None
    treat_missing_data: str = rules.ALARM_DEFAULT_TREAT_MISSING_DATA
    function: str = ALL

    def __post_init__(self) -> None:
        names = sorted({metric for metric, _ in METRICS})
        if self.metric not in names:
            raise invalid_value("metric", self.metric, f"one of {', '.join(names)}")
        statistics = [stat for metric, stat in METRICS if metric == self.metric]
        if self.statistic is None:
            object.__setattr__(self, "statistic", statistics[0])
        elif self.statistic not in statistics:
            raise invalid_value("statistic", self.statistic,
                                f"for {self.metric}: one of {', '.join(statistics)}")
        if (isinstance(self.threshold, bool) or not isinstance(self.threshold, (int, float))
                or not math.isfinite(self.threshold)):
            raise invalid_value("threshold", self.threshold, "a finite number, in the metric's unit")
        if self.comparison not in rules.ALARM_COMPARISONS:
            raise invalid_value("comparison", self.comparison, f"one of {', '.join(rules.ALARM_COMPARISONS)}")
        if self.treat_missing_data not in rules.ALARM_TREAT_MISSING_DATA:
            raise invalid_value("treat_missing_data", self.treat_missing_data,
                                f"one of {', '.join(rules.ALARM_TREAT_MISSING_DATA)}")
        if self.datapoints_to_alarm is None:
            object.__setattr__(self, "datapoints_to_alarm", self.evaluation_periods)
        rules.check_alarm_window(self.period_s, self.evaluation_periods, self.datapoints_to_alarm,
                                 names=("period_s", "evaluation_periods", "datapoints_to_alarm"))
        if not isinstance(self.function, str):
            raise invalid_value("function", self.function, f"a function name or {ALL!r}")

    def put_metric_alarm_request(self, alarm_name: str) -> dict:
        """The keyword arguments of CloudWatch's ``put_metric_alarm`` that create this alarm on AWS
        (namespace ``AWS/Lambda``, dimension ``FunctionName`` unless ``function`` is ``"(all)"``;
        percentiles as ``ExtendedStatistic``), so what a run shows can be deployed as is."""
        low, high = rules.ALARM_NAME_LENGTH
        if not isinstance(alarm_name, str) or not low <= len(alarm_name) <= high:
            raise invalid_value("alarm_name", alarm_name, f"a string of {low}-{high} characters")
        if self.metric == "SystemErrors":
            raise invalid_value("metric", self.metric,
                                "a metric CloudWatch publishes (SystemErrors is lambdasim's own)")
        statistic = ({"ExtendedStatistic": self.statistic} if self.statistic.startswith("p")
                     else {"Statistic": self.statistic})
        dimensions = [] if self.function == ALL else [{"Name": "FunctionName", "Value": self.function}]
        return {"AlarmName": alarm_name, "Namespace": rules.LAMBDA_METRICS_NAMESPACE,
                "MetricName": self.metric, **statistic, "Dimensions": dimensions,
                "Period": int(self.period_s),
                "EvaluationPeriods": self.evaluation_periods, "DatapointsToAlarm": self.datapoints_to_alarm,
                "Threshold": float(self.threshold), "ComparisonOperator": self.comparison,
                "TreatMissingData": self.treat_missing_data}

    def datapoints(self, source: Any, until_s: float | None = None) -> np.ndarray:
        """The alarm's statistic per period from 0 (NaN where there is no datapoint), from a Result
        or from a frame of :func:`~lambdasim.results.metrics.metrics` computed with ``period_s``;
        ``until_s`` extends the periods past the run's last activity (as missing or 0-sum periods)."""
        frame = source if isinstance(source, pd.DataFrame) else source.metrics(period_s=self.period_s)
        functions = [str(f) for f in frame["function"].unique()] if len(frame) else []
        if functions and self.function not in functions:
            raise invalid_value("function", self.function, f"one of {', '.join(functions)}")
        n = int(round(frame["period_start"].max() / self.period_s)) + 1 if len(frame) else 0
        if until_s is not None:
            if (isinstance(until_s, bool) or not isinstance(until_s, (int, float))
                    or not 0 <= until_s < math.inf):
                raise invalid_value("until_s", until_s, "None or a finite number of seconds >= 0")
            n = max(n, math.ceil(until_s / self.period_s))
        values = np.full(n, 0.0 if self.statistic == "Sum" else np.nan)
        rows = frame[(frame["function"] == self.function) & (frame["metric"] == self.metric)
                     & (frame["statistic"] == self.statistic)] if len(frame) else frame
        index = np.rint(rows["period_start"].to_numpy(float) / self.period_s).astype(int)
        values[index] = rows["value"].to_numpy(float)
        return values

    def evaluate(self, source: Any, until_s: float | None = None) -> pd.DataFrame:
        """The alarm period by period: ``period_start``, ``evaluated_at`` (the period's end),
        ``value`` (NaN: no datapoint), ``datapoint`` (``breaching``, ``not breaching`` or ``missing``),
        ``breaching_in_window`` (breaches among the last ``evaluation_periods``, missing ones counted
        as ``treat_missing_data`` says) and ``state`` (``OK``, ``ALARM``, ``INSUFFICIENT_DATA``)."""
        values = self.datapoints(source, until_s)
        test = rules.ALARM_COMPARISONS[self.comparison]
        kinds = [_MISSING if np.isnan(v) else _BREACHING if test(v, self.threshold) else _NOT_BREACHING
                 for v in values]
        as_missing = {"breaching": _BREACHING, "notBreaching": _NOT_BREACHING}.get(self.treat_missing_data)
        state, states, counts = rules.ALARM_INITIAL_STATE, [], []
        for i in range(len(values)):
            window = [kinds[j] if j >= 0 else _MISSING for j in range(i - self.evaluation_periods + 1, i + 1)]
            window = [as_missing if kind == _MISSING and as_missing else kind for kind in window]
            breaches = window.count(_BREACHING)
            if all(kind == _MISSING for kind in window):
                state = state if self.treat_missing_data == "ignore" else rules.ALARM_INITIAL_STATE
            else:
                state = "ALARM" if breaches >= self.datapoints_to_alarm else "OK"
            states.append(state)
            counts.append(breaches)
        starts = np.arange(len(values)) * float(self.period_s)
        return pd.DataFrame({"period_start": starts, "evaluated_at": starts + self.period_s, "value": values,
                             "datapoint": kinds, "breaching_in_window": counts, "state": states})

    def first_alarm_at(self, source: Any, until_s: float | None = None) -> float | None:
        """When the alarm first goes to ``ALARM`` (the end of that period), or None if it never does."""
        table = self.evaluate(source, until_s)
        hits = table.loc[table["state"] == "ALARM", "evaluated_at"]
        return float(hits.iloc[0]) if len(hits) else None
