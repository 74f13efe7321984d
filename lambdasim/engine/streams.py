"""The simulation's random streams: one independent generator per named input."""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["stream"]


def stream(seed: int, purpose: str) -> np.random.Generator:
    """An independent random stream for one input, keyed by its name rather than by order.

    Keying by name (``"durations:orders"``, ``"arrivals:0"``) means that adding a function or
    changing the retry setting never reshuffles the arrivals of another input.
    """
    key = zlib.crc32(purpose.encode())
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))
