"""Provisioned concurrency (issue 10): pre-initialised environments on a version or alias.

AWS: an invocation of the configured qualifier runs on a provisioned environment with no cold
start, up to the configured count; beyond it, it spills over to on-demand (cold starts, scaling
limit). Provisioned environments are counted against the function's reserved concurrency, so
provisioned = reserved leaves ``$LATEST`` throttled. Durations and cold starts are constant, so
every instant below is exact.
"""

import pytest
from botocore.exceptions import ClientError
from helpers import error_of, one_function

import lambdasim as ls
from lambdasim.model.dists import Constant
from lambdasim.model.workloads import Events, ScheduledEvent


def burst(n, qualifier="1", at_s=0.0):
    return Events("orders", tuple(ScheduledEvent(at_s, {"i": i}) for i in range(n)), qualifier=qualifier)


def invocations(result):
    rows = result.attempts[result.attempts["kind"] == "invoke"]
    return rows.sort_values(["dispatched_at", "end_at"], kind="stable").reset_index(drop=True)


def test_within_the_provisioned_count_nothing_cold_starts():
    scenario = one_function([burst(3)], cold_start=Constant(0.5), provisioned={"1": 3})
    runs = invocations(ls.run(scenario))
    assert runs["init_s"].tolist() == [0.0, 0.0, 0.0]
    assert runs["start_at"].tolist() == [0.0, 0.0, 0.0]
    assert runs["end_at"].tolist() == pytest.approx([0.2, 0.2, 0.2])
    assert runs["billed_ms"].tolist() == [200, 200, 200]


def test_beyond_the_provisioned_count_invocations_spill_over_to_on_demand_cold_starts():
    scenario = one_function([burst(5), burst(5, at_s=1.0)], cold_start=Constant(0.5),
                            provisioned={"1": 3})
    runs = invocations(ls.run(scenario))
    # Three on provisioned environments, two cold on-demand ones; a second later all five are warm
    # (three provisioned, two on-demand environments kept alive).
    assert runs["init_s"].tolist() == [0.0, 0.0, 0.0, 0.5, 0.5] + [0.0] * 5
    assert runs["end_at"].tolist() == pytest.approx([0.2, 0.2, 0.2, 0.7, 0.7] + [1.2] * 5)


def test_latest_does_not_run_on_a_version_s_provisioned_environments():
    # Provisioned concurrency on version 1 serves version 1 (and its aliases) only.
    scenario = one_function([burst(1, qualifier=None)], cold_start=Constant(0.5), provisioned={"1": 2})
    result = ls.run(scenario)
    assert invocations(result)["init_s"].tolist() == [0.5]


def test_provisioned_equal_to_reserved_leaves_latest_throttled():
    scenario = one_function([burst(1, qualifier=None), burst(2, qualifier="1")], reserved_concurrency=2,
                            provisioned={"1": 2}, horizon_s=5.0)
    result = ls.run(scenario)
    runs = invocations(result)
    assert runs["qualifier"].tolist() == ["1", "1"]
    assert runs["init_s"].tolist() == [0.0, 0.0]
    throttles = result.attempts[result.attempts["kind"] == "throttle"]
    assert set(throttles["qualifier"]) == {"$LATEST"}
    assert set(throttles["error_type"]) == {"ReservedFunctionConcurrentInvocationLimitExceeded"}


def test_provisioned_concurrency_above_reserved_is_refused_with_the_field_named():
    with pytest.raises(ls.InvalidParameterValueException) as error:
        ls.Simulation(one_function([], reserved_concurrency=2, provisioned={"1": 3}))
    assert "ProvisionedConcurrencyConfigs.1" in str(error.value)
    assert ("Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution "
            "for function") in str(error.value)


@pytest.mark.parametrize("provisioned, allowed", [
    ({"$LATEST": 1}, "Provisioned Concurrency Configs cannot be applied to unpublished function versions."),
    ({"1": 0}, "integer >= 1"),
    ({"prod": 1}, "a published version number"),
])
def test_scenario_provisioned_values_are_checked(provisioned, allowed):
    with pytest.raises(ls.InvalidParameterValueException) as error:
        ls.FunctionConfig(provisioned=provisioned)
    assert allowed in str(error.value)


def test_scenario_file_shape_round_trips():
    config = ls.FunctionConfig.from_dict({"ProvisionedConcurrencyConfigs": {"2": 4}})
    assert config.provisioned == (("2", 4),)
    assert config.to_dict()["ProvisionedConcurrencyConfigs"] == {"2": 4}
    assert "ProvisionedConcurrencyConfigs" not in ls.FunctionConfig().to_dict()


# -- the API, through the native client and real boto3 (the ``lam`` fixture) -------------------------

NOT_PROVISIONED = ("ProvisionedConcurrencyConfigNotFoundException",
                   "No Provisioned Concurrency Config found for this function", 404)


def test_put_answers_in_progress_then_get_and_list_answer_ready(lam, sim):
    lam.publish_version(FunctionName="orders")
    put = lam.put_provisioned_concurrency_config(FunctionName="orders", Qualifier="1",
                                                 ProvisionedConcurrentExecutions=2)
    assert {k: put[k] for k in put if k != "ResponseMetadata"} == {
        "RequestedProvisionedConcurrentExecutions": 2, "AvailableProvisionedConcurrentExecutions": 0,
        "AllocatedProvisionedConcurrentExecutions": 0, "Status": "IN_PROGRESS",
        "LastModified": "2025-01-01T00:00:00.000+0000"}
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202
    got = lam.get_provisioned_concurrency_config(FunctionName="orders", Qualifier="1")
    assert (got["RequestedProvisionedConcurrentExecutions"], got["AvailableProvisionedConcurrentExecutions"],
            got["AllocatedProvisionedConcurrentExecutions"], got["Status"]) == (2, 2, 2, "READY")
    listed = lam.list_provisioned_concurrency_configs(FunctionName="orders")["ProvisionedConcurrencyConfigs"]
    assert [c["FunctionArn"] for c in listed] == [sim.scenario.function_arn("orders", "1")]
    lam.invoke(FunctionName="orders", Qualifier="1", InvocationType="Event", Payload=b"{}")
    sim.run()
    assert sim.result().attempts["init_s"].tolist() == [0.0]
    deleted = lam.delete_provisioned_concurrency_config(FunctionName="orders", Qualifier="1")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        lam.get_provisioned_concurrency_config(FunctionName="orders", Qualifier="1")
    assert error_of(excinfo) == NOT_PROVISIONED


def test_provisioned_concurrency_on_latest_is_refused_as_aws_refuses_it(lam):
    lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="$LATEST")
    for qualifier in ("$LATEST", "live"):
        with pytest.raises(ClientError) as excinfo:
            lam.put_provisioned_concurrency_config(FunctionName="orders", Qualifier=qualifier,
                                                   ProvisionedConcurrentExecutions=1)
        assert error_of(excinfo) == (
            "InvalidParameterValueException",
            "Provisioned Concurrency Configs cannot be applied to unpublished function versions.", 400)


def test_provisioned_above_reserved_is_refused_and_equal_throttles_latest(lam, sim):
    lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=2)
    lam.publish_version(FunctionName="orders")
    with pytest.raises(ClientError) as excinfo:
        lam.put_provisioned_concurrency_config(FunctionName="orders", Qualifier="1",
                                               ProvisionedConcurrentExecutions=3)
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for "
        "function", 400)
    lam.put_provisioned_concurrency_config(FunctionName="orders", Qualifier="1",
                                           ProvisionedConcurrentExecutions=2)
    with pytest.raises(ClientError) as excinfo:
        lam.invoke(FunctionName="orders", Payload=b"{}")
    assert excinfo.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert lam.invoke(FunctionName="orders", Qualifier="1", Payload=b"{}")["StatusCode"] == 200


def test_get_and_delete_without_a_config_answer_not_found(lam):
    lam.publish_version(FunctionName="orders")
    for method in ("get_provisioned_concurrency_config", "delete_provisioned_concurrency_config"):
        with pytest.raises(ClientError) as excinfo:
            getattr(lam, method)(FunctionName="orders", Qualifier="1")
        assert error_of(excinfo) == NOT_PROVISIONED


def test_cost_prices_configured_gb_seconds_and_the_lower_duration_rate():
    from lambdasim.results import pricing
    from lambdasim.results.cost import provisioned_cost

    sim = ls.Simulation(one_function([burst(3)], memory_mb=1024, duration=Constant(1.0),
                                     cold_start=Constant(0.5), provisioned={"1": 2}))
    sim.run()
    usage = sim.provisioned_usage()
    assert [(u["function"], u["qualifier"], u["executions"], u["billed_ms"]) for u in usage] == [
        ("orders", "1", 2, 2000)]
    row = provisioned_cost(usage).iloc[0]
    # 2 environments x 1 GB, configured 1.5 s, billed as 5 minutes (AWS rounds up to 5 minutes).
    assert row["provisioned_gb_seconds"] == pytest.approx(600.0)
    assert row["provisioned_cost"] == pytest.approx(600.0 * 0.0000041667)
    assert row["duration_gb_seconds"] == pytest.approx(2.0)
    assert row["duration_cost"] == pytest.approx(2.0 * 0.0000097222)
    assert row["adjustment"] == pytest.approx(600.0 * 0.0000041667 + 2.0 * (0.0000097222 - 0.0000166667))
    assert pricing.PROVISIONED_PER_GB_SECOND["arm64"] == 0.0000033334
    # The spill-over invocation paid a cold start and is billed on demand (cost(), INIT included).
    runs = invocations(sim.result())
    assert runs["init_s"].tolist() == [0.0, 0.0, 0.5]
    # Which attempts ran on provisioned environments: the usage names them by (event_id, attempt).
    assert usage[0]["runs"] == [(sim.request_id(0), 1), (sim.request_id(1), 1)]
    assert runs["event_id"].tolist()[:2] == [sim.request_id(0), sim.request_id(1)]
    assert runs["billed_ms"].tolist() == [1000, 1000, 1500]


def test_deleting_the_config_returns_its_slots_and_stops_its_billing():
    sim = ls.Simulation(one_function([], reserved_concurrency=2, provisioned={"1": 2}))
    with pytest.raises(ls.TooManyRequestsException):
        sim.invoke_sync("orders")
    sim.delete_provisioned_concurrency("orders", "1")
    assert sim.invoke_sync("orders")["status_code"] == 200
    (usage,) = sim.provisioned_usage()
    assert (usage["since"], usage["until"], usage["count_s"]) == (0.0, 0.0, 0.0)
