"""The lines a new exercise adds to files every exercise shares: the catalog, the README's table, the mutants.

Each edit takes a file's text and returns it with the new exercise's part added where the others'
are, or raises ScaffoldError saying what it could not find (nothing is written then).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

from autograder.scaffold.files import render
from autograder.scaffold.spec import NewExercise, ScaffoldError

TABLE_HEADING = "## 练习 / The exercises"
TABLE_ROW = re.compile(r"^\| (\d\d) \|")


@dataclass(frozen=True)
class Edit:
    """An addition to a shared file: its path under the kit's root and how to make it."""

    path: str
    apply: Callable[[str, NewExercise], str]


def add_catalog_entry(text: str, exercise: NewExercise) -> str:
    """The `[[exercise]]` entry at the end of exercises.toml (the catalog lists exercises in order)."""
    return text.rstrip("\n") + "\n" + render("catalog_entry.toml.tmpl", exercise)


def add_readme_row(text: str, exercise: NewExercise) -> str:
    """The exercise's row after the last row of the README's exercise table."""
    lines = text.splitlines(keepends=True)
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == TABLE_HEADING)
    except StopIteration:
        raise ScaffoldError(f"README.md has no heading {TABLE_HEADING!r} above the exercise table") from None
    rows = [i for i in range(start, len(lines)) if TABLE_ROW.match(lines[i])]
    if not rows:
        raise ScaffoldError(
            f"README.md has no exercise table (rows like '| 01 | ...') under {TABLE_HEADING!r}"
        )
    last = rows[0]
    while last + 1 < len(lines) and TABLE_ROW.match(lines[last + 1]):
        last += 1
    lines.insert(last + 1, render("readme_row.md.tmpl", exercise))
    return "".join(lines)


def add_mutant(text: str, exercise: NewExercise) -> str:
    """A `Mutant(...)` entry at the end of the MUTANTS tuple in tests/mutants.py."""
    tree = ast.parse(text)
    found = [
        node
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == "MUTANTS" for target in node.targets)
    ]
    lines = text.splitlines(keepends=True)
    if len(found) != 1 or not isinstance(found[0].value, ast.Tuple) or found[0].end_lineno is None:
        raise ScaffoldError("tests/mutants.py has no `MUTANTS = (...)` tuple to add the mutant to")
    closing = found[0].end_lineno - 1
    if lines[closing].strip() != ")":
        raise ScaffoldError(
            f"tests/mutants.py:{closing + 1}: expected the MUTANTS tuple's ')' on a line of its own"
        )
    lines.insert(closing, render("mutant.py.tmpl", exercise))
    return "".join(lines)


EDITS = (
    Edit("autograder/exercises.toml", add_catalog_entry),
    Edit("README.md", add_readme_row),
    Edit("tests/mutants.py", add_mutant),
)
