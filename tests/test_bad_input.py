"""Bad input to the step-by-step API, the native client and real boto3 is refused clearly (issue 11).

Every case asserts the exception's type and that its message names the field (the parameter), the
value given and what is allowed; for the Lambda API, AWS's error code, message and HTTP status as
botocore parses them. A refused call changes nothing: no event, no row, no clock movement. Scenario
files and dicts have their own module (``test_bad_input_files.py``); the API contract cases that
both clients share are in ``api_cases.py`` (not repeated here).
"""

import math
from pathlib import Path

import boto3
import pytest
from api_cases import ROLE
from botocore.exceptions import ClientError, ParamValidationError
from helpers import api_scenario, error_of, one_function, prepare

import lambdasim as ls
from lambdasim.aws.mock import mock_aws
from lambdasim.model import rules
from lambdasim.model.dists import Constant
from lambdasim.model.errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    LambdaError,
)

PACKAGE = Path(ls.__file__).resolve().parent
NAN_BODY = b'{"x": NaN}'
JSON = rules.JSON_PAYLOAD_ALLOWED


def not_json(detail):
    """AWS's message for a request body that is not JSON, with the parser's complaint."""
    return "Could not parse request body into json: Could not parse payload into json: " + detail


def non_standard(token):
    return not_json(f"Non-standard token '{token}': "
                    "enable JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS to allow")


def state(sim):
    """Everything a refused call must leave as it was."""
    r = sim.recorder
    return (sim.queue.accepted, r.attempt_count, r.event_count, len(r.rejected), len(r.settings), sim.now,
            {name: fn.config for name, fn in sim.functions.items()})


# -- the step-by-step API ------------------------------------------------------------------------------

IPV, IRC = InvalidParameterValueException, InvalidRequestContentException
UNTIL = "None or a finite number of virtual seconds >= now (0)"
FUNCTION = "a function name, ARN or partial ARN (a non-empty str)"
SIZE = "None or a whole number of bytes >= 0"
PERIOD = "a finite number of seconds > 0"
SETTINGS = ("one of the settings timeout_s, memory_mb, architecture, duration, cold_start, keep_alive_s, "
            "failures, handler, dead_letter_target_arn, recursive_loop, environment")
EIC_SETTINGS = "one of the settings maximum_retry_attempts, maximum_event_age_s, on_success, on_failure"

#: (id, call on a fresh Simulation of one_function(), exception, field, value as shown, allowed, AWS detail)
STEP_CASES = [
    # run(until=...): a finite number, not before now
    ("run-until-nan", lambda s: s.run(until=math.nan), IPV, "until", "nan", UNTIL, None),
    ("run-until-inf", lambda s: s.run(until=math.inf), IPV, "until", "inf", UNTIL, None),
    ("run-until-minus-inf", lambda s: s.run(until=-math.inf), IPV, "until", "-inf", UNTIL, None),
    ("run-until-negative", lambda s: s.run(until=-1), IPV, "until", "-1", UNTIL, None),
    ("run-until-str", lambda s: s.run(until="10"), IPV, "until", "'10'", UNTIL, None),
    ("run-until-bool", lambda s: s.run(until=True), IPV, "until", "True", UNTIL, None),
    ("run-until-list", lambda s: s.run(until=[10]), IPV, "until", "[10]", UNTIL, None),
    # invoke: the function and qualifier are names
    ("invoke-function-int", lambda s: s.invoke(123), IPV, "function", "123", FUNCTION, None),
    ("invoke-function-none", lambda s: s.invoke(None), IPV, "function", "None", FUNCTION, None),
    ("invoke-function-empty", lambda s: s.invoke(""), IPV, "function", "''", FUNCTION, None),
    ("invoke-function-bytes", lambda s: s.invoke(b"orders"), IPV, "function", "b'orders'", FUNCTION, None),
    ("invoke-qualifier-int", lambda s: s.invoke("orders", qualifier=1), IPV, "qualifier", "1",
     "None or a version or alias name (a non-empty str)", None),
    # invoke: the payload must be JSON, as AWS requires of the body
    ("invoke-payload-object", lambda s: s.invoke("orders", payload=object()), IRC, "payload",
     "<object object", JSON, not_json("Object of type object is not JSON serializable")),
    ("invoke-payload-nan", lambda s: s.invoke("orders", payload={"x": math.nan}), IRC, "payload",
     "{'x': nan}", JSON, non_standard("NaN")),
    ("invoke-payload-infinity", lambda s: s.invoke("orders", payload=[1, math.inf]), IRC, "payload",
     "[1, inf]", JSON, non_standard("Infinity")),
    ("invoke-payload-minus-infinity", lambda s: s.invoke("orders", payload={"a": {"b": -math.inf}}), IRC,
     "payload", "{'a': {'b': -inf}}", JSON, non_standard("-Infinity")),
    ("invoke-payload-set", lambda s: s.invoke("orders", payload={"ids": {1, 2}}), IRC, "payload",
     "{'ids': {1, 2}}", JSON, not_json("Object of type set is not JSON serializable")),
    ("invoke-payload-bytes-nan", lambda s: s.invoke("orders", payload=NAN_BODY), IRC, "payload",
     repr(NAN_BODY), JSON, non_standard("NaN")),
    ("invoke-payload-bytes-not-json", lambda s: s.invoke("orders", payload=b"id=1"), IRC, "payload",
     "b'id=1'", JSON, not_json("Expecting value: line 1 column 1 (char 0)")),
    ("invoke-payload-bytes-not-utf8", lambda s: s.invoke("orders", payload=b"\x87{}"), IRC, "payload",
     "b'\\x87{}'", JSON, not_json("Invalid UTF-8 start byte 0x87")),
    ("invoke-raw-payload-str", lambda s: s.invoke("orders", raw_payload='{"id": 1}'), IPV, "raw_payload",
     "'{\"id\": 1}'", "None or the request body as bytes", None),
    ("invoke-raw-payload-nan", lambda s: s.invoke("orders", raw_payload=b"[NaN]"), IRC, "raw_payload",
     "b'[NaN]'", JSON, non_standard("NaN")),
    # invoke: payload_size_bytes is a whole number of bytes
    ("invoke-size-negative", lambda s: s.invoke("orders", payload_size_bytes=-5), IPV, "payload_size_bytes",
     "-5", SIZE, None),
    ("invoke-size-fraction", lambda s: s.invoke("orders", payload_size_bytes=1.5), IPV, "payload_size_bytes",
     "1.5", SIZE, None),
    ("invoke-size-str", lambda s: s.invoke("orders", payload_size_bytes="10"), IPV, "payload_size_bytes",
     "'10'", SIZE, None),
    ("invoke-size-nan", lambda s: s.invoke("orders", payload_size_bytes=math.nan), IPV, "payload_size_bytes",
     "nan", SIZE, None),
    # invoke_sync and dry_run
    ("sync-function-int", lambda s: s.invoke_sync(5), IPV, "function", "5", FUNCTION, None),
    ("sync-payload-nan", lambda s: s.invoke_sync("orders", {"x": math.nan}), IRC, "payload", "{'x': nan}",
     JSON, non_standard("NaN")),
    ("sync-payload-object", lambda s: s.invoke_sync("orders", object()), IRC, "payload", "<object object",
     JSON, not_json("Object of type object is not JSON serializable")),
    ("sync-payload-bytes-infinity", lambda s: s.invoke_sync("orders", b"Infinity"), IRC, "payload",
     "b'Infinity'", JSON, non_standard("Infinity")),
    ("dry-run-function-list", lambda s: s.dry_run(["orders"]), IPV, "function", "['orders']", FUNCTION, None),
    # functions: create, update
    ("create-function-config-none", lambda s: s.create_function("x", None), IPV, "config", "None",
     "a FunctionConfig, or a dict in the scenario-file shape of a function", None),
    ("create-function-config-str", lambda s: s.create_function("x", "Timeout: 3"), IPV, "config",
     "'Timeout: 3'", "a FunctionConfig, or a dict in the scenario-file shape of a function", None),
    ("create-function-dict-unknown-key", lambda s: s.create_function("x", {"timeout": 3}), IPV,
     "functions.x.timeout", "'timeout'", "one of the keys Timeout, MemorySize", None),
    ("create-function-dict-bad-value", lambda s: s.create_function("x", {"Timeout": 0}), IPV,
     "functions.x.Timeout", "0", "integer 1-900", None),
    ("create-function-name-int", lambda s: s.create_function(5, ls.FunctionConfig()), IPV, "FunctionName",
     "5", "1-64 letters, digits, '-' or '_'", None),
    ("update-function-unknown-setting", lambda s: s.update_function("orders", nope=1), IPV, "nope", "1",
     SETTINGS, None),
    ("update-function-aws-name", lambda s: s.update_function("orders", Timeout=30), IPV, "Timeout", "30",
     SETTINGS, None),
    ("update-function-timeout-str", lambda s: s.update_function("orders", timeout_s="30"), IPV,
     "FunctionConfig.timeout_s", "'30'", "integer 1-900", None),
    ("update-function-name-int", lambda s: s.update_function(7, timeout_s=30), IPV, "function", "7",
     "a function name (a non-empty str)", None),
    # qualifiers, aliases, event-invoke configs, concurrency
    ("publish-version-name-none", lambda s: s.publish_version(None), IPV, "function", "None",
     "a function name (a non-empty str)", None),
    ("create-alias-name-int", lambda s: s.create_alias("orders", 5, "$LATEST"), IPV, "Name", "5",
     "an alias name (a str)", None),
    ("create-alias-version-int", lambda s: s.create_alias("orders", "live", 1), IPV, "version", "1",
     "a published version number or $LATEST (a str)", None),
    ("create-alias-weights-str", lambda s: s.create_alias("orders", "live", "$LATEST", weights="1"), IPV,
     "weights", "'1'", "None or {version (str): weight from 0.0 to 1.0}", None),
    ("put-eic-unknown-setting", lambda s: s.put_event_invoke_config("orders", retries=1), IPV, "retries", "1",
     EIC_SETTINGS, None),
    ("put-eic-destination-int", lambda s: s.put_event_invoke_config("orders", on_failure=5), IPV,
     "on_failure", "5", "None or a destination ARN (str)", None),
    ("put-eic-qualifier-int", lambda s: s.put_event_invoke_config("orders", 1, maximum_retry_attempts=0), IPV,
     "qualifier", "1", "None or a version or alias name (a non-empty str)", None),
    ("put-eic-retries-str", lambda s: s.put_event_invoke_config("orders", maximum_retry_attempts="1"), IPV,
     "EventInvokeConfig.maximum_retry_attempts", "'1'", "integer 0-2", None),
    ("put-reserved-fraction", lambda s: s.put_reserved_concurrency("orders", 2.5), IPV,
     "ReservedConcurrentExecutions", "2.5", "integer >= 0", None),
    # reading: targets, ids, clock, results
    ("target-not-an-arn", lambda s: s.target(5), IPV, "arn", "5",
     "the ARN of a target (a str starting with 'arn:')", None),
    ("request-id-negative", lambda s: s.request_id(-1), IPV, "index", "-1", "a whole number >= 0", None),
    ("request-id-str", lambda s: s.request_id("0"), IPV, "index", "'0'", "a whole number >= 0", None),
    ("wall-time-str", lambda s: s.wall_time("noon"), IPV, "now", "'noon'",
     "None or a finite number of virtual seconds", None),
    ("result-copy-str", lambda s: s.result(copy="no"), IPV, "copy", "'no'", "True or False", None),
    ("metrics-period-str", lambda s: s.result().metrics("60"), IPV, "period_s", "'60'", PERIOD, None),
    ("metrics-period-zero", lambda s: s.result().metrics(0), IPV, "period_s", "0", PERIOD, None),
    ("metrics-period-nan", lambda s: s.result().metrics(math.nan), IPV, "period_s", "nan", PERIOD, None),
    ("metrics-period-inf", lambda s: s.result().metrics(math.inf), IPV, "period_s", "inf", PERIOD, None),
    ("metrics-functions-str", lambda s: s.result().metrics(functions="orders"), IPV, "functions", "'orders'",
     "None or a list of function names", None),
    ("cost-free-tier-str", lambda s: s.result().cost(free_tier="yes"), IPV, "free_tier", "'yes'",
     "True or False", None),
]


@pytest.mark.parametrize("case", STEP_CASES, ids=[c[0] for c in STEP_CASES])
def test_step_api_refuses_bad_input_by_name(case):
    _, call, error, field, shown, allowed, aws_detail = case
    sim = ls.Simulation(one_function())
    before = state(sim)
    with pytest.raises(error) as excinfo:
        call(sim)
    message = excinfo.value.message
    assert message.startswith(f"{field}: {shown}"), message
    assert f" is not valid; allowed: {allowed}" in message
    if aws_detail is not None:   # then AWS's own answer to such a body
        assert message.endswith(f". {aws_detail}")
        assert excinfo.value.http_status == 400
    # raised by lambdasim's own check, not from deep inside a library
    assert Path(str(excinfo.traceback[-1].path)).is_relative_to(PACKAGE)
    assert state(sim) == before


@pytest.mark.parametrize("call", [
    lambda s: s.run(until=5),
    lambda s: s.run(until=9.999),
], ids=["5", "9.999"])
def test_run_until_before_now_is_refused(call):
    sim = ls.Simulation(one_function())
    sim.run(until=10)
    with pytest.raises(InvalidParameterValueException) as excinfo:
        call(sim)
    assert excinfo.value.message.startswith("until: ")
    assert excinfo.value.message.endswith(
        " is not valid; allowed: None or a finite number of virtual seconds >= now (10)")
    assert sim.now == 10


def test_run_until_now_does_nothing_and_the_clock_stays_finite():
    sim = ls.Simulation(one_function())
    sim.invoke("orders")
    assert sim.run(until=0).now == 0
    with pytest.raises(InvalidParameterValueException):
        sim.run(until=math.inf)
    sim.run()   # the refused calls left the simulation usable
    assert sim.now == pytest.approx(0.2)
    assert sim.result().events["fate"].tolist() == ["succeeded"]


@pytest.mark.parametrize("scenario", ["data/scenarios/throttling.yaml", None, {"functions": {}}],
                         ids=["path", "none", "dict"])
def test_a_simulation_needs_a_scenario(scenario):
    for build in (ls.Simulation, ls.run):
        with pytest.raises(InvalidParameterValueException) as excinfo:
            build(scenario)
        assert excinfo.value.message == (
            f"scenario: {scenario!r} is not valid; allowed: a lambdasim Scenario (from a file: "
            "Scenario.from_yaml(path); from a dict: Scenario.from_dict(d))")


def test_create_function_takes_a_dict_in_the_scenario_file_shape():
    sim = ls.Simulation(one_function())
    sim.create_function("refunds", {"Timeout": 30, "MemorySize": 256, "duration": {"dist": "constant",
                                                                                   "value_s": 2}})
    assert sim.function_config("refunds") == ls.FunctionConfig(timeout_s=30, memory_mb=256,
                                                               duration=Constant(2.0))
    sim.create_function("empty", {})
    assert sim.function_config("empty") == ls.FunctionConfig()
    sim.wait_until_active("refunds")
    sim.invoke("refunds")
    sim.run()
    assert sim.result().attempts["duration_s"].tolist() == [2.0]


def test_a_bytes_payload_is_the_request_body():
    sim = ls.Simulation(api_scenario())
    assert sim.invoke_sync("echo", b'{"id": 7}')["payload"] == {"got": {"id": 7}, "version": "$LATEST"}
    assert sim.invoke_sync("echo", b"")["payload"] == {"got": {}, "version": "$LATEST"}   # no payload: {}
    sim.invoke("orders", b'{"id": 8}')
    sim.invoke("orders", b"")
    sim.invoke("orders", raw_payload=b"")
    assert sim.result().events["payload_bytes"].tolist() == [9, 2, 2]   # no payload: "{}"


# -- the declarative entry points, charts and the explorer ----------------------------------------------

RESULT = "a lambdasim Result (ls.run(scenario) or sim.result())"
SCENARIO = "a lambdasim Scenario (from a file: Scenario.from_yaml(path))"

#: (id, call, field, value as shown, allowed): each refused with InvalidParameterValueException
ENTRY_CASES = [
    ("sweep-scenario-str", lambda: ls.sweep("data/scenarios/retries.yaml", {}), "scenario",
     "'data/scenarios/retries.yaml'", SCENARIO),
    ("replicate-scenario-none", lambda: ls.replicate(None, 3), "scenario", "None", SCENARIO),
    ("seeds-for-scenario-dict", lambda: ls.results.sweeps.seeds_for({"seed": 1}, 2), "scenario",
     "{'seed': 1}", SCENARIO),
    ("timeline-path", lambda: ls.plots.timeline("run.csv"), "result", "'run.csv'", RESULT),
    ("outcomes-none", lambda: ls.plots.outcomes(None), "result", "None", RESULT),
    ("event-age-scenario", lambda: ls.plots.event_age(one_function()), "result", "Scenario(", RESULT),
    ("concurrency-frame", lambda: ls.plots.concurrency({"events": []}), "result", "{'events': []}", RESULT),
    ("cloudwatch-none", lambda: ls.plots.cloudwatch(None), "result", "None", RESULT),
    ("cost-chart-str", lambda: ls.plots.cost("result"), "result", "'result'", RESULT),
    ("states-none", lambda: ls.plots.states(None), "result", "None", RESULT),
    ("caption-for-none", lambda: ls.plots.caption_for(None), "result", "None", RESULT),
    ("export-run-none", lambda: ls.export_run(None, "never-written"), "result", "None", RESULT),
    ("compare-one-result", lambda: ls.plots.compare(ls.run(one_function())), "results", "<Result 0 accepted",
     "a list of lambdasim Results"),
    ("compare-bad-item", lambda: ls.plots.compare([ls.run(one_function()), "b"]), "results[1]", "'b'",
     RESULT),
    ("explore-settings-str", lambda: ls.widgets.explore("retries"), "settings", "'retries'",
     "an ExplorerSettings (ExplorerSettings() has the defaults)"),
    ("explore-pinned-int", lambda: ls.widgets.explore(ls.widgets.ExplorerSettings(), pinned=1), "pinned", "1",
     "None or an Exploration (what explore returned)"),
]


@pytest.mark.parametrize("case", ENTRY_CASES, ids=[c[0] for c in ENTRY_CASES])
def test_entry_points_refuse_what_is_not_theirs_by_name(case, tmp_path, monkeypatch):
    _, call, field, shown, allowed = case
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidParameterValueException) as excinfo:
        call()
    assert excinfo.value.message.startswith(f"{field}: {shown}")
    assert excinfo.value.message.endswith(f" is not valid; allowed: {allowed}")
    assert Path(str(excinfo.traceback[-1].path)).is_relative_to(PACKAGE)
    assert list(tmp_path.iterdir()) == []   # nothing written


def test_cloudwatch_default_names_are_three_metrics_and_a_bad_name_is_named():
    result = ls.run(one_function())
    assert len(ls.plots.cloudwatch(result).axes) == 3   # the default tuple is three names, not one pair
    assert len(ls.plots.cloudwatch(result, ("Duration", "p99")).axes) == 1
    with pytest.raises(ValueError, match=r"^metric 5 is not one of Invocations:Sum, Errors:Sum"):
        ls.plots.cloudwatch(result, [5])


# -- result(copy=False), then more ---------------------------------------------------------------------


def test_a_no_copy_result_stays_as_it_was_and_the_run_goes_on():
    sim = ls.Simulation(one_function())
    first = sim.invoke("orders", {"id": 1})
    early = sim.result(copy=False)
    second = sim.invoke("orders", {"id": 2})        # raised BufferError with the event half recorded
    sim.run()
    late = sim.result()
    assert early.events["event_id"].tolist() == [first]
    assert early.events["fate"].tolist() == ["pending"]       # not changed under the frame by the run
    assert early.attempts["outcome"].tolist() == ["running"]   # in flight then, and it stays so
    assert late.events["event_id"].tolist() == [first, second]
    assert late.events["fate"].tolist() == ["succeeded", "succeeded"]
    assert late.attempts["event_id"].tolist() == [first, second]
    assert late.stats["accepted"] == len(late.events) == 2


def test_no_copy_results_over_a_long_step_by_step_run_keep_every_table_consistent():
    sim = ls.Simulation(one_function())
    seen = []
    for step in range(1, 6):
        sim.invoke("orders", {"step": step})
        sim.invoke_sync("orders", {"step": step})
        sim.run(until=step)
        seen.append(sim.result(copy=False))
    for step, result in enumerate(seen, start=1):
        events, attempts = result.events, result.attempts
        assert len(events) == step == result.stats["accepted"]
        assert set(events["fate"]) == {"succeeded"}
        kinds = attempts["kind"].astype(str).value_counts().to_dict()
        assert kinds == {"invoke": step, "sync": step}
        assert set(attempts.loc[attempts["kind"] == "invoke", "event_id"]) == set(events["event_id"])


# -- the native client: wrong types fail as botocore fails them; the service answers as AWS ------------------

#: (method, kwargs, parameter, value as shown, valid types or range as botocore words them)
CLIENT_TYPE_CASES = [
    ("invoke", {"FunctionName": "orders", "Payload": {"id": 1}}, "Payload", "{'id': 1}",
     "valid types: <class 'bytes'>, <class 'bytearray'>, file-like object"),
    ("invoke", {"FunctionName": "orders", "InvocationType": 1}, "InvocationType", "1",
     "valid types: <class 'str'>"),
    ("invoke", {"FunctionName": None}, "FunctionName", "None", "valid types: <class 'str'>"),
    ("put_function_event_invoke_config", {"FunctionName": "orders", "MaximumRetryAttempts": 1.5},
     "MaximumRetryAttempts", "1.5", "valid types: <class 'int'>"),
    ("put_function_event_invoke_config", {"FunctionName": "orders", "DestinationConfig": []},
     "DestinationConfig", "[]", "valid types: <class 'dict'>"),
    ("put_function_event_invoke_config",
     {"FunctionName": "orders", "DestinationConfig": {"OnFailure": {"Destination": 5}}},
     "DestinationConfig.OnFailure.Destination", "5", "valid types: <class 'str'>"),
    ("create_function",
     {"FunctionName": "x", "Role": ROLE, "Code": {}, "Environment": {"Variables": {"A": 1}}},
     "Environment.Variables.A", "1", "valid types: <class 'str'>"),
    ("create_function", {"FunctionName": "x", "Role": ROLE, "Code": {}, "Architectures": "arm64"},
     "Architectures", "arm64", "valid types: <class 'list'>, <class 'tuple'>"),
    ("update_function_configuration", {"FunctionName": "orders", "MemorySize": "128"}, "MemorySize", "128",
     "valid types: <class 'int'>"),
    ("create_alias", {"FunctionName": "orders", "Name": "beta", "FunctionVersion": 1}, "FunctionVersion", "1",
     "valid types: <class 'str'>"),
    ("get_function_concurrency", {"FunctionName": ["orders"]}, "FunctionName", "['orders']",
     "valid types: <class 'str'>"),
    ("update_function_configuration", {"FunctionName": "orders", "Timeout": 0}, "Timeout", "0",
     "valid min value: 1"),
    ("put_provisioned_concurrency_config",
     {"FunctionName": "orders", "Qualifier": "live", "ProvisionedConcurrentExecutions": 0},
     "ProvisionedConcurrentExecutions", "0", "valid min value: 1"),
]


@pytest.mark.parametrize("case", CLIENT_TYPE_CASES, ids=[f"{c[0]}-{c[2]}" for c in CLIENT_TYPE_CASES])
def test_client_wrong_types_fail_before_sending_naming_the_parameter(sim, case):
    method, kwargs, parameter, shown, allowed = case
    lam = sim.client()
    before = state(sim)
    with pytest.raises(ParamValidationError) as excinfo:
        getattr(lam, method)(**kwargs)
    message = str(excinfo.value)
    assert f"for parameter {parameter}, value: {shown}," in message
    assert message.rstrip().endswith(allowed)
    assert state(sim) == before


#: (method, kwargs, AWS's error code, message, HTTP status), after helpers.prepare: what the service
#: answers (the same through the native client and through real boto3)
SERVICE_CASES = [
    ("invoke", {"FunctionName": "orders", "InvocationType": "Event", "Payload": NAN_BODY},
     "InvalidRequestContentException", non_standard("NaN"), 400),
    ("invoke", {"FunctionName": "orders", "Payload": b'{"x": Infinity}'},
     "InvalidRequestContentException", non_standard("Infinity"), 400),
    ("invoke", {"FunctionName": "echo", "Payload": b'[1, -Infinity]'},
     "InvalidRequestContentException", non_standard("-Infinity"), 400),
    ("invoke", {"FunctionName": "orders", "InvocationType": "DryRun", "Payload": b'{"a": {"b": [NaN]}}'},
     "InvalidRequestContentException", non_standard("NaN"), 400),
    ("invoke", {"FunctionName": "orders", "InvocationType": "Event", "Payload": b"\x87{}"},
     "InvalidRequestContentException", not_json("Invalid UTF-8 start byte 0x87"), 400),
    ("invoke", {"FunctionName": "orders", "Payload": b'{"a": [1, 2'},
     "InvalidRequestContentException", not_json("Expecting ',' delimiter: line 1 column 12 (char 11)"), 400),
    ("invoke_async", {"FunctionName": "orders", "InvokeArgs": NAN_BODY},
     "InvalidRequestContentException", non_standard("NaN"), 400),
    ("invoke", {"FunctionName": "orders", "InvocationType": "event"}, "ValidationException",
     "1 validation error detected: Value 'event' at 'invocationType' failed to satisfy constraint: "
     "Member must satisfy enum value set: [Event, RequestResponse, DryRun]", 400),
    ("invoke", {"FunctionName": "orders", "LogType": "Full"}, "ValidationException",
     "1 validation error detected: Value 'Full' at 'logType' failed to satisfy constraint: "
     "Member must satisfy enum value set: [None, Tail]", 400),
    ("put_function_event_invoke_config", {"FunctionName": "orders", "MaximumEventAgeInSeconds": 99999},
     "ValidationException", "1 validation error detected: Value '99999' at 'maximumEventAgeInSeconds' "
     "failed to satisfy constraint: Member must have value less than or equal to 21600", 400),
    ("update_function_event_invoke_config", {"FunctionName": "orders", "MaximumRetryAttempts": 7},
     "ValidationException", "1 validation error detected: Value '7' at 'maximumRetryAttempts' failed to "
     "satisfy constraint: Member must have value less than or equal to 2", 400),
    ("list_functions", {"FunctionVersion": "LATEST"}, "ValidationException",
     "1 validation error detected: Value 'LATEST' at 'functionVersion' failed to satisfy constraint: "
     "Member must satisfy enum value set: [ALL]", 400),
    ("list_aliases", {"FunctionName": "orders", "MaxItems": 10001}, "ValidationException",
     "1 validation error detected: Value '10001' at 'maxItems' failed to satisfy constraint: "
     "Member must have value less than or equal to 10000", 400),
    ("create_alias", {"FunctionName": "orders", "Name": "beta", "FunctionVersion": "1",
                      "RoutingConfig": {"AdditionalVersionWeights": {"2": 1.5}}}, "ValidationException",
     "1 validation error detected: Value '1.5' at 'routingConfig.additionalVersionWeights.2' failed to "
     "satisfy constraint: Member must have value less than or equal to 1.0", 400),
    ("put_function_recursion_config", {"FunctionName": "orders", "RecursiveLoop": "Sometimes"},
     "ValidationException", "1 validation error detected: Value 'Sometimes' at 'recursiveLoop' failed to "
     "satisfy constraint: Member must satisfy enum value set: [Allow, Terminate]", 400),
    ("get_function", {"FunctionName": "orders", "Qualifier": "q" * 129}, "ValidationException",
     f"1 validation error detected: Value '{'q' * 129}' at 'qualifier' failed to satisfy constraint: "
     "Member must have length less than or equal to 128", 400),
    ("create_function", {"FunctionName": "x", "Role": ROLE, "Code": {}, "MemorySize": 20000},
     "InvalidParameterValueException", "MemorySize: 20000 is not valid; allowed: integer 128-10240", 400),
]


def _service_case_id(case):
    return f"{case[0]}-{'-'.join(k for k in case[1] if k != 'FunctionName')}-{case[2]}"


@pytest.mark.parametrize("case", SERVICE_CASES, ids=[_service_case_id(c) for c in SERVICE_CASES])
def test_native_client_answers_bad_input_as_aws(sim, case):
    method, kwargs, code, message, status = case
    lam = sim.client()
    prepare(lam, sim)
    before = state(sim)
    with pytest.raises(ClientError) as excinfo:
        getattr(lam, method)(**kwargs)
    assert error_of(excinfo) == (code, message, status)
    assert isinstance(excinfo.value, LambdaError)   # also lambdasim's own error of that name
    assert state(sim) == before


# -- real boto3 under mock_aws: botocore's parsed code, message and status --------------------------------


@pytest.fixture
def boto3_lam(sim, no_network):
    with mock_aws(sim):
        yield boto3.client("lambda", region_name="us-east-1")


@pytest.mark.parametrize("case", SERVICE_CASES, ids=[_service_case_id(c) for c in SERVICE_CASES])
def test_boto3_gets_aws_s_answer_to_bad_input(sim, boto3_lam, case):
    method, kwargs, code, message, status = case
    prepare(boto3_lam, sim)
    before = state(sim)
    with pytest.raises(ClientError) as excinfo:
        getattr(boto3_lam, method)(**kwargs)
    assert error_of(excinfo) == (code, message, status)
    modelled = getattr(boto3_lam.exceptions, code, None)   # botocore's class for the code, if it has one
    assert modelled is None or type(excinfo.value) is modelled
    assert state(sim) == before


def test_boto3_nan_payload_reaches_no_destination(sim, boto3_lam):
    ok = "arn:aws:sqs:us-east-1:123456789012:ok"
    boto3_lam.put_function_event_invoke_config(FunctionName="orders",
                                               DestinationConfig={"OnSuccess": {"Destination": ok}})
    with pytest.raises(boto3_lam.exceptions.InvalidRequestContentException):
        boto3_lam.invoke(FunctionName="orders", InvocationType="Event", Payload=b'{"ok": true, "x": NaN}')
    boto3_lam.invoke(FunctionName="orders", InvocationType="Event", Payload=b'{"ok": true}')
    sim.run()
    bodies = [m.json()["requestPayload"] for m in sim.target(ok).messages]
    assert bodies == [{"ok": True}]
