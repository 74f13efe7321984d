"""Holding Python's cyclic garbage collector back while lambdasim builds or runs something large.

The collector's switch (:func:`gc.disable`) and its threshold (:func:`gc.set_threshold`) belong to
the whole process, not to a thread. Runs and scenario reads may overlap in threads (a sweep given a
``ThreadPoolExecutor``), so each hold is counted under one lock: the first hold saves the setting and
changes it, and only the last hold to end puts the saved setting back. A run ending in one thread
therefore never turns the collector back on (or makes it frequent again) under a run still going in
another, and the collector comes back on only if it was on before the first hold began.

Both holds are re-entrant, in one thread or across threads. What the process does to the
collector itself while a hold lasts (a ``gc.enable()`` from user code) is not undone or tracked.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["garbage_collection_paused", "garbage_collection_rarer"]

_lock = threading.Lock()  # guards every field below and the gc calls made with them


class _Holds:
    paused = 0  # garbage_collection_paused() blocks open, in any thread
    enabled_before = False  # whether the collector was on when the first of them began
    rarer = 0  # garbage_collection_rarer() blocks open, in any thread
    thresholds_before: tuple[int, ...] = ()  # gc.get_threshold() when the first of them began


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (for containers that hold no cycles); it is back on
    when the last overlapping pause ends, if it was on before the first."""
    with _lock:
        if _Holds.paused == 0:
            _Holds.enabled_before = gc.isenabled()
            gc.disable()
        _Holds.paused += 1
    try:
        yield
    finally:
        with _lock:
            _Holds.paused -= 1
            if _Holds.paused == 0 and _Holds.enabled_before:
                gc.enable()


@contextmanager
def garbage_collection_rarer(every: int) -> Iterator[None]:
    """Let the collector's youngest generation run at most once per ``every`` allocations for the
    block (it stays on: user code may build cycles); the thresholds are put back as they were
    when the last overlapping block ends."""
    with _lock:
        if _Holds.rarer == 0:
            _Holds.thresholds_before = gc.get_threshold()
        _Holds.rarer += 1
        current = gc.get_threshold()
        gc.set_threshold(max(current[0], every), *current[1:])
    try:
        yield
    finally:
        with _lock:
            _Holds.rarer -= 1
            if _Holds.rarer == 0:
                gc.set_threshold(*_Holds.thresholds_before)
