"""The example handlers of notebook 08: the naive one double-counts, the idempotent one does not."""

import pytest

import lambdasim as ls
from lambdasim.course.idempotency import DownstreamTimeout, Ledger, idempotent_handler, naive_handler

N_ORDERS = 100


def orders_scenario(handler, duplicate_probability=0.3, extra_events=()):
    """``N_ORDERS`` orders of 10, one every 0.5 s, each with an ``order_id`` in its payload."""
    events = [{"at_s": i * 0.5, "payload": {"order_id": f"order-{i}", "amount": 10}} for i in range(N_ORDERS)]
    return ls.Scenario.from_dict({
        "seed": 4,
        "queue": {"duplicate_probability": duplicate_probability},
        "functions": {"orders": {"Timeout": 10, "duration": {"dist": "constant", "value_s": 2.0},
                                 "cold_start": {"dist": "constant", "value_s": 0}, "handler": handler}},
        "workloads": [{"function": "orders", "arrivals": "events", "events": events + list(extra_events)}],
    })


def duplicates_run(result):
    attempts = result.attempts
    return int(((attempts["kind"] == "duplicate") & (attempts["outcome"] != "throttled")).sum())


def test_naive_handler_double_counts_every_duplicate_delivery():
    ledger = Ledger()
    result = ls.run(orders_scenario(naive_handler(ledger)))
    extra = duplicates_run(result)
    assert extra > 10  # about 30 of 100 events are delivered twice
    assert len(ledger) == N_ORDERS + extra
    assert ledger.repeats == extra
    assert ledger.balance == 10 * (N_ORDERS + extra)
    assert result.fates() == {"succeeded": N_ORDERS}  # the record tables look healthy all the same


def test_idempotent_handler_credits_each_order_once_under_duplicates():
    ledger = Ledger()
    result = ls.run(orders_scenario(idempotent_handler(ledger)))
    assert duplicates_run(result) > 10
    assert ledger.repeats == 0
    assert ledger.balance == 10 * N_ORDERS
    assert sorted(ledger.keys) == sorted(f"order-{i}" for i in range(N_ORDERS))


@pytest.mark.parametrize("key_field", ["order_id", None])
def test_idempotent_handler_survives_a_crash_after_its_write(key_field):
    # order-3's first run credits, then raises: Lambda retries it 60 s later with the same request id.
    naive, safe = Ledger(), Ledger()
    naive_result = ls.run(orders_scenario(naive_handler(naive, crash_after_write=["order-3"]),
                                          duplicate_probability=0))
    safe_result = ls.run(orders_scenario(idempotent_handler(safe, key_field=key_field,
                                                            crash_after_write=["order-3"]),
                                         duplicate_probability=0))
    for result in (naive_result, safe_result):
        retries = result.attempts.query("kind == 'invoke' and attempt > 1")
        assert len(retries) == 1
        first = result.attempts.query("kind == 'invoke' and attempt == 1 and outcome == 'error'")
        assert first["error_type"].tolist() == [DownstreamTimeout.__name__]
        assert result.fates() == {"succeeded": N_ORDERS}
    assert naive.counts()["order-3"] == 2 and naive.repeats == 1
    assert safe.counts()["order-3"] == 1 and safe.repeats == 0


def test_a_producer_resend_is_caught_only_by_a_payload_key():
    resend = [{"at_s": 80.0, "payload": {"order_id": "order-5", "amount": 10}}]
    by_request, by_order = Ledger(), Ledger()
    ls.run(orders_scenario(idempotent_handler(by_request, key_field=None), 0, resend))
    ls.run(orders_scenario(idempotent_handler(by_order, key_field="order_id"), 0, resend))
    assert by_request.repeats == 1 and by_request.counts()["order-5"] == 2  # a new request id
    assert by_order.repeats == 0 and by_order.balance == 10 * N_ORDERS


def test_ledger_credit_once_checks_and_writes_in_one_step():
    ledger = Ledger()
    assert ledger.credit_once("k1", "order-1", 5, "r1") is True
    assert ledger.credit_once("k1", "order-1", 5, "r2") is False
    ledger.credit("order-1", 5, "r3")
    assert (len(ledger), ledger.balance, ledger.repeats) == (2, 10.0, 1)
    assert ledger.entries[0] == {"order": "order-1", "key": "k1", "request_id": "r1", "amount": 5}
    assert repr(ledger) == "<Ledger 2 credits, balance 10, 1 repeated>"
