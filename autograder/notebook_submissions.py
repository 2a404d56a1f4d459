"""Grading nbgrader submissions with the sandboxed grader: `autograder grade --nbgrader`.

A submitted notebook is read as plain JSON (never executed here). The student's
answer cells are found by their nbgrader grade ids (the function and class names
`autograder nbgrader build` gave them), put back between the kit's own given code
to rebuild the student's module, and that module is graded exactly like a `.py`
submission: in a sandboxed worker, against the reference, on fresh inputs.
Nothing the notebook's other cells contain, or its kernel would have run, counts.

A notebook that is not valid JSON, has no nbgrader metadata, or lost an answer cell
(deleted, or its grade id renamed) scores 0 for its exercise, with one check named
`notebook` saying exactly what is wrong; the student's other notebooks are still graded.
"""
from __future__ import annotations

import dataclasses
import json
import re
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder import catalog, notebooks
from autograder.catalog import Exercise
from autograder.errors import KitError
from autograder.i18n import Text
from autograder.reports.gradebook import csv_text
from autograder.textsafe import valid_unicode

if TYPE_CHECKING:  # imported only while grading: they bring in torch
    from autograder.batch.students import Student
    from autograder.options import GradeOptions
    from autograder.results import GradeResult
    from autograder.sandbox import Sandbox

MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024
MAX_NOTEBOOKS = 500
NBGRADER_EXPORT_COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                           "raw_score", "late_submission_penalty", "score", "max_score")


class NoNotebooks(KitError):
    """A path that holds no notebook of any exercise."""


class NotebookProblem(Exception):
    """A notebook the grader cannot read answers from; `en` and `zh` say why."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh

    def message(self) -> str:
        from autograder.checking import tr

        return tr(self.en, self.zh)


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
        if any(part.startswith(".") for part in relative) or candidate.is_symlink() or not candidate.is_file():
            continue
        found.append(candidate)
        if len(found) > MAX_NOTEBOOKS:
            raise NoNotebooks(f"{path} holds more than {MAX_NOTEBOOKS} notebooks: point at one student's submission")
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
        if earlier is None or (candidate.name == f"{exercise.module}.ipynb" and earlier.name != candidate.name):
            chosen[exercise.id] = candidate
    if not chosen:
        example = catalog.exercises()[0]
        raise NoNotebooks(f"no exercise notebook found in {path} (expected e.g. {example.id}/{example.module}.ipynb)")
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


# ---------------------------------------------------------------- reading the answers

def _load(path: Path) -> dict[str, Any]:
    name = path.name
    if path.is_symlink() or not path.is_file():
        raise NotebookProblem(f"{name} is not a regular file", f"{name} 不是普通文件")
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookProblem(f"{name} is {size / 2**20:.0f} MiB, over the {MAX_NOTEBOOK_BYTES // 2**20} MiB limit; "
                              f"clear the outputs and submit again",
                              f"{name} 有 {size / 2**20:.0f} MiB，超过 {MAX_NOTEBOOK_BYTES // 2**20} MiB 上限；请清除输出后重新提交")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise NotebookProblem(f"{name} is not UTF-8 text, so not a notebook", f"{name} 不是 UTF-8 文本，不是笔记本") from None
    except json.JSONDecodeError as exc:
        raise NotebookProblem(f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                              f"was it edited outside Jupyter?",
                              f"{name} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）；"
                              f"是否在 Jupyter 之外改过？") from None
    except RecursionError:
        raise NotebookProblem(f"{name} is nested too deeply to be a notebook", f"{name} 嵌套过深，不是笔记本") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookProblem(f"{name} is JSON but not a Jupyter notebook (no list of cells)",
                              f"{name} 是 JSON，但不是 Jupyter 笔记本（没有 cells 列表）")
    return data


def _grade_id(cell: Any) -> str | None:
    if not isinstance(cell, dict) or not isinstance(cell.get("metadata"), dict):
        return None
    meta = cell["metadata"].get("nbgrader")
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def _source(cell: dict) -> str | None:
    source = cell.get("source")
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return None


def answers(path: Path, exercise: Exercise) -> dict[str, str]:
    """The text of each answer cell of the exercise's notebook, by grade id; NotebookProblem when unusable."""
    name = path.name
    data = _load(path)
    by_id: dict[str, list[dict]] = {}
    for cell in data["cells"]:
        grade_id = _grade_id(cell)
        if grade_id is not None:
            by_id.setdefault(grade_id, []).append(cell)
    if not by_id:
        raise NotebookProblem(f"{name} has no nbgrader metadata: submit the notebook released for {exercise.id} "
                              f"(nbgrader generate_assignment), not a copy saved without its metadata",
                              f"{name} 没有 nbgrader 元数据：请提交为 {exercise.id} 发布的笔记本，而不是丢失元数据的副本")
    found = {}
    for segment in notebooks.exercise_layout(exercise):
        if segment.kind != "answer":
            continue
        cells = by_id.get(segment.name, [])
        if not cells:
            raise NotebookProblem(f"{name}: the answer cell {segment.name!r} is missing (deleted, or its grade id "
                                  f"renamed); copy your answer into a fresh copy of the released notebook",
                                  f"{name}：答案单元格 {segment.name!r} 不见了（被删除或 grade id 被改名）；"
                                  f"请把答案复制到重新获取的发布版笔记本中")
        if len(cells) > 1:
            raise NotebookProblem(f"{name}: {len(cells)} cells have the grade id {segment.name!r}; keep only one",
                                  f"{name}：有 {len(cells)} 个单元格的 grade id 都是 {segment.name!r}；只保留一个")
        source = _source(cells[0])
        if cells[0].get("cell_type") != "code" or source is None:
            raise NotebookProblem(f"{name}: the answer cell {segment.name!r} is no longer a code cell",
                                  f"{name}：答案单元格 {segment.name!r} 已不是代码单元格")
        found[segment.name] = valid_unicode(source)  # JSON's "\ud800" is a lone surrogate no writer can encode
    return found


def student_cells(path: Path, exercise: Exercise) -> list[tuple[str, str]]:
    """(grade id, text) of every cell of the student's module, in order: the kit's given code with the
    notebook's answer cells in their places."""
    written = answers(path, exercise)
    return [(s.name, written[s.name] if s.kind == "answer" else s.text) for s in notebooks.exercise_layout(exercise)]


def student_module(path: Path, exercise: Exercise) -> str:
    """The student's module, rebuilt from the notebook's answer cells and the kit's given code."""
    return notebooks.join_segments([text for _name, text in student_cells(path, exercise)])


def point_at_cells(message: str, exercise: Exercise, cells: list[tuple[str, str]]) -> str:
    """`(maxpool.py, line 40)` in a message becomes `(cell 'MaxPoolNet', line 3)`: where the student looks."""
    starts = notebooks.segment_starts([text for _name, text in cells])

    def cell_line(match: re.Match) -> str:
        line = int(match.group(1))
        index = max((i for i, start in enumerate(starts) if start <= line), default=0)
        return f"(cell {cells[index][0]!r}, line {line - starts[index] + 1})"

    return re.sub(rf"\({re.escape(exercise.filename)}, line (\d+)\)", cell_line, message)


# ---------------------------------------------------------------- grading

def grade(path: Path, options: GradeOptions, sandbox: Sandbox | None = None) -> GradeResult:
    """Grade the notebooks at `path` (a notebook or a folder) in the sandbox (started here unless given).

    Exercises: `options.exercises`, else every exercise with a notebook at `path`."""
    from autograder import grading, judge
    from autograder.options import resolve_device
    from autograder.results import CheckResult, ExerciseResult, GradeResult

    started = time.monotonic()
    found = find_notebooks(path)
    wanted = [catalog.get(i) for i in options.exercises] if options.exercises else \
        [e for e in catalog.exercises() if e.id in found]
    problems: dict[str, str] = {}
    cells: dict[str, list[tuple[str, str]]] = {}
    results: dict[str, ExerciseResult] = {}
    isolation = sandbox.isolation.to_dict() if sandbox is not None else None
    with tempfile.TemporaryDirectory(prefix="autograder-notebooks-") as folder:
        for exercise in wanted:
            try:
                if exercise.id not in found:
                    raise NotebookProblem(f"no notebook for {exercise.id} (expected {exercise.id}/{exercise.module}.ipynb)",
                                          f"没有 {exercise.id} 的笔记本（应为 {exercise.id}/{exercise.module}.ipynb）")
                cells[exercise.id] = student_cells(found[exercise.id], exercise)
            except NotebookProblem as problem:
                problems[exercise.id] = problem.message()
                continue
            target = Path(folder) / exercise.id / exercise.filename
            target.parent.mkdir()
            target.write_text(notebooks.join_segments([text for _name, text in cells[exercise.id]]), encoding="utf-8")
        if cells:
            graded = grading.grade(Path(folder), dataclasses.replace(options, exercises=list(cells)), sandbox=sandbox)
            isolation = graded.isolation
            for result in graded.exercises:
                for check in result.checks:
                    where = (catalog.get(result.id), cells[result.id])
                    check.text = Text(point_at_cells(check.text.en, *where), point_at_cells(check.text.zh, *where))
                results[result.id] = result
    if problems:
        points = judge.max_points([catalog.get(i) for i in problems], resolve_device(options.device))
        for exercise_id, message in problems.items():
            check = CheckResult("notebook", 0.0, points.get(exercise_id, 0.0), "error", message,
                                "the notebook's answer cells could be read")
            results[exercise_id] = ExerciseResult(exercise_id, catalog.get(exercise_id).title, [check])
    return GradeResult([results[e.id] for e in wanted], time.monotonic() - started, isolation, str(path))


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


def nbgrader_csv(rows: list[tuple[str, dict, dict[str, str]]]) -> str:
    """grades.csv with `nbgrader export`'s columns: one row per student and assignment (= exercise).

    `rows`: (student id, result as a dict, timestamps by exercise id)."""
    lines = []
    for student, result, stamps in sorted(rows, key=lambda row: row[0]):
        for exercise in result.get("exercises", []):
            score = float(exercise["score"])
            lines.append([exercise["id"], "", stamps.get(exercise["id"], ""), student, "", "", "", score, 0.0,
                          score, float(exercise["max_score"])])
    return csv_text(NBGRADER_EXPORT_COLUMNS, lines, lineterminator="\n")


def batch_csv(results: list[dict], students: list[Student]) -> str:
    """grades.csv for a grade-batch results folder; timestamps from the students' folders (`batch.Student`)."""
    paths = {student.id: student.path for student in students}
    rows = []
    for result in results:
        path = paths.get(result.get("student"))
        try:
            stamps = timestamps(path) if path is not None and path.is_dir() else {}
        except NoNotebooks:
            stamps = {}
        rows.append((result.get("student", ""), result, stamps))
    return nbgrader_csv(rows)
