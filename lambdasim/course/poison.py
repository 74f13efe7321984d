"""A course handler with a bug: it fails on certain orders (poison messages), fed either way.

The same :class:`OrdersHandler` serves an asynchronous invoke (the event is the order,
``{"id": 7}``) and an SQS event-source mapping (the event is ``{"Records": [...]}``, each record's
``body`` the order as JSON; docs/aws-behaviour.md §19). On a poison order it raises, failing the
invoke; for a batch, with ``report_batch_item_failures`` it instead answers
``{"batchItemFailures": [{"itemIdentifier": messageId}, ...]}`` naming only the poison records,
which an event-source mapping with ``FunctionResponseTypes: [ReportBatchItemFailures]`` reads to
delete the rest of the batch. Setting ``fixed = True`` is "deploying the fix": no order fails after.

    import lambdasim as ls
    handler = ls.course.poison.OrdersHandler(poison_ids=[7])
    scenario = scenario.replace({"functions.worker.handler": handler})
    ls.run(scenario); handler.processed        # ids in the order they were processed successfully
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

__all__ = ["OrdersHandler", "PoisonOrder"]


class PoisonOrder(Exception):
    """Raised for an order the buggy code cannot process."""


class OrdersHandler:
    """``handler(event, context)`` for orders ``{"id": n}``, failing on ``poison_ids`` until ``fixed``.

    Attributes
    ----------
    processed
        The ids of the orders processed, in the order they were: a batch that fails after some of its
        orders were processed is redelivered whole, so those orders appear again (at-least-once).
    failures
        How many times a poison order failed.
    """

    def __init__(self, poison_ids: Iterable[int] = (), report_batch_item_failures: bool = False) -> None:
        self.poison_ids = frozenset(poison_ids)
        self.report_batch_item_failures = report_batch_item_failures
        self.fixed = False
        self.processed: list[int] = []
        self.failures = 0

    def _is_poison(self, order: dict) -> bool:
        return not self.fixed and order.get("id") in self.poison_ids

    def __call__(self, event: dict, context: Any) -> dict | None:
        if "Records" not in event:          # an asynchronous invoke: the event is the order
            self._process([event], raise_on_poison=True)
            return None
        orders = [json.loads(record["body"]) for record in event["Records"]]
        failed = self._process(orders, raise_on_poison=not self.report_batch_item_failures)
        ids = [record["messageId"] for record, bad in zip(event["Records"], failed, strict=True) if bad]
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in ids]}

    def _process(self, orders: list[dict], raise_on_poison: bool) -> list[bool]:
        """Process the orders in turn; a poison one raises (the whole invoke fails, as code that
        does not catch per record would) or is marked failed. Returns which ones failed."""
        failed = []
        for order in orders:
            if self._is_poison(order):
                self.failures += 1
                if raise_on_poison:
                    raise PoisonOrder(f"cannot process order {order.get('id')}")
                failed.append(True)
                continue
            self.processed.append(order.get("id"))   # its side effect is done, whatever comes next
            failed.append(False)
        return failed
