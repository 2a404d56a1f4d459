"""Grading one submission: open it (unpacking a .zip), locate its exercises, run the checks, time it."""

from __future__ import annotations

import time
from pathlib import Path

from autograder import catalog, fingerprint, judge
from autograder.data import DataStore
from autograder.options import GradeOptions
from autograder.results import GradeResult
from autograder.sandbox import Sandbox
from autograder.submission import Submission, locate, opened

__all__ = ["GradeOptions", "grade", "grade_submission", "selected_exercises"]


def selected_exercises(submission: Submission, wanted: list[str]) -> list[catalog.Exercise]:
    """The exercises to grade: those asked for with --exercise (each graded, reported as not found when
    the submission lacks it), else every exercise the submission's layout holds."""
    for exercise_id in wanted:
        catalog.get(exercise_id)
    chosen = set(wanted) if wanted else set(submission.folders)
    return [exercise for exercise in catalog.exercises() if exercise.id in chosen]


def warm_up() -> None:
    """Import what the hidden checks need (torchvision takes seconds) while the template starts."""
    import torchvision  # noqa: F401


def grade(
    path: Path, options: GradeOptions, sandbox: Sandbox | None = None, workdir: Path | None = None
) -> GradeResult:
    """Grade the submission at `path` (a folder or a .zip, unpacked under `workdir`); the sandbox is
    started here unless one is given."""
    started = time.monotonic()
    with opened(path, workdir) as folder:
        return grade_submission(locate(folder), options, sandbox, str(path), started)


def grade_submission(
    submission: Submission,
    options: GradeOptions,
    sandbox: Sandbox | None = None,
    label: str | None = None,
    started: float | None = None,
) -> GradeResult:
    """Grade a located submission: the one grading path, whatever the student handed in (a folder, a .zip,
    nbgrader notebooks read back into modules by `autograder.nbgrader.submissions`). `label` names the
    submission in the result (default: its path)."""
    started = time.monotonic() if started is None else started
    exercises = selected_exercises(submission, options.exercises)
    own_sandbox = sandbox is None
    sandbox = sandbox or options.start_sandbox()
    try:
        settings = options.run_settings()
        warm_up()
        sandbox.wait_ready()
        context = judge.GradingContext(
            sandbox, submission.folders, settings, DataStore(options.data_root), problems=submission.problems
        )
        results = judge.run_checks(context, exercises)
    finally:
        if own_sandbox:
            sandbox.close()
    return GradeResult(
        results,
        time.monotonic() - started,
        sandbox.isolation.to_dict(),
        label or str(submission.path),
        fingerprint.of(options, settings.device),
    )
