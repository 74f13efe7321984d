"""Every ```python example in README.md runs as written, and every output it shows is what it gives.

The blocks are found, not listed (tests/readme_examples.py): a section added to the README is tested
the day it is added. They run in a scratch folder laid out like a clone (``data/`` and, beside it,
``../shared/``), so what they write (``exports/``, charts) stays out of the repository.
"""

from __future__ import annotations

import os
import subprocess
import sys

import matplotlib.pyplot as plt
import pytest
from readme_examples import README, Session, blocks, cli_commands, output_matches

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def like_a_clone(tmp_path, monkeypatch):
    """A working folder where the README's relative paths mean what they mean in a clone."""
    work = tmp_path / "lambdasim"
    work.mkdir()
    (work / "data").symlink_to(README.parent / "data")
    shared = README.parent.parent / "shared"
    if shared.is_dir():
        (tmp_path / "shared").symlink_to(shared)
    monkeypatch.chdir(work)
    return work


@pytest.mark.slow
def test_every_python_example_runs_and_shows_what_it_gives(like_a_clone):
    session = Session()
    examples = [block for block in blocks() if block.opt_out is None]
    for block in examples:
        session.run(block)
        plt.close("all")
    assert not session.failures, "\n\n".join(map(str, session.failures))
    assert session.compared >= 1
    assert (like_a_clone / "exports" / "run1").is_dir()  # the tour's export_run wrote where the reader is


@pytest.mark.slow
def test_every_complete_cli_command_in_the_readme_runs(like_a_clone):
    commands = [(line, arguments) for line, arguments in cli_commands() if arguments[0] != "lab"]
    assert commands, "the README shows no complete python -m lambdasim command"
    for line, arguments in commands:
        finished = subprocess.run([sys.executable, "-m", "lambdasim", *arguments], capture_output=True,
                                  text=True, timeout=300, env={**os.environ, "MPLBACKEND": "Agg"})
        assert finished.returncode == 0, f"README.md:{line}: {' '.join(arguments)}\n{finished.stderr}"
    assert (like_a_clone / "docs" / "timeline.png").stat().st_size > 0
    assert (like_a_clone / "exports" / "retries").is_dir()


def test_complete_cli_commands_are_found_and_usage_lines_are_not():
    text = ("Run `.venv/bin/python -m lambdasim run data/x.yaml --seed 2` or\n"
            "`run [--trust] FILE`, `python -m lambdasim run --trust FILE`, `python -m lambdasim …`\n"
            "python3 -m venv .venv && .venv/bin/python -m lambdasim lab\n")
    assert cli_commands(text) == [(1, ["run", "data/x.yaml", "--seed", "2"]), (3, ["lab"])]


def test_every_python_block_is_found_and_none_opts_out_without_a_reason():
    text = README.read_text(encoding="utf-8")
    found = blocks()
    assert len(found) == text.count("\n```python\n") > 0
    assert [str(block) for block in found if block.opt_out == ""] == []


SAMPLE = '''# Title

<!-- readme-example: not run (needs an AWS account) -->
```python
raise RuntimeError("never run")
```

## Numbers

```python
numbers = [1, 2, 3]
numbers
# [1, 2, 3]
len(numbers)   # a remark, not an output
```

```python
numbers[::-1]
# [3, …]
```

<!-- readme-example: not run -->
```python
pass
```
'''


def test_blocks_carry_their_line_section_and_opt_out():
    found = blocks(SAMPLE)
    assert [(block.line, block.heading, block.opt_out) for block in found] == [
        (5, "Title", "needs an AWS account"), (11, "Numbers", None), (18, "Numbers", None),
        (24, "Numbers", ""),
    ]
    assert found[1].code.startswith("numbers = [1, 2, 3]\n")


def test_a_session_shares_names_between_blocks_and_checks_shown_outputs():
    session = Session()
    for block in blocks(SAMPLE)[1:3]:
        session.run(block)
    assert session.failures == []
    assert session.compared == 2


def test_a_wrong_output_an_exception_and_a_syntax_error_are_reported_with_their_readme_line():
    wrong = blocks("## S\n\n```python\nx = [1, 2]\nx\n# [2, 1]\n```\n")[0]
    raising = blocks("## T\n\n```python\nok = 1\nundefined_name + 1\nnever = 2\n```\n")[0]
    broken = blocks("## U\n\n```python\nx = (\n```\n")[0]
    session = Session()
    for block in (wrong, raising, broken):
        session.run(block)
    messages = [str(failure) for failure in session.failures]
    assert messages[0].startswith("README.md:5 (S): the output shown is not what it gives.\n")
    assert "--- shown:\n[2, 1]\n" in messages[0]
    assert messages[0].endswith("--- actual:\n[1, 2]")
    assert messages[1] == "README.md:5 (T): NameError: name 'undefined_name' is not defined"
    assert messages[2].startswith("README.md:4 (U): SyntaxError:")
    assert "never" not in session.namespace  # a block stops at its first failure


@pytest.mark.parametrize(("shown", "actual", "matches"), [
    (["<Result 10 accepted>"], "<Result 10 accepted>", True),
    (["<Result 10 accepted>"], "<Result 11 accepted>", False),
    (["   a  b", "0  1  2"], "   a    b\n0  1    2", True),                # alignment is not compared
    (["   a  b", "0  1  2"], "   a  b\n0  1  2\n1  3  4", False),           # a row more than shown
    (["   a  b", "0  1  2", "…  (more rows)"], "   a  b\n0  1  2\n1  3  4", True),
    (["{'id': 'dce4…', 'n': 3}"], "{'id': 'dce423fc', 'n': 3}", True),
    (["{'id': 'dce4…', 'n': 3}"], "{'id': 'dce423fc', 'n': 4}", False),
])
def test_outputs_compare_without_whitespace_and_with_ellipses(shown, actual, matches):
    assert output_matches(shown, actual) is matches
