"""Finding the exercises in what a student handed in.

A submission may be a repository root holding `exercises/`, a folder of
exercise folders (a student's `exercises/`, or the kit's `solutions/`), a
single exercise folder such as `07_maxpool/`, or a flat folder of module
files (`maxpool.py`, `conv.py`, ...) as students upload them to Gradescope.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder import catalog
from autograder.errors import KitError


class SubmissionError(KitError):
    """The path holds nothing the grader can grade; the message names the path."""


@dataclass
class Submission:
    """Where each exercise's folder is (None when the student's copy lacks it)."""

    path: Path
    folders: dict[str, Path | None]


def locate(path: Path) -> Submission:
    """Map every exercise found at `path` to its folder."""
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"{path} does not exist")
    if not path.is_dir():
        raise SubmissionError(f"{path} is not a folder (zip archives are graded with grade-batch)")
    known = {exercise.id for exercise in catalog.exercises()}
    if path.name in known:
        return Submission(path, {path.name: path})
    root = path / "exercises" if (path / "exercises").is_dir() else path
    present = {child.name for child in root.iterdir() if child.is_dir() and child.name in known}
    if not present:
        flat = {e.id for e in catalog.exercises() if (root / e.filename).is_file() and not (root / e.filename).is_symlink()}
        if flat:
            return Submission(path, {e.id: (root if e.id in flat else None) for e in catalog.exercises()})
        raise SubmissionError(
            f"no exercise folders (such as {catalog.exercises()[0].id}/) or module files "
            f"(such as {catalog.exercises()[0].filename}) found in {path}"
        )
    return Submission(path, {exercise.id: (root / exercise.id if exercise.id in present else None)
                             for exercise in catalog.exercises()})
