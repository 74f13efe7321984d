"""Lambda system errors (5xx) are retried like throttles (issue 10; docs/aws-behaviour.md §4).

AWS: "For throttling errors (429) and system errors (500-series), Lambda returns the event to the
queue and attempts to run the function again for up to 6 hours by default. The retry interval
increases exponentially from 1 second after the first attempt to a maximum of 5 minutes."
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). The 2019 launch
text separates errors "before execution" (back to the queue, bounded by the event age) from errors
"after execution" (MaximumRetryAttempts): a system error uses no retry attempt (docs/aws-behaviour.md §4).

Durations are constant and jitter is set to 0 explicitly, so every instant below is exact.
"""

import pytest
from helpers import one_function
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lambdasim as ls
from lambdasim.model.dists import Constant, Exponential
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.failures import FailureModel, SystemOutage
from lambdasim.model.rules import SYSTEM_ERRORS
from lambdasim.model.scenario import QueueSettings
from lambdasim.model.workloads import Burst, Events, Poisson, ScheduledEvent
from lambdasim.plots import timeline

ORDERS = "arn:aws:lambda:us-east-1:123456789012:function:orders"
FAILED = "arn:aws:sqs:us-east-1:123456789012:orders-failed"
DLQ = "arn:aws:sqs:us-east-1:123456789012:orders-dlq"
#: Exact timelines need exact backoff: no jitter, whatever the default is.
EXACT = {"throttle_jitter": 0.0, "retry_jitter_s": 0.0}

SCENARIO_YAML = f"""
seed: 7
queue: {{throttle_jitter: 0.0, retry_jitter_s: 0.0}}
functions:
  orders:
    Timeout: 900
    duration: {{dist: constant, value_s: 0.2}}
    cold_start: {{dist: constant, value_s: 0.0}}
    failures:
      system_error_probability: 1.0
      system_error_type: KMSDisabledException
    EventInvokeConfig:
      MaximumRetryAttempts: 2
      MaximumEventAgeInSeconds: 60
      DestinationConfig:
        OnFailure: {{Destination: "{FAILED}"}}
    DeadLetterConfig: {{TargetArn: "{DLQ}"}}
workloads:
  - {{function: orders, arrivals: events, events: [{{at_s: 0, payload: {{id: 1}}}}]}}
"""


def rows(result, kind):
    return result.attempts[(result.attempts["kind"] == kind).to_numpy()].reset_index(drop=True)


def one_event(failures, at_s=0.0, **kwargs):
    kwargs.setdefault("queue", QueueSettings(**EXACT))
    return one_function([Events("orders", (ScheduledEvent(at_s, {"id": 1}),))], failures=failures, **kwargs)


# -- the exact timeline ---------------------------------------------------------------------------------


def test_system_errors_back_off_1_2_4_s_use_no_attempt_and_expire_at_the_age_limit():
    result = ls.run(ls.Scenario.from_yaml(SCENARIO_YAML))
    errors = rows(result, "system_error")
    # Backoff 1, 2, 4, 8, 16 s (the throttle backoff); the next (32 s) would land at 63 s > 60 s, so
    # the look-ahead expiry ends the event at 31 s, as it does for throttles.
    assert errors["dispatched_at"].tolist() == [0.0, 1.0, 3.0, 7.0, 15.0, 31.0]
    assert errors["outcome"].tolist() == ["system_error"] * 6
    assert errors["error_type"].tolist() == ["KMSDisabledException"] * 6
    assert errors["attempt"].eq(0).all()            # nothing ran
    assert errors["start_at"].isna().all() and errors["billed_ms"].eq(0).all()
    assert rows(result, "invoke").empty and rows(result, "throttle").empty
    expiry = rows(result, "expire")
    assert expiry["dispatched_at"].tolist() == [31.0]
    assert expiry["error_type"].tolist() == ["EventAgeExceeded"]
    event = result.events.iloc[0]
    assert event["fate"] == "event_age_exceeded"
    assert (event["attempts"], event["throttles"], event["resolved_at"]) == (0, 0, 31.0)
    assert bool(event["lost"]) is False
    # The OnFailure record: EventAgeExceeded, approximateInvokeCount 0, and (the event never ran) no
    # responseContext / responsePayload (AWS's own record for a never-run event is not known:
    # docs/aws-behaviour.md §5).
    (message,) = result.target(FAILED).messages
    assert message.sent_at == 31.0
    assert message.json() == {
        "version": "1.0",
        "timestamp": "2025-01-01T00:00:31.000Z",
        "requestContext": {"requestId": event["event_id"], "functionArn": f"{ORDERS}:$LATEST",
                           "condition": "EventAgeExceeded", "approximateInvokeCount": 0},
        "requestPayload": {"id": 1},
    }
    (dlq,) = result.target(DLQ).messages
    assert dlq.body == '{"id": 1}'   # the payload exactly as sent


def test_a_system_outage_delays_the_first_run_without_using_an_attempt():
    window = SystemOutage(0.0, 10.0, "ENILimitReachedException")
    result = ls.run(one_event(FailureModel(system_outages=(window,)), retries=0))
    assert rows(result, "system_error")["dispatched_at"].tolist() == [0.0, 1.0, 3.0, 7.0]
    assert set(rows(result, "system_error")["error_type"]) == {"ENILimitReachedException"}
    runs = rows(result, "invoke")
    assert runs["dispatched_at"].tolist() == [15.0] and runs["attempt"].tolist() == [1]
    assert runs["outcome"].tolist() == ["success"]
    event = result.events.iloc[0]
    assert (event["fate"], event["attempts"], event["resolved_at"]) == ("succeeded", 1, 15.2)


def test_a_retry_that_meets_a_system_error_backs_off_and_keeps_its_attempt():
    # Attempt 1 fails (a function outage at 0-1 s) and ends at 0.2 s; the retry is due at 60.2 s,
    # inside a system outage (60-70 s): it backs off 1, 2, 4, 8 s from 60.2 s and runs at 75.2 s
    # as attempt 2 of 2 (MaximumRetryAttempts 1: the system errors used none of it).
    failures = FailureModel.from_dict({"outages": [{"start_s": 0, "end_s": 1}],
                                       "system_outages": [{"start_s": 60, "end_s": 70}]})
    result = ls.run(one_event(failures, retries=1))
    errors = rows(result, "system_error")["dispatched_at"].tolist()
    assert errors == pytest.approx([60.2, 61.2, 63.2, 67.2])
    runs = rows(result, "invoke")
    assert runs["attempt"].tolist() == [1, 2]
    assert runs["dispatched_at"].tolist() == pytest.approx([0.0, 75.2])
    assert runs["outcome"].tolist() == ["error", "success"]
    assert result.events["fate"].tolist() == ["succeeded"]
    assert result.events["attempts"].tolist() == [2]


def test_the_backoff_counts_throttles_and_system_errors_together_since_the_last_run():
    # Reserved concurrency 1, a 10-s execution from 0 s: the second event is throttled at 0, 1, 3,
    # 7 s; from 8 s every dispatch meets a system error (8-100 s), so at 15 s and 31 s it is a system
    # error that continues the same exponent (16 s, then 32 s after 15 s), and at 63 s; it runs at
    # 127 s (backoff 64 s).
    failures = FailureModel(system_outages=(SystemOutage(8.0, 100.0),))
    scenario = one_function([Burst("orders", count=2, at_s=0.0)], reserved_concurrency=1,
                            duration=Constant(10.0), failures=failures, queue=QueueSettings(**EXACT))
    result = ls.run(scenario)
    second = result.events["event_id"].iloc[1]
    mine = result.attempts[(result.attempts["event_id"] == second).to_numpy()]
    assert mine["kind"].tolist() == ["throttle"] * 4 + ["system_error"] * 3 + ["invoke"]
    assert mine["dispatched_at"].tolist() == [0.0, 1.0, 3.0, 7.0, 15.0, 31.0, 63.0, 127.0]
    assert result.events["throttles"].tolist() == [0, 4]   # system errors are not throttles


def test_ideal_dispatch_backs_off_after_a_system_error_too():
    result = ls.run(one_event(FailureModel(system_outages=(SystemOutage(0.0, 2.0),)), dispatch="ideal"))
    assert rows(result, "system_error")["dispatched_at"].tolist() == [0.0, 1.0]
    assert rows(result, "invoke")["dispatched_at"].tolist() == [3.0]


def test_the_five_minute_cap_applies():
    result = ls.run(one_event(FailureModel(system_outages=(SystemOutage(0.0, 1000.0),))))
    times = rows(result, "system_error")["dispatched_at"].tolist()
    gaps = [b - a for a, b in zip(times[:-1], times[1:], strict=True)]
    assert gaps == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert rows(result, "invoke")["dispatched_at"].tolist() == [1111.0]


# -- metrics ----------------------------------------------------------------------------------------------


def test_metrics_count_system_errors_as_their_own_metric_not_as_throttles_invocations_or_errors():
    result = ls.run(ls.Scenario.from_yaml(SCENARIO_YAML))
    kpis = result.summary()
    assert kpis["system_errors"] == 6
    assert (kpis["invocations"], kpis["errors"], kpis["throttles"]) == (0, 0, 0)
    assert (kpis["expired"], kpis["failed"]) == (1, 1)
    m = result.metrics(period_s=10)

    def series(metric):
        rows_ = m[(m["metric"] == metric).to_numpy() & (m["function"] == "orders").to_numpy()]
        return dict(zip(rows_["period_start"], rows_["value"], strict=True))

    assert series("SystemErrors") == {0.0: 4.0, 10.0: 1.0, 20.0: 0.0, 30.0: 1.0}  # 0, 1, 3, 7 | 15 | 31
    assert sum(series("Invocations").values()) == 0
    assert sum(series("Errors").values()) == 0
    assert sum(series("Throttles").values()) == 0
    assert series("AsyncEventsDropped") == {0.0: 0.0, 10.0: 0.0, 20.0: 0.0, 30.0: 1.0}
    assert ls.run(ls.Scenario.from_yaml(SCENARIO_YAML)).cost()["requests"].sum() == 0  # nothing billed


# -- properties -------------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(probability=st.floats(0.0, 0.7), retries=st.integers(0, 2), count=st.integers(1, 6),
       seed=st.integers(0, 2**31 - 1))
def test_a_system_error_never_uses_a_retry_attempt(probability, retries, count, seed):
    # A function that always errors, with 6 hours to live: every event runs exactly 1 + retries times,
    # however many system errors it meets on the way.
    failures = FailureModel(error_probability=1.0, system_error_probability=probability)
    scenario = one_function([Burst("orders", count=count, at_s=0.0)], retries=retries, failures=failures,
                            seed=seed)
    result = ls.run(scenario)
    assert result.events["fate"].tolist() == ["retries_exhausted"] * count
    assert result.events["attempts"].tolist() == [1 + retries] * count
    errors = rows(result, "system_error")
    assert errors["attempt"].eq(0).all()
    assert errors["error_type"].eq("ServiceException").all()
    assert len(rows(result, "invoke")) == count * (1 + retries)


def test_system_errors_draw_from_their_own_stream():
    # Arrivals and durations keep their random numbers when system errors are switched on.
    def run(probability):
        failures = FailureModel(system_error_probability=probability)
        return ls.run(one_function([Poisson("orders", rate_per_s=5.0, end_s=20.0)], seed=3,
                                   duration=Exponential(0.3), failures=failures))

    plain, noisy = run(0.0), run(0.3)
    assert len(rows(noisy, "system_error")) > 0
    assert noisy.events["enqueued_at"].tolist() == plain.events["enqueued_at"].tolist()
    def durations(result):
        return rows(result, "invoke").sort_values("dispatched_at", kind="stable")["duration_s"].tolist()

    assert durations(noisy) == durations(plain)
    again = run(0.3)
    assert again.attempts.equals(noisy.attempts) and again.events.equals(noisy.events)


# -- the scenario file ------------------------------------------------------------------------------------


def test_the_scenario_file_round_trips_the_system_error_fields():
    scenario = ls.Scenario.from_yaml(SCENARIO_YAML)
    failures = scenario.functions["orders"].failures
    assert failures.system_error_probability == 1.0
    assert failures.system_error_type == "KMSDisabledException"
    assert failures.to_dict() == {"system_error_probability": 1.0,
                                  "system_error_type": "KMSDisabledException"}
    window = {"start_s": 5.0, "end_s": 9.0, "error_type": "EC2ThrottledException"}
    model = FailureModel.from_dict({"system_outages": [window, {"start_s": 1, "end_s": 2}]})
    assert model.to_dict() == {"system_outages": [window, {"start_s": 1.0, "end_s": 2.0}]}
    assert FailureModel.from_dict(model.to_dict()) == model
    assert ls.Scenario.from_yaml(scenario.to_yaml()) == scenario
    assert not model.active and model.system_active


F = "functions.orders.failures"
ALLOWED_NAMES = "one of AWS's 500-series Lambda errors: " + ", ".join(SYSTEM_ERRORS)


@pytest.mark.parametrize("d, field, value, allowed", [
    ({"system_error_probability": 1.5}, f"{F}.system_error_probability", 1.5, "number 0-1"),
    ({"system_error_probability": "often"}, f"{F}.system_error_probability", "often", "number 0-1"),
    ({"system_error_type": "Boom"}, f"{F}.system_error_type", "Boom", ALLOWED_NAMES),
    ({"system_error_type": "TooManyRequestsException"}, f"{F}.system_error_type",
     "TooManyRequestsException", ALLOWED_NAMES),   # a 429 is a throttle, not a system error
    ({"system_outages": {"start_s": 0}}, f"{F}.system_outages", {"start_s": 0},
     "a list of {start_s, end_s, error_type?}"),
    ({"system_outages": [{"start_s": 5, "end_s": 5}]}, f"{F}.system_outages[0].end_s", 5,
     "number > start_s (5)"),
    ({"system_outages": [{"start_s": -1, "end_s": 5}]}, f"{F}.system_outages[0].start_s", -1, "number >= 0"),
    ({"system_outages": [{"end_s": 5}]}, f"{F}.system_outages[0].start_s", "<missing>", "number >= 0"),
    ({"system_outages": [{"start_s": 0, "end_s": 1, "error_type": "KMSBroken"}]},
     f"{F}.system_outages[0].error_type", "KMSBroken", ALLOWED_NAMES),
    ({"system_outages": [{"start_s": 0, "end_s": 1, "message": "x"}]}, f"{F}.system_outages[0].message",
     "message", "one of the keys start_s, end_s, error_type"),
])
def test_bad_system_error_fields_name_the_field_value_and_range(d, field, value, allowed):
    with pytest.raises(InvalidParameterValueException) as info:
        FailureModel.from_dict(d, F)
    shown = value if value == "<missing>" else repr(value)
    assert str(info.value) == f"{field}: {shown} is not valid; allowed: {allowed}"


def test_aws_error_names_are_the_invoke_apis_5xx_codes():
    assert SYSTEM_ERRORS["ServiceException"] == 500
    assert {SYSTEM_ERRORS[name] for name in SYSTEM_ERRORS if name != "ServiceException"} == {502}
    named = {"EC2ThrottledException", "ENILimitReachedException", "KMSAccessDeniedException"}
    assert named <= set(SYSTEM_ERRORS)


# -- the timeline -----------------------------------------------------------------------------------------


def test_the_timeline_marks_system_errors_with_their_own_legend_entry():
    result = ls.run(ls.Scenario.from_yaml(SCENARIO_YAML))
    fig = timeline(result)
    (mark,) = [a for a in fig.axes[0].get_children() if a.get_gid() == "system_errors"]
    assert list(mark.get_xdata()) == [0.0, 1.0, 3.0, 7.0, 15.0, 31.0]
    assert [a for a in fig.axes[0].get_children() if a.get_gid() == "throttles"] == []
    labels = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    assert "system error, 5xx (backs off)" in labels
