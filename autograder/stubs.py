"""Generate student stubs from the reference solutions (the single source of truth).

A solution marks each student-facing region exactly as nbgrader does:

    # Hint: multiply, then add.          <- optional, kept in the stub
    ### BEGIN SOLUTION
    return a * b + c
    ### END SOLUTION

The stub keeps everything outside the markers and replaces each region with
`# YOUR CODE HERE` and a `raise NotImplementedError` naming the function, so
`pytest exercises/...` says exactly what is left to write (and shows the hint).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from autograder import catalog
from autograder.errors import KitError

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


def make_stub(source: str, filename: str) -> str:
    """The stub text for one solution file's text."""
    lines = source.splitlines()
    spans = _enclosing_functions(source)
    out: list[str] = []
    cursor = 0
    for region in find_regions(lines, filename):
        function = _function_at(spans, region.begin + 1)
        if function is None:
            raise MarkerError(f"{filename}:{region.begin + 1}: a solution region must sit inside a function body")
        message = f"{function} is not written yet / 尚未实现"
        out.extend(lines[cursor:region.begin])
        out.append(f"{region.indent}# YOUR CODE HERE")
        out.append(f"{region.indent}raise NotImplementedError({message!r})")
        cursor = region.end + 1
    out.extend(lines[cursor:])
    stub = "\n".join(out) + "\n"
    ast.parse(stub, filename=filename)
    return stub


@dataclass(frozen=True)
class StubStatus:
    exercise: str
    path: Path
    state: str  # "fresh", "stale" or "missing"


def sync(check_only: bool = False) -> list[StubStatus]:
    """Regenerate every stub (or, with check_only, only compare); returns one status per exercise."""
    statuses = []
    for exercise in catalog.exercises():
        source = exercise.solution_file
        if not source.exists():
            raise MarkerError(f"solution file {source} is missing for exercise {exercise.id}")
        wanted = make_stub(source.read_text(encoding="utf-8"), str(source))
        target = exercise.stub_file
        current = target.read_text(encoding="utf-8") if target.exists() else None
        state = "fresh" if current == wanted else ("missing" if current is None else "stale")
        if state != "fresh" and not check_only:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(wanted, encoding="utf-8")
        statuses.append(StubStatus(exercise.id, target, state))
    return statuses
