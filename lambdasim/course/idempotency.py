"""Example handlers for the course: a toy ledger, and a naive and an idempotent way to credit it.

Lambda delivers an async event *at least once*: the same event can reach the function twice even
when nothing failed (docs/aws-behaviour.md §2), and a failed attempt is run again (§3), possibly
after its side effect already happened. A handler that credits an account on every run then credits it twice.

:func:`naive_handler` credits the :class:`Ledger` every time it runs. :func:`idempotent_handler`
first looks up the event's idempotency key (a field of the payload, such as an order id, or else
the request id) and skips the credit when the key was applied before: the ledger stores the key
with the entry, in one step, as a conditional write to a table would.

    import lambdasim as ls
    from lambdasim.course.idempotency import Ledger, idempotent_handler

    ledger = Ledger()
    scenario = ls.Scenario.from_yaml("data/scenarios/steady.yaml").replace(
        {"functions.orders.handler": idempotent_handler(ledger)})
    ls.run(scenario)
    ledger.balance, ledger.repeats

The handlers are plain ``handler(event, context)`` callables, usable as a scenario's ``handler``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["DownstreamTimeout", "Ledger", "idempotent_handler", "naive_handler"]

Handler = Callable[[Any, Any], Any]


class DownstreamTimeout(Exception):
    """Raised by a handler told to crash after its write: the credit happened, the attempt failed."""


class Ledger:
    """An account that handlers credit: the side effect that must not happen twice.

    Attributes
    ----------
    entries
        One dict per credit, in order: ``order`` (what was paid for), ``key`` (the idempotency key
        the handler used, or None), ``request_id`` and ``amount``.
    keys
        The idempotency keys applied so far (what a conditional write to a table would hold).
    """

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.keys: set[str] = set()

    @property
    def balance(self) -> float:
        """The sum of every credit."""
        return float(sum(entry["amount"] for entry in self.entries))

    @property
    def repeats(self) -> int:
        """Credits beyond the first for the same order: the double counting."""
        return len(self.entries) - len(self.counts())

    def credit(self, order: str, amount: float, request_id: str, key: str | None = None) -> None:
        """Credit ``amount`` for ``order`` unconditionally (recording ``key`` as applied, if given)."""
        self.entries.append({"order": order, "key": key, "request_id": request_id, "amount": amount})
        if key is not None:
            self.keys.add(key)

    def credit_once(self, key: str, order: str, amount: float, request_id: str) -> bool:
        """Credit ``amount`` unless ``key`` was applied before; return whether it was credited.

        The check and the write are one step, as a conditional write to a table would be.
        """
        if key in self.keys:
            return False
        self.credit(order, amount, request_id, key)
        return True

    def counts(self) -> Counter:
        """How many credits each order received."""
        return Counter(entry["order"] for entry in self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"<Ledger {len(self.entries)} credits, balance {self.balance:g}, {self.repeats} repeated>"


def _field(event: Any, name: str | None) -> str | None:
    """``event[name]`` as a string, or None when the event has no such field."""
    if name and isinstance(event, dict) and event.get(name) is not None:
        return str(event[name])
    return None


def _amount(event: Any) -> float:
    return float(event.get("amount", 1)) if isinstance(event, dict) else 1.0


def naive_handler(ledger: Ledger, crash_after_write: Iterable[str] = ()) -> Handler:
    """A handler that credits ``event["amount"]`` (default 1) to ``ledger`` every time it runs.

    Parameters
    ----------
    ledger
        The ledger to credit, for the order ``event["order_id"]`` (the request id if absent).
    crash_after_write
        Orders (``event["order_id"]``) whose first run raises :class:`DownstreamTimeout` *after*
        the credit, as a handler does when a call after its write times out; Lambda then retries
        the event.
    """
    crash = set(map(str, crash_after_write))

    def handler(event: Any, context: Any) -> dict:
        order = _field(event, "order_id") or context.aws_request_id
        ledger.credit(order, _amount(event), context.aws_request_id)
        if order in crash:
            crash.discard(order)
            raise DownstreamTimeout(f"receipt service timed out after crediting {order}")
        return {"credited": order, "balance": ledger.balance}

    return handler


def idempotent_handler(ledger: Ledger, key_field: str | None = "order_id",
                       crash_after_write: Iterable[str] = ()) -> Handler:
    """A handler that credits each idempotency key once and skips repeats.

    The key is ``event[key_field]`` — an id the producer chose, so a producer that sends the same
    order twice is caught too — or, with ``key_field`` None or absent from the event, the request id
    (which lambdasim keeps for duplicate deliveries and retries of an event, but which a second
    ``Invoke`` of the same order does not share). ``crash_after_write`` is as for
    :func:`naive_handler`.
    """
    crash = set(map(str, crash_after_write))

    def handler(event: Any, context: Any) -> dict:
        order = _field(event, "order_id") or context.aws_request_id
        key = _field(event, key_field) or context.aws_request_id
        credited = ledger.credit_once(key, order, _amount(event), context.aws_request_id)
        if order in crash:
            crash.discard(order)
            raise DownstreamTimeout(f"receipt service timed out after crediting {order}")
        return {"credited": order if credited else None, "repeat": not credited, "balance": ledger.balance}

    return handler
