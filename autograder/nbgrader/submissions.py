"""nbgrader submissions, graded on the kit's one grading path: `autograder grade --nbgrader`.

A submitted notebook is read as plain JSON (`reader`), never executed here. Its answer cells are put
back between the kit's own given code (`layout`), and the module this rebuilds is written where a `.py`
submission's would be: `read` turns the notebooks under a path into the same `Submission` that
`autograder.grading` consumes for a folder, and `grade` grades it there (sandboxed worker, reference,
fresh inputs), then points line numbers in messages at notebook cells. Nothing the notebook's other
cells contain, or its kernel would have run, counts.

A notebook whose answers cannot be read scores 0 for its exercise, every check saying what is wrong;
the student's other notebooks are still graded.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from autograder import catalog
from autograder.catalog import Exercise
from autograder.errors import KitError
from autograder.i18n import Text
from autograder.nbgrader.layout import exercise_layout, join_segments, segment_starts
from autograder.nbgrader.reader import NotebookProblem, answers
from autograder.reports.nbgrader_grades import GradesRow, nbgrader_csv
from autograder.submission import Submission

if TYPE_CHECKING:  # imported only while grading: they bring in torch
    from autograder.batch.students import Student
    from autograder.options import GradeOptions
    from autograder.results import GradeResult
    from autograder.sandbox import Sandbox

MAX_NOTEBOOKS = 500
Cells = list[tuple[str, str]]  # (grade id, text) of every cell of a student's module, in order


class NoNotebooks(KitError):
    """A path that holds no notebook of any exercise."""


# ---------------------------------------------------------------- finding the notebooks


def _exercise_for(path: Path) -> Exercise | None:
    """The exercise of a notebook: its folder is named after the exercise (nbgrader's layout), or its
    file is `<module>.ipynb` / `<exercise id>.ipynb`."""
    for exercise in catalog.exercises():
        if path.parent.name == exercise.id:
            return exercise
    for exercise in catalog.exercises():
        if path.stem in (exercise.module, exercise.id):
            return exercise
    return None


def _candidates(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    found = []
    for candidate in sorted(path.rglob("*.ipynb")):
        relative = candidate.relative_to(path).parts
        if (
            any(part.startswith(".") for part in relative)
            or candidate.is_symlink()
            or not candidate.is_file()
        ):
            continue
        found.append(candidate)
        if len(found) > MAX_NOTEBOOKS:
            raise NoNotebooks(
                f"{path} holds more than {MAX_NOTEBOOKS} notebooks: point at one student's submission"
            )
    return found


def find_notebooks(path: Path) -> dict[str, Path]:
    """Each exercise's notebook under `path` (a notebook file, or a folder searched recursively).

    Where an exercise has several, the one named `<module>.ipynb` wins; NoNotebooks when none is found."""
    path = Path(path)
    if not path.exists():
        raise NoNotebooks(f"{path} does not exist")
    if path.is_file() and path.suffix != ".ipynb":
        raise NoNotebooks(f"{path} is not a notebook (.ipynb)")
    chosen: dict[str, Path] = {}
    for candidate in _candidates(path):
        exercise = _exercise_for(candidate)
        if exercise is None:
            continue
        earlier = chosen.get(exercise.id)
        if earlier is None or (
            candidate.name == f"{exercise.module}.ipynb" and earlier.name != candidate.name
        ):
            chosen[exercise.id] = candidate
    if not chosen:
        example = catalog.exercises()[0]
        raise NoNotebooks(
            f"no exercise notebook found in {path} (expected e.g. {example.id}/{example.module}.ipynb)"
        )
    return {e.id: chosen[e.id] for e in catalog.exercises() if e.id in chosen}


def exercises_found(paths: list[Path]) -> list[str]:
    """Exercise ids with a notebook in any of `paths` (folders; others are skipped), in course order."""
    found: set[str] = set()
    for path in paths:
        if path.is_dir():
            try:
                found.update(find_notebooks(path))
            except NoNotebooks:
                continue
    return [e.id for e in catalog.exercises() if e.id in found]


# ---------------------------------------------------------------- notebooks into a Submission


def student_cells(path: Path, exercise: Exercise) -> Cells:
    """(grade id, text) of every cell of the student's module, in order: the kit's given code with the
    notebook's answer cells in their places."""
    written = answers(path, exercise)
    return [(s.name, written[s.name] if s.kind == "answer" else s.text) for s in exercise_layout(exercise)]


def student_module(path: Path, exercise: Exercise) -> str:
    """The student's module, rebuilt from the notebook's answer cells and the kit's given code."""
    return join_segments([text for _name, text in student_cells(path, exercise)])


@dataclass
class NotebookSubmission:
    """The notebooks under a path as grading sees them: `submission` (a folder of rebuilt modules, and why
    an exercise has none), and each rebuilt module's cells, to point messages at them."""

    submission: Submission
    cells: dict[str, Cells]


@contextlib.contextmanager
def read(path: Path, exercise_ids: list[str], workdir: Path | None = None) -> Iterator[NotebookSubmission]:
    """The notebooks at `path` (a notebook or a folder) for `exercise_ids` (default: every exercise with
    a notebook there), as modules in a temporary folder under `workdir`, removed afterwards."""
    found = find_notebooks(path)
    wanted = (
        [catalog.get(i) for i in exercise_ids]
        if exercise_ids
        else [e for e in catalog.exercises() if e.id in found]
    )
    with tempfile.TemporaryDirectory(prefix="autograder-notebooks-", dir=workdir) as scratch:
        folders: dict[str, Path | None] = {}
        problems: dict[str, Text] = {}
        cells: dict[str, Cells] = {}
        for exercise in wanted:
            try:
                if exercise.id not in found:
                    raise NotebookProblem(
                        f"no notebook for {exercise.id} (expected {exercise.id}/{exercise.module}.ipynb)",
                        f"没有 {exercise.id} 的笔记本（应为 {exercise.id}/{exercise.module}.ipynb）",
                    )
                cells[exercise.id] = student_cells(found[exercise.id], exercise)
            except NotebookProblem as problem:
                folders[exercise.id], problems[exercise.id] = None, problem.text
                continue
            folder = Path(scratch) / exercise.id
            folder.mkdir()
            (folder / exercise.filename).write_text(
                join_segments([text for _name, text in cells[exercise.id]]), encoding="utf-8"
            )
            folders[exercise.id] = folder
        yield NotebookSubmission(Submission(Path(scratch), folders, problems), cells)


def point_at_cells(message: str, exercise: Exercise, cells: Cells) -> str:
    """`(maxpool.py, line 40)` in a message becomes `(cell 'MaxPoolNet', line 3)`: where the student looks."""
    starts = segment_starts([text for _name, text in cells])

    def cell_line(match: re.Match) -> str:
        line = int(match.group(1))
        index = max((i for i, start in enumerate(starts) if start <= line), default=0)
        return f"(cell {cells[index][0]!r}, line {line - starts[index] + 1})"

    return re.sub(rf"\({re.escape(exercise.filename)}, line (\d+)\)", cell_line, message)


def grade(
    path: Path, options: GradeOptions, sandbox: Sandbox | None = None, workdir: Path | None = None
) -> GradeResult:
    """Grade the notebooks at `path` on the kit's grading path (the sandbox started there unless given).

    Exercises: `options.exercises`, else every exercise with a notebook at `path`."""
    from autograder import grading

    with read(path, options.exercises, workdir) as notebooks:
        result = grading.grade_submission(notebooks.submission, options, sandbox, label=str(path))
    for exercise in result.exercises:
        cells = notebooks.cells.get(exercise.id)
        if cells is None:
            continue
        for check in exercise.checks:
            where = (catalog.get(exercise.id), cells)
            check.text = Text(point_at_cells(check.text.en, *where), point_at_cells(check.text.zh, *where))
    return result


# ---------------------------------------------------------------- nbgrader-style grades.csv


def student_id(path: Path) -> str:
    """The student a submission belongs to, nbgrader-style: `submitted/<student>/<assignment>/<notebook>`."""
    path = Path(path).resolve()
    if path.is_file():
        path = path.parent
    if path.name in {e.id for e in catalog.exercises()}:
        path = path.parent
    return path.name


def timestamps(path: Path) -> dict[str, str]:
    """The `timestamp.txt` nbgrader keeps beside each submitted assignment, by exercise id."""
    stamps = {}
    for exercise_id, notebook in find_notebooks(path).items():
        stamp = notebook.parent / "timestamp.txt"
        if notebook.parent.name == exercise_id and stamp.is_file() and not stamp.is_symlink():
            text = stamp.read_text(encoding="utf-8", errors="replace")[:64].strip().splitlines()
            stamps[exercise_id] = text[0] if text else ""
    return stamps


def batch_csv(results: list[dict], students: list[Student]) -> str:
    """grades.csv for a grade-batch results folder; timestamps from the students' folders
    (`batch.Student`)."""
    paths = {student.id: student.path for student in students}
    rows = []
    for result in results:
        student = result.get("student")
        path = paths.get(student) if isinstance(student, str) else None
        try:
            stamps = timestamps(path) if path is not None and path.is_dir() else {}
        except NoNotebooks:
            stamps = {}
        rows.append(GradesRow(result.get("student", ""), result, stamps))
    return nbgrader_csv(rows)
