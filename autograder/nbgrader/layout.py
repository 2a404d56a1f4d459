"""A solution module cut into notebook cells, and cells joined back into a module.

Given code (imports, constants, helper classes) becomes read-only cells; every top-level function or
class holding a solution region becomes one answer cell, whose nbgrader grade id is its name. The
build writes these cells; the reader of submissions puts a notebook's answer cells back between the
same given code, so a submitted notebook becomes the module a `.py` submission would have been.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from autograder import hints, stubs
from autograder.catalog import Exercise
from autograder.errors import KitError

GRADE_ID = re.compile(r"^[A-Za-z0-9_-]+$")


class NotebookBuildError(KitError):
    """An exercise that cannot be turned into a notebook; the message names the file and the reason."""


@dataclass(frozen=True)
class Segment:
    """A run of top-level code: `given` (read-only) or `answer` (one function or class to write)."""

    kind: str
    name: str
    text: str


def layout(source: str, filename: str) -> list[Segment]:
    """The module cut into given and answer segments, in file order.

    A top-level statement holding a solution region is an answer named after it; the
    comments and blank lines before a statement belong to it; consecutive given
    statements form one segment (named given-1, given-2, ...).
    """
    lines = source.splitlines()
    regions = stubs.find_regions(lines, filename)
    tree = ast.parse(source, filename=filename)
    pieces: list[tuple[str, str, list[str]]] = []
    start = 0
    for node in tree.body:
        end = node.end_lineno or node.lineno
        holds = [r for r in regions if node.lineno - 1 <= r.begin < end]
        if holds:
            end = max(end, *(r.end + 1 for r in holds))  # the END marker may follow the last statement
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                raise NotebookBuildError(
                    f"{filename}:{holds[0].begin + 1}: a solution region must sit inside "
                    f"a top-level function or class to become an answer cell"
                )
            if not GRADE_ID.match(node.name):
                raise NotebookBuildError(
                    f"{filename}:{node.lineno}: {node.name!r} cannot be an nbgrader grade id"
                )
            pieces.append(("answer", node.name, lines[start:end]))
        elif pieces and pieces[-1][0] == "given":
            pieces[-1][2].extend(lines[start:end])
        else:
            pieces.append(("given", "", lines[start:end]))
        start = end
    if pieces:
        pieces[-1][2].extend(lines[start:])
    segments, given = [], 0
    for kind, name, body in pieces:
        if kind == "given":
            given += 1
            name = f"given-{given}"
        segments.append(Segment(kind, name, "\n".join(body).strip("\n")))
    return segments


def exercise_layout(exercise: Exercise) -> list[Segment]:
    """The segments of the exercise's reference solution."""
    path = exercise.solution_file
    if not path.is_file():
        raise NotebookBuildError(f"solution file {path} is missing for exercise {exercise.id}")
    return layout(path.read_text(encoding="utf-8"), str(path))


def with_hints(segment: Segment, exercise_hints: hints.ExerciseHints | None) -> str:
    """An answer segment with level 1 of each region's hint as comments just above its BEGIN marker, where
    the release will say `# YOUR CODE HERE` (as the `.py` stubs show it; no command, none exists there)."""
    lines = segment.text.splitlines()
    out: list[str] = []
    for number, line in enumerate(lines, 1):
        if line.strip() == stubs.BEGIN:
            function = stubs.function_at(segment.text, number)
            if function is not None:
                indent = line[: len(line) - len(line.lstrip())]
                out.extend(stubs.hint_lines(exercise_hints, function, indent, command=False))
        out.append(line)
    return "\n".join(out)


def join_segments(texts: list[str]) -> str:
    """Module text from cell texts, in order (two blank lines between cells, as between definitions)."""
    return "\n\n\n".join(text.strip("\n") for text in texts) + "\n"


def segment_starts(texts: list[str]) -> list[int]:
    """The 1-based line at which each text starts in `join_segments(texts)`."""
    starts, line = [], 1
    for text in texts:
        starts.append(line)
        line += len(text.strip("\n").split("\n")) + 2
    return starts
