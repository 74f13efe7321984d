"""``ls.course.check``: the verdict on a student's answer, its sentence and the bundle the course CI reads."""

import math

import numpy as np
import pytest

import lambdasim as ls
from lambdasim.course.checks import CHECK_MIME, CheckResult, check, check_answer


@pytest.mark.parametrize(("answer", "status"), [
    (..., "unanswered"), (None, "unanswered"),
    (184, "right"), (184.0, "right"), (np.float64(184.0), "right"), (np.int64(184), "right"),
    (184 * (1 + 5e-10), "right"), (184 * (1 + 5e-9), "wrong"),
    (183, "wrong"), ("184", "wrong"), (True, "wrong"), ([184], "wrong")])
def test_a_number_is_right_within_the_relative_tolerance(answer, status):
    assert check("retry_start", answer, expected=184.0).status == status


def test_near_zero_the_tolerance_is_absolute():
    assert check("zero", 1e-12, expected=0).status == "right"
    assert check("zero", 1e-8, expected=0).status == "wrong"


def test_a_wider_tolerance_accepts_a_rounded_answer():
    assert check("age", 60.4, expected=60.43, tolerance=1e-3).status == "right"
    assert check("age", 60.4, expected=60.43).status == "wrong"


def test_tuples_lists_and_dicts_compare_element_by_element():
    assert check("pair", (2, 60.4), expected=(2, 60.4 + 1e-12)).status == "right"
    assert check("pair", [2, 60.4], expected=(2, 60.4)).status == "right"
    assert check("pair", (2, 61), expected=(2, 60.4)).status == "wrong"
    assert check("pair", (2,), expected=(2, 60.4)).status == "wrong"
    assert check("fates", {"ok": 3, "dropped": 1.0}, expected={"ok": 3.0, "dropped": 1}).status == "right"
    assert check("fates", {"ok": 3}, expected={"ok": 3, "dropped": 1}).status == "wrong"


def test_other_values_compare_with_equality():
    assert check("fate", "dropped", expected="dropped").status == "right"
    assert check("fate", "Dropped", expected="dropped").status == "wrong"
    assert check("flag", True, expected=True).status == "right"
    assert check("nan", math.nan, expected=math.nan).status == "right"


def test_an_answer_that_cannot_be_compared_is_wrong_not_an_error():
    assert check("shape", np.array([1, 2]), expected=np.array([1, 2, 3])).status == "wrong"


def test_the_sentence_says_unanswered_right_or_the_hint():
    assert check("third_start", ..., expected=3).text == (
        "third_start: not answered yet — replace the ... in answer_third_start with your answer")
    assert check("third_start", 3, expected=3).text == "third_start: right"
    wrong = check("third_start", 4, expected=3, hint="add both delays")
    assert wrong.text == "third_start: not yet: add both delays"
    assert repr(wrong) == wrong.text
    assert check("third_start", 4, expected=3).text == "third_start: not yet"


def test_the_bundle_holds_the_sentence_and_the_name_and_status():
    result = check("third_start", 4, expected=3, hint="add both delays")
    assert result._repr_mimebundle_() == {
        "text/plain": "third_start: not yet: add both delays",
        CHECK_MIME: {"name": "third_start", "status": "wrong"}}
    assert CHECK_MIME == "application/vnd.lambdasim.check+json"


def test_outside_a_kernel_check_prints_nothing(capsys):
    result = check("third_start", 3, expected=3)
    assert isinstance(result, CheckResult) and result.right
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(("kwargs", "said"), [
    ({"name": "third start"},
     "check name must be a Python identifier (answer_NAME names the answer), got 'third start'"),
    ({"expected": ...}, "check 'x': expected must be the notebook's computed answer, got Ellipsis"),
    ({"expected": None}, "check 'x': expected must be the notebook's computed answer, got None"),
    ({"tolerance": -1}, "check 'x': tolerance must be a relative tolerance >= 0, got -1"),
    ({"tolerance": "1e-3"}, "check 'x': tolerance must be a relative tolerance >= 0, got '1e-3'")])
def test_an_author_mistake_is_an_error_naming_the_field(kwargs, said):
    arguments = {"name": "x", "answer": 1, "expected": 1} | kwargs
    with pytest.raises(ValueError) as raised:
        check(**arguments)
    assert str(raised.value) == said


def test_check_is_the_course_entry_point():
    assert ls.course.check is check


def test_check_answer_keeps_its_sentences():
    assert check_answer((9, 1.0), (9, 1), hint="h") == "right"
    assert check_answer(8, 9, hint="h") == "not yet: h"
    assert check_answer(..., 9) == "not answered yet"


class _Shell:
    """Stands in for the kernel's shell: its execution count is the cell being run."""

    execution_count = 7


def test_in_a_kernel_check_shows_the_result_once_per_cell(monkeypatch):
    from lambdasim.course import checks

    shown = []
    monkeypatch.setattr(checks, "_kernel_shell", lambda: _Shell)
    monkeypatch.setattr(checks, "_publish", shown.append)
    result = check("third_start", 3, expected=3)
    assert shown == [result]
    result._ipython_display_()      # the same cell echoes the returned value: not shown again
    assert shown == [result]
    monkeypatch.setattr(_Shell, "execution_count", 8)
    result._ipython_display_()      # a later cell shows it on purpose
    assert shown == [result, result]
