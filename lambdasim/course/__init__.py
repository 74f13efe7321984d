"""The course's own code: handlers the lessons run (the notebooks only call these)."""

from lambdasim.course import checks, idempotency, poison

__all__ = ["checks", "idempotency", "poison"]
