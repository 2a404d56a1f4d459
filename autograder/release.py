"""`autograder release OUT`: the repository a class gets, generated from the single source.

It holds, per exercise, the stub, the visible tests and the README (its `--solutions` lines dropped);
the original stubs and the hints under `.course/` (for `reset` and `hint`); the student's part of the
kit (`autograder/learning/` and the few leaf modules it needs: the learning loop, no grader); its own
README, `pyproject.toml` (torch, torchvision, pytest and the student commands; not the grader, nbgrader
or Ray), a pytest configuration collecting `exercises/` only, and a CI workflow running the visible
tests. Never a solution, a hidden check, a probe, a mutant or a kit test: `tests/test_release.py` proves it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from autograder import catalog, ci_templates
from autograder.catalog import Exercise
from autograder.errors import KitError
from autograder.release_texts import (
    GITIGNORE,
    PACKAGE_INIT,
    PACKAGE_MAIN,
    catalog_text,
    pyproject_text,
    readme_text,
)
from autograder.stub_sync import generated_stub

PACKAGE = Path(__file__).resolve().parent
# The student's part of the kit: leaf modules and the learning loop. Nothing here imports the grader.
PACKAGE_FILES = ("i18n.py", "errors.py", "catalog.py", "hints.py", "stubs.py", "stub_sync.py")
SKIPPED_SUFFIXES = (".bak", ".pyc")


class ReleaseError(KitError):
    """The release cannot be written (an existing, non-empty folder; an unknown exercise)."""


@dataclass
class Released:
    """What `build` wrote."""

    root: Path
    exercises: list[str]
    files: list[Path] = field(default_factory=list)


def exercise_readme(text: str) -> str:
    """An exercise README as students get it: without the lines that run the tests on the solutions."""
    return "".join(line for line in text.splitlines(keepends=True) if "--solutions" not in line)


def _write(released: Released, relative: str, text: str) -> None:
    path = released.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    released.files.append(path)


def _copy_exercise(released: Released, exercise: Exercise) -> None:
    source = catalog.EXERCISES_DIR / exercise.id
    stub = generated_stub(exercise)
    for path in sorted(source.iterdir()):
        if not path.is_file() or path.name == exercise.filename or path.name.endswith(SKIPPED_SUFFIXES):
            continue
        text = path.read_text(encoding="utf-8")
        if path.name == "README.md":
            text = exercise_readme(text)
        _write(released, f"exercises/{exercise.id}/{path.name}", text)
    _write(released, f"exercises/{exercise.id}/{exercise.filename}", stub)
    _write(released, f".course/stubs/{exercise.id}/{exercise.filename}", stub)
    hints = catalog.SOLUTIONS_DIR / exercise.id / "hints.toml"
    _write(released, f".course/hints/{exercise.id}.toml", hints.read_text(encoding="utf-8"))


def _copy_package(released: Released, exercises: list[Exercise]) -> None:
    for name in PACKAGE_FILES:
        _write(released, f"autograder/{name}", (PACKAGE / name).read_text(encoding="utf-8"))
    for path in sorted((PACKAGE / "learning").glob("*.py")):
        _write(released, f"autograder/learning/{path.name}", path.read_text(encoding="utf-8"))
    _write(released, "autograder/__init__.py", PACKAGE_INIT)
    _write(released, "autograder/__main__.py", PACKAGE_MAIN)
    _write(
        released,
        "autograder/exercises.toml",
        catalog_text(catalog.CATALOG_FILE.read_text(encoding="utf-8"), [e.id for e in exercises]),
    )


def build(out: Path, exercise_ids: list[str] | None = None) -> Released:
    """Write the student repository for `exercise_ids` (default: all) into `out`, a new or empty folder."""
    exercises = [catalog.get(e) for e in exercise_ids] if exercise_ids else list(catalog.exercises())
    exercises = [e for e in catalog.exercises() if e in exercises]  # course order, no duplicates
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out} exists and is not an empty folder; choose a new one")
    out.mkdir(parents=True, exist_ok=True)
    released = Released(out.resolve(), [e.id for e in exercises])
    try:
        _write(
            released,
            "exercises/conftest.py",
            (catalog.EXERCISES_DIR / "conftest.py").read_text(encoding="utf-8"),
        )
        for exercise in exercises:
            _copy_exercise(released, exercise)
        _copy_package(released, exercises)
        _write(released, "README.md", readme_text(exercises))
        _write(released, "pyproject.toml", pyproject_text(exercises))
        _write(released, ".gitignore", GITIGNORE)
        _write(released, ".github/workflows/visible-tests.yml", ci_templates.student_workflow())
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return released
