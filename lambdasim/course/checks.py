"""Checking a notebook exercise: the student's ``answer`` against what the notebook computed."""

from __future__ import annotations

from typing import Any

__all__ = ["check_answer"]


def check_answer(answer: Any, expected: Any, hint: str = "") -> str:
    """Say whether ``answer`` is right: ``"not answered yet"`` while it is ``...`` or None, ``"right"``,
    or ``"not yet: <hint>"``. Numbers compare within 1e-9 relative; anything else with ``==``."""
    if answer is ... or answer is None:
        return "not answered yet"
    if isinstance(answer, (int, float)) and isinstance(expected, (int, float)):
        right = abs(answer - expected) <= 1e-9 * max(1.0, abs(expected))
    else:
        right = answer == expected
    if right:
        return "right"
    return "not yet" + (f": {hint}" if hint else "")
