"""`autograder new NN_topic --module NAME`: every file a new exercise needs, made from templates.

`create` checks the names (`spec`), renders the new files (`files`) and the additions to shared
files (`edits`), generates the stub from the new solution as `autograder sync` would, and only then
writes anything: a scaffold that cannot be made whole leaves the checkout as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from autograder import hints, stub_sync, stubs
from autograder.scaffold.edits import EDITS
from autograder.scaffold.files import NewFile, new_files
from autograder.scaffold.spec import Lesson, NewExercise, ScaffoldError, check_names, find_lesson

__all__ = ["Created", "Lesson", "NewExercise", "ScaffoldError", "create", "find_lesson"]


@dataclass(frozen=True)
class Created:
    """What `create` wrote: new files and edited shared files, as paths under the kit's root."""

    created: list[str]
    edited: list[str]


def _stub(root: Path, exercise: NewExercise, made: dict[str, str]) -> NewFile:
    """The stub `autograder sync` would write for the new solution."""
    solution = f"solutions/{exercise.id}/{exercise.module}.py"
    parsed = hints.parse(made[f"solutions/{exercise.id}/hints.toml"], exercise.id, "hints.toml")
    text = stubs.make_stub(made[solution], str(root / solution), parsed)
    return NewFile(f"exercises/{exercise.id}/{exercise.module}.py", text)


def create(root: Path, exercise: NewExercise) -> Created:
    """Write the new exercise into the kit checkout at `root`; ScaffoldError before any write when it
    cannot (a taken name, a file already there, a shared file not shaped as expected)."""
    check_names(root, exercise.id, exercise.module)
    files = new_files(exercise)
    files.append(_stub(root, exercise, {f.path: f.text for f in files}))
    existing = [f.path for f in files if (root / f.path).exists()]
    if existing:
        raise ScaffoldError(
            f"these files exist already; remove them or pick another id: {', '.join(existing)}"
        )
    edited = {}
    for edit in EDITS:
        target = root / edit.path
        if not target.is_file():
            raise ScaffoldError(f"{edit.path} is missing: run `autograder new` in the kit's checkout")
        edited[edit.path] = edit.apply(target.read_text(encoding="utf-8"), exercise)
    for new in files:
        (root / new.path).parent.mkdir(parents=True, exist_ok=True)
        (root / new.path).write_text(new.text, encoding="utf-8")
    for path, text in edited.items():
        (root / path).write_text(text, encoding="utf-8")
    _record_stub(root, files[-1])
    return Created([f.path for f in files], list(edited))


def _record_stub(root: Path, stub: NewFile) -> None:
    """Note the stub in exercises/.stubs.json, so `autograder sync` knows it wrote it."""
    exercises_dir = root / "exercises"
    manifest = stub_sync.read_manifest(exercises_dir)
    manifest[stub.path.removeprefix("exercises/")] = stub_sync.digest(stub.text)
    (exercises_dir / stub_sync.MANIFEST).write_text(
        json.dumps(dict(sorted(manifest.items())), indent=1) + "\n", encoding="utf-8"
    )
