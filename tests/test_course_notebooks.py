"""The course's exercises, run four ways per notebook (the exercise scheme, README "The course").

Each notebook in notebooks/ has a ``parameters`` cell, answer cells tagged ``answer`` (``answer_NAME =
...``) each followed by a ``ls.course.check("NAME", ...)`` cell, and a solutions file
notebooks/solutions/<stem>.yaml (``solutions``, ``wrong``, ``variants``). Executed with nbclient (working
directory notebooks/), each notebook must:

- as shipped: run without an exception, every check "unanswered";
- with the solutions' sources in the answer cells: every check "right";
- with the ``wrong`` sources: each of those checks "wrong" (the others stay "unanswered");
- with each variant's parameters injected after the parameters cell (papermill's
  ``injected-parameters``) and the solutions in place: every check "right".

The structure (tagged cells, answers matched by solutions) is checked without running anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
import yaml

from lambdasim.course.checks import CHECK_MIME

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SOLUTIONS = NOTEBOOKS / "solutions"
CELL_TIMEOUT_S = 60

def _stems() -> list[str]:
    return sorted(path.stem for path in NOTEBOOKS.glob("*.ipynb"))


def _solutions_file(stem: str) -> Path:
    return SOLUTIONS / f"{stem}.yaml"


def _read_solutions(stem: str) -> dict:
    scheme = yaml.safe_load(_solutions_file(stem).read_text(encoding="utf-8")) or {}
    unknown = set(scheme) - {"solutions", "wrong", "variants"}
    assert not unknown, f"{stem}.yaml: unknown keys {sorted(unknown)}; allowed: solutions, wrong, variants"
    return {"solutions": scheme.get("solutions") or {}, "wrong": scheme.get("wrong") or {},
            "variants": scheme.get("variants") or []}


def _read_notebook(stem: str):
    return nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)


def _tagged(nb, tag: str) -> list[int]:
    return [i for i, cell in enumerate(nb.cells) if tag in cell.get("metadata", {}).get("tags", [])]


def _answer_names(cell) -> list[str]:
    """The NAMEs an answer cell assigns (``answer_NAME = ...``); anything else in it is a defect."""
    names = []
    for statement in ast.parse(cell.source).body:
        single = isinstance(statement, ast.Assign) and len(statement.targets) == 1
        target = statement.targets[0] if single else None
        assert isinstance(target, ast.Name) and target.id.startswith("answer_"), (
            f"an answer cell holds only answer_NAME = ... lines, found: {ast.unparse(statement)!r}")
        names.append(target.id.removeprefix("answer_"))
    return names


def _answers(nb) -> dict[str, int]:
    """Answer NAME -> index of its answer cell."""
    return {name: i for i in _tagged(nb, "answer") for name in _answer_names(nb.cells[i])}


def _parameter_names(nb) -> set[str]:
    [index] = _tagged(nb, "parameters")
    assignments = [s for s in ast.parse(nb.cells[index].source).body if isinstance(s, ast.Assign)]
    return {target.id for s in assignments for target in s.targets if isinstance(target, ast.Name)}


# -- what is run: one case per notebook and way, so pytest-xdist spreads them -----------------------------


def _cases():
    for stem in _stems():
        if not _solutions_file(stem).exists():
            yield pytest.param(stem, "solutions file", id=f"{stem}-solutions-file")
            continue
        for way in ("shipped", "solutions", "wrong"):
            yield pytest.param(stem, way, id=f"{stem}-{way}")
        for number, _ in enumerate(_read_solutions(stem)["variants"], start=1):
            yield pytest.param(stem, f"variant {number}", id=f"{stem}-variant-{number}")


def _structure_cases():
    for stem in _stems():
        yield pytest.param(stem, id=stem)


@pytest.mark.parametrize("stem", list(_structure_cases()))
def test_the_notebook_follows_the_exercise_scheme(stem):
    assert _solutions_file(stem).exists(), f"notebooks/solutions/{stem}.yaml is missing"
    nb = _read_notebook(stem)
    scheme = _read_solutions(stem)
    assert len(_tagged(nb, "parameters")) == 1, f"{stem}: exactly one code cell must be tagged 'parameters'"
    answers = _answers(nb)
    assert answers, f"{stem}: no answer cell (tag 'answer') — every notebook has at least one exercise"
    for name, index in answers.items():
        assert nb.cells[index].cell_type == "code"
        assert f"answer_{name} = ..." in nb.cells[index].source, f"{stem}: answer_{name} must ship as ..."
        following = nb.cells[index + 1].source if index + 1 < len(nb.cells) else ""
        assert f'ls.course.check("{name}", answer_{name}' in following, (
            f"{stem}: the cell after answer_{name} must be its check: "
            f"ls.course.check(\"{name}\", answer_{name}, ...)")
    assert set(scheme["solutions"]) == set(answers), (
        f"{stem}: answers without a solution {sorted(set(answers) - set(scheme['solutions']))}, "
        f"solutions without an answer cell {sorted(set(scheme['solutions']) - set(answers))}")
    assert scheme["wrong"], f"{stem}.yaml: 'wrong' names no answer"
    assert set(scheme["wrong"]) <= set(answers), (
        f"{stem}.yaml: wrong answers {sorted(set(scheme['wrong']) - set(answers))} have no answer cell")
    parameters = _parameter_names(nb)
    for variant in scheme["variants"]:
        assert isinstance(variant, dict) and variant, (
            f"{stem}.yaml: a variant is a mapping of parameter overrides, got {variant!r}")
        assert set(variant) <= parameters, (
            f"{stem}.yaml: variant {variant} names {sorted(set(variant) - parameters)}, "
            f"not in the parameters cell {sorted(parameters)}")


# -- running a notebook -------------------------------------------------------------------------------------


def _with_answers(nb, sources: dict[str, str]):
    """The answer cells holding ``sources`` (NAME -> source) for those names, ``...`` for the others."""
    for index in _tagged(nb, "answer"):
        cell = nb.cells[index]
        names = _answer_names(cell)
        replaced = [sources[name] for name in names if name in sources]
        kept = [f"answer_{name} = ..." for name in names if name not in sources]
        cell.source = "\n".join(replaced + kept)
    return nb


def _with_parameters(nb, overrides: dict):
    [index] = _tagged(nb, "parameters")
    lines = [f"{name} = {value!r}" for name, value in overrides.items()]
    source = "\n".join(["# Parameters injected by the course test", *lines])
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]}))
    return nb


def _run(nb) -> dict[str, list[str]]:
    """Execute ``nb`` in notebooks/; return each check's statuses as shown in the outputs."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    statuses: dict[str, list[str]] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            bundle = output.get("data", {}).get(CHECK_MIME)
            if bundle is not None:
                statuses.setdefault(bundle["name"], []).append(bundle["status"])
    return statuses


@pytest.mark.slow
@pytest.mark.parametrize(("stem", "way"), list(_cases()))
def test_the_notebook_runs_and_its_checks_say(stem, way):
    assert _solutions_file(stem).exists(), f"notebooks/solutions/{stem}.yaml is missing"
    nb = _read_notebook(stem)
    scheme = _read_solutions(stem)
    answers = set(_answers(nb))
    if way == "shipped":
        expected = dict.fromkeys(answers, "unanswered")
    elif way == "solutions":
        _with_answers(nb, scheme["solutions"])
        expected = dict.fromkeys(answers, "right")
    elif way == "wrong":
        _with_answers(nb, scheme["wrong"])
        expected = {name: "wrong" if name in scheme["wrong"] else "unanswered" for name in answers}
    else:
        number = int(way.removeprefix("variant "))
        _with_parameters(_with_answers(nb, scheme["solutions"]), scheme["variants"][number - 1])
        expected = dict.fromkeys(answers, "right")
    statuses = _run(nb)
    assert statuses == {name: [status] for name, status in expected.items()}


# -- the harness's own edits, pinned without a kernel ---------------------------------------------------


def _tiny_notebook():
    new = nbformat.v4
    return new.new_notebook(cells=[
        new.new_code_cell("retries = 2   # 0-2", metadata={"tags": ["parameters"]}),
        new.new_code_cell("answer_a = ...\nanswer_b = ...", metadata={"tags": ["answer"]}),
        new.new_code_cell('ls.course.check("a", answer_a, expected=retries)'),
    ])


def test_solutions_replace_their_answers_and_leave_the_others_unanswered():
    nb = _with_answers(_tiny_notebook(), {"a": "answer_a = retries + 1"})
    assert nb.cells[1].source == "answer_a = retries + 1\nanswer_b = ..."
    assert _answers(nb) == {"a": 1, "b": 1}


def test_a_variant_is_injected_after_the_parameters_cell_as_papermill_does():
    nb = _with_parameters(_tiny_notebook(), {"retries": 0, "scenario_file": "x.yaml", "outage_s": None})
    injected = nb.cells[1]
    assert injected.metadata["tags"] == ["injected-parameters"]
    assert injected.source == ("# Parameters injected by the course test\n"
                               "retries = 0\nscenario_file = 'x.yaml'\noutage_s = None")
    assert _parameter_names(nb) == {"retries"}


def test_an_answer_cell_with_anything_but_answer_lines_is_refused():
    nb = _tiny_notebook()
    nb.cells[1].source = "answer_a = ...\nprint(answer_a)"
    with pytest.raises(AssertionError, match="an answer cell holds only answer_NAME = ... lines"):
        _answers(nb)
