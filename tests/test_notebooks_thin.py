"""Notebooks are thin: markdown teaches, the library computes. No code cell defines a function, a
class or a lambda (that logic belongs in ``lambdasim/``), read from each cell's syntax tree so that
a string such as ``"def + asyncio.run"`` is not taken for a definition."""

import ast
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def definitions(source: str) -> list[str]:
    """What a code cell defines, as ``kind name`` (IPython's ``%`` and ``!`` lines left out)."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    return [f"{type(node).__name__} {getattr(node, 'name', '')}".strip()
            for node in ast.walk(ast.parse(code)) if isinstance(node, DEFINITIONS)]


def test_the_check_sees_a_definition_and_not_a_string_that_looks_like_one():
    assert definitions("def f():\n    return 1\n") == ["FunctionDef f"]
    assert definitions("key = lambda x: x") == ["Lambda"]
    assert definitions('runs = {"def + asyncio.run": 1}\n%matplotlib inline') == []


def test_there_are_notebooks_to_check():
    assert len(NOTEBOOKS) >= 16


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_code_cell_defines_a_function_or_class(path):
    found = [f"cell {i}: {d}" for i, cell in enumerate(nbformat.read(path, as_version=4).cells)
             if cell.cell_type == "code" for d in definitions(cell.source)]
    assert not found, f"{path.name} defines code that belongs in lambdasim/: {found}"
