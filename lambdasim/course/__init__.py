"""The course's own code: exercise checks and the handlers the lessons run (the notebooks only call these)."""

from lambdasim.course import checks, handlers, idempotency, poison
from lambdasim.course.checks import CheckResult, check

__all__ = ["CheckResult", "check", "checks", "handlers", "idempotency", "poison"]
