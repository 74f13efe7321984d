"""Measure a function's peak memory in a fresh process.

``measure(fn, *args)`` runs ``fn(*args)`` in a newly spawned Python process (``multiprocessing``
"spawn" start method), so each measurement starts from a clean interpreter and two measurements
never contaminate each other. The peak is the child's own ``ru_maxrss`` read inside the child right
after ``fn`` returns; it includes the interpreter and the modules ``fn`` imports (numpy, simpy, ...),
which is the same baseline for every measured function.

``fn`` and its arguments and result must be picklable: define ``fn`` at module level in an
importable module (not in a notebook cell or a script fed on standard input, which a spawned
child cannot re-import), and guard the calling script with ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

__all__ = ["measure", "peak_rss_mb"]


def peak_rss_mb() -> float:
    """Peak resident set size of the calling process so far, in MiB."""
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kibibytes, macOS bytes.
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def _call_and_measure(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[Any, float]:
    result = fn(*args)
    return result, peak_rss_mb()


def measure(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """Run ``fn(*args)`` in a fresh spawned process; return ``(result, peak_mb)``.

    Exceptions raised by ``fn`` are re-raised in the caller.
    """
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(_call_and_measure, fn, args).result()
