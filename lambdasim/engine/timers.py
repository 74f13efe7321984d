"""The engine's timers: SimPy Timeouts scheduled in one call, straight onto SimPy's heap.

``env.timeout(delay, value)`` then ``.callbacks.append(callback)`` costs three calls per timer, and
the engine sets two or three timers per event (an execution's end, a queue wait, an arrival). These
make the same :class:`~simpy.events.Timeout` and push it on the same heap entry
``(time, NORMAL, event id, timeout)`` that ``Timeout.__init__`` and ``Environment.schedule`` do.
They read ``env._queue``, ``env._eid`` and ``env._now`` (as do the queue's waits, which take their
event id when the wait begins, and the queue's per-event steps, which read the clock as
``env._now``), and skip SimPy's negative-delay check (the engine's delays are run times and queue
waits, never negative); tests/test_engine_timers.py fails with what to do if a SimPy release changes
any of it. Callbacks read the timer's value as ``timeout._value``.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL, Timeout

__all__ = ["after", "at"]

_new_timeout = Timeout.__new__


def after(env: simpy.Environment, delay: float, value: Any, callback: Callable[[Timeout], None]) -> None:
    """``env.timeout(delay, value).callbacks.append(callback)`` in one call: the timer takes the
    next event id, as SimPy's would."""
    timeout = _new_timeout(Timeout)
    timeout.env = env
    timeout.callbacks = [callback]
    timeout._value = value
    timeout._delay = delay
    timeout._ok = True
    heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), timeout))


def at(env: simpy.Environment, when: float, eid: int, value: Any,
       callback: Callable[[Timeout], None]) -> None:
    """A timer for virtual time ``when`` with an event id taken earlier (``next(env._eid)`` when the
    wait began): it runs exactly where a timer set at that moment would have run."""
    timeout = _new_timeout(Timeout)
    timeout.env = env
    timeout.callbacks = [callback]
    timeout._value = value
    timeout._delay = when - env._now
    timeout._ok = True
    heappush(env._queue, (when, NORMAL, eid, timeout))
