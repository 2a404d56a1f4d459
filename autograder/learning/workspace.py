"""Where a student's repository keeps things: the kit's checkout or a release made by `autograder release`.

Both have `exercises/<id>/` (the student's files and visible tests). The kit generates the original
stubs and reads hints from `solutions/`; a release has no solutions, and ships the original stubs and
the hints under `.course/`. The last runs' results live in `.autograder/state.json` (not committed).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from autograder import catalog, hints
from autograder.catalog import Exercise
from autograder.errors import KitError
from autograder.i18n import tr

COURSE_DIR = ".course"


class NotAWorkspace(KitError):
    """No exercises/ folder here or above."""


@dataclass(frozen=True)
class Workspace:
    """A checkout holding `exercises/`: the kit's own or a student release."""

    root: Path

    @property
    def is_release(self) -> bool:
        return (self.root / COURSE_DIR).is_dir()

    @property
    def exercises_dir(self) -> Path:
        return self.root / "exercises"

    @property
    def state_file(self) -> Path:
        return self.root / ".autograder" / "state.json"

    def exercises(self) -> list[Exercise]:
        """The exercises this checkout holds, in course order."""
        return [e for e in catalog.exercises() if (self.exercises_dir / e.id).is_dir()]

    def student_file(self, exercise: Exercise) -> Path:
        return self.exercises_dir / exercise.id / exercise.filename

    def original_stub(self, exercise: Exercise) -> str:
        """The stub as handed out: the release's copy, or what the kit generates from the solution."""
        if self.is_release:
            return (self.root / COURSE_DIR / "stubs" / exercise.id / exercise.filename).read_text(
                encoding="utf-8"
            )
        from autograder.stub_sync import generated_stub

        return generated_stub(exercise)

    def hints(self, exercise: Exercise) -> hints.ExerciseHints | None:
        path = self.root / COURSE_DIR / "hints" / f"{exercise.id}.toml"
        if self.is_release:
            return hints.load(path, exercise.id) if path.is_file() else None
        return hints.kit_hints(exercise.id)

    def resolve(self, token: str) -> Exercise:
        """An exercise from `07`, `7`, `07_maxpool` or `maxpool`; KitError listing the choices otherwise."""
        held = self.exercises()
        wanted = token.strip().rstrip("/").split("/")[-1]
        for exercise in held:
            number = exercise.id.split("_", 1)[0]
            if wanted in (exercise.id, number, exercise.module) or (
                wanted.isdigit() and int(wanted) == int(number)
            ):
                return exercise
        choices = ", ".join(e.id for e in held)
        raise KitError(
            tr(
                f"no exercise {token!r} here; choose one of: {choices}",
                f"这里没有练习 {token!r}；可选：{choices}",
            )
        )


def find(start: Path | None = None) -> Workspace:
    """The workspace holding `start` (default: the current folder), else the kit's own checkout."""
    here = (start or Path(os.getcwd())).resolve()
    for folder in (here, *here.parents):
        if (folder / "exercises" / "conftest.py").is_file():
            return Workspace(folder)
    if (catalog.KIT_ROOT / "exercises").is_dir():
        return Workspace(catalog.KIT_ROOT)
    raise NotAWorkspace(
        tr(
            f"no exercises/ folder in {here} or above; run this inside your exercise repository",
            f"{here} 及其上级目录中没有 exercises/ 文件夹；请在你的练习仓库里运行",
        )
    )


def exercise_of_path(path: Path) -> Exercise | None:
    """The exercise whose folder holds `path` (a test or the student's file), if any."""
    for part in reversed(path.parts):
        for exercise in catalog.exercises():
            if part == exercise.id:
                return exercise
    return None
