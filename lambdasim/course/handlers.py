"""Handlers for notebook 13: a plain handler, an ``async def`` one, and a model of Node's ``await``.

Each factory takes a :class:`Receipts` store and returns a ``handler(event, context)`` usable as a
scenario's ``handler``; the receipt for ``event["order_id"]`` is the side effect the lessons count.

- :func:`sync_handler` writes the receipt and returns: what AWS's Python runtime expects.
- :func:`async_def_handler` is an ``async def``: the Python runtime calls it, gets a coroutine and
  never awaits it, so the body never runs and the invocation fails with ``Runtime.MarshalError``
  (docs/aws-behaviour.md §12; ``call_handler`` in ``lambdasim/engine/handlers.py``).
- :func:`asyncio_handler` is the fix: a plain handler that runs the coroutine to its end.
- :func:`node_style_handler` models a Node.js ``async`` handler whose write is, or is not,
  awaited. Node's runtime waits for the promise the handler returns, and the function ends when that
  promise settles (docs/aws-behaviour.md §12): with ``await`` the write is done when the function
  returns; without it the function returns first and the write is left pending in an environment
  that Lambda freezes. The model records such a write as ``pending`` (unconfirmed); what a frozen
  environment does with it later is not modelled (docs/aws-behaviour.md, Not modelled).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["Receipts", "async_def_handler", "asyncio_handler", "node_style_handler", "side_by_side",
           "sync_handler"]

Handler = Callable[[Any, Any], Any]


class Receipts:
    """Receipts the handlers write: ``written`` (done before the handler returned) and ``pending``.

    Both are lists of order ids in the order the handlers ran; ``pending`` holds writes a handler
    started but did not wait for.
    """

    def __init__(self) -> None:
        self.written: list[str] = []
        self.pending: list[str] = []

    def __repr__(self) -> str:
        return f"<Receipts {len(self.written)} written, {len(self.pending)} pending>"


def _order(event: Any, context: Any) -> str:
    if isinstance(event, dict) and event.get("order_id") is not None:
        return str(event["order_id"])
    return context.aws_request_id


def sync_handler(receipts: Receipts) -> Handler:
    """A plain ``def`` handler: writes the receipt, then returns ``{"written": order}``."""

    def handler(event: Any, context: Any) -> dict:
        order = _order(event, context)
        receipts.written.append(order)
        return {"written": order}

    return handler


def async_def_handler(receipts: Receipts) -> Handler:
    """An ``async def`` handler: on AWS's Python runtime its body never runs (module docstring)."""

    async def handler(event: Any, context: Any) -> dict:
        order = _order(event, context)
        await asyncio.sleep(0)   # stands for an awaited call, e.g. an async HTTP client
        receipts.written.append(order)
        return {"written": order}

    return handler


def asyncio_handler(receipts: Receipts) -> Handler:
    """A plain handler that runs :func:`async_def_handler`'s coroutine to its end with ``asyncio.run``.

    On Lambda ``return asyncio.run(work(event, context))`` is the whole handler. Here it runs in a
    worker thread, because a Jupyter kernel already runs an event loop in the notebook's thread and
    ``asyncio.run`` refuses to start a second one there; Lambda's Python runtime runs none.
    """
    work = async_def_handler(receipts)

    def handler(event: Any, context: Any) -> Any:
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["value"] = asyncio.run(work(event, context))
            except BaseException as exc:  # re-raised in the handler's own thread below
                outcome["error"] = exc

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return handler


def node_style_handler(receipts: Receipts, await_write: bool) -> Handler:
    """A model of a Node.js ``async`` handler that starts a receipt write and does or does not await it.

    Awaited, the write is done before the handler's promise settles (``written``); not awaited, the
    handler returns first and the write is left ``pending``. The time the write takes is the
    scenario's duration (the notebook adds it when the write is awaited).
    """
    if not isinstance(await_write, bool):
        raise ValueError(f"await_write must be True or False, got {await_write!r}")

    def handler(event: Any, context: Any) -> dict:
        order = _order(event, context)
        (receipts.written if await_write else receipts.pending).append(order)
        return {"started": order}

    return handler


def side_by_side(runs: dict[str, tuple[Receipts, Any]]) -> Any:
    """One row per handler: fates, receipts written and pending, invoke attempts and billed ms.

    ``runs`` maps a label to ``(receipts, result)``, the store a handler wrote to and its run.
    """
    import pandas as pd

    rows = []
    for name, (receipts, run) in runs.items():
        fates = run.fates()
        invokes = run.attempts["kind"] == "invoke"
        rows.append({
            "handler": name, "succeeded": fates.get("succeeded", 0),
            "failed": sum(count for fate, count in fates.items() if fate != "succeeded"),
            "receipts written": len(receipts.written), "receipts pending": len(receipts.pending),
            "attempts": int(invokes.sum()), "billed ms": int(run.attempts["billed_ms"].sum()),
        })
    return pd.DataFrame(rows).set_index("handler")
