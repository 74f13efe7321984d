"""README.md's code examples, found and run as a reader would run them (tests/test_readme_examples.py).

Every ```python block is an example. The blocks run in document order in one namespace, as a reader
pasting them one after another into one Python session would, so a block may use what an earlier one
defined. An output shown in the README is checked: a top-level expression followed, on the very next
lines, by ``#`` comment lines at the start of the line is compared with the expression's ``repr``:

    result
    # <Result 10 accepted, 0 rejected; ...>

The comparison ignores whitespace (a frame's column alignment, a dict wrapped over lines); ``…``
inside a line stands for any text, and a comment line that starts with ``…`` stands for any further
output (the rest of that line is a note for the reader). A comment after code on the same line is
a remark, never an output.

Shell commands: every ``python -m lambdasim …`` command in inline code or a ```bash block that is
complete as written (no placeholder such as ``FILE`` or ``[--seed N]``) is run too, but for ``lab``
(a server) and ``course-html`` (every notebook), which their own tests run.

A block opts out only by an HTML comment (invisible on GitHub) on the line right before it, with a
reason: ``<!-- readme-example: not run (REASON) -->``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"

_FENCE = re.compile(r"^```(\w*)\s*$")
_OPT_OUT = re.compile(r"^<!--\s*readme-example:\s*not run\s*(?:\((?P<reason>[^)]*)\))?\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced code block of the README."""

    language: str
    code: str
    line: int            # the README line of the block's first code line (1-based)
    heading: str         # the section it is in
    opt_out: str | None  # the reason it is not run, when marked so ("" when marked without a reason)

    def __str__(self) -> str:
        return f"README.md:{self.line} ({self.heading})"


def blocks(text: str | None = None, language: str | None = "python") -> list[Block]:
    """The fenced code blocks of ``text`` (README.md by default), of ``language`` (None: all)."""
    lines = (README.read_text(encoding="utf-8") if text is None else text).splitlines()
    found, heading, index = [], "(top)", 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence:
            end = next((j for j in range(index + 1, len(lines)) if lines[j].strip() == "```"), None)
            if end is None:
                raise ValueError(f"README.md:{index + 1}: a code block that is never closed")
            previous = lines[index - 1] if index else ""
            marker = _OPT_OUT.match(previous.strip())
            opt_out = None if marker is None else (marker.group("reason") or "").strip()
            if language is None or fence.group(1) == language:
                found.append(Block(fence.group(1), "\n".join(lines[index + 1:end]) + "\n", index + 2,
                                   heading, opt_out))
            index = end + 1
            continue
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        index += 1
    return found


_COMMAND = re.compile(r"(?:\.venv/bin/)?python -m lambdasim ([^`\n&|;]*)")
_PLACEHOLDER = re.compile(r"^[A-Z][A-Z_-]*$|[\[\]<>…]")


def _logical_lines(lines: list[str]) -> list[tuple[int, str]]:
    """Shell lines continued with a trailing backslash joined into one, numbered by their first line."""
    joined, start, pending = [], 0, ""
    for number, line in enumerate(lines, 1):
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined.append((start, pending + line))
        pending = ""
    if pending:
        joined.append((start, pending))
    return joined


def cli_commands(text: str | None = None) -> list[tuple[int, list[str]]]:
    """The complete ``python -m lambdasim`` commands of ``text``: (README line, arguments)."""
    lines = (README.read_text(encoding="utf-8") if text is None else text).splitlines()
    found = []
    for number, line in _logical_lines(lines):
        for match in _COMMAND.finditer(line):
            arguments = match.group(1).split(" #")[0].split()  # a shell comment is not an argument
            if arguments and not any(_PLACEHOLDER.search(argument) for argument in arguments):
                found.append((number, arguments))
    return found


def _shown_outputs(block: Block, tree: ast.Module) -> dict[int, list[str]]:
    """For each top-level expression followed by comment lines: statement index -> expected lines."""
    lines = block.code.splitlines()
    outputs = {}
    for position, statement in enumerate(tree.body):
        if not isinstance(statement, ast.Expr):
            continue
        expected, following = [], statement.end_lineno  # 0-based index of the line after the statement
        while following < len(lines) and lines[following].startswith("#"):
            expected.append(lines[following][1:].removeprefix(" "))
            following += 1
        if expected:
            outputs[position] = expected
    return outputs


def output_pattern(expected: list[str]) -> re.Pattern:
    """The regular expression an actual output must match in full (see the module docstring)."""
    parts = []
    for line in expected:
        if line.strip().startswith("…"):
            parts.append(".*")
            continue
        pieces = [re.escape(re.sub(r"\s+", "", piece)) for piece in line.split("…")]
        parts.append(".*?".join(pieces))
    return re.compile("".join(parts), re.S)


def output_matches(expected: list[str], actual: str) -> bool:
    return output_pattern(expected).fullmatch(re.sub(r"\s+", "", actual)) is not None


@dataclass
class Failure:
    block: Block
    line: int
    message: str

    def __str__(self) -> str:
        return f"README.md:{self.line} ({self.block.heading}): {self.message}"


@dataclass
class Session:
    """One namespace the README's blocks run in, in order; what went wrong is collected, not raised."""

    namespace: dict = field(default_factory=lambda: {"__name__": "__readme__"})
    failures: list[Failure] = field(default_factory=list)
    compared: int = 0

    def run(self, block: Block) -> None:
        try:
            tree = ast.parse(block.code, filename="README.md")
        except SyntaxError as exc:
            line = block.line - 1 + (exc.lineno or 1)
            self.failures.append(Failure(block, line, f"SyntaxError: {exc.msg}"))
            return
        outputs = _shown_outputs(block, tree)
        ast.increment_lineno(tree, block.line - 1)  # tracebacks name README lines
        for position, statement in enumerate(tree.body):
            try:
                if position in outputs:
                    code = compile(ast.Expression(statement.value), "README.md", "eval")
                    actual = repr(eval(code, self.namespace))
                    self.compared += 1
                    if not output_matches(outputs[position], actual):
                        shown = "\n".join(outputs[position])
                        message = ("the output shown is not what it gives.\n"
                                   f"--- shown:\n{shown}\n--- actual:\n{actual}")
                        self.failures.append(Failure(block, statement.lineno, message))
                else:
                    exec(compile(ast.Module([statement], []), "README.md", "exec"), self.namespace)
            except Exception as exc:  # noqa: BLE001 - every failure is reported with its README line
                self.failures.append(Failure(block, statement.lineno, f"{type(exc).__name__}: {exc}"))
                return  # the block's later lines build on this one
