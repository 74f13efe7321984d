"""Checking a notebook exercise: the student's answer against what the notebook computed.

A notebook's check cell calls ``ls.course.check("NAME", answer_NAME, expected=..., hint=...)`` right
after the answer cell. ``check`` never raises on the answer: it returns a :class:`CheckResult` whose
``status`` is ``"unanswered"`` (the shipped ``...`` or None), ``"right"`` or ``"wrong"``. In a Jupyter
kernel it also shows the result once: a sentence for the student and, for the course's CI
(``tests/test_course_notebooks.py``), a JSON bundle of MIME type :data:`CHECK_MIME` holding
``{"name": ..., "status": ...}``. Outside a kernel it prints nothing; the result's repr is the sentence.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Real
from typing import Any, Literal

__all__ = ["CHECK_MIME", "CheckResult", "check", "check_answer"]

CHECK_MIME = "application/vnd.lambdasim.check+json"
"""The MIME type of the bundle a check shows; the course tests read it from executed notebooks."""

Status = Literal["unanswered", "right", "wrong"]

DEFAULT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class CheckResult:
    """What a check found: the exercise's ``name``, its ``status`` and the sentence the student reads."""

    name: str
    status: Status
    hint: str = ""
    # The execution count of the kernel cell that already showed this result (check() shows it once).
    _shown_in: int | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        if self.status == "unanswered":
            return f"{self.name}: not answered yet — replace the ... in answer_{self.name} with your answer"
        if self.status == "right":
            return f"{self.name}: right"
        return f"{self.name}: not yet" + (f": {self.hint}" if self.hint else "")

    @property
    def right(self) -> bool:
        return self.status == "right"

    def __repr__(self) -> str:
        return self.text

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return {"text/plain": self.text, CHECK_MIME: {"name": self.name, "status": self.status}}

    def _ipython_display_(self) -> None:
        # check() has shown this result in its own cell; when the same cell then echoes the returned
        # value as its output, showing it again would print the sentence twice.
        shell = _kernel_shell()
        if shell is None or shell.execution_count == self._shown_in:
            return
        _publish(self)


def check(
    name: str, answer: Any, expected: Any, hint: str = "", tolerance: float = DEFAULT_TOLERANCE
) -> CheckResult:
    """Check the answer to exercise ``name`` against ``expected``, show the verdict in a kernel, return it.

    Numbers (not booleans) match when ``|answer - expected| <= tolerance * max(1, |expected|)``
    (relative, with an absolute floor near zero); lists, tuples and dicts match element by element the
    same way; anything else matches with ``==``. ``expected`` must be computed by the notebook from its
    parameters, never typed in, so the check follows the student's changes.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"check name must be a Python identifier (answer_NAME names the answer), "
                         f"got {name!r}")
    if expected is ... or expected is None:
        raise ValueError(f"check {name!r}: expected must be the notebook's computed answer, got {expected!r}")
    if isinstance(tolerance, bool) or not isinstance(tolerance, Real) or not tolerance >= 0:
        raise ValueError(f"check {name!r}: tolerance must be a relative tolerance >= 0, got {tolerance!r}")
    if answer is ... or answer is None:
        status: Status = "unanswered"
    else:
        status = "right" if _matches(answer, expected, float(tolerance)) else "wrong"
    shell = _kernel_shell()
    result = CheckResult(name, status, hint, _shown_in=None if shell is None else shell.execution_count)
    if shell is not None:
        _publish(result)
    return result


def check_answer(answer: Any, expected: Any, hint: str = "") -> str:
    """The older one-line form (notebook 12): ``"not answered yet"``, ``"right"`` or ``"not yet: <hint>"``.

    Compares as :func:`check` does, shows nothing.
    """
    if answer is ... or answer is None:
        return "not answered yet"
    if _matches(answer, expected, DEFAULT_TOLERANCE):
        return "right"
    return "not yet" + (f": {hint}" if hint else "")


def _matches(answer: Any, expected: Any, tolerance: float) -> bool:
    if _is_number(answer) and _is_number(expected):
        a, e = float(answer), float(expected)
        if math.isnan(e):
            return math.isnan(a)
        return abs(a - e) <= tolerance * max(1.0, abs(e))
    if isinstance(answer, (list, tuple)) and isinstance(expected, (list, tuple)):
        return len(answer) == len(expected) and all(
            _matches(a, e, tolerance) for a, e in zip(answer, expected, strict=True))
    if isinstance(answer, Mapping) and isinstance(expected, Mapping):
        return answer.keys() == expected.keys() and all(
            _matches(answer[key], expected[key], tolerance) for key in expected)
    try:
        return bool(answer == expected)
    except Exception:  # e.g. an array compared with a number: an answer of the wrong shape is wrong
        return False


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _kernel_shell():
    """The running IPython shell when there is one (a notebook kernel or IPython), else None."""
    if "IPython" not in sys.modules:  # plain Python never imported it: no kernel, and no need to import
        return None
    from IPython import get_ipython

    return get_ipython()


def _publish(result: CheckResult) -> None:
    from IPython.display import publish_display_data

    publish_display_data(result._repr_mimebundle_())
