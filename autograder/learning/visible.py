"""Running one exercise's visible tests in this process (`check`, and each run of `watch`).

pytest runs with the exercise's own conftest, which shortens failures, adds the hint and records
the run for `status`; the options here only make the output short.
"""

from __future__ import annotations

import re
import sys

from autograder.catalog import Exercise
from autograder.hints import ExerciseHints, Hint
from autograder.learning import state
from autograder.learning.workspace import Workspace

TODO = re.compile(r"raise NotImplementedError\('(?P<function>[\w.]+) is not written yet")


def pytest_args(workspace: Workspace, exercise: Exercise) -> list[str]:
    """Arguments for pytest: the exercise's folder, quiet, no header, no cache, no summary list."""
    return [
        str(workspace.exercises_dir / exercise.id),
        "-q",
        "--no-header",
        "-rN",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(workspace.root),
        "-o",
        "addopts=",
    ]


def run(workspace: Workspace, exercise: Exercise) -> int:
    """Run the visible tests of `exercise`; pytest's exit code (0: all passed)."""
    import pytest

    code = pytest.main(pytest_args(workspace, exercise))
    sys.stdout.flush()
    return int(code)


def current_hint(workspace: Workspace, exercise: Exercise, hints: ExerciseHints) -> Hint:
    """The hint to show by default: the function of the last run's first failure, else the first function
    still a TODO in the student's file, else the exercise's first function."""
    run = state.load(workspace.state_file).get(exercise.id)
    if run is not None and run.failing_function and not run.all_passed:
        hint = hints.find(run.failing_function)
        if hint is not None:
            return hint
    path = workspace.student_file(exercise)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    for match in TODO.finditer(text):
        hint = hints.find(match.group("function"))
        if hint is not None:
            return hint
    return hints.hints[0]
