"""Generate student stubs from the reference solutions (the single source of truth).

A solution marks each student-facing region exactly as nbgrader does:

    ### BEGIN SOLUTION
    return a * b + c
    ### END SOLUTION

The stub keeps everything outside the markers and replaces each region with level 1 of the
function's hint (from `solutions/NN_topic/hints.toml`, see `autograder.hints`), `# YOUR CODE HERE`
and a `raise NotImplementedError` naming the function, so `pytest exercises/...` says exactly what
is left to write. `sync` (in `stub_sync.py`) writes the stubs into `exercises/`.
"""

from __future__ import annotations

import ast
import json
import textwrap
from dataclasses import dataclass

from autograder.errors import KitError
from autograder.hints import ExerciseHints

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"


class MarkerError(KitError):
    """A solution file whose solution markers are missing, unpaired or misplaced."""


@dataclass(frozen=True)
class Region:
    begin: int  # 0-based line index of the BEGIN marker
    end: int  # 0-based line index of the END marker
    indent: str


def find_regions(lines: list[str], filename: str) -> list[Region]:
    """The marked regions in order; MarkerError (with file and line) when they are malformed."""
    regions, open_at = [], None
    for index, line in enumerate(lines):
        text = line.strip()
        if text == BEGIN:
            if open_at is not None:
                raise MarkerError(f"{filename}:{index + 1}: {BEGIN} inside another solution region")
            open_at = index
        elif text == END:
            if open_at is None:
                raise MarkerError(f"{filename}:{index + 1}: {END} without a {BEGIN}")
            begin_line = lines[open_at]
            regions.append(Region(open_at, index, begin_line[: len(begin_line) - len(begin_line.lstrip())]))
            open_at = None
    if open_at is not None:
        raise MarkerError(f"{filename}:{open_at + 1}: {BEGIN} is never closed")
    if not regions:
        raise MarkerError(f"{filename}: no {BEGIN} / {END} region found")
    return regions


def _enclosing_functions(source: str) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function, 1-based, inner ones last."""
    spans: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                spans.append((child.lineno, child.end_lineno or child.lineno, name))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(ast.parse(source), "")
    return spans


def _function_at(spans: list[tuple[int, int, str]], line: int) -> str | None:
    inside = [span for span in spans if span[0] < line <= span[1]]
    return max(inside, key=lambda span: span[0])[2] if inside else None


def function_at(source: str, line: int) -> str | None:
    """The qualified name (`MaxPoolNet.forward`) of the innermost function around a 1-based line."""
    try:
        return _function_at(_enclosing_functions(source), line)
    except SyntaxError:
        return None


def hint_lines(hints: ExerciseHints | None, function: str, indent: str, command: bool = True) -> list[str]:
    """Level 1 of the function's hint as comments, and (with `command`) the command that shows the next
    level; nbgrader notebooks have no such command."""
    hint = hints.find(function) if hints else None
    if hint is None or hints is None:
        return []
    width = max(40, 100 - len(indent))
    text = hint.level(1)
    lines = textwrap.wrap(f"Hint: {text.en}", width, subsequent_indent="  ", break_on_hyphens=False)
    lines += textwrap.wrap(f"提示：{text.zh}", width // 2, subsequent_indent="  ", break_on_hyphens=False)
    if command:
        lines.append(f"More / 更多: autograder hint {hints.exercise[:2]} --level 2")
    return [f"{indent}# {line}" for line in lines]


def make_stub(source: str, filename: str, hints: ExerciseHints | None = None) -> str:
    """The stub text for one solution file's text, with level 1 of each function's hint when given."""
    lines = source.splitlines()
    spans = _enclosing_functions(source)
    out: list[str] = []
    cursor = 0
    for region in find_regions(lines, filename):
        function = _function_at(spans, region.begin + 1)
        if function is None:
            raise MarkerError(
                f"{filename}:{region.begin + 1}: a solution region must sit inside a function body"
            )
        message = f"{function} is not written yet / 尚未实现"
        out.extend(lines[cursor : region.begin])
        out.extend(hint_lines(hints, function, region.indent))
        out.append(f"{region.indent}# YOUR CODE HERE")
        out.append(f"{region.indent}raise NotImplementedError({json.dumps(message, ensure_ascii=False)})")
        cursor = region.end + 1
    out.extend(lines[cursor:])
    stub = "\n".join(out) + "\n"
    ast.parse(stub, filename=filename)
    return stub
