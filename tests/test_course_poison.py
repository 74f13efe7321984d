"""The course's poison-order handler and exercise check (lambdasim/course/)."""

import json

import pytest

from lambdasim.course.checks import check_answer
from lambdasim.course.poison import OrdersHandler, PoisonOrder


def sqs_event(ids):
    return {"Records": [{"messageId": f"m{i}", "body": json.dumps({"id": i})} for i in ids]}


def test_an_async_poison_order_raises_and_the_others_are_processed():
    handler = OrdersHandler(poison_ids=[7])
    assert handler({"id": 1}, None) is None
    with pytest.raises(PoisonOrder, match="cannot process order 7"):
        handler({"id": 7}, None)
    assert (handler.processed, handler.failures) == ([1], 1)


def test_a_batch_without_item_failures_fails_whole_after_processing_the_orders_before_the_poison():
    handler = OrdersHandler(poison_ids=[2])
    with pytest.raises(PoisonOrder):
        handler(sqs_event([0, 1, 2, 3]), None)
    assert handler.processed == [0, 1]


def test_a_batch_with_item_failures_names_only_the_poison_records():
    handler = OrdersHandler(poison_ids=[2], report_batch_item_failures=True)
    assert handler(sqs_event([0, 1, 2, 3]), None) == {"batchItemFailures": [{"itemIdentifier": "m2"}]}
    assert handler.processed == [0, 1, 3]


def test_a_fixed_handler_processes_the_poison_order():
    handler = OrdersHandler(poison_ids=[2], report_batch_item_failures=True)
    handler.fixed = True
    assert handler(sqs_event([2]), None) == {"batchItemFailures": []}
    assert handler.processed == [2]


@pytest.mark.parametrize(("answer", "said"), [
    (..., "not answered yet"), (None, "not answered yet"), (9, "right"), (9.0, "right"),
    (10, "not yet: count the batch"), ("9", "not yet: count the batch")])
def test_check_answer_says_not_answered_right_or_not_yet(answer, said):
    assert check_answer(answer, 9, hint="count the batch") == said
