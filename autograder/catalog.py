"""The exercise catalogue: course order, module names, titles and time limits.

`exercises.toml` beside this file is the one place that lists the exercises;
everything else (stubs, grading, notebooks, reports) iterates over it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from autograder.errors import KitError

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (Gradescope's Ubuntu 22.04 image)
    import tomli as tomllib

KIT_ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS_DIR = KIT_ROOT / "solutions"
EXERCISES_DIR = KIT_ROOT / "exercises"
HIDDEN_DIR = Path(__file__).resolve().parent / "hidden"
CATALOG_FILE = Path(__file__).resolve().parent / "exercises.toml"


class UnknownExercise(KitError, ValueError):
    """An exercise id that is not in exercises.toml."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: `07_maxpool` with its student module `maxpool.py`."""

    id: str
    module: str
    title: str
    title_zh: str
    call_timeout_s: float
    budget_s: float
    uses_device: bool
    # What of the student's exercise folder reaches the sandbox (file-name patterns, at any depth): the
    # source files, and whatever an exercise declares beside them. Nothing else (no weights, no data).
    submission_files: tuple[str, ...] = ("*.py",)

    @property
    def filename(self) -> str:
        return f"{self.module}.py"

    @property
    def solution_file(self) -> Path:
        return SOLUTIONS_DIR / self.id / self.filename

    @property
    def stub_file(self) -> Path:
        return EXERCISES_DIR / self.id / self.filename

    @property
    def hidden_checks(self) -> Path:
        return HIDDEN_DIR / f"test_{self.id}.py"


@lru_cache(maxsize=1)
def exercises() -> tuple[Exercise, ...]:
    """All exercises in course order."""
    with open(CATALOG_FILE, "rb") as handle:
        raw = tomllib.load(handle)
    defaults = raw.get("defaults", {})
    items = []
    for entry in raw["exercise"]:
        merged = {**defaults, **entry}
        items.append(
            Exercise(
                id=merged["id"],
                module=merged["module"],
                title=merged["title"],
                title_zh=merged["title_zh"],
                call_timeout_s=float(merged["call_timeout_s"]),
                budget_s=float(merged["budget_s"]),
                uses_device=bool(merged.get("uses_device", False)),
                submission_files=tuple(merged.get("submission_files", ["*.py"])),
            )
        )
    return tuple(items)


def get(exercise_id: str) -> Exercise:
    """The exercise with this id; ValueError listing the known ids otherwise."""
    for exercise in exercises():
        if exercise.id == exercise_id:
            return exercise
    known = ", ".join(e.id for e in exercises())
    raise UnknownExercise(f"unknown exercise {exercise_id!r}; known exercises: {known}")
