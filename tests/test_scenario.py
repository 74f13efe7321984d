"""Scenario: the README's file shape, defaults, round trips, presets, validation and replace."""

import copy
import dataclasses
import json
import pickle
from pathlib import Path

import pytest

from lambdasim.model.dists import Constant, Cycle, Empirical, Exponential, LogNormal, Uniform
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.failures import FailureModel, Outage
from lambdasim.model.scenario import (
    Account,
    DestinationConfig,
    EventInvokeConfig,
    FunctionConfig,
    QueueSettings,
    Scenario,
)
from lambdasim.model.workloads import Burst, Events, Poisson, ScheduledEvent
from lambdasim.model.workloads import Constant as Steady

PRESETS = Path(__file__).resolve().parent.parent / "data" / "scenarios"
SQS = "arn:aws:sqs:us-east-1:123456789012:orders"

DESIGN_EXAMPLE = f"""
seed: 7
horizon_s: 7200              # optional
dispatch: aws
account:
  ConcurrentExecutions: 1000
functions:
  orders:
    Timeout: 3
    MemorySize: 128
    Architectures: [x86_64]
    ReservedConcurrentExecutions: 10
    duration: {{dist: exponential, mean_s: 0.4}}
    cold_start: {{dist: constant, value_s: 0.25}}
    keep_alive_s: 600
    failures: {{error_probability: 0.2, outages: [{{start_s: 600, end_s: 900}}]}}
    handler: mypackage.handlers:process
    EventInvokeConfig:
      MaximumRetryAttempts: 2
      MaximumEventAgeInSeconds: 3600
      DestinationConfig:
        OnSuccess: {{Destination: "{SQS}-ok"}}
        OnFailure: {{Destination: "{SQS}-failed"}}
    DeadLetterConfig: {{TargetArn: "{SQS}-dlq"}}
targets:
  "{SQS}-failed": {{unavailable: [{{start_s: 100, end_s: 200}}]}}
workloads:
  - {{function: orders, arrivals: poisson, rate_per_s: 5, start_s: 0, end_s: 600}}
  - {{function: orders, arrivals: burst, count: 500, at_s: 120}}
  - {{function: orders, arrivals: events, events: [{{at_s: 0, payload: {{id: 1}}}}]}}
"""


def test_design_example_loads_into_typed_values():
    s = Scenario.from_yaml(DESIGN_EXAMPLE, trust=True)
    assert (s.seed, s.horizon_s, s.dispatch, s.account) == (7, 7200.0, "aws", Account(1000))
    assert s.functions["orders"] == FunctionConfig(
        timeout_s=3, memory_mb=128, architecture="x86_64", reserved_concurrency=10,
        duration=Exponential(0.4), cold_start=Constant(0.25), keep_alive_s=600.0,
        failures=FailureModel(error_probability=0.2, outages=(Outage(600.0, 900.0),)),
        handler="mypackage.handlers:process",
        event_invoke_config=EventInvokeConfig(2, 3600, DestinationConfig(f"{SQS}-ok", f"{SQS}-failed")),
        dead_letter_target_arn=f"{SQS}-dlq")
    assert s.workloads == (Poisson("orders", 5, 600), Burst("orders", 500, 120.0),
                           Events("orders", (ScheduledEvent(0, {"id": 1}),)))
    assert dict(s.targets) == {f"{SQS}-failed": {"unavailable": ({"start_s": 100.0, "end_s": 200.0},)}}


def test_defaults_follow_aws_and_design():
    s = Scenario.from_dict({"functions": {"orders": None}})
    fn = s.functions["orders"]
    assert fn == FunctionConfig()
    assert (fn.timeout_s, fn.memory_mb, fn.architecture, fn.reserved_concurrency) == (3, 128, "x86_64", None)
    assert (fn.duration, fn.cold_start, fn.keep_alive_s) == (Constant(0.1), Constant(0.25), 600.0)
    invoke = fn.event_invoke_config
    assert (invoke.maximum_retry_attempts, invoke.maximum_event_age_s) == (2, 21600)
    assert fn.event_invoke_config.destination_config == DestinationConfig(None, None)
    assert fn.dead_letter_target_arn is None and fn.handler is None and not fn.failures.active
    assert s.account == Account(1000, "us-east-1", "123456789012")
    assert s.queue == QueueSettings((60.0, 120.0), 10.0, 1.0, 300.0, 0.5, 0.0, 0.5, 1048576)
    assert (s.workloads, dict(s.targets), s.seed, s.horizon_s, s.dispatch, s.start_time) == (
        (), {}, 0, None, "aws", "2025-01-01T00:00:00Z")


def everything() -> Scenario:
    """A scenario using every distribution, workload kind and optional setting."""
    dists = [Constant(0.0), Exponential(0.4), LogNormal(0.2, 0.5), Uniform(0.1, 0.3), Empirical((0.1, 0.5)),
             Cycle((5.0, 1.0))]
    functions = {f"fn-{i}": FunctionConfig(duration=d, cold_start=dists[-1 - i]) for i, d in enumerate(dists)}
    functions["fn-2"] = dataclasses.replace(functions["fn-2"], provisioned={"1": 1})  # publishes version 1
    functions["orders_2"] = FunctionConfig(
        timeout_s=900, memory_mb=10240, architecture="arm64", reserved_concurrency=0, keep_alive_s=0,
        failures=FailureModel(0.5, (Outage(1, 2, "X", "y"),), ({"id": 13},), "Boom", "bang"),
        handler="json:dumps",
        event_invoke_config=EventInvokeConfig(0, 60, DestinationConfig(
            "arn:aws:lambda:us-east-1:123456789012:function:fn-1", "arn:aws:s3:::bucket")),
        dead_letter_target_arn="arn:aws:sns:us-east-1:123456789012:topic")
    workloads = (Events("fn-0", (ScheduledEvent(1, {"id": 1}), ScheduledEvent(0))),
                 Steady("fn-1", 2, 60, start_s=5, payload={"a": [1]}, payload_size_bytes=300_000),
                 Poisson("fn-2", 5, 600, qualifier="1"), Burst("orders_2", 3, at_s=1.5, payload="x"))
    return Scenario(functions, workloads, Account(3000, "eu-west-1", "000000000001"),
                    QueueSettings((30.0, 90.0), 5.0, 0.5, 60.0, 0.25, 0.01, 2.0, 262144),
                    {SQS: {"unavailable": [{"start_s": 0, "end_s": 1}]}}, seed=3, horizon_s=900,
                    dispatch="ideal", start_time="2024-06-01T12:00:00Z", max_events=20_000_000)


def test_round_trip_with_every_workload_kind_and_distribution():
    s = everything()
    assert Scenario.from_dict(s.to_dict(), trust=True) == s
    assert Scenario.from_yaml(s.to_yaml(), trust=True) == s
    assert Scenario.from_dict(json.loads(json.dumps(s.to_dict())), trust=True) == s
    assert {f.duration.name for f in s.functions.values()} >= {"constant", "exponential", "lognormal",
                                                                "uniform", "empirical", "cycle"}
    assert {w.kind for w in s.workloads} == {"events", "constant", "poisson", "burst"}


def test_round_trip_of_defaults_and_design_example():
    for s in (Scenario({"a": FunctionConfig()}), Scenario.from_yaml(DESIGN_EXAMPLE, trust=True)):
        assert Scenario.from_dict(s.to_dict(), trust=True) == s
        assert Scenario.from_yaml(s.to_yaml(), trust=True) == s


def test_to_dict_uses_the_aws_names():
    d = Scenario.from_yaml(DESIGN_EXAMPLE, trust=True).to_dict()
    assert list(d) == ["seed", "horizon_s", "dispatch", "start_time", "account", "functions", "queue",
                       "targets", "workloads"]
    assert d["functions"]["orders"] == {
        "Timeout": 3, "MemorySize": 128, "Architectures": ["x86_64"], "ReservedConcurrentExecutions": 10,
        "duration": {"dist": "exponential", "mean_s": 0.4},
        "cold_start": {"dist": "constant", "value_s": 0.25},
        "keep_alive_s": 600.0, "failures": {"error_probability": 0.2, "outages": [{"start_s": 600.0,
                                                                                   "end_s": 900.0}]},
        "handler": "mypackage.handlers:process",
        "EventInvokeConfig": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600,
                              "DestinationConfig": {"OnSuccess": {"Destination": f"{SQS}-ok"},
                                                    "OnFailure": {"Destination": f"{SQS}-failed"}}},
        "DeadLetterConfig": {"TargetArn": f"{SQS}-dlq"}}
    assert d["account"] == {"ConcurrentExecutions": 1000, "region": "us-east-1", "account_id": "123456789012",
                            "function_pending_s": 1.0}
    assert "horizon_s" not in Scenario({"a": FunctionConfig()}).to_dict()


def test_empty_destination_settings_mean_none():
    destinations = {"OnSuccess": {}, "OnFailure": {"Destination": ""}}
    fn = FunctionConfig.from_dict({"EventInvokeConfig": {"DestinationConfig": destinations},
                                   "DeadLetterConfig": {}})
    assert fn.event_invoke_config.destination_config == DestinationConfig()
    assert fn.dead_letter_target_arn is None
    assert fn.to_dict()["EventInvokeConfig"]["DestinationConfig"] == {}


@pytest.mark.parametrize("name", ["retries", "throttling", "steady"])
def test_presets_load_and_round_trip(name):
    s = Scenario.from_yaml(PRESETS / f"{name}.yaml")
    assert Scenario.from_yaml(str(PRESETS / f"{name}.yaml")) == s
    assert Scenario.from_dict(s.to_dict()) == s
    assert Scenario.from_yaml(s.to_yaml()) == s


def test_preset_contents():
    retries = Scenario.from_yaml(PRESETS / "retries.yaml")
    fn = retries.functions["orders"]
    assert fn.failures.error_probability == 1.0
    invoke = fn.event_invoke_config
    assert (invoke.maximum_retry_attempts, invoke.maximum_event_age_s) == (2, 21600)
    assert [w.kind for w in retries.workloads] == ["events"] and len(retries.workloads[0].events) == 3
    throttling = Scenario.from_yaml(PRESETS / "throttling.yaml")
    fn = throttling.functions["orders"]
    assert (fn.reserved_concurrency, fn.duration, fn.event_invoke_config.maximum_event_age_s) == (
        1, Constant(30.0), 60)
    assert fn.timeout_s >= 30
    assert throttling.workloads == (Burst("orders", 10, 0.0),)
    steady = Scenario.from_yaml(PRESETS / "steady.yaml")
    fn = steady.functions["orders"]
    assert (type(fn.duration), fn.failures.error_probability) == (Exponential, 0.05)
    assert steady.workloads == (Poisson("orders", 5, 600),)


def test_from_yaml_reads_text_and_paths(tmp_path):
    path = tmp_path / "s.yml"
    path.write_text("functions: {orders: {Timeout: 10}}\nseed: 4\n")
    for source in (path, str(path), path.read_text()):
        s = Scenario.from_yaml(source)
        assert (s.functions["orders"].timeout_s, s.seed) == (10, 4)


def test_empty_sections_mean_defaults():
    s = Scenario.from_yaml("functions:\n  orders:\naccount:\nqueue:\ntargets:\nworkloads:\nhorizon_s:\n")
    assert s == Scenario({"orders": FunctionConfig()})


def test_workload_end_defaults_to_the_horizon():
    s = Scenario.from_dict({"horizon_s": 300, "functions": {"orders": {}},
                            "workloads": [{"function": "orders", "arrivals": "poisson", "rate_per_s": 2}]})
    assert s.workloads == (Poisson("orders", 2, 300),)


def test_function_arn():
    s = Scenario({"orders": FunctionConfig()}, account=Account(region="eu-west-1", account_id="111122223333"))
    assert s.function_arn("orders") == "arn:aws:lambda:eu-west-1:111122223333:function:orders"
    assert s.function_arn("orders", "$LATEST") == (
        "arn:aws:lambda:eu-west-1:111122223333:function:orders:$LATEST")


def test_scenario_pickles_and_deep_copies():
    s = everything()
    assert pickle.loads(pickle.dumps(s)) == s
    assert copy.deepcopy(s) == s


def test_scenario_is_immutable():
    s = everything()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.seed = 1
    with pytest.raises(TypeError):
        s.functions["new"] = FunctionConfig()
    with pytest.raises(TypeError):
        s.targets[SQS] = {}


# -- validation: the dotted path as written, the value and the range --------------------------------

def base(**changes):
    d = {"functions": {"orders": {}}, "workloads": [{"function": "orders", "arrivals": "burst", "count": 1}]}
    d.update(changes)
    return d


def fn(**settings):
    return base(functions={"orders": settings})


def eic(**settings):
    return fn(EventInvokeConfig=settings)


KEYS = ("Timeout, MemorySize, Architectures, ReservedConcurrentExecutions, duration, cold_start, "
        "keep_alive_s, failures, handler, EventInvokeConfig, DeadLetterConfig, RecursiveLoop, Environment, "
        "ProvisionedConcurrencyConfigs, VersionEventInvokeConfigs")
TOP = ("functions, workloads, account, queue, targets, seed, horizon_s, dispatch, start_time, max_events, "
       "EventSourceMappings")
SELF = "arn:aws:lambda:us-east-1:123456789012:function:orders"
ON_SUCCESS = "None or an SQS queue, SNS topic, Lambda function or EventBridge bus ARN"


@pytest.mark.parametrize("d, field, value, allowed", [
    (fn(Timeout=0), "functions.orders.Timeout", 0, "integer 1-900"),
    (fn(Timeout=901), "functions.orders.Timeout", 901, "integer 1-900"),
    (fn(Timeout=2.5), "functions.orders.Timeout", 2.5, "integer 1-900"),
    (fn(Timeout="3"), "functions.orders.Timeout", "3", "integer 1-900"),
    (fn(MemorySize=64), "functions.orders.MemorySize", 64, "integer 128-10240"),
    (fn(MemorySize=10241), "functions.orders.MemorySize", 10241, "integer 128-10240"),
    (fn(Architectures=["x86"]), "functions.orders.Architectures", ["x86"], "[x86_64] or [arm64]"),
    (fn(Architectures="arm64"), "functions.orders.Architectures", "arm64", "[x86_64] or [arm64]"),
    (fn(ReservedConcurrentExecutions=-1), "functions.orders.ReservedConcurrentExecutions", -1,
     "None or integer >= 0"),
    (fn(keep_alive_s=-1), "functions.orders.keep_alive_s", -1, "number >= 0"),
    (fn(duration={"dist": "exponential", "mean_s": 0}), "functions.orders.duration.mean_s", 0, "number > 0"),
    (fn(cold_start={"dist": "uniform", "low_s": 1, "high_s": 0}), "functions.orders.cold_start.high_s", 0,
     "number >= low_s (1)"),
    (fn(failures={"error_probability": 2}), "functions.orders.failures.error_probability", 2, "number 0-1"),
    (fn(handler="not a handler"), "functions.orders.handler", "not a handler",
     "None, a callable or 'package.module:function'"),
    (fn(Timeot=3), "functions.orders.Timeot", "Timeot", f"one of the keys {KEYS}"),
    (fn(DeadLetterConfig={"TargetArn": "arn:aws:lambda:us-east-1:123456789012:function:x"}),
     "functions.orders.DeadLetterConfig.TargetArn", "arn:aws:lambda:us-east-1:123456789012:function:x",
     "None or an SQS queue or SNS topic ARN"),
    (fn(DeadLetterConfig={"Target": SQS}), "functions.orders.DeadLetterConfig.Target", "Target",
     "one of the keys TargetArn"),
    (eic(MaximumRetryAttempts=3), "functions.orders.EventInvokeConfig.MaximumRetryAttempts", 3,
     "integer 0-2"),
    (eic(MaximumEventAgeInSeconds=59), "functions.orders.EventInvokeConfig.MaximumEventAgeInSeconds", 59,
     "integer 60-21600"),
    (eic(MaximumEventAgeInSeconds=21601), "functions.orders.EventInvokeConfig.MaximumEventAgeInSeconds",
     21601, "integer 60-21600"),
    (eic(MaximumRetries=1), "functions.orders.EventInvokeConfig.MaximumRetries", "MaximumRetries",
     "one of the keys MaximumRetryAttempts, MaximumEventAgeInSeconds, DestinationConfig"),
    (eic(DestinationConfig={"OnSuccess": {"Destination": "arn:aws:s3:::bucket"}}),
     "functions.orders.EventInvokeConfig.DestinationConfig.OnSuccess.Destination", "arn:aws:s3:::bucket",
     ON_SUCCESS),
    (eic(DestinationConfig={"OnFailure": {"Destination": "queue-name"}}),
     "functions.orders.EventInvokeConfig.DestinationConfig.OnFailure.Destination", "queue-name",
     "None or an SQS queue, SNS topic, Lambda function, EventBridge bus or S3 bucket ARN"),
    (eic(DestinationConfig={"OnSucess": {}}), "functions.orders.EventInvokeConfig.DestinationConfig.OnSucess",
     "OnSucess", "one of the keys OnSuccess, OnFailure"),
    (eic(DestinationConfig={"OnSuccess": SQS}),
     "functions.orders.EventInvokeConfig.DestinationConfig.OnSuccess", SQS,
     "a mapping with keys Destination"),
    (eic(DestinationConfig={"OnFailure": {"Destination": f"{SELF}-missing"}}),
     "functions.orders.EventInvokeConfig.DestinationConfig.OnFailure.Destination", f"{SELF}-missing",
     f"the ARN of one of the functions orders (AWS: The destination ARN {SELF}-missing is invalid.)"),
    (eic(DestinationConfig={"OnFailure": {"Destination": f"{SELF}:live"}}),
     "functions.orders.EventInvokeConfig.DestinationConfig.OnFailure.Destination",
     f"{SELF}:live", "a destination other than the function itself"),
    (base(functions={"bad name": {}}), "functions.bad name", "bad name",
     "a function name of 1-64 letters, digits, '-' or '_'"),
    (base(functions={}), "functions", {}, "a mapping of at least one function name to its settings"),
    (base(functions=["orders"]), "functions", ["orders"],
     "a mapping of at least one function name to its settings"),
    (base(functions={"orders": 3}), "functions.orders", 3, f"a mapping with keys {KEYS}"),
    (base(workloads=[{"function": "order", "arrivals": "burst", "count": 1}]), "workloads[0].function",
     "order", "one of the functions orders"),
    (base(workloads=[{"function": "orders", "arrivals": "burst", "count": 1},
                     {"function": "orders", "arrivals": "poisson", "rate_per_s": 0, "end_s": 1}]),
     "workloads[1].rate_per_s", 0, "number > 0"),
    (base(workloads={"function": "orders"}), "workloads", {"function": "orders"}, "a list of workloads"),
    (base(seed=-1), "seed", -1, "integer >= 0"),
    (base(seed=1.5), "seed", 1.5, "integer >= 0"),
    (base(horizon_s=0), "horizon_s", 0, "None or number > 0"),
    (base(dispatch="fast"), "dispatch", "fast", "aws or ideal"),
    (base(start_time="yesterday"), "start_time", "yesterday",
     "an ISO 8601 UTC time such as 2025-01-01T00:00:00Z"),
    (base(Seed=1), "Seed", "Seed", f"one of the keys {TOP}"),
    (base(account={"ConcurrentExecutions": 0}), "account.ConcurrentExecutions", 0, "integer >= 1"),
    (base(account={"region": "mars"}), "account.region", "mars", "a Region name such as us-east-1"),
    (base(account={"account_id": 123}), "account.account_id", 123, "a string of 12 digits"),
    (base(account={"Concurrency": 5}), "account.Concurrency", "Concurrency",
     "one of the keys ConcurrentExecutions, region, account_id, function_pending_s"),
    (base(queue={"payload_limit_bytes": 1000}), "queue.payload_limit_bytes", 1000, "1048576 or 262144"),
    (base(queue={"retry_delays_s": [60]}), "queue.retry_delays_s", [60], "two numbers >= 0"),
    (base(queue={"retry_delays_s": [60, -1]}), "queue.retry_delays_s[1]", -1, "number >= 0"),
    (base(queue={"throttle_jitter": 2}), "queue.throttle_jitter", 2, "number 0-1"),
    (base(queue={"duplicate_probability": -0.5}), "queue.duplicate_probability", -0.5, "number 0-1"),
    (base(queue={"throttle_backoff_base_s": 0}), "queue.throttle_backoff_base_s", 0, "number > 0"),
    (base(queue={"throttle_backoff_max_s": 0.5}), "queue.throttle_backoff_max_s", 0.5,
     "number >= throttle_backoff_base_s (1)"),
    (base(targets={"not-an-arn": {}}), "targets.not-an-arn", "not-an-arn", "a destination ARN"),
    (base(targets={SQS: {"down": []}}), f"targets.{SQS}.down", "down",
     "one of the keys unavailable, Attributes"),
    (base(targets={SQS: {"unavailable": [{"start_s": 5, "end_s": 1}]}}),
     f"targets.{SQS}.unavailable[0].end_s", 1, "number > start_s (5)"),
])
def test_bad_scenario_names_the_field_value_and_range(d, field, value, allowed):
    with pytest.raises(InvalidParameterValueException) as info:
        Scenario.from_dict(d)
    assert str(info.value) == f"{field}: {value!r} is not valid; allowed: {allowed}"
    assert info.value.fields == {"field": field, "value": value, "allowed": allowed}
    assert info.value.code == "InvalidParameterValueException" and info.value.http_status == 400


AWS_RESERVED = ("Specified ReservedConcurrentExecutions for function decreases account's "
                "UnreservedConcurrentExecution below its minimum value of [100].")


def test_reserved_concurrency_must_leave_100_unreserved():
    ok = Scenario.from_dict({"functions": {"a": {"ReservedConcurrentExecutions": 500},
                                           "b": {"ReservedConcurrentExecutions": 400}}})
    assert sum(f.reserved_concurrency for f in ok.functions.values()) == 900
    with pytest.raises(InvalidParameterValueException) as info:
        Scenario.from_dict({"functions": {"a": {"ReservedConcurrentExecutions": 500}, "c": {},
                                          "b": {"ReservedConcurrentExecutions": 401}}})
    assert str(info.value) == ("functions.b.ReservedConcurrentExecutions: 401 is not valid; "
                               f"allowed: integer 0-400; {AWS_RESERVED}")
    assert str(info.value).endswith(AWS_RESERVED)


def test_small_accounts_keep_their_whole_limit_unreserved():
    small = {"account": {"ConcurrentExecutions": 50}}
    assert Scenario.from_dict({**small, "functions": {"a": {"ReservedConcurrentExecutions": 0}}})
    with pytest.raises(InvalidParameterValueException,
                       match=r"^functions\.a\.ReservedConcurrentExecutions: 1 is not valid; "
                             r"allowed: integer 0-0; .*\[50\]\.$"):
        Scenario.from_dict({**small, "functions": {"a": {"ReservedConcurrentExecutions": 1}}})


def test_missing_functions_and_bad_yaml():
    with pytest.raises(InvalidParameterValueException) as info:
        Scenario.from_dict({"seed": 1})
    assert str(info.value) == ("functions: <missing> is not valid; "
                               "allowed: a mapping of at least one function name to its settings")
    with pytest.raises(InvalidParameterValueException) as info:
        Scenario.from_yaml("just text")
    assert str(info.value) == f"scenario: 'just text' is not valid; allowed: a mapping with keys {TOP}"
    with pytest.raises(InvalidParameterValueException,
                       match=r"^scenario: .*allowed: valid YAML \(while parsing"):
        Scenario.from_yaml("functions: {orders: [\n")


@pytest.mark.parametrize("build, message", [
    (lambda: FunctionConfig(timeout_s=0), "FunctionConfig.timeout_s: 0 is not valid; allowed: integer 1-900"),
    (lambda: FunctionConfig(architecture="arm"), "FunctionConfig.architecture: 'arm' is not valid; "
                                                 "allowed: x86_64 or arm64"),
    (lambda: FunctionConfig(duration={"dist": "constant", "value_s": 1}),
     "FunctionConfig.duration: {'dist': 'constant', 'value_s': 1} is not valid; "
     "allowed: a Distribution (plain dicts are read by Scenario.from_dict)"),
    (lambda: EventInvokeConfig(maximum_retry_attempts=5),
     "EventInvokeConfig.maximum_retry_attempts: 5 is not valid; allowed: integer 0-2"),
    (lambda: DestinationConfig(on_success="sqs"),
     f"DestinationConfig.on_success: 'sqs' is not valid; allowed: {ON_SUCCESS}"),
    (lambda: QueueSettings(retry_delays_s=(1, 2, 3)),
     "QueueSettings.retry_delays_s: (1, 2, 3) is not valid; allowed: two numbers >= 0"),
    (lambda: QueueSettings(payload_limit_bytes=True),
     "QueueSettings.payload_limit_bytes: True is not valid; allowed: 1048576 or 262144"),
    (lambda: Scenario({"orders": {}}),
     "functions.orders: {} is not valid; "
     "allowed: a FunctionConfig (plain dicts are read by Scenario.from_dict)"),
    (lambda: Scenario({"orders": FunctionConfig()}, (Burst("billing", 1),)),
     "workloads[0].function: 'billing' is not valid; allowed: one of the functions orders"),
])
def test_python_construction_validates_too(build, message):
    with pytest.raises(InvalidParameterValueException) as info:
        build()
    assert str(info.value) == message


# -- replace -----------------------------------------------------------------------------------------

def test_replace_top_level_and_nested_fields():
    s = Scenario.from_yaml(DESIGN_EXAMPLE, trust=True)
    r = s.replace({"functions.orders.reserved_concurrency": 5,
                   "functions.orders.event_invoke_config.maximum_retry_attempts": 0,
                   "workloads[0].rate_per_s": 9, "workloads.1.count": 7}, seed=3)
    assert r.seed == 3
    assert r.functions["orders"].reserved_concurrency == 5
    assert r.functions["orders"].event_invoke_config == dataclasses.replace(
        s.functions["orders"].event_invoke_config, maximum_retry_attempts=0)
    assert (r.workloads[0].rate_per_s, r.workloads[1].count, r.workloads[2]) == (9.0, 7, s.workloads[2])
    assert r.functions["orders"].duration == s.functions["orders"].duration
    assert s.seed == 7 and s.functions["orders"].reserved_concurrency == 10  # the original is unchanged
    assert Scenario.from_dict(r.to_dict(), trust=True) == r


def test_replace_applies_related_changes_together():
    s = Scenario({"orders": FunctionConfig()})
    r = s.replace({"queue.throttle_backoff_base_s": 500, "queue.throttle_backoff_max_s": 600,
                   "functions.orders.duration": Uniform(1, 2), "functions.billing": FunctionConfig()})
    assert (r.queue.throttle_backoff_base_s, r.queue.throttle_backoff_max_s) == (500.0, 600.0)
    assert r.functions["orders"].duration == Uniform(1, 2)
    assert list(r.functions) == ["orders", "billing"]
    assert s.replace() == s


@pytest.mark.parametrize("changes, message", [
    ({"functions.orders.timeout_s": 0}, "functions.orders.timeout_s: 0 is not valid; allowed: integer 1-900"),
    ({"functions.orders.event_invoke_config.maximum_event_age_s": 10},
     "functions.orders.event_invoke_config.maximum_event_age_s: 10 is not valid; allowed: integer 60-21600"),
    ({"functions.orders.duration.mean_s": 1},
     "functions.orders.duration.mean_s: 'mean_s' is not valid; allowed: one of the fields value_s"),
    ({"functions.billing.timeout_s": 5},
     "functions.billing: 'billing' is not valid; allowed: one of the functions orders"),
    ({"workloads[3].count": 1}, "workloads[3]: 3 is not valid; allowed: one of the indexes 0"),
    ({"seed": -1}, "seed: -1 is not valid; allowed: integer >= 0"),
    ({"seed.value": 1}, "seed.value: 'value' is not valid; allowed: nothing: seed is a plain value, "
                        "to be replaced whole"),
    ({"queue.throttle_backoff_base_s": 500},
     "queue.throttle_backoff_max_s: 300.0 is not valid; allowed: number >= throttle_backoff_base_s (500)"),
    ({"functions.orders.reserved_concurrency": 901},
     "functions.orders.ReservedConcurrentExecutions: 901 is not valid; "
     f"allowed: integer 0-900; {AWS_RESERVED}"),
    ({"functions.orders": FunctionConfig(), "functions.orders.timeout_s": 4},
     "functions.orders.timeout_s: 4 is not valid; allowed: paths that do not overlap with one another"),
])
def test_replace_errors_name_the_path_as_written(changes, message):
    s = Scenario({"orders": FunctionConfig()}, (Burst("orders", 1),))
    with pytest.raises(InvalidParameterValueException) as info:
        s.replace(changes)
    assert str(info.value) == message


def test_replace_keyword_with_an_unknown_field():
    with pytest.raises(InvalidParameterValueException,
                       match=r"^seeds: 'seeds' is not valid; allowed: one of the fields functions, "):
        Scenario({"orders": FunctionConfig()}).replace(seeds=3)


def module_level_handler(event, context):
    return event


def test_callable_handlers_round_trip_in_python_and_yaml():
    s = Scenario({"orders": FunctionConfig(handler=module_level_handler)})
    assert Scenario.from_dict(s.to_dict()) == s
    assert s.to_dict()["functions"]["orders"]["handler"] is module_level_handler
    text = s.to_yaml()
    assert f"handler: {__name__}:module_level_handler" in text
    with pytest.raises(InvalidParameterValueException) as info:
        Scenario({"orders": FunctionConfig(handler=lambda e, c: e)}).to_yaml()
    assert info.value.fields["field"] == "functions.orders.handler"
    assert info.value.fields["allowed"] == "a module-level function"


def test_the_nominal_throttle_backoff_doubles_from_one_second_to_five_minutes():
    # docs/aws-behaviour.md §4: "from 1 second after the first attempt to at most 5 minutes"
    queue = QueueSettings()
    assert [queue.throttle_backoff_s(n) for n in range(1, 12)] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
