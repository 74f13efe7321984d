"""``Scenario.replace`` names what the keys of a mapping field are when a path names one that is not
there: versions, variables, functions, targets; indexes for a list."""

from __future__ import annotations

import pytest

import lambdasim as ls

ARN = "arn:aws:sqs:us-east-1:123456789012:dlq"


def _scenario() -> ls.Scenario:
    configs = {"1": ls.EventInvokeConfig(maximum_retry_attempts=0), "3": ls.EventInvokeConfig()}
    config = ls.FunctionConfig(provisioned={"1": 1, "3": 1}, environment={"STAGE": "dev"},
                               version_event_invoke_configs=configs)
    return ls.Scenario(functions={"f": config}, targets={ARN: {}},
                       workloads=[ls.workloads.Burst("f", 1), ls.workloads.Burst("f", 2)])


@pytest.mark.parametrize("path, message", [
    ("functions.f.version_event_invoke_configs.2.maximum_retry_attempts",
     "functions.f.version_event_invoke_configs.2: '2' is not valid; allowed: one of the versions 1, 3"),
    ("functions.f.provisioned.2.count",
     "functions.f.provisioned.2: '2' is not valid; allowed: one of the versions 1, 3"),
    ("functions.f.environment.REGION.x",
     "functions.f.environment.REGION: 'REGION' is not valid; allowed: one of the variables STAGE"),
    ("functions.g.timeout_s", "functions.g: 'g' is not valid; allowed: one of the functions f"),
    (f"targets.{ARN}x.unavailable",
     f"targets.{ARN}x: '{ARN}x' is not valid; allowed: one of the targets {ARN}"),
    ("workloads[2].count", "workloads[2]: 2 is not valid; allowed: one of the indexes 0, 1"),
])
def test_a_missing_key_is_named_with_what_the_keys_are(path, message):
    with pytest.raises(ls.InvalidParameterValueException) as excinfo:
        _scenario().replace({path: 1})
    assert excinfo.value.message == message


def test_a_key_that_is_there_is_still_replaced_and_a_new_one_added():
    scenario = _scenario().replace({"functions.f.version_event_invoke_configs.3.maximum_retry_attempts": 1,
                                    "functions.f.environment.REGION": "eu"})
    config = scenario.functions["f"]
    assert dict(config.version_event_invoke_configs)["3"].maximum_retry_attempts == 1
    assert dict(config.environment) == {"STAGE": "dev", "REGION": "eu"}


def test_a_mapping_with_no_keys_says_so():
    with pytest.raises(ls.InvalidParameterValueException) as excinfo:
        ls.Scenario(functions={"f": ls.FunctionConfig()}).replace(
            {"functions.f.version_event_invoke_configs.5.maximum_retry_attempts": 0})
    assert excinfo.value.message == ("functions.f.version_event_invoke_configs.5: '5' is not valid; "
                                     "allowed: one of the versions (there are none)")
