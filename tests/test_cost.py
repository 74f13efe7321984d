"""Cost (docs/aws-behaviour.md §17): billed requests with payload chunks, GB-s by architecture, free tier."""

import numpy as np
import pytest
from helpers import one_function

import lambdasim as ls
from lambdasim.model.dists import Constant
from lambdasim.model.failures import FailureModel
from lambdasim.model.scenario import Account, FunctionConfig, QueueSettings, Scenario
from lambdasim.model.workloads import Burst, Events, ScheduledEvent
from lambdasim.results import pricing
from lambdasim.results.cost import cost
from lambdasim.results.metrics import ALL
from lambdasim.results.pricing import requests_for_payload

ALWAYS_FAIL = FailureModel(error_probability=1.0)
KB = 1024
X86 = {"orders": "x86_64"}


def cost_of(result, memory_mb=128, architecture="x86_64", **kwargs):
    return cost(result.attempts, result.events, {"orders": memory_mb}, {"orders": architecture}, **kwargs)


def row(table, function=ALL):
    return table[table["function"] == function].iloc[0]


def test_scenario_1_cost_by_hand():
    # 3 requests x $0.20/M = $6.0e-7; 3 x 0.2 s x 128/1024 GB = 0.075 GB-s x $0.0000166667 = $1.25e-6.
    result = ls.run(one_function([Events("orders", (ScheduledEvent(0.0),))], failures=ALWAYS_FAIL))
    table = cost_of(result)
    assert table["function"].tolist() == ["orders", ALL]
    for function in ("orders", ALL):
        r = row(table, function)
        assert r["requests"] == 3
        assert r["request_cost"] == pytest.approx(6.0e-7, rel=1e-12)
        assert r["gb_seconds"] == pytest.approx(0.075, rel=1e-12)
        assert r["duration_cost"] == pytest.approx(0.075 * 0.0000166667, rel=1e-12)
        assert r["duration_cost"] == pytest.approx(1.25e-6, rel=1e-5)
        assert r["total_cost"] == pytest.approx(1.85e-6, rel=1e-5)


def test_init_is_billed():
    # Cold start 0.25 s on the first attempt: billed 450 + 200 + 200 ms.
    result = ls.run(one_function([Events("orders", (ScheduledEvent(0.0),))], failures=ALWAYS_FAIL,
                                 cold_start=Constant(0.25)))
    assert row(cost_of(result))["gb_seconds"] == pytest.approx(0.85 * 0.125, rel=1e-12)


@pytest.mark.parametrize("size, requests", [
    (0, 1), (256 * KB, 1), (256 * KB + 1, 2), (300 * KB, 2), (320 * KB, 2), (320 * KB + 1, 3),
    (1024 * KB, 13),
])
def test_requests_for_payload(size, requests):
    assert requests_for_payload(size) == requests
    assert isinstance(requests_for_payload(size), int)


def test_requests_for_payload_on_arrays_and_out_of_range_sizes():
    sizes = np.array([100, 300 * KB, 1024 * KB])
    assert requests_for_payload(sizes).tolist() == [1, 2, 13]
    assert requests_for_payload(np.array([], dtype=int)).tolist() == []
    for bad in (-1, 1024 * KB + 1, [0, 2 * 1024 * KB]):
        with pytest.raises(ValueError, match="payload_bytes"):
            requests_for_payload(bad)


def test_large_payloads_are_billed_per_64_kb_chunk_on_every_attempt():
    # Spec §14 scenario 6: 300 KB -> 2 requests, 1,024 KB -> 13; each retry is billed the same again.
    sim = ls.Simulation(one_function())
    sim.invoke("orders", {"id": 1}, payload_size_bytes=300 * KB)
    sim.invoke("orders", {"id": 2}, payload_size_bytes=1024 * KB)
    sim.invoke("orders", {"id": 3})
    result = sim.run().result()
    assert result.events["payload_bytes"].tolist()[:2] == [300 * KB, 1024 * KB]
    assert row(cost_of(result))["requests"] == 2 + 13 + 1
    failing = one_function([Burst("orders", count=1, payload_size_bytes=300 * KB)], failures=ALWAYS_FAIL)
    table = cost_of(ls.run(failing))
    assert row(table)["requests"] == 3 * 2
    assert row(table)["request_cost"] == pytest.approx(6 * 0.2e-6, rel=1e-12)


def test_arm64_is_priced_lower_than_x86():
    result = ls.run(one_function([Burst("orders", count=5)], duration=Constant(1.0)))
    x86 = row(cost_of(result, memory_mb=1024))
    arm = row(cost_of(result, memory_mb=1024, architecture="arm64"))
    assert x86["gb_seconds"] == arm["gb_seconds"] == pytest.approx(5.0, rel=1e-12)
    assert x86["duration_cost"] == pytest.approx(5 * 0.0000166667, rel=1e-12)
    assert arm["duration_cost"] == pytest.approx(5 * 0.0000133334, rel=1e-12)
    assert x86["request_cost"] == arm["request_cost"]
    assert pricing.PRICE_PER_GB_SECOND == {"x86_64": 0.0000166667, "arm64": 0.0000133334}


def test_throttles_and_expiries_cost_nothing():
    # Scenario 5: 53 throttles and 8 expiries, two 30-s executions at 128 MB.
    scenario = one_function([Burst("orders", count=10)], reserved_concurrency=1, duration=Constant(30.0),
                            max_age=60)
    r = row(cost_of(ls.run(scenario)))
    assert r["requests"] == 2
    assert r["gb_seconds"] == pytest.approx(60 * 0.125, rel=1e-12)


def two_functions():
    functions = {"a": FunctionConfig(memory_mb=256, duration=Constant(1.0), cold_start=Constant(0.0)),
                 "b": FunctionConfig(memory_mb=512, architecture="arm64", duration=Constant(2.0),
                                     cold_start=Constant(0.0))}
    workloads = (Burst("a", count=3, at_s=0.0), Burst("b", count=2, at_s=1.0), Burst("a", count=1, at_s=2.0))
    return ls.run(Scenario(functions=functions, workloads=workloads, account=Account(), seed=1))


def test_rows_per_function_add_up_to_the_total():
    result = two_functions()
    table = cost(result.attempts, result.events, {"a": 256, "b": 512}, {"a": "x86_64", "b": "arm64"})
    assert table["function"].tolist() == ["a", "b", ALL]
    a, b, everything = row(table, "a"), row(table, "b"), row(table)
    assert (a["requests"], b["requests"], everything["requests"]) == (4, 2, 6)
    assert a["gb_seconds"] == pytest.approx(4 * 1.0 * 0.25)
    assert b["gb_seconds"] == pytest.approx(2 * 2.0 * 0.5)
    assert a["duration_cost"] == pytest.approx(1.0 * 0.0000166667)
    assert b["duration_cost"] == pytest.approx(2.0 * 0.0000133334)
    for column in ("request_cost", "gb_seconds", "duration_cost", "total_cost"):
        assert everything[column] == pytest.approx(a[column] + b[column], rel=1e-12)


def test_free_tier_covers_small_runs_and_is_shared_first_come(monkeypatch):
    result = two_functions()
    memory, arch = {"a": 256, "b": 512}, {"a": "x86_64", "b": "arm64"}
    free = cost(result.attempts, result.events, memory, arch, free_tier=True)
    assert row(free)["total_cost"] == 0.0 and row(free)["free_requests"] == 6
    # Shrink the allowance: the first four requests (a's three at 0 s, b's two at 1 s) are free, first come.
    monkeypatch.setattr(pricing, "FREE_REQUESTS", 4)
    monkeypatch.setattr(pricing, "FREE_GB_SECONDS", 1.0)
    table = cost(result.attempts, result.events, memory, arch, free_tier=True)
    a, b, everything = row(table, "a"), row(table, "b"), row(table)
    assert (a["free_requests"], b["free_requests"], everything["free_requests"]) == (3, 1, 4)
    assert a["request_cost"] == pytest.approx(1 * 0.2e-6) and b["request_cost"] == pytest.approx(1 * 0.2e-6)
    # GB-s in dispatch order: a 0.25 x 3 (0 s), then b 1.0 (1 s) of which 0.25 fits; the rest is billed.
    assert a["free_gb_seconds"] == pytest.approx(0.75) and b["free_gb_seconds"] == pytest.approx(0.25)
    assert b["duration_cost"] == pytest.approx(1.75 * 0.0000133334)
    assert everything["total_cost"] == pytest.approx(a["total_cost"] + b["total_cost"])


def test_missing_or_unknown_settings_are_refused():
    result = ls.run(one_function([Burst("orders", count=1)]))
    with pytest.raises(ValueError, match="'orders'"):
        cost(result.attempts, result.events, {}, X86)
    with pytest.raises(ValueError, match="arm64"):
        cost(result.attempts, result.events, {"orders": 128}, {"orders": "ppc"})


def test_duplicate_deliveries_are_billed():
    result = ls.run(one_function([Burst("orders", count=1, payload_size_bytes=300 * KB)],
                                 queue=QueueSettings(duplicate_probability=1.0)))
    r = row(cost_of(result))
    assert (r["requests"], r["gb_seconds"]) == (4, pytest.approx(2 * 0.2 * 0.125))


def test_without_provisioned_concurrency_the_bill_is_bit_identical_to_before(monkeypatch):
    # Two functions, two architectures, a cold start, retries and a 300 KB payload. The hex figures
    # are what cost() returned before it priced provisioned concurrency (commit b2b8ff8), with and
    # without a (shrunk) free tier: adding the provisioned columns must not move a bit of the rest.
    functions = {"a": FunctionConfig(memory_mb=256, duration=Constant(1.0), cold_start=Constant(0.3)),
                 "b": FunctionConfig(memory_mb=512, architecture="arm64", duration=Constant(2.0),
                                     cold_start=Constant(0.0), failures=ALWAYS_FAIL)}
    workloads = (Burst("a", count=3, at_s=0.0), Burst("b", count=2, at_s=1.0),
                 Burst("a", count=1, at_s=2.0, payload_size_bytes=300 * KB))
    result = ls.run(Scenario(functions=functions, workloads=workloads, account=Account(), seed=1))
    monkeypatch.setattr(pricing, "FREE_REQUESTS", 5)
    monkeypatch.setattr(pricing, "FREE_GB_SECONDS", 1.0)
    before = {
        False: [["0x1.4p+2", "0x1.0c6f7a0b5ed8ep-20", "0x1.399999999999ap+0", "0x1.5689174c121e6p-16",
                 "0x1.67500eecc80bfp-16", "0x0.0p+0", "0x0.0p+0"],
                ["0x1.8p+2", "0x1.421f5f40d8377p-20", "0x1.8p+2", "0x1.4f8bc681b5f66p-14",
                 "0x1.549443feb9574p-14", "0x0.0p+0", "0x0.0p+0"],
                ["0x1.6p+3", "0x1.27476ca61b882p-19", "0x1.ce66666666666p+2", "0x1.a52e0c54ba7e0p-14",
                 "0x1.ae6847b9eb5a4p-14", "0x0.0p+0", "0x0.0p+0"]],
        True: [["0x1.4p+2", "0x1.ad7f29abcaf49p-22", "0x1.399999999999ap+0", "0x1.179eee7257ef0p-18",
                "0x1.3276e10d149e5p-18", "0x1.8p+1", "0x1.f333333333334p-1"],
               ["0x1.8p+2", "0x1.ad7f29abcaf49p-21", "0x1.8p+2", "0x1.4e25dc145ecdep-14",
                "0x1.5180da67b663dp-14", "0x1.0p+1", "0x1.9999999999980p-6"],
               ["0x1.6p+3", "0x1.421f5f40d8377p-20", "0x1.ce66666666666p+2", "0x1.5f9fcafb844cdp-14",
                "0x1.64a8487887adbp-14", "0x1.4p+2", "0x1.0p+0"]],
    }
    columns = ["requests", "request_cost", "gb_seconds", "duration_cost", "total_cost", "free_requests",
               "free_gb_seconds"]
    provisioned = ["provisioned_gb_seconds", "provisioned_duration_cost",
                   "provisioned_concurrency_gb_seconds", "provisioned_concurrency_cost"]
    for free_tier, expected in before.items():
        table = result.cost(free_tier=free_tier)
        assert table[columns].to_numpy(float).tolist() == [[float.fromhex(x) for x in r] for r in expected]
        assert (table[provisioned].to_numpy() == 0.0).all()
        assert table["function"].tolist() == ["a", "b", ALL]
    assert not result.attempts["provisioned"].any()
