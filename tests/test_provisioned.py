"""Provisioned concurrency (issue 10): pre-initialised environments on a version or alias.

AWS: an invocation of the configured qualifier runs on a provisioned environment with no cold
start, up to the configured count; beyond it, it spills over to on-demand (cold starts, scaling
limit). Provisioned environments are counted against the function's reserved concurrency, so
provisioned = reserved leaves ``$LATEST`` throttled. Durations and cold starts are constant, so
every instant below is exact.
"""

import pytest
from botocore.exceptions import ClientError
from helpers import error_of, one_function, publish_versions

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


def test_provisioned_concurrency_on_a_weighted_alias_is_refused_as_aws_refuses_it(lam, sim):
    # AWS's answer as Terraform received it (hashicorp/terraform#24957): 400 InvalidParameterValueException.
    publish_versions(lam, sim, 2)
    lam.create_alias(FunctionName="orders", Name="canary", FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
    with pytest.raises(ClientError) as excinfo:
        lam.put_provisioned_concurrency_config(FunctionName="orders", Qualifier="canary",
                                               ProvisionedConcurrentExecutions=1)
    assert error_of(excinfo) == ("InvalidParameterValueException",
                                 "Alias with weights can not be used with Provisioned Concurrency", 400)
    listed = lam.list_provisioned_concurrency_configs(FunctionName="orders")
    assert listed["ProvisionedConcurrencyConfigs"] == []
    # Without weights the same alias takes it.
    lam.update_alias(FunctionName="orders", Name="canary", RoutingConfig={"AdditionalVersionWeights": {}})
    put = lam.put_provisioned_concurrency_config(FunctionName="orders", Qualifier="canary",
                                                 ProvisionedConcurrentExecutions=1)
    assert put["Status"] == "IN_PROGRESS"


def test_get_and_delete_without_a_config_answer_not_found(lam):
    lam.publish_version(FunctionName="orders")
    for method in ("get_provisioned_concurrency_config", "delete_provisioned_concurrency_config"):
        with pytest.raises(ClientError) as excinfo:
            getattr(lam, method)(FunctionName="orders", Qualifier="1")
        assert error_of(excinfo) == NOT_PROVISIONED


# -- the bill -------------------------------------------------------------------------------------------
# AWS's prices (us-east-1, x86_64; https://aws.amazon.com/lambda/pricing/), written out here so that
# the tests pin the rates in pricing.py too: requests $0.20 per million, on-demand duration
# $0.0000166667 per GB-s; provisioned concurrency $0.0000041667 per GB-s configured, duration on its
# environments $0.0000097222 per GB-s; configured time billed from enable to disable rounded up to
# 5 minutes.
REQUEST, ON_DEMAND, CONFIGURED, PROVISIONED_DURATION = 0.20e-6, 0.0000166667, 0.0000041667, 0.0000097222


def two_provisioned_five_at_once():
    # 1 GB, 1-s executions, 0.5-s cold starts; provisioned concurrency 2 on version 1 and five events
    # to it at 0: two run on provisioned environments (0-1 s), three spill over cold (0-1.5 s).
    return ls.run(one_function([burst(5)], memory_mb=1024, duration=Constant(1.0), cold_start=Constant(0.5),
                               provisioned={"1": 2}))


def test_the_attempts_table_says_which_executions_ran_on_provisioned_environments():
    result = two_provisioned_five_at_once()
    runs = invocations(result)
    assert runs["provisioned"].tolist() == [True, True, False, False, False]
    assert runs["init_s"].tolist() == [0.0, 0.0, 0.5, 0.5, 0.5]
    assert runs["billed_ms"].tolist() == [1000, 1000, 1500, 1500, 1500]
    assert result.attempts["provisioned"].dtype == bool
    assert result.stats["ended_at"] == 1.5


def test_exact_bill_with_provisioned_concurrency_2_and_5_events_at_once():
    bill = two_provisioned_five_at_once().cost()
    assert bill["function"].tolist() == ["orders", "(all)"]
    for _, row in bill.iterrows():
        assert row["requests"] == 5                                  # every execution, at the normal rate
        assert row["request_cost"] == pytest.approx(5 * REQUEST, rel=1e-12)
        assert row["gb_seconds"] == pytest.approx(3 * 1.5 * 1.0, rel=1e-12)   # spill-over, INIT included
        assert row["duration_cost"] == pytest.approx(4.5 * ON_DEMAND, rel=1e-12)
        assert row["provisioned_gb_seconds"] == pytest.approx(2 * 1.0 * 1.0, rel=1e-12)
        assert row["provisioned_duration_cost"] == pytest.approx(2.0 * PROVISIONED_DURATION, rel=1e-12)
        # Configured for the whole run (0-1.5 s), billed as 5 minutes: 2 x 1 GB x 300 s.
        assert row["provisioned_concurrency_gb_seconds"] == pytest.approx(600.0, rel=1e-12)
        assert row["provisioned_concurrency_cost"] == pytest.approx(600.0 * CONFIGURED, rel=1e-12)
        assert row["total_cost"] == pytest.approx(
            5 * REQUEST + 4.5 * ON_DEMAND + 2.0 * PROVISIONED_DURATION + 600.0 * CONFIGURED, rel=1e-12)
    # By hand: $0.000001 + $0.00007500015 + $0.0000194444 + $0.00250002.
    assert bill.iloc[-1]["total_cost"] == pytest.approx(0.00259546455, rel=1e-12)


def test_the_free_tier_covers_only_the_on_demand_executions():
    # AWS: "The Lambda free tier does not apply to functions that have Provisioned Concurrency
    # enabled"; the spill-over is billed "at the rate outlined in the AWS Lambda Pricing section",
    # the on-demand one, free tier included (our reading; see cost()).
    row = two_provisioned_five_at_once().cost(free_tier=True).iloc[-1]
    assert (row["free_requests"], row["free_gb_seconds"]) == (3, pytest.approx(4.5))
    assert (row["request_cost"], row["duration_cost"]) == (pytest.approx(2 * REQUEST), 0.0)
    assert row["total_cost"] == pytest.approx(2 * REQUEST + 2.0 * PROVISIONED_DURATION + 600.0 * CONFIGURED,
                                              rel=1e-12)


def test_configured_time_is_billed_per_period_rounded_up_to_5_minutes():
    # 2 GB. Version 1: 2 environments from 0, 4 from 100, deleted at 200 (one 200-s period, 2 x 100 +
    # 4 x 100 = 600 count-s, billed for 300 s at its average: 900 count-s); configured again with 1
    # at 1,000 and still on when the run stops at 1,010 (10 s, billed as 300 s: 300 count-s).
    sim = ls.Simulation(one_function([], memory_mb=2048))
    sim.publish_version("orders")
    sim.put_provisioned_concurrency("orders", "1", 2)
    sim.run(until=100)
    sim.put_provisioned_concurrency("orders", "1", 4)
    sim.run(until=200)
    sim.delete_provisioned_concurrency("orders", "1")
    sim.run(until=1000)
    sim.put_provisioned_concurrency("orders", "1", 1)
    sim.run(until=1010)
    row = sim.result().cost().iloc[-1]
    assert row["provisioned_concurrency_gb_seconds"] == pytest.approx((900 + 300) * 2.0, rel=1e-12)
    assert row["provisioned_concurrency_cost"] == pytest.approx(2400.0 * CONFIGURED, rel=1e-12)
    assert (row["requests"], row["total_cost"]) == (0, pytest.approx(2400.0 * CONFIGURED, rel=1e-12))


def test_configured_arm64_is_priced_at_its_own_rates():
    result = ls.run(one_function([burst(1)], memory_mb=1024, architecture="arm64", duration=Constant(1.0),
                                 provisioned={"1": 1}))
    row = result.cost().iloc[-1]
    assert row["provisioned_duration_cost"] == pytest.approx(1.0 * 0.0000077778, rel=1e-12)
    assert row["provisioned_concurrency_cost"] == pytest.approx(300.0 * 0.0000033334, rel=1e-12)


def test_cost_needs_the_end_of_the_run_to_bill_a_config_still_on():
    from lambdasim.results.cost import cost

    result = two_provisioned_five_at_once()
    with pytest.raises(ValueError, match=r"needs until .* on orders:1; got None"):
        cost(result.attempts, result.events, functions=result.functions)
    bill = cost(result.attempts, result.events, functions=result.functions, until=1.5)
    assert bill.equals(result.cost())


def test_deleting_the_config_returns_its_slots_and_stops_its_billing():
    sim = ls.Simulation(one_function([], reserved_concurrency=2, provisioned={"1": 2}))
    with pytest.raises(ls.TooManyRequestsException):
        sim.invoke_sync("orders")
    sim.delete_provisioned_concurrency("orders", "1")
    assert sim.invoke_sync("orders")["status_code"] == 200
    (usage,) = sim.provisioned_usage()
    assert (usage["since"], usage["until"], usage["count_s"]) == (0.0, 0.0, 0.0)


def test_the_cost_chart_stacks_provisioned_concurrency_after_requests_and_duration():
    from lambdasim import plots

    result = two_provisioned_five_at_once()
    bill = result.cost().iloc[0]
    fig = plots.cost(result)
    bars = {a.get_gid(): a for a in fig.axes[0].patches if a.get_gid()}
    bar = bars["cost:provisioned:orders"]
    assert bar.get_width() == pytest.approx(2.0 * PROVISIONED_DURATION + 600.0 * CONFIGURED, rel=1e-12)
    assert bar.get_x() == pytest.approx(bill["request_cost"] + bill["duration_cost"], rel=1e-12)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["requests", "duration (GB-seconds)", "provisioned concurrency"]


def test_deleting_an_alias_or_version_with_provisioned_concurrency_returns_its_slots():
    # Reserved 2, all held by the provisioned environments of an alias (then of a version): $LATEST
    # is throttled until the alias (the version) is deleted with its configuration.
    sim = ls.Simulation(one_function([], reserved_concurrency=2))
    sim.publish_version("orders")
    sim.create_alias("orders", "live", "1")
    sim.put_provisioned_concurrency("orders", "live", 2)
    with pytest.raises(ls.TooManyRequestsException):
        sim.invoke_sync("orders")
    sim.delete_alias("orders", "live")
    assert sim.invoke_sync("orders")["status_code"] == 200
    sim.put_provisioned_concurrency("orders", "1", 2)
    with pytest.raises(ls.TooManyRequestsException):
        sim.invoke_sync("orders")
    sim.delete_function("orders", "1")
    assert sim.invoke_sync("orders")["status_code"] == 200
    assert [(u["qualifier"], u["until"]) for u in sim.provisioned_usage()] == [("live", 0.0), ("1", 0.0)]
