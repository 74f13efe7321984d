"""A simulated SQS queue's consumer side: receive, hide for the visibility timeout, delete.

The messages are those the queue's :class:`~lambdasim.engine.destinations.Target` received
(``target.messages``, oldest first); this module keeps what consumers did to them, on the virtual
clock: a received message is invisible until ``now + visibility timeout`` and is received again
after that unless it was deleted; each receive gives a new receipt handle, and only the latest one
deletes (SQS API reference, DeleteMessage: an older handle's delete succeeds but leaves the message).

Kept small on purpose: FIFO ordering, redrive, retention and event-source mappings (issue 12) grow
here. AWS samples a subset of its servers on a short-poll receive and may return fewer messages
than are visible; lambdasim returns the oldest visible ones, up to the number asked for (a choice:
the same answer every run).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, NamedTuple

from lambdasim.model.rules import SQS_VISIBILITY_TIMEOUT_S

# The target and its messages are :class:`~lambdasim.engine.destinations.Target` and ``Message``;
# typed as Any because destinations.py imports this module (the engine's modules form no cycle).
Message = Target = Any

__all__ = ["SqsQueue", "Received"]


class Received(NamedTuple):
    """One message handed to a consumer by one receive."""

    message: Message
    receipt_handle: str
    receive_count: int          #: ``ApproximateReceiveCount``, this receive included
    first_received_at: float    #: virtual instant of the first receive


class SqsQueue:
    """What consumers did to the messages of one simulated SQS queue.

    Parameters
    ----------
    target
        The queue's target; its ``messages`` are the queue's contents and a delete removes from them.
    """

    def __init__(self, target: Target) -> None:
        self.target = target
        #: Callbacks run whenever a message is added (an event-source mapping's idle pollers wake).
        self.on_available: list[Callable[[], None]] = []
        #: The queue's own visibility timeout (a receive that names none uses it).
        self.visibility_timeout_s: float = SQS_VISIBILITY_TIMEOUT_S
        target.messages = _Arrivals(target.messages, self.on_available)
        self._visible_at: dict[str, float] = {}        # message id -> when it may be received again
        self._receive_counts: dict[str, int] = {}
        self._first_received_at: dict[str, float] = {}
        self._latest_handle: dict[str, str] = {}       # message id -> the handle that deletes it
        self._issued: set[str] = set()                 # every handle this queue gave

    def __getstate__(self) -> dict:
        # The callbacks are the live run's wiring (pollers of a SimPy process): a pickled result
        # keeps what happened to the messages, not who was waiting for them.
        return {**self.__dict__, "on_available": []}

    def _is_visible(self, message: Message, now: float) -> bool:
        return self._visible_at.get(message.message_id, now) <= now

    def counts(self, now: float) -> tuple[int, int]:
        """(visible, in flight) at ``now``: ``ApproximateNumberOfMessages`` and ``...NotVisible``."""
        visible = sum(1 for message in self.target.messages if self._is_visible(message, now))
        return visible, len(self.target.messages) - visible

    def receive(self, now: float, max_messages: int, visibility_timeout_s: float | None = None,
                ) -> list[Received]:
        """Hand out up to ``max_messages`` visible messages, oldest first, hidden until
        ``now + visibility_timeout_s`` (None: the queue's own timeout)."""
        if visibility_timeout_s is None:
            visibility_timeout_s = self.visibility_timeout_s
        received = []
        for message in self.target.messages:
            if len(received) == max_messages:
                break
            if not self._is_visible(message, now):
                continue
            key = message.message_id
            count = self._receive_counts[key] = self._receive_counts.get(key, 0) + 1
            first = self._first_received_at.setdefault(key, now)
            self._visible_at[key] = now + visibility_timeout_s
            handle = base64.b64encode(f"{self.target.arn} {key} {count}".encode()).decode()
            self._latest_handle[key] = handle
            self._issued.add(handle)
            received.append(Received(message, handle, count, first))
        return received

    def is_issued(self, receipt_handle: str) -> bool:
        """Whether a receive of this queue gave ``receipt_handle`` (otherwise SQS calls it invalid)."""
        return receipt_handle in self._issued

    def delete(self, receipt_handle: str) -> bool:
        """Delete the message ``receipt_handle`` was the latest handle of; False when it was not
        (an older handle, or a message already deleted: SQS answers success and keeps the queue)."""
        for index, message in enumerate(self.target.messages):
            if self._latest_handle.get(message.message_id) == receipt_handle:
                del self.target.messages[index]
                key = message.message_id
                for state in (self._visible_at, self._receive_counts, self._first_received_at,
                              self._latest_handle):
                    state.pop(key, None)
                return True
        return False

    def change_visibility(self, receipt_handle: str, timeout_s: float, now: float) -> None:
        """Make the message ``receipt_handle`` is the latest handle of visible again ``timeout_s``
        after ``now`` (0: at once); an older handle changes nothing."""
        for message in self.target.messages:
            key = message.message_id
            if self._latest_handle.get(key) == receipt_handle:
                self._visible_at[key] = now + timeout_s
                if timeout_s <= 0:
                    for callback in list(self.on_available):
                        callback()
                return

    def next_visible_at(self, now: float) -> float | None:
        """When the next hidden message becomes visible again (None: none is hidden)."""
        present = {message.message_id for message in self.target.messages}
        times = [at for key, at in self._visible_at.items() if at > now and key in present]
        return min(times) if times else None


class _Arrivals(list):
    """A queue's messages: a list that runs the queue's ``on_available`` callbacks on every add."""

    def __init__(self, items: list, callbacks: list[Callable[[], None]]) -> None:
        super().__init__(items)
        self._callbacks = callbacks

    def __reduce__(self) -> tuple:
        return list, (list(self),)  # pickled as the plain list of messages (no callbacks)

    def _added(self) -> None:
        for callback in list(self._callbacks):
            callback()

    def append(self, item: Any) -> None:
        super().append(item)
        self._added()

    def extend(self, items: Any) -> None:
        super().extend(items)
        self._added()

    def insert(self, index: Any, item: Any) -> None:
        super().insert(index, item)
        self._added()
