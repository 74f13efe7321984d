"""Waits in time order, kept off SimPy's heap: a calendar queue of ``(due, event id, value)`` entries.

The queue's waits (:meth:`~lambdasim.engine.queue.EventQueue._wait`: retry delays, throttle and
system-error backoffs) are many (about 18,000 at 100 events/s that all fail and wait out AWS's 1-
and 2-minute retries) and long, and each is taken out once, in order. A binary heap of that size
costs about 1.4 µs a push and pop on this project's machine (the cache misses of 14 levels of tuple
comparisons); here an entry is appended to the bucket of its whole second of ``due`` and each
bucket is sorted once, when it becomes the earliest, which is about a third of that (measured:
benchmarks/README.md, issue 13).

Entries come out in the order of the tuples, ``(due, event id)``: the event ids are SimPy's, unique,
so a value is never compared.
"""

from __future__ import annotations

from bisect import insort
from heapq import heappop, heappush
from typing import Any

__all__ = ["WaitCalendar"]

Entry = tuple[float, int, Any]


class WaitCalendar:
    """Entries ``(due, event id, value)``, the earliest first.

    Buckets hold one whole second of ``due`` each (``int(due)``, which never decreases as ``due``
    grows, so a bucket's key orders it before every later bucket). The earliest bucket is the
    *head*: sorted, read from ``_next``; an entry pushed into it is inserted in place, and an entry
    earlier than the whole head puts the head back among the buckets.
    """

    __slots__ = ("_buckets", "_keys", "_head", "_head_key", "_next", "_size")

    def __init__(self) -> None:
        self._buckets: dict[int, list[Entry]] = {}  # unsorted, by key; the head's is not here
        self._keys: list[int] = []                  # a heap of the buckets' keys
        self._head: list[Entry] = []
        self._head_key = 0
        self._next = 0                              # the head's earliest entry not yet taken
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def push(self, entry: Entry) -> bool:
        """Add an entry (its ``due`` a finite number); True when it is now the earliest."""
        key = int(entry[0])
        self._size += 1
        head = self._head
        if self._next == len(head) and self._size > 1:
            self.earliest()  # load the earliest bucket, to compare with
            head = self._head
        if self._next < len(head):
            if key == self._head_key:
                insort(head, entry, self._next)
                return head[self._next] is entry
            if key > self._head_key:  # the usual case: a later second
                self._add(key, entry)
                return False
            # earlier than the head's whole second: the head goes back among the buckets
            self._buckets[self._head_key] = head[self._next:]
            heappush(self._keys, self._head_key)
            self._head, self._next = [], 0
        self._add(key, entry)
        return True

    def _add(self, key: int, entry: Entry) -> None:
        bucket = self._buckets.get(key)
        if bucket is None:
            self._buckets[key] = [entry]
            heappush(self._keys, key)
        else:
            bucket.append(entry)

    def earliest(self) -> Entry | None:
        """The earliest entry, left in place; None when there is none."""
        if self._next < len(self._head):
            return self._head[self._next]
        if not self._keys:
            return None
        key = heappop(self._keys)
        head = self._buckets.pop(key)
        head.sort()
        self._head, self._head_key, self._next = head, key, 0
        return head[0]

    def pop(self) -> Entry:
        """Take out and return the earliest entry (there must be one)."""
        entry = self.earliest()
        if entry is None:
            raise IndexError("pop from an empty WaitCalendar")
        self._next += 1
        self._size -= 1
        if self._next == len(self._head):  # the head is done: let its entries go
            self._head, self._next = [], 0
        return entry

    def pop_then_earliest(self) -> tuple[Entry, Entry | None]:
        """:meth:`pop`, then :meth:`earliest`, in one call (the queue's step when a wait ends)."""
        head, at = self._head, self._next
        if at < len(head):  # the head is loaded: the usual case
            entry = head[at]
            at += 1
            self._size -= 1
            if at < len(head):
                self._next = at
                return entry, head[at]
            self._head, self._next = [], 0
            return entry, self.earliest()
        entry = self.pop()
        return entry, self.earliest()

    def entries(self) -> list[Entry]:
        """Every entry, in order (for inspection and tests; not on the engine's path)."""
        rest = [e for bucket in self._buckets.values() for e in bucket]
        return self._head[self._next:] + sorted(rest)
