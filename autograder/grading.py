"""Grading one submission: locate its exercises, start the sandbox, run the checks, time it."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder import catalog, judge
from autograder.data import DataStore
from autograder.errors import KitError
from autograder.execution import RunSettings
from autograder.results import GradeResult
from autograder.sandbox import Sandbox
from autograder.submission import Submission, locate


@dataclass
class GradeOptions:
    """What `autograder grade` was asked to do."""

    exercises: list[str] = field(default_factory=list)
    device: str = "cpu"
    threads: int = 2
    data_root: Path | None = None
    time_scale: float = 1.0
    gpu_memory_fraction: float = 0.9


def resolve_device(requested: str) -> str:
    """'auto' becomes 'cuda' when a GPU is usable here, else 'cpu'; others are checked."""
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise KitError(f"--device {requested} was asked for, but CUDA is not available on this machine")
    try:
        torch.device(requested)
    except RuntimeError:
        raise KitError(f"--device {requested!r} is not a device; use auto, cpu, cuda or cuda:N") from None
    return requested


def selected_exercises(submission: Submission, wanted: list[str]) -> list[catalog.Exercise]:
    """The exercises to grade: those found (or all, for a full submission), narrowed by --exercise."""
    for exercise_id in wanted:
        catalog.get(exercise_id)
    return [exercise for exercise in catalog.exercises()
            if exercise.id in submission.folders and (not wanted or exercise.id in wanted)]


def warm_up() -> None:
    """Import what the hidden checks need (torchvision takes seconds) while the template starts."""
    import torchvision  # noqa: F401


def grade(path: Path, options: GradeOptions, sandbox: Sandbox | None = None) -> GradeResult:
    """Grade the submission at `path`; the sandbox is started here unless one is given."""
    started = time.monotonic()
    submission = locate(path)
    exercises = selected_exercises(submission, options.exercises)
    own_sandbox = sandbox is None
    sandbox = sandbox or Sandbox().start()
    try:
        settings = RunSettings(threads=options.threads, device=resolve_device(options.device),
                               time_scale=options.time_scale, gpu_memory_fraction=options.gpu_memory_fraction)
        warm_up()
        sandbox.wait_ready()
        context = judge.GradingContext(sandbox, submission.folders, settings, DataStore(options.data_root))
        results = judge.run_checks(context, exercises)
    finally:
        if own_sandbox:
            sandbox.close()
    return GradeResult(results, time.monotonic() - started, sandbox.isolation.to_dict(), str(path))
