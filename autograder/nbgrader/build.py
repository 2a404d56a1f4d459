"""nbgrader assignments from the single source: `autograder nbgrader build COURSE_DIR`.

Each exercise becomes `source/<exercise id>/<module>.ipynb` in an nbgrader course
directory (assignment id = exercise id), built from the same files as `exercises/`:

- the statement: the exercise's README (Chinese and English) as markdown, without the sections
  about commands a notebook does not have (running pytest, asking for hints);
- given code (imports, constants, helper classes): locked, read-only cells;
- every top-level function or class holding a solution region: an autograded-answer
  cell with the reference inside `### BEGIN SOLUTION` / `### END SOLUTION`, which
  `nbgrader generate_assignment` turns into `# YOUR CODE HERE` in the release, with level 1
  of the function's hint (`solutions/NN_topic/hints.toml`) as comments above it;
- the visible tests (`exercises/NN_topic/test_<module>.py`): one test cell worth 0 points;
- every hidden check: one test cell worth the check's points, whose body, between
  `### BEGIN HIDDEN TESTS` / `### END HIDDEN TESTS`, asks `autograder.nbgrader.kernel`
  to run that check in the kernel. The checks themselves stay in `autograder/hidden/`,
  so the notebook and the kit can never disagree about what is checked.

The answer cells' grade ids are the function and class names: `autograder grade
--nbgrader` reads a submission back by those ids (`autograder.nbgrader.submissions`).
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder import catalog, hints
from autograder.catalog import Exercise
from autograder.nbgrader.check_cells import CheckCell, check_cell_source, check_cells
from autograder.nbgrader.layout import NotebookBuildError, exercise_layout, with_hints

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "nbgrader"
CELL_TIMEOUT_S = 60
NBGRADER_SCHEMA = 3
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
NOT_IN_A_NOTEBOOK = re.compile(r"## [^\n]*\b(Run|Stuck)\b")  # README sections about the kit's commands


# ---------------------------------------------------------------- the visible tests, as a cell

KIT_IMPORTS = ("from autograder.i18n import tr",)  # the test-runner cell defines `tr` in the notebook itself


def visible_tests_source(exercise: Exercise) -> str:
    """The visible test file as it is (its docstring, about running pytest, and its import of the kit's `tr`
    left out: the notebook needs no kit to run them), then the call that runs it."""
    path = exercise.stub_file.parent / f"test_{exercise.module}.py"
    if not path.is_file():
        raise NotebookBuildError(f"visible tests {path} are missing for exercise {exercise.id}")
    source = path.read_text(encoding="utf-8")
    body = ast.parse(source, filename=str(path)).body
    lines = source.splitlines()
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        lines = lines[body[0].end_lineno :]
    kept = "\n".join(line for line in lines if line.strip() not in KIT_IMPORTS).strip("\n")
    return f"{kept}\n\n\nrun_tests({exercise.module!r}, globals())"


# ---------------------------------------------------------------- the statement


def statement(exercise: Exercise) -> str:
    """The exercise README without its "Run" and "Stuck?" sections: the pytest and `autograder hint`
    commands they give do not exist in a notebook (the hints are in the answer cells instead)."""
    path = exercise.stub_file.parent / "README.md"
    if not path.is_file():
        return f"# {exercise.id} · {exercise.title_zh} / {exercise.title}"
    sections = re.split(r"(?m)^(?=## )", path.read_text(encoding="utf-8").strip())
    return "\n".join(s for s in sections if not NOT_IN_A_NOTEBOOK.match(s)).strip()


INSTRUCTIONS = """\
## 在笔记本中作答 / Working in this notebook

- 只在写着 `# YOUR CODE HERE` 的单元格里作答（删掉 `raise NotImplementedError()`）；其余单元格是只读的。
  Answer only in the cells that say `# YOUR CODE HERE` (and delete the `raise NotImplementedError()`); the other cells are read-only.
- 每个作答单元格里 `Hint` / `提示` 开头的注释是第一级提示：要写什么的思路。
  The comments starting with `Hint` / `提示` in each answer cell are a first hint: the idea of what to write.
- 从上到下运行所有单元格；“可见测试”单元格用 pytest 运行可见测试，并说明哪些没有通过。
  Run all cells from the top; the visible-tests cell runs the visible tests with pytest and shows which fail.
- 评分时还会运行隐藏的检查：最后每个单元格是一项检查及其分值。
  Grading also runs hidden checks: each of the last cells is one check and the points it is worth."""  # noqa: E501


# ---------------------------------------------------------------- notebooks as JSON


def _cell_id(name: str) -> str:
    """A notebook cell id (at most 64 characters, nbformat's limit) from a grade id or a name."""
    if len(name) <= 64:
        return name
    return f"{name[:55]}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def _cell(name: str, kind: str, source: str, nbgrader: dict[str, Any] | None = None) -> dict[str, Any]:
    lines = source.splitlines(keepends=True)
    cell: dict[str, Any] = {"cell_type": kind, "id": _cell_id(name), "metadata": {}, "source": lines}
    if nbgrader is not None:
        cell["metadata"]["nbgrader"] = {"schema_version": NBGRADER_SCHEMA, **nbgrader}
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def _read_only(grade_id: str) -> dict[str, Any]:
    return {"grade": False, "grade_id": grade_id, "locked": True, "solution": False, "task": False}


def build_notebook(exercise: Exercise, checks: list[CheckCell]) -> dict[str, Any]:
    """The source notebook (nbformat 4.5) of one exercise, with a test cell for each of `checks`."""
    cells = [
        _cell("statement", "markdown", statement(exercise)),
        _cell("instructions", "markdown", INSTRUCTIONS),
    ]
    exercise_hints = hints.kit_hints(exercise.id)
    for segment in exercise_layout(exercise):
        if segment.kind == "given":
            cells.append(_cell(segment.name, "code", segment.text, _read_only(segment.name)))
        else:
            cells.append(
                _cell(
                    segment.name,
                    "code",
                    with_hints(segment, exercise_hints),
                    {
                        "grade": False,
                        "grade_id": segment.name,
                        "locked": False,
                        "solution": True,
                        "task": False,
                    },
                )
            )
    cells.append(_cell("visible-tests-heading", "markdown", "## 可见测试 / Visible tests"))
    cells.append(
        _cell(
            "test-runner",
            "code",
            (TEMPLATES / "run_tests.py").read_text(encoding="utf-8").strip("\n"),
            _read_only("test-runner"),
        )
    )
    cells.append(
        _cell(
            "visible-tests",
            "code",
            visible_tests_source(exercise),
            {
                "grade": True,
                "grade_id": "visible-tests",
                "locked": True,
                "points": 0,
                "solution": False,
                "task": False,
            },
        )
    )
    total = f"{sum(check.points for check in checks):g}"
    cells.append(
        _cell(
            "checks-heading",
            "markdown",
            f"## 评分检查 / Graded checks ({total} 分 / points)\n\n"
            f"每个单元格是一项隐藏检查；评分时才会运行。\nEach cell is one hidden check, run when the "
            f"notebook is graded.",
        )
    )
    for number, check in enumerate(checks, 1):
        cells.append(
            _cell(
                check.grade_id,
                "code",
                check_cell_source(exercise, check, number, len(checks)),
                {
                    "grade": True,
                    "grade_id": check.grade_id,
                    "locked": True,
                    "points": check.points,
                    "solution": False,
                    "task": False,
                },
            )
        )
    return {
        "cells": cells,
        "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_text(notebook: dict[str, Any]) -> str:
    """JSON as nbformat writes it (one-space indent, sorted keys, UTF-8 kept), so diffs stay small."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def notebook_path(exercise: Exercise) -> Path:
    """Where the exercise's notebook lives inside an assignment folder: `<module>.ipynb`."""
    return Path(f"{exercise.module}.ipynb")


# ---------------------------------------------------------------- the course directory


def config_text(course_id: str, data_root: Path | None) -> str:
    """nbgrader_config.py: course id, data location, and every exercise's limit for its check cells."""
    if data_root is not None:
        data = (
            "# Real data for the hidden checks: the kernels nbgrader starts inherit this environment.\n"
            "import os  # noqa: E402\n\n"
            f'os.environ.setdefault("AUTOGRADER_DATA", {str(data_root.resolve())!r})\n'
        )
    else:
        data = (
            "# Data: synthetic unless $AUTOGRADER_DATA names a folder of real data sets "
            "(datasets/README.md).\n"
        )
    limits = {e.id: max(CELL_TIMEOUT_S, math.ceil(2 * e.budget_s)) for e in catalog.exercises()}
    template = string.Template((TEMPLATES / "nbgrader_config.py.tmpl").read_text(encoding="utf-8"))
    return template.substitute(
        course_id=repr(course_id),
        data_root=data,
        cell_timeout=CELL_TIMEOUT_S,
        check_timeouts=json.dumps(limits, indent=4),
    )


@dataclass(frozen=True)
class FileStatus:
    path: Path
    state: str  # "fresh", "stale" or "missing"


def course_files(exercises: list[Exercise], course_id: str, data_root: Path | None) -> dict[Path, str]:
    """Every file `build` writes, relative to the course directory, with its text."""
    files = {Path("nbgrader_config.py"): config_text(course_id, data_root)}
    checks = check_cells(exercises)
    for exercise in exercises:
        notebook = build_notebook(exercise, checks[exercise.id])
        files[Path("source") / exercise.id / notebook_path(exercise)] = notebook_text(notebook)
    return files


def build(
    course: Path,
    exercise_ids: list[str] | None = None,
    course_id: str = "torch-exercise-kit",
    data_root: Path | None = None,
    check_only: bool = False,
) -> list[FileStatus]:
    """Write (or, with check_only, compare) the course's config and source notebooks; one status per file."""
    exercises = [catalog.get(i) for i in exercise_ids] if exercise_ids else list(catalog.exercises())
    statuses = []
    for relative, text in course_files(exercises, course_id, data_root).items():
        target = course / relative
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        state = "fresh" if current == text else ("missing" if current is None else "stale")
        if state != "fresh" and not check_only:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        statuses.append(FileStatus(target, state))
    return statuses
