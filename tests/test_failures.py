"""Injected failures, the handler context, handler loading and calling."""

import json

import pytest

from lambdasim.engine.handlers import LambdaContext, call_handler, load_handler
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.failures import Failure, FailureModel, Outage, injected_failure

MODEL = FailureModel(error_probability=0.3,
                     outages=(Outage(10, 20), Outage(50, 60, "Throttled", "slow down")),
                     poison_payloads=({"id": 13}, {"kind": "bad", "v": 2}))


def never() -> float:
    raise AssertionError("uniform() must not be called")


def const(value):
    calls = []

    def uniform():
        calls.append(value)
        return value
    return uniform, calls


def test_outage_window_includes_start_and_excludes_end():
    outage = Failure("DownstreamUnavailable", "Dependency unavailable (simulated outage)")
    assert injected_failure(MODEL, 10.0, None, never) == outage
    assert injected_failure(MODEL, 19.999, {"id": 13}, never) == outage  # outage before poison
    assert injected_failure(MODEL, 55.0, None, never) == Failure("Throttled", "slow down")
    uniform, calls = const(0.9)
    assert injected_failure(MODEL, 20.0, None, uniform) is None
    assert calls == [0.9]


def test_poison_payload_matches_when_every_key_value_is_present():
    assert injected_failure(MODEL, 0.0, {"id": 13, "extra": 1}, never) == Failure(
        "PoisonPayload", 'Simulated poison payload matching {"id": 13}')
    assert injected_failure(MODEL, 0.0, {"kind": "bad", "v": 2}, never).error_type == "PoisonPayload"
    uniform, calls = const(0.5)
    assert injected_failure(MODEL, 0.0, {"kind": "bad", "v": 3}, uniform) is None  # one key differs
    assert injected_failure(MODEL, 0.0, {"id": "13"}, uniform) is None
    assert injected_failure(MODEL, 0.0, [13], uniform) is None  # not a dict
    assert len(calls) == 3


def test_error_probability_compares_one_uniform_draw():
    model = FailureModel(error_probability=0.3, error_type="Boom", error_message="it broke")
    assert injected_failure(model, 0.0, None, const(0.29)[0]) == Failure("Boom", "it broke")
    assert injected_failure(model, 0.0, None, const(0.3)[0]) is None
    always = FailureModel(error_probability=1.0)
    assert injected_failure(always, 0.0, None, const(0.999)[0]) == Failure("SimulatedError",
                                                                          "Simulated function error")


def test_zero_probability_consumes_no_random_numbers():
    assert injected_failure(FailureModel(), 5.0, {"id": 1}, never) is None
    assert injected_failure(FailureModel(poison_payloads=({"id": 2},)), 5.0, {"id": 1}, never) is None


def test_active_is_true_when_any_source_is_configured():
    assert not FailureModel().active
    assert FailureModel(error_probability=0.01).active
    assert FailureModel(outages=(Outage(0, 1),)).active
    assert FailureModel(poison_payloads=({"id": 1},)).active
    assert not FailureModel(error_type="Custom").active


def test_yaml_shape_round_trips_and_omits_defaults():
    assert FailureModel().to_dict() == {}
    assert MODEL.to_dict() == {
        "error_probability": 0.3,
        "outages": [{"start_s": 10.0, "end_s": 20.0},
                    {"start_s": 50.0, "end_s": 60.0, "error_type": "Throttled",
                     "error_message": "slow down"}],
        "poison_payloads": [{"id": 13}, {"kind": "bad", "v": 2}],
    }
    assert FailureModel.from_dict(MODEL.to_dict()) == MODEL
    custom = FailureModel(error_type="Boom", error_message="")
    assert FailureModel.from_dict(custom.to_dict()) == custom
    assert FailureModel.from_dict(None) == FailureModel()
    assert FailureModel.from_dict(MODEL) is MODEL


def test_from_dict_reads_the_design_example():
    model = FailureModel.from_dict({"error_probability": 0.2, "outages": [{"start_s": 600, "end_s": 900}],
                                    "poison_payloads": [{"id": 13}]})
    assert model == FailureModel(0.2, (Outage(600.0, 900.0),), ({"id": 13},))


F = "functions.orders.failures"


@pytest.mark.parametrize("d, field, value, allowed", [
    ({"error_probability": 1.5}, f"{F}.error_probability", 1.5, "number 0-1"),
    ({"error_probability": -0.1}, f"{F}.error_probability", -0.1, "number 0-1"),
    ({"outages": [{"start_s": 5, "end_s": 5}]}, f"{F}.outages[0].end_s", 5, "number > start_s (5)"),
    ({"outages": [{"start_s": 0, "end_s": 1}, {"start_s": -1, "end_s": 1}]}, f"{F}.outages[1].start_s", -1,
     "number >= 0"),
    ({"outages": [{"start_s": 0, "end_s": 1, "when": 2}]}, f"{F}.outages[0].when", "when",
     "one of the keys start_s, end_s, error_type, error_message"),
    ({"outages": {"start_s": 0}}, f"{F}.outages", {"start_s": 0}, "a list of {start_s, end_s}"),
    ({"poison_payloads": [{}]}, f"{F}.poison_payloads[0]", {},
     "a non-empty mapping of payload keys to JSON values"),
    ({"poison_payloads": [13]}, f"{F}.poison_payloads[0]", 13,
     "a non-empty mapping of payload keys to JSON values"),
    ({"poison_payloads": {"id": 1}}, f"{F}.poison_payloads", {"id": 1}, "a list of mappings"),
    ({"error_type": ""}, f"{F}.error_type", "", "a non-empty string"),
    ({"probability": 0.5}, f"{F}.probability", "probability",
     "one of the keys error_probability, outages, poison_payloads, error_type, error_message, "
     "system_error_probability, system_outages, system_error_type"),
])
def test_bad_yaml_names_the_field_value_and_range(d, field, value, allowed):
    with pytest.raises(InvalidParameterValueException) as info:
        FailureModel.from_dict(d, F)
    assert str(info.value) == f"{field}: {value!r} is not valid; allowed: {allowed}"


def test_missing_outage_end_is_reported():
    with pytest.raises(InvalidParameterValueException) as info:
        FailureModel.from_dict({"outages": [{"start_s": 3}]}, F)
    assert str(info.value) == f"{F}.outages[0].end_s: <missing> is not valid; allowed: number > start_s (3)"


def test_python_construction_validates_too():
    with pytest.raises(InvalidParameterValueException) as info:
        FailureModel(error_probability=2)
    assert str(info.value) == "FailureModel.error_probability: 2 is not valid; allowed: number 0-1"
    with pytest.raises(InvalidParameterValueException) as info:
        FailureModel(outages=({"start_s": 1, "end_s": 2},))
    assert str(info.value) == ("FailureModel.outages[0]: {'start_s': 1, 'end_s': 2} is not valid; "
                               "allowed: an Outage")


# -- the handler side ------------------------------------------------------------------------------

ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"
REQUEST = "e4b46cbf-b738-4a1b-8880-a18cdf61200e"


def test_context_has_the_aws_python_runtime_attributes():
    ctx = LambdaContext(REQUEST, "orders", "$LATEST", f"{ARN}:$LATEST", 256, 3)
    assert ctx.aws_request_id == REQUEST
    assert ctx.function_name == "orders"
    assert ctx.function_version == "$LATEST"
    assert ctx.invoked_function_arn == f"{ARN}:$LATEST"
    assert ctx.memory_limit_in_mb == "256"
    assert ctx.log_group_name == "/aws/lambda/orders"
    assert ctx.log_stream_name == "2025/01/01/[$LATEST]e4b46cbfb7384a1b8880a18cdf61200e"
    assert ctx.get_remaining_time_in_millis() == 3000
    assert (ctx.identity.cognito_identity_id, ctx.identity.cognito_identity_pool_id) == (None, None)
    assert ctx.client_context is None


def test_context_version_and_remaining_time():
    assert LambdaContext(REQUEST, "orders", "7", f"{ARN}:7", 128, 3).function_version == "7"
    assert LambdaContext(REQUEST, "orders", None, ARN, 128, 3).function_version == "$LATEST"
    assert LambdaContext(REQUEST, "orders", None, ARN, 128, 3, 1234.9).get_remaining_time_in_millis() == 1234
    left = iter([2500.0, -5.0])
    ctx = LambdaContext(REQUEST, "orders", None, ARN, 128, 3, lambda: next(left), log_stream_name="s")
    assert [ctx.get_remaining_time_in_millis(), ctx.get_remaining_time_in_millis()] == [2500, 0]
    assert ctx.log_stream_name == "s"


def handler_ok(event, context):
    return {"ok": True, "id": event["id"], "fn": context.function_name}


def handler_fails(event, context):
    raise ValueError(f"bad order {event['id']}")


def test_call_handler_returns_the_result():
    ctx = LambdaContext(REQUEST, "orders", None, ARN, 128, 3)
    assert call_handler(handler_ok, {"id": 4}, ctx) == ({"ok": True, "id": 4, "fn": "orders"}, None)
    assert call_handler(lambda e, c: None, {}, ctx) == (None, None)


def test_call_handler_turns_an_exception_into_a_failure():
    result, failure = call_handler(handler_fails, {"id": 4}, None)
    assert result is None
    assert (failure.error_type, failure.error_message) == ("ValueError", "bad order 4")
    assert len(failure.stack_trace) == 1  # only the handler's own frame
    assert "in handler_fails" in failure.stack_trace[0]
    assert "raise ValueError" in failure.stack_trace[0]
    json.dumps({"stackTrace": list(failure.stack_trace)})


def test_call_handler_reports_a_result_that_is_not_json():
    assert call_handler(lambda e, c: {1, 2}, {}, None) == (None, Failure(
        "Runtime.MarshalError", "Unable to marshal response: Object of type set is not JSON serializable"))


def test_load_handler_imports_module_function_specs():
    assert load_handler("json:dumps", "functions.orders.handler") is json.dumps
    assert load_handler("json.dumps", "functions.orders.handler") is json.dumps  # AWS's module.function
    assert load_handler("os.path:join", "h") is __import__("os").path.join
    assert load_handler("json:JSONEncoder.encode", "h") is json.JSONEncoder.encode
    assert load_handler(handler_ok, "h") is handler_ok


ALLOWED = "a callable or an importable 'package.module:function'"


@pytest.mark.parametrize("spec, allowed", [
    ("no_such_module_xyz:run", f"{ALLOWED} (ModuleNotFoundError: No module named 'no_such_module_xyz')"),
    ("json:nope", f"{ALLOWED} (AttributeError: module 'json' has no attribute 'nope')"),
    ("json:__name__", f"{ALLOWED} (__name__ is not callable)"),
    ("json", ALLOWED),
    ("json:dumps()", ALLOWED),
    (42, ALLOWED),
    (None, ALLOWED),
])
def test_load_handler_errors_name_the_field(spec, allowed):
    with pytest.raises(InvalidParameterValueException) as info:
        load_handler(spec, "functions.orders.handler")
    assert str(info.value) == f"functions.orders.handler: {spec!r} is not valid; allowed: {allowed}"
