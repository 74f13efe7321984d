"""The records describe the run that happened: the functions table, each event's limits, and
cost read from the settings in force when each attempt ran (not from the starting scenario)."""

import math

import pytest

import lambdasim as ls
from lambdasim.model.dists import Constant
from lambdasim.model.functions import DestinationConfig, EventInvokeConfig
from lambdasim.model.scenario import FunctionConfig, Scenario
from lambdasim.model.workloads import Events, ScheduledEvent
from lambdasim.records.schema import FUNCTION_COLUMNS
from lambdasim.results.metrics import ALL
from lambdasim.results.pricing import PRICE_PER_GB_SECOND, PRICE_PER_REQUEST

ACCOUNT = "123456789012"
SQS = f"arn:aws:sqs:us-east-1:{ACCOUNT}:failed"
DLQ = f"arn:aws:sqs:us-east-1:{ACCOUNT}:dlq"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"


def two_functions(workloads=()):
    return Scenario(functions={
        "a": FunctionConfig(memory_mb=256, timeout_s=30, duration=Constant(0.2), cold_start=Constant(0.0),
                            event_invoke_config=EventInvokeConfig(1, 600, DestinationConfig(on_failure=SQS))),
        "b": FunctionConfig(memory_mb=512, architecture="arm64", reserved_concurrency=10,
                            dead_letter_target_arn=DLQ),
    }, workloads=tuple(workloads), seed=5)


def rows(result):
    """The functions table as tuples, NaN reserved concurrency shown as None."""
    table = result.functions
    assert tuple(table.columns) == FUNCTION_COLUMNS
    out = []
    for row in table.itertuples(index=False):
        row = tuple(row)
        reserved = None if math.isnan(row[8]) else row[8]
        out.append(row[:8] + (reserved,) + row[9:])
    return out


def test_one_row_per_function_at_time_zero():
    assert rows(ls.run(two_functions())) == [
        (0.0, "a", "$LATEST", 256, "x86_64", 30.0, "unreserved", 990, None, 0, 1, 600, "", SQS, ""),
        (0.0, "b", "$LATEST", 512, "arm64", 3.0, "b", 10, 10.0, 0, 2, 21600, "", "", DLQ),
    ]


def test_every_control_plane_change_adds_the_rows_it_changed():
    sim = ls.Simulation(two_functions())
    sim.run(until=10)
    sim.put_event_invoke_config("a", maximum_retry_attempts=0)   # Put replaces: age and destination go
    sim.run(until=20)
    sim.put_reserved_concurrency("a", 5)                           # b's pool is its own: no b row
    sim.run(until=30)
    sim.update_function("b", memory_mb=1024)                       # in force at 31 (function_pending_s)
    version = sim.publish_version("a")
    sim.create_alias("a", "live", version)
    sim.create_function("c", FunctionConfig())
    sim.run(until=40)
    sim.put_event_invoke_config("a", "live", maximum_event_age_s=60)
    sim.delete_reserved_concurrency("a")                           # a and c share the pool again
    assert rows(sim.result())[2:] == [
        (10.0, "a", "$LATEST", 256, "x86_64", 30.0, "unreserved", 990, None, 0, 0, 21600, "", "", ""),
        (20.0, "a", "$LATEST", 256, "x86_64", 30.0, "a", 5, 5.0, 0, 0, 21600, "", "", ""),
        (30.0, "a", "1", 256, "x86_64", 30.0, "a", 5, 5.0, 0, 2, 21600, "", "", ""),
        (30.0, "a", "live", 256, "x86_64", 30.0, "a", 5, 5.0, 0, 2, 21600, "", "", ""),
        (30.0, "c", "$LATEST", 128, "x86_64", 3.0, "unreserved", 985, None, 0, 2, 21600, "", "", ""),
        (31.0, "b", "$LATEST", 1024, "arm64", 3.0, "b", 10, 10.0, 0, 2, 21600, "", "", DLQ),
        (40.0, "a", "live", 256, "x86_64", 30.0, "a", 5, 5.0, 0, 2, 60, "", "", ""),
        (40.0, "a", "$LATEST", 256, "x86_64", 30.0, "unreserved", 990, None, 0, 0, 21600, "", "", ""),
        (40.0, "a", "1", 256, "x86_64", 30.0, "unreserved", 990, None, 0, 2, 21600, "", "", ""),
        (40.0, "a", "live", 256, "x86_64", 30.0, "unreserved", 990, None, 0, 2, 60, "", "", ""),
        (40.0, "c", "$LATEST", 128, "x86_64", 3.0, "unreserved", 990, None, 0, 2, 21600, "", "", ""),
    ]


def test_each_event_carries_the_limits_in_force_when_it_was_resolved():
    sim = ls.Simulation(two_functions())
    sim.invoke("a")                                   # resolved at 0.2 under (600 s, 1 retry)
    sim.run(until=10)
    sim.put_event_invoke_config("a", maximum_event_age_s=120)
    sim.invoke("a")                                   # resolved at 10.2 under (120 s, 2 retries)
    sim.update_function("a", duration=Constant(50.0))
    sim.run(until=20)
    sim.invoke("a")                                   # still running at 30: pending
    sim.run(until=30)
    sim.put_event_invoke_config("a", maximum_retry_attempts=0)
    events = sim.result().events
    assert events["fate"].tolist() == ["succeeded", "succeeded", "pending"]
    assert events["max_event_age_s"].tolist() == [600, 120, 21600]   # the pending one: as of now
    assert events["max_retry_attempts"].tolist() == [1, 2, 0]


def test_limits_of_a_run_to_the_end():
    result = ls.run(two_functions([Events("a", (ScheduledEvent(0.0),)), Events("b", (ScheduledEvent(1.0),))]))
    assert result.events["function"].tolist() == ["a", "b"]
    assert result.events["max_event_age_s"].tolist() == [600, 21600]
    assert result.events["max_retry_attempts"].tolist() == [1, 2]


def test_cost_reads_memory_and_architecture_from_the_records():
    # "pay" is created through the client (1,024 MB arm64; default duration 0.1 s, cold start
    # 0.25 s) and invoked once Active (at 1 s): its first attempt is billed 350 ms at 1 GB. At 10
    # its MemorySize update starts; from 11 it is 2,048 MB, and the attempt dispatched then is
    # billed 100 ms (warm) at 2 GB.
    orders = FunctionConfig(duration=Constant(0.2), cold_start=Constant(0.0))
    scenario = Scenario(functions={"orders": orders}, seed=5)
    sim = ls.Simulation(scenario)
    lam = sim.client()
    lam.create_function(FunctionName="pay", Role=ROLE, Code={"ZipFile": b"x"}, MemorySize=1024,
                        Architectures=["arm64"])
    sim.wait_until_active("pay")
    lam.invoke(FunctionName="pay", InvocationType="Event", Payload=b"{}")
    lam.invoke(FunctionName="orders", InvocationType="Event", Payload=b"{}")
    sim.run(until=10)
    lam.update_function_configuration(FunctionName="pay", MemorySize=2048)
    sim.wait_until_active("pay")
    lam.invoke(FunctionName="pay", InvocationType="Event", Payload=b"{}")
    sim.run()
    result = sim.result()
    runs = result.attempts[result.attempts["function"] == "pay"]
    assert runs["billed_ms"].tolist() == [350, 100]
    table = result.cost().set_index("function")
    pay_gb_s = 0.35 * 1.0 + 0.1 * 2.0
    orders_gb_s = 0.2 * 128 / 1024
    assert table.loc["pay", "requests"] == 2
    assert table.loc["pay", "gb_seconds"] == pytest.approx(pay_gb_s, rel=1e-12)
    assert table.loc["pay", "duration_cost"] == pytest.approx(pay_gb_s * PRICE_PER_GB_SECOND["arm64"],
                                                              rel=1e-12)
    assert table.loc["orders", "gb_seconds"] == pytest.approx(orders_gb_s, rel=1e-12)
    assert table.loc["orders", "duration_cost"] == pytest.approx(orders_gb_s * PRICE_PER_GB_SECOND["x86_64"],
                                                                 rel=1e-12)
    assert table.loc[ALL, "total_cost"] == pytest.approx(
        3 * PRICE_PER_REQUEST + pay_gb_s * PRICE_PER_GB_SECOND["arm64"]
        + orders_gb_s * PRICE_PER_GB_SECOND["x86_64"], rel=1e-12)


def test_an_architecture_change_mid_run_prices_each_attempt_by_its_own():
    scenario = Scenario(functions={"orders": FunctionConfig(memory_mb=1024, duration=Constant(1.0),
                                                            cold_start=Constant(0.0))}, seed=5)
    sim = ls.Simulation(scenario)
    sim.invoke("orders")
    sim.run(until=10)
    sim.update_function("orders", architecture="arm64")
    sim.wait_until_active("orders")  # the update is in force once it is no longer InProgress
    sim.invoke("orders")
    sim.run()
    table = sim.result().cost().set_index("function")
    assert table.loc["orders", "gb_seconds"] == pytest.approx(2.0, rel=1e-12)
    assert table.loc["orders", "duration_cost"] == pytest.approx(
        PRICE_PER_GB_SECOND["x86_64"] + PRICE_PER_GB_SECOND["arm64"], rel=1e-12)


def test_provisioned_concurrency_column_follows_put_and_delete():
    # Each qualifier shows its own configured count: version 1 is set to 3 at 10 and 5 at 20, the
    # alias to 2 at 20 (a separate configuration: neither count shows on the other's rows); deleting
    # the version's config at 30 and the alias itself at 40 each add a row with 0, which ends their
    # billing.
    sim = ls.Simulation(two_functions())
    version = sim.publish_version("a")
    sim.create_alias("a", "live", version)
    sim.run(until=10)
    sim.put_provisioned_concurrency("a", "1", 3)
    sim.run(until=20)
    sim.put_provisioned_concurrency("a", "1", 5)
    sim.put_provisioned_concurrency("a", "live", 2)
    sim.run(until=30)
    sim.delete_provisioned_concurrency("a", "1")
    sim.run(until=40)
    sim.delete_alias("a", "live")
    assert rows(sim.result())[2:] == [
        (0.0, "a", "1", 256, "x86_64", 30.0, "unreserved", 990, None, 0, 2, 21600, "", "", ""),
        (0.0, "a", "live", 256, "x86_64", 30.0, "unreserved", 990, None, 0, 2, 21600, "", "", ""),
        (10.0, "a", "1", 256, "x86_64", 30.0, "unreserved", 990, None, 3, 2, 21600, "", "", ""),
        (20.0, "a", "1", 256, "x86_64", 30.0, "unreserved", 990, None, 5, 2, 21600, "", "", ""),
        (20.0, "a", "live", 256, "x86_64", 30.0, "unreserved", 990, None, 2, 2, 21600, "", "", ""),
        (30.0, "a", "1", 256, "x86_64", 30.0, "unreserved", 990, None, 0, 2, 21600, "", "", ""),
        (40.0, "a", "live", 256, "x86_64", 30.0, "unreserved", 990, None, 0, 2, 21600, "", "", ""),
    ]
    assert sim.result().functions["provisioned_concurrency"].dtype == "int64"


def test_deleting_a_version_ends_its_provisioned_concurrency_in_the_table():
    sim = ls.Simulation(two_functions())
    sim.publish_version("a")
    sim.put_provisioned_concurrency("a", "1", 4)
    sim.run(until=10)
    sim.delete_function("a", "1")
    table = sim.result().functions
    version = table[(table["function"] == "a") & (table["qualifier"] == "1")]
    # Published (0), configured (4) at the same instant, and 0 when the version goes at 10.
    assert version[["at", "provisioned_concurrency"]].values.tolist() == [[0.0, 0], [0.0, 4], [10.0, 0]]
