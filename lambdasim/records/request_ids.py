"""Request ids (UUID-4 shaped) that depend only on the seed and the event's index."""

from __future__ import annotations

__all__ = ["RequestIds"]

_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(x):
    """The splitmix64 finaliser; works on Python ints (masked) and on numpy uint64 arrays alike."""
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


class RequestIds:
    """Request ids (UUID-4 shaped) that depend only on the seed and the event's index.

    ``ids(i)`` gives one id; ``ids.many(indices)`` gives a list of them in one vectorised step
    (the frames need one per event, a million at a time). Both compute the same ids.
    """

    def __init__(self, seed: int, stream: int = 0) -> None:
        # ``stream`` gives independent id sequences from one seed (request ids, message ids, ...).
        base = (seed * _GOLDEN + 2 * stream) & _MASK64
        self.keys = (_mix((base + 1) & _MASK64), _mix((base + 2) & _MASK64))

    def __call__(self, index: int) -> str:
        base = (index * _GOLDEN) & _MASK64
        high = (_mix((base + self.keys[0]) & _MASK64) & _HIGH_CLEAR) | _VERSION_4
        low = (_mix((base + self.keys[1]) & _MASK64) & _LOW_CLEAR) | _VARIANT
        d = f"{high:016x}{low:016x}"
        return f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:]}"

    def many(self, indices) -> list[str]:
        return self.many_text(indices).view("S36").ravel().astype("U36").tolist()

    def many_text(self, indices):
        """The ids of ``indices`` as ASCII, one 36-byte row each (a ``(n, 36)`` uint8 array): what
        an Arrow string column is built from without a Python ``str`` per id."""
        import numpy as np  # only the vectorised path needs it

        base = np.asarray(indices, dtype=np.uint64) * np.uint64(_GOLDEN)
        mask = np.uint64(_MASK64)
        high = _mix((base + np.uint64(self.keys[0])) & mask) & np.uint64(_HIGH_CLEAR) | np.uint64(_VERSION_4)
        low = _mix((base + np.uint64(self.keys[1])) & mask) & np.uint64(_LOW_CLEAR) | np.uint64(_VARIANT)
        # The 16 bytes of each id as 32 hex digits, laid out with the dashes in numpy: the ids come
        # out of one conversion, with no Python-level formatting per id.
        raw = np.stack([high, low], axis=1).astype(">u8").view(np.uint8).reshape(-1, 16)
        hex_digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
        text = np.full((len(raw), 36), ord("-"), dtype=np.uint8)
        text[:, _DIGITS[0::2]] = hex_digits[raw >> 4]
        text[:, _DIGITS[1::2]] = hex_digits[raw & 15]
        return text

#: Where the 32 hex digits go in the 36-character id (8-4-4-4-12, dashes between).
_DIGITS = [i for i in range(36) if i not in (8, 13, 18, 23)]
# UUID-4 bits: the version nibble (4) in the high half, the RFC 4122 variant (10xx) in the low half.
_HIGH_CLEAR = _MASK64 ^ (0xF << 12)
_VERSION_4 = 0x4 << 12
_LOW_CLEAR = _MASK64 ^ (0xC << 60)
_VARIANT = 0x8 << 60
