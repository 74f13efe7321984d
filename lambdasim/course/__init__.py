"""The course's own code: handlers the lessons run (the notebooks only call these)."""

from lambdasim.course import idempotency

__all__ = ["idempotency"]
