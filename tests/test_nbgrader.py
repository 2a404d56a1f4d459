"""nbgrader: the course built from the single source, checked end to end with the real nbgrader.

The build, `nbgrader generate_assignment` and the release-text checks cover every exercise.
`nbgrader autograde` starts a kernel per notebook (several seconds each, mostly importing torch),
so the full-marks / zero / wrong-answer / feedback / export path runs on AUTOGRADED: two quick
exercises of different kinds (sizes and a network; files the student's code writes and reads).
Tests that need nbgrader skip, saying so, where it is not installed (`pip install -e '.[nbgrader]'`); they
are marked slow (minutes: nbgrader's kernels and gradebook), the build and the reading back are not.
"""

from __future__ import annotations

import ast
import csv
import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import catalog, check_collection, cli, hints, stubs
from autograder.grading import GradeOptions
from autograder.nbgrader import app, build, layout, submissions
from autograder.reports.nbgrader_grades import NBGRADER_EXPORT_COLUMNS
from autograder.submission import locate
from mutants import MUTANTS

AUTOGRADED = ("07_maxpool", "13_save_load")
HONEST = ("teacher", "stub", "mutant")
MUTANT = next(m for m in MUTANTS if m.name == "pool_size_defaults_stride_to_1")
ALWAYS_EQUAL = '''class AlwaysEqual(int):
    """Equal to everything, so `answer == expected` always holds."""

    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


def maxpool2d_output_size(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return AlwaysEqual(0)
'''


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def save(notebook: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    return path


def copy(notebook: dict) -> dict:
    return json.loads(json.dumps(notebook))


def cell(notebook: dict, grade_id: str) -> dict:
    (found,) = [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id]
    return found


def with_edit(notebook: dict, old: str, new: str) -> dict:
    """A copy with `old` replaced by `new` in the one cell that holds it."""
    changed = copy(notebook)
    (holder,) = [c for c in changed["cells"] if old in "".join(c["source"])]
    holder["source"] = "".join(holder["source"]).replace(old, new)
    return changed


@functools.cache
def check_cells(exercise_id: str) -> list[build.CheckCell]:
    return build.check_cells([catalog.get(exercise_id)])[exercise_id]


def check_points(exercise_id: str, grade_ids: list[str]) -> float:
    return sum(c.points for c in check_cells(exercise_id) if c.grade_id in grade_ids)


# ------------------------------------------------------- the build (no nbgrader needed)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    build.build(root)
    return root


def source_notebook(course: Path, exercise: catalog.Exercise) -> Path:
    return course / "source" / exercise.id / build.notebook_path(exercise)


@pytest.mark.parametrize("exercise", catalog.exercises(), ids=lambda e: e.id)
def test_cells_rebuild_the_solution_statement_for_statement(exercise):
    segments = layout.exercise_layout(exercise)
    rebuilt = layout.join_segments([segment.text for segment in segments])
    assert ast.dump(ast.parse(rebuilt)) == ast.dump(
        ast.parse(exercise.solution_file.read_text(encoding="utf-8"))
    )
    answers = [s for s in segments if s.kind == "answer"]
    assert answers and all(stubs.BEGIN in s.text and stubs.END in s.text for s in answers)
    assert not any(stubs.BEGIN in s.text for s in segments if s.kind == "given")


def test_build_writes_the_config_and_one_source_notebook_per_exercise(course):
    config = (course / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "c.CourseDirectory.course_id = 'torch-exercise-kit'" in config
    assert '"14_cifar10_training": 480' in config
    assert all(source_notebook(course, exercise).is_file() for exercise in catalog.exercises())


class ConfigSection(dict):
    """Stands in for traitlets' Config: `c.Execute.timeout = 60` records {"Execute": {"timeout": 60}}."""

    def __getattr__(self, name):
        return self.setdefault(name, ConfigSection())

    def __setattr__(self, name, value):
        self[name] = value


def test_config_gives_check_cells_their_exercises_time_limit_and_names_the_data(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_DATA", "")  # so that monkeypatch puts the variable back as it was
    monkeypatch.delenv("AUTOGRADER_DATA")
    config = ConfigSection()
    exec(build.config_text("course", Path("/data/sets")), {"get_config": lambda: config})
    timeout = config["Execute"]["timeout_func"]
    assert timeout({"source": "hidden_check('14_cifar10_training', 'x', globals())"}) == 480
    assert timeout({"source": "hidden_check('07_maxpool', 'x', globals())"}) == 120
    assert timeout({"source": "import torch"}) == config["Execute"]["timeout"] == 60
    assert config["CourseDirectory"]["course_id"] == "course"
    assert os.environ["AUTOGRADER_DATA"] == "/data/sets"  # nbgrader's kernels inherit it


def test_check_cells_carry_the_kits_points(course):
    points = check_collection.max_points(list(catalog.exercises()))
    for exercise in catalog.exercises():
        graded = [
            c["metadata"]["nbgrader"]
            for c in load(source_notebook(course, exercise))["cells"]
            if c["metadata"].get("nbgrader", {}).get("grade")
        ]
        assert sum(meta["points"] for meta in graded) == pytest.approx(points[exercise.id]), exercise.id


def test_build_check_is_clean_and_names_an_edited_notebook(course):
    assert {status.state for status in build.build(course, check_only=True)} == {"fresh"}
    path = source_notebook(course, catalog.get("07_maxpool"))
    path.write_text(path.read_text(encoding="utf-8").replace("kernel_size", "kernel"), encoding="utf-8")
    try:
        assert [s.path for s in build.build(course, check_only=True) if s.state != "fresh"] == [path]
    finally:
        build.build(course, ["07_maxpool"])


def test_build_command_exits_1_on_a_stale_course_with_check(tmp_path, capsys):
    command = ["nbgrader", "build", str(tmp_path), "--exercise", "07_maxpool"]
    assert cli.main([*command, "--check"]) == 1
    assert cli.main(command) == 0
    assert cli.main([*command, "--check"]) == 0
    assert "is missing" in capsys.readouterr().out


def test_release_without_nbgrader_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "nbgrader", None)
    assert cli.main(["nbgrader", "build", str(tmp_path), "--release"]) == 2
    assert "pip install 'torch-exercise-kit[nbgrader]'" in capsys.readouterr().err


def test_answer_cells_give_level_1_of_the_hint_and_no_command(course):
    notebook = load(source_notebook(course, catalog.get("07_maxpool")))
    text = " ".join("".join(cell(notebook, "maxpool2d_output_size")["source"]).replace("#", " ").split())
    hint = hints.kit_hints("07_maxpool").find("maxpool2d_output_size")
    assert " ".join(hint.level(1).en.split()) in text and " ".join(hint.level(1).zh.split()) in text
    assert " ".join(hint.level(2).en.split()) not in text and "autograder" not in text


def test_the_statement_and_the_visible_tests_need_no_kit_command_or_import(course):
    for exercise in catalog.exercises():
        notebook = load(source_notebook(course, exercise))
        statement = "".join(notebook["cells"][0]["source"])
        assert "## 课程出处 / From the course" in statement and "autograder" not in statement, exercise.id
        assert "autograder" not in "".join(cell(notebook, "visible-tests")["source"]), exercise.id
    assert "def tr(" in "".join(cell(notebook, "test-runner")["source"])


# ------------------------------------------------------- reading submissions back (no nbgrader needed)


def test_answer_cells_are_read_back_into_the_module(course):
    exercise = catalog.get("07_maxpool")
    module = submissions.student_module(source_notebook(course, exercise), exercise)
    assert ast.dump(ast.parse(module)) == ast.dump(
        ast.parse(exercise.solution_file.read_text(encoding="utf-8"))
    )


def test_error_lines_point_at_the_notebook_cell(course):
    exercise = catalog.get("07_maxpool")
    cells = submissions.student_cells(source_notebook(course, exercise), exercise)
    statement = "        return self.maxpool1(x.to(torch.float32))"
    in_module = layout.join_segments([text for _name, text in cells]).splitlines().index(statement) + 1
    in_cell = dict(cells)["MaxPoolNet"].splitlines().index(statement) + 1
    message = submissions.point_at_cells(f"TypeError: no (maxpool.py, line {in_module})", exercise, cells)
    assert message == f"TypeError: no (cell 'MaxPoolNet', line {in_cell})"


def test_notebooks_become_the_submission_that_grading_consumes(course, tmp_path):
    solved = save(
        load(source_notebook(course, catalog.get("07_maxpool"))),
        tmp_path / "alice" / "07_maxpool" / "maxpool.ipynb",
    )
    (tmp_path / "alice" / "13_save_load").mkdir()
    (tmp_path / "alice" / "13_save_load" / "persistence.ipynb").write_text("{", encoding="utf-8")
    with submissions.read(tmp_path / "alice", []) as notebooks:
        read = notebooks.submission
        module = read.folders["07_maxpool"] / "maxpool.py"
        assert ast.dump(ast.parse(module.read_text(encoding="utf-8"))) == ast.dump(
            ast.parse(catalog.get("07_maxpool").solution_file.read_text(encoding="utf-8"))
        )
        assert locate(read.path).folders["07_maxpool"] == read.folders["07_maxpool"]
        assert read.folders["13_save_load"] is None and "not valid JSON" in read.problems["13_save_load"].en
    assert not module.exists() and solved.is_file()


def not_json(notebook: dict) -> str:
    return json.dumps(notebook)[:-40]


def without_metadata(notebook: dict) -> str:
    return json.dumps({**notebook, "cells": [{**c, "metadata": {}} for c in notebook["cells"]]})


def with_a_renamed_cell(notebook: dict) -> str:
    changed = copy(notebook)
    cell(changed, "MaxPoolNet")["metadata"]["nbgrader"]["grade_id"] = "Net"
    return json.dumps(changed)


def with_a_deleted_cell(notebook: dict) -> str:
    return json.dumps({**notebook, "cells": [c for c in notebook["cells"] if c["id"] != "course_example"]})


@pytest.mark.parametrize(
    "damage, says",
    [
        (not_json, "is not valid JSON"),
        (without_metadata, "has no nbgrader metadata"),
        (with_a_renamed_cell, "the answer cell 'MaxPoolNet' is missing"),
        (with_a_deleted_cell, "the answer cell 'course_example' is missing"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_a_broken_notebook_scores_zero_with_a_clear_error(course, sandbox, tmp_path, damage, says):
    path = tmp_path / "alice" / "07_maxpool" / "maxpool.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(damage(load(source_notebook(course, catalog.get("07_maxpool")))), encoding="utf-8")
    result = submissions.grade(tmp_path / "alice", GradeOptions(device="cpu"), sandbox=sandbox)
    (exercise,) = result.exercises
    worth = check_collection.max_points([catalog.get("07_maxpool")])["07_maxpool"]
    assert (exercise.score, exercise.max_score) == (0.0, worth)
    assert {check.status for check in exercise.checks} == {"error"}
    assert all(says in check.message for check in exercise.checks)


# ------------------------------------------------------- with the real nbgrader


def nbgrader_command(*args: str, cwd: Path) -> None:
    """The real `nbgrader` command line, with this interpreter's bin folder on PATH (for alembic)."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), *args],
        cwd=cwd,
        env=app.nbgrader_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}"


@pytest.fixture(scope="module")
def released(course) -> Path:
    pytest.importorskip("nbgrader", reason="nbgrader is not installed (pip install -e '.[nbgrader]')")
    app.release(course, [e.id for e in catalog.exercises()])
    return course


@pytest.mark.slow
@pytest.mark.parametrize("exercise", catalog.exercises(), ids=lambda e: e.id)
def test_release_holds_no_solution_code_and_no_hidden_checks(released, exercise):
    release = released / "release" / exercise.id / build.notebook_path(exercise)
    text = "\n".join("".join(c["source"]) for c in load(release)["cells"])
    release_lines = {line.strip() for line in text.splitlines()}
    lines = exercise.solution_file.read_text(encoding="utf-8").splitlines()
    public = {
        line.strip()
        for path in (exercise.stub_file, exercise.stub_file.parent / f"test_{exercise.module}.py")
        for line in path.read_text(encoding="utf-8").splitlines()
    }
    solution_only = {
        line.strip()
        for region in stubs.find_regions(lines, exercise.id)
        for line in lines[region.begin + 1 : region.end]
    } - public
    # a line of brackets alone (`)`, `]`, `},` of a formatted call) says nothing of the solution
    solution_only = {line for line in solution_only if any(c.isalnum() for c in line)}
    assert solution_only and not solution_only & release_lines
    for hidden in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "hidden_check", "autograder"):
        assert hidden not in text
    assert "# YOUR CODE HERE" in text


@pytest.fixture(scope="module")
def autograded(released) -> Path:
    """Students: the source notebooks (teacher), the release (stub), a realistic mistake (mutant), and an
    answer returning an object equal to everything (cheat); autograded, with feedback, exported."""
    for exercise in (catalog.get(i) for i in AUTOGRADED):
        name = build.notebook_path(exercise)
        source = load(released / "source" / exercise.id / name)
        save(source, released / "submitted" / "teacher" / exercise.id / name)
        save(
            load(released / "release" / exercise.id / name),
            released / "submitted" / "stub" / exercise.id / name,
        )
        if exercise.id == MUTANT.exercise:
            ((old, new),) = MUTANT.edits
            save(with_edit(source, old, new), released / "submitted" / "mutant" / exercise.id / name)
            cheat = copy(source)
            cell(cheat, "maxpool2d_output_size")["source"] = ALWAYS_EQUAL
            save(cheat, released / "submitted" / "cheat" / exercise.id / name)
        nbgrader_command("autograde", exercise.id, cwd=released)
        outcome = app.nbgrader_api(released).generate_feedback(exercise.id)
        assert outcome["success"], outcome.get("log")
    nbgrader_command("export", cwd=released)
    return released


@pytest.fixture(scope="module")
def hardened(autograded, tmp_path_factory) -> Path:
    """The same submissions, plus one with a corrupt notebook, through `autograder grade-batch --nbgrader`."""
    submissions = tmp_path_factory.mktemp("submitted")
    shutil.copytree(autograded / "submitted", submissions, dirs_exist_ok=True)
    broken = submissions / "broken" / "07_maxpool" / "maxpool.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text("{", encoding="utf-8")
    out = tmp_path_factory.mktemp("results")
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "autograder"),
            "grade-batch",
            str(submissions),
            "--nbgrader",
            "--out",
            str(out),
            "--nbgrader-csv",
            str(out / "grades.csv"),
            "--jobs",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def nbgrader_cells(course: Path, student: str, exercise_id: str) -> dict[str, float]:
    """Score of each check cell, by grade id, from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    exercise = catalog.get(exercise_id)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(exercise.module, exercise_id, student)
        return {grade.name: grade.score for grade in notebook.grades if grade.name.startswith("check-")}


def kit_cells(results: Path, student: str, exercise_id: str) -> dict[str, float]:
    """Score of each hidden check, by the grade id of its notebook cell, from the kit's result."""
    data = load(results / "students" / f"{student}.json")
    (exercise,) = [e for e in data["exercises"] if e["id"] == exercise_id]
    scores = {check["name"]: check["score"] for check in exercise["checks"]}
    return {c.grade_id: scores[c.name] for c in check_cells(exercise_id)}


def csv_rows(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {(row["student_id"], row["assignment"]): row for row in csv.DictReader(handle)}


@pytest.mark.slow
def test_nbgrader_gives_the_source_full_marks_and_the_release_zero(autograded):
    points = check_collection.max_points([catalog.get(i) for i in AUTOGRADED])
    rows = csv_rows(autograded / "grades.csv")
    for exercise_id in AUTOGRADED:
        assert float(rows["teacher", exercise_id]["score"]) == points[exercise_id]
        assert float(rows["teacher", exercise_id]["max_score"]) == points[exercise_id]
        assert float(rows["stub", exercise_id]["score"]) == 0.0


@pytest.mark.slow
def test_nbgrader_writes_feedback_for_every_autograded_notebook(autograded):
    for exercise in (catalog.get(i) for i in AUTOGRADED):
        for student in ("teacher", "stub"):
            page = autograded / "feedback" / student / exercise.id / f"{exercise.module}.html"
            assert page.is_file() and exercise.module in page.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("student", HONEST)
def test_hardened_path_scores_every_check_as_nbgrader_does(autograded, hardened, student):
    submitted = [i for i in AUTOGRADED if (autograded / "submitted" / student / i).is_dir()]
    assert submitted
    for exercise_id in submitted:
        assert kit_cells(hardened, student, exercise_id) == nbgrader_cells(autograded, student, exercise_id)


@pytest.mark.slow
def test_a_realistic_mistake_loses_exactly_the_points_of_its_failing_checks(autograded, hardened):
    failing = [
        grade_id for grade_id, score in kit_cells(hardened, "mutant", "07_maxpool").items() if score == 0
    ]
    assert failing
    row = csv_rows(autograded / "grades.csv")["mutant", "07_maxpool"]
    assert float(row["max_score"]) - float(row["score"]) == check_points("07_maxpool", failing)


@pytest.mark.slow
def test_an_always_equal_answer_fools_nbgrader_but_not_the_hardened_path(autograded, hardened):
    sizes = [
        c.grade_id
        for c in check_cells("07_maxpool")
        if "output_size" in c.name or "ceil_mode_drops" in c.name
    ]
    fooled = nbgrader_cells(autograded, "cheat", "07_maxpool")
    graded = kit_cells(hardened, "cheat", "07_maxpool")
    assert sum(fooled[g] for g in sizes) == check_points("07_maxpool", sizes) > 0
    assert sum(graded[g] for g in sizes) == 0


@pytest.mark.slow
def test_hardened_path_writes_nbgraders_grades_csv_with_the_same_honest_scores(autograded, hardened):
    ours, theirs = csv_rows(hardened / "grades.csv"), csv_rows(autograded / "grades.csv")
    assert list(next(iter(ours.values()))) == list(NBGRADER_EXPORT_COLUMNS)
    for key, row in theirs.items():
        if key[0] in HONEST and key[1] in AUTOGRADED:
            assert (ours[key]["score"], ours[key]["max_score"]) == (row["score"], row["max_score"]), key
    assert float(ours["cheat", "07_maxpool"]["score"]) < float(theirs["cheat", "07_maxpool"]["score"])


@pytest.mark.slow
def test_hardened_path_reports_a_corrupt_notebook_for_that_student_only(hardened):
    (exercise,) = [
        e for e in load(hardened / "students" / "broken.json")["exercises"] if e["id"] == "07_maxpool"
    ]
    assert exercise["checks"] and exercise["score"] == 0
    assert all(c["status"] == "error" and "not valid JSON" in c["message"] for c in exercise["checks"])
    full_marks = sum(check_collection.max_points([catalog.get(i) for i in AUTOGRADED]).values())
    assert load(hardened / "students" / "teacher.json")["score"] == full_marks
