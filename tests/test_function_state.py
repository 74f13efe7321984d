"""Function state on the virtual clock (issue 10): ``Pending`` -> ``Active`` after CreateFunction and
``LastUpdateStatus: InProgress`` -> ``Successful`` after an update, ``account.function_pending_s``
apart, and what AWS answers meanwhile.

AWS's facts: "Lambda function states" (https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html):
no invoke while Pending; during an update invokes run the previous code and configuration while
UpdateFunctionCode, UpdateFunctionConfiguration and PublishVersion fail. The 409 messages are those
AWS answers (Lambda's troubleshooting guide; recorded botocore errors); the CreateFunction and
UpdateFunctionConfiguration fields are those of recorded AWS CLI responses.
"""

from __future__ import annotations

import time

import boto3
import pytest
from api_cases import ROLE
from helpers import error_of

import lambdasim as ls
from lambdasim.model.dists import Constant
from lambdasim.model.errors import InvalidParameterValueException, ResourceConflictException
from lambdasim.model.workloads import Events, ScheduledEvent

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"
PENDING = ("The operation cannot be performed at this time. "
           "The function is currently in the following state: Pending")
PENDING_STATE = {"state": "Pending", "state_reason": "The function is being created.",
                 "state_reason_code": "Creating", "last_update_status": None,
                 "last_update_status_reason": None, "last_update_status_reason_code": None}
ACTIVE_STATE = {"state": "Active", "state_reason": None, "state_reason_code": None,
                "last_update_status": "Successful", "last_update_status_reason": None,
                "last_update_status_reason_code": None}
UPDATING_STATE = {**ACTIVE_STATE, "last_update_status": "InProgress",
                  "last_update_status_reason": "The function is being created.",
                  "last_update_status_reason_code": "Creating"}
STATE_KEYS = ("State", "StateReason", "StateReasonCode", "LastUpdateStatus", "LastUpdateStatusReason",
              "LastUpdateStatusReasonCode")


def updating(name: str) -> str:
    return ("The operation cannot be performed at this time. "
            f"An update is in progress for resource: {ARN}{name}")


def fast() -> ls.FunctionConfig:
    return ls.FunctionConfig(duration=Constant(0.2), cold_start=Constant(0.0))


def scenario(pending_s: float | None = None, **kwargs) -> ls.Scenario:
    account = ls.Account() if pending_s is None else ls.Account(function_pending_s=pending_s)
    return ls.Scenario(functions={"orders": fast()}, account=account, **kwargs)


def state_fields(configuration: dict) -> dict:
    return {k: configuration[k] for k in STATE_KEYS if k in configuration}


# -- through the Simulation ----------------------------------------------------------------------------


def test_a_created_function_is_pending_for_function_pending_s_and_refuses_invokes():
    sim = ls.Simulation(scenario())
    sim.create_function("pay", fast())
    assert sim.function_state("pay") == PENDING_STATE
    sim.run(until=0.5)
    assert sim.function_state("pay") == PENDING_STATE
    for attempt in (lambda: sim.invoke("pay"), lambda: sim.invoke_sync("pay"), lambda: sim.dry_run("pay")):
        with pytest.raises(ResourceConflictException) as excinfo:
            attempt()
        assert (excinfo.value.code, excinfo.value.message, excinfo.value.http_status) == (
            "ResourceConflictException", PENDING, 409)
    with pytest.raises(ResourceConflictException, match="following state: Pending"):
        sim.update_function("pay", timeout_s=10)
    with pytest.raises(ResourceConflictException, match="following state: Pending"):
        sim.publish_version("pay")
    sim.run(until=1.0)
    assert sim.function_state("pay") == ACTIVE_STATE
    sim.invoke("pay")
    sim.run()
    result = sim.result()
    runs = result.attempts[["function", "dispatched_at", "outcome"]].values.tolist()
    assert runs == [["pay", 1.0, "success"]]
    assert result.stats["accepted"] == 1


def test_an_update_is_in_progress_for_function_pending_s_and_invokes_run_the_previous_configuration():
    sim = ls.Simulation(scenario())
    new = sim.update_function("orders", duration=Constant(0.5), memory_mb=256)
    assert (new.duration, new.memory_mb) == (Constant(0.5), 256)
    assert sim.function_state("orders") == UPDATING_STATE
    assert sim.function_config("orders").memory_mb == 128            # in force: the previous one
    assert sim.function_config("orders", requested=True).memory_mb == 256   # what Get reports
    sim.invoke("orders")                                              # runs 0.2 s at 128 MB
    with pytest.raises(ResourceConflictException) as excinfo:
        sim.update_function("orders", timeout_s=10)
    assert (excinfo.value.message, excinfo.value.http_status) == (updating("orders"), 409)
    with pytest.raises(ResourceConflictException) as excinfo:
        sim.publish_version("orders")
    assert excinfo.value.message == updating("orders")
    sim.run(until=0.5)
    assert sim.function_state("orders") == UPDATING_STATE
    sim.run(until=1.0)
    assert sim.function_state("orders") == ACTIVE_STATE
    assert sim.function_config("orders").memory_mb == 256
    sim.invoke("orders")                                              # runs 0.5 s at 256 MB
    sim.run()
    result = sim.result()
    assert result.attempts[["dispatched_at", "duration_s"]].values.tolist() == [[0.0, 0.2], [1.0, 0.5]]
    rows = result.functions[result.functions["function"] == "orders"][["at", "memory_mb"]]
    assert rows.values.tolist() == [[0.0, 128], [1.0, 256]]
    assert sim.publish_version("orders") == "1"


def test_the_update_is_in_force_for_an_invoke_at_the_very_instant_it_completes():
    sim = ls.Simulation(scenario())
    sim.update_function("orders", duration=Constant(0.5))
    sim.run(until=1.0)   # SimPy stops before the update's own event at 1.0: the check completes it
    sim.invoke("orders")
    sim.run()
    assert sim.result().attempts["duration_s"].tolist() == [0.5]


def test_a_recursion_setting_made_during_an_update_survives_its_completion():
    sim = ls.Simulation(scenario())
    sim.update_function("orders", timeout_s=10)
    sim.set_recursive_loop("orders", "Allow")      # PutFunctionRecursionConfig is no update: allowed
    sim.wait_until_active("orders")
    assert (sim.function_config("orders").timeout_s, sim.function_config("orders").recursive_loop) == (
        10, "Allow")


def test_function_pending_s_0_makes_every_change_ready_at_once():
    sim = ls.Simulation(scenario(pending_s=0))
    sim.create_function("pay", fast())
    assert sim.function_state("pay") == ACTIVE_STATE
    sim.invoke("pay")
    sim.update_function("pay", timeout_s=10)
    sim.update_function("pay", timeout_s=20)
    assert sim.function_state("pay") == ACTIVE_STATE
    assert sim.function_config("pay").timeout_s == 20
    assert sim.publish_version("pay") == "1"


def test_functions_of_the_scenario_are_active_at_time_zero():
    sim = ls.Simulation(scenario(pending_s=300))
    assert sim.function_state("orders") == ACTIVE_STATE
    sim.invoke("orders")
    assert sim.invoke_sync("orders")["status_code"] == 200


def test_wait_until_active_runs_the_clock_to_the_moment_the_function_is_ready():
    sim = ls.Simulation(scenario(pending_s=2.5))
    assert sim.wait_until_active("orders") == 0.0                    # Active already: the clock stays
    sim.run(until=1.0)
    sim.create_function("pay", fast())
    assert sim.wait_until_active("pay") == 3.5 and sim.now == 3.5
    sim.update_function("pay", timeout_s=10)
    assert sim.wait_until_active("pay") == 6.0
    assert sim.function_state("pay") == ACTIVE_STATE and sim.function_config("pay").timeout_s == 10


def test_a_workload_arrival_during_pending_is_refused_and_recorded_as_rejected():
    arrivals = Events("orders", events=(ScheduledEvent(0.5, {"id": 1}), ScheduledEvent(2.0, {"id": 2})))
    sim = ls.Simulation(scenario(workloads=(arrivals,)))
    sim.delete_function("orders")
    sim.create_function("orders", fast())     # made anew through the API: Pending until 1.0
    sim.run()
    result = sim.result()
    assert result.rejected.values.tolist() == [
        [0.5, "orders", "$LATEST", "ResourceConflictException", 409, PENDING]]
    assert result.events[["enqueued_at", "fate"]].values.tolist() == [[2.0, "succeeded"]]
    assert result.stats["rejected"] == 1


def test_a_lambda_destination_that_is_still_pending_fails_the_delivery():
    sim = ls.Simulation(scenario())
    sim.create_function("audit", fast())
    sim.put_event_invoke_config("orders", on_success=f"{ARN}audit")
    sim.invoke("orders")                      # succeeds at 0.2, while audit is Pending until 1.0
    sim.run()
    deliveries = sim.result().deliveries
    assert deliveries[["at", "channel", "ok", "failure_reason"]].values.tolist() == [
        [0.2, "on_success", False, "ResourceConflictException"]]


def test_the_setting_round_trips_and_is_validated():
    s = scenario(pending_s=2.5)
    assert s.to_dict()["account"]["function_pending_s"] == 2.5
    assert ls.Scenario.from_dict(s.to_dict()) == s
    assert ls.Scenario.from_dict({"functions": {"f": {}}}).account.function_pending_s == 1.0
    for bad in (-1, 301, "soon", True):
        with pytest.raises(InvalidParameterValueException) as excinfo:
            ls.Scenario.from_dict({"functions": {"f": {}}, "account": {"function_pending_s": bad}})
        assert str(excinfo.value) == (
            f"account.function_pending_s: {bad!r} is not valid; allowed: number 0-300")


# -- through real boto3 ----------------------------------------------------------------------------------


@pytest.fixture
def no_sleep(monkeypatch):
    """botocore's waiters sleep between polls: any sleep here fails the test."""
    def refuse(seconds):
        raise AssertionError(f"a waiter slept {seconds} s")
    monkeypatch.setattr(time, "sleep", refuse)


def test_boto3_create_pending_invoke_409_then_active_and_the_waiter_returns_at_once(no_sleep):
    sim = ls.Simulation(scenario())
    with ls.mock_aws(sim):
        lam = boto3.client("lambda", region_name="us-east-1")
        created = lam.create_function(FunctionName="pay", Role=ROLE, Code={"ZipFile": b"PK"},
                                      Runtime="python3.12", Handler="app.handler")
        assert state_fields(created) == {"State": "Pending", "StateReason": "The function is being created.",
                                         "StateReasonCode": "Creating"}
        sim.run(until=0.5)
        assert state_fields(lam.get_function(FunctionName="pay")["Configuration"])["State"] == "Pending"
        for kind in ("Event", "RequestResponse", "DryRun"):
            with pytest.raises(lam.exceptions.ResourceConflictException) as excinfo:
                lam.invoke(FunctionName="pay", InvocationType=kind, Payload=b"{}")
            assert error_of(excinfo) == ("ResourceConflictException", PENDING, 409)
        with pytest.raises(lam.exceptions.ResourceConflictException) as excinfo:
            lam.update_function_configuration(FunctionName="pay", Timeout=10)
        assert error_of(excinfo) == ("ResourceConflictException", PENDING, 409)
        sim.run(until=sim.now + sim.scenario.account.function_pending_s)   # the recommended advance
        lam.get_waiter("function_active_v2").wait(FunctionName="pay")       # returns at once
        assert state_fields(lam.get_function(FunctionName="pay")["Configuration"]) == {
            "State": "Active", "LastUpdateStatus": "Successful"}
        listed = {f["FunctionName"]: f["State"] for f in lam.list_functions()["Functions"]}
        assert listed == {"orders": "Active", "pay": "Active"}
        assert lam.invoke(FunctionName="pay", InvocationType="Event", Payload=b"{}")["StatusCode"] == 202


def test_boto3_update_in_progress_then_successful(no_sleep):
    sim = ls.Simulation(scenario())
    with ls.mock_aws(sim):
        lam = boto3.client("lambda", region_name="us-east-1")
        updated = lam.update_function_configuration(FunctionName="orders", Timeout=10)
        in_progress = {"State": "Active", "LastUpdateStatus": "InProgress",
                       "LastUpdateStatusReason": "The function is being created.",
                       "LastUpdateStatusReasonCode": "Creating"}
        assert updated["Timeout"] == 10 and state_fields(updated) == in_progress
        got = lam.get_function_configuration(FunctionName="orders")
        assert got["Timeout"] == 10 and state_fields(got) == in_progress
        for call in (lambda: lam.update_function_configuration(FunctionName="orders", Timeout=20),
                     lambda: lam.update_function_code(FunctionName="orders", ZipFile=b"PK"),
                     lambda: lam.publish_version(FunctionName="orders")):
            with pytest.raises(lam.exceptions.ResourceConflictException) as excinfo:
                call()
            assert error_of(excinfo) == ("ResourceConflictException", updating("orders"), 409)
        assert lam.invoke(FunctionName="orders", InvocationType="Event", Payload=b"{}")["StatusCode"] == 202
        assert sim.wait_until_active("orders") == 1.0
        lam.get_waiter("function_updated_v2").wait(FunctionName="orders")    # returns at once
        assert state_fields(lam.get_function(FunctionName="orders")["Configuration"]) == {
            "State": "Active", "LastUpdateStatus": "Successful"}
        assert lam.publish_version(FunctionName="orders")["Version"] == "1"


def test_boto3_create_with_publish_answers_version_1_pending():
    sim = ls.Simulation(scenario())
    with ls.mock_aws(sim):
        lam = boto3.client("lambda", region_name="us-east-1")
        created = lam.create_function(FunctionName="pay", Role=ROLE, Code={"ZipFile": b"PK"}, Publish=True)
        assert (created["Version"], created["State"]) == ("1", "Pending")
        sim.wait_until_active("pay")
        assert lam.get_function_configuration(FunctionName="pay", Qualifier="1")["State"] == "Active"
        assert lam.invoke(FunctionName="pay", Qualifier="1")["ExecutedVersion"] == "1"
