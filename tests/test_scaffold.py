"""`autograder new NN_topic --module NAME` scaffolds a whole exercise (issue 11 item 1).

The fast tests run the scaffold on a small stand-in checkout: what it refuses, and that a refusal writes
nothing. The slow ones scaffold an exercise into a temporary copy of this repository and run there the
kit's own tests that read every exercise, its grading and its visible tests: a fresh scaffold passes the
consistency test and fails nothing else, and the real tree is never touched.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import catalog
from autograder.scaffold import Lesson, NewExercise, ScaffoldError, create, find_lesson

NOTES = Path(os.environ.get("AUTOGRADER_NOTES") or catalog.KIT_ROOT.parent / "shared" / "course-notes")
DATA = Path(os.environ.get("AUTOGRADER_DATA") or catalog.KIT_ROOT.parent / "shared" / "data")
LESSON = Lesson(
    "000_796fe78dbcfb8f9f.txt", "十、最大池化（也叫做下采样）", "main course, lesson 10", "主课程第十节"
)
STAND_IN_README = (
    "# Kit\n\n## 练习 / The exercises\n\n| | 练习 / exercise | 要写的 / what you write |\n"
    "| --- | --- | --- |\n| 01 | 甲 / One | `f` (`one.py`) |\n\n## Next\n"
)
STAND_IN_MUTANTS = "MUTANTS = (\n    Mutant('a', '01_one', (), ('x',)),\n)\n\nDEMO = ()\n"


@pytest.fixture
def stand_in(tmp_path) -> Path:
    """A checkout with one exercise: the catalog, the README's table and the mutants, nothing else."""
    (tmp_path / "autograder").mkdir()
    (tmp_path / "autograder" / "exercises.toml").write_text(
        '[[exercise]]\nid = "01_one"\nmodule = "one"\ntitle = "One"\ntitle_zh = "甲"\n', encoding="utf-8"
    )
    (tmp_path / "README.md").write_text(STAND_IN_README, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "mutants.py").write_text(STAND_IN_MUTANTS, encoding="utf-8")
    (tmp_path / "exercises").mkdir()
    return tmp_path


def new(exercise_id: str, module: str = "layers") -> NewExercise:
    return NewExercise(exercise_id, module, "Two", "乙", LESSON)


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_scaffold_writes_every_piece_and_adds_the_exercise_to_the_shared_files(stand_in):
    made = create(stand_in, new("02_two"))
    assert set(made.created) == {
        "solutions/02_two/layers.py",
        "solutions/02_two/hints.toml",
        "exercises/02_two/layers.py",
        "exercises/02_two/test_layers.py",
        "exercises/02_two/README.md",
        "autograder/hidden/test_02_two.py",
        "autograder/worker/probes/two.py",
        "tests/course_style/02_two/layers.py",
        "tests/course_style/02_two/verdict.toml",
    }
    assert made.edited == ["autograder/exercises.toml", "README.md", "tests/mutants.py"]
    readme = (stand_in / "README.md").read_text(encoding="utf-8")
    assert (
        "| 01 | 甲 / One | `f` (`one.py`) |\n| 02 | 乙 / Two | `scale` (`layers.py`) |\n\n## Next" in readme
    )
    assert '"02_two"' in (stand_in / "tests" / "mutants.py").read_text(encoding="utf-8").split("\n)\n")[0]
    manifest = json.loads((stand_in / "exercises" / ".stubs.json").read_text(encoding="utf-8"))
    assert list(manifest) == ["02_two/layers.py"]
    assert (
        'raise NotImplementedError("scale is not written yet'
        in (stand_in / "exercises/02_two/layers.py").read_text()
    )


@pytest.mark.parametrize(
    "exercise_id,module,says",
    [
        ("2_two", "layers", "is not an exercise id"),
        ("02_Two", "layers", "is not an exercise id"),
        ("01_one", "layers", "already in the catalog"),
        ("03_three", "layers", "the next exercise is number 02"),
        ("02_two", "one", "already the student's file of 01_one"),
        ("02_two", "logging", "would hide the package"),
        ("02_two", "Layers", "cannot be a module name"),
        ("02_generic", "layers", "probe module named 'generic'"),
    ],
)
def test_scaffold_refuses_names_that_do_not_fit_and_writes_nothing(stand_in, exercise_id, module, says):
    before = tree(stand_in)
    with pytest.raises(ScaffoldError, match=says):
        create(stand_in, new(exercise_id, module))
    assert tree(stand_in) == before


def test_scaffold_writes_nothing_when_a_shared_file_is_not_shaped_as_expected(stand_in):
    (stand_in / "README.md").write_text("# Kit without an exercise table\n", encoding="utf-8")
    before = tree(stand_in)
    with pytest.raises(ScaffoldError, match="exercise table"):
        create(stand_in, new("02_two"))
    assert tree(stand_in) == before


def test_scaffold_never_overwrites_a_file_that_is_there(stand_in):
    (stand_in / "solutions" / "02_two").mkdir(parents=True)
    (stand_in / "solutions" / "02_two" / "hints.toml").write_text("mine", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="solutions/02_two/hints.toml"):
        create(stand_in, new("02_two"))
    assert (stand_in / "solutions" / "02_two" / "hints.toml").read_text() == "mine"


def test_the_lesson_is_found_by_a_part_of_its_heading(tmp_path):
    (tmp_path / "a.txt").write_text("# 一、张量\ntext\n# 十二、线性层及其他层介绍\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("# 二、自动求导\n", encoding="utf-8")
    assert find_lesson(tmp_path, "线性层") == ("a.txt", "十二、线性层及其他层介绍")
    with pytest.raises(ScaffoldError, match="3 headings match"):
        find_lesson(tmp_path, "、")
    with pytest.raises(ScaffoldError, match="no heading"):
        find_lesson(tmp_path, "优化器")


def test_without_the_notes_the_lesson_needs_its_file(tmp_path):
    with pytest.raises(ScaffoldError, match="--notes-file"):
        find_lesson(tmp_path / "absent", "十二、线性层及其他层介绍")
    assert find_lesson(tmp_path / "absent", "十二、x", "a.txt") == ("a.txt", "十二、x")


# ---------------------------------------------------------------- a scaffold in a copy of the repository

IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "build", "__pycache__", "*.egg-info", ".autograder", ".pytest_cache"
)


def run(copy: Path, *command: str, timeout: int = 900) -> subprocess.CompletedProcess:
    # the copy has no ../shared of its own: hand it the notes and data where this checkout has them
    env = {
        key: value for key, value in os.environ.items() if key not in ("AUTOGRADER_NOTES", "AUTOGRADER_DATA")
    }
    env.update({"PYTHONPATH": str(copy), "AUTOGRADER_LANG": "en"})
    env.update(
        {
            name: str(folder)
            for name, folder in (("AUTOGRADER_NOTES", NOTES), ("AUTOGRADER_DATA", DATA))
            if folder.is_dir()
        }
    )
    return subprocess.run(
        [sys.executable, *command], cwd=copy, env=env, capture_output=True, text=True, timeout=timeout
    )


def pytest_in(copy: Path, *args: str) -> subprocess.CompletedProcess:
    return run(
        copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={copy.parent / 'inner'}", *args
    )


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory):
    """A copy of this repository with one more exercise made by `autograder new`: (copy, id, mutant)."""
    copy = tmp_path_factory.mktemp("scaffold") / "kit"
    shutil.copytree(catalog.KIT_ROOT, copy, ignore=IGNORED)
    exercise_id = f"{len(catalog.exercises()) + 1:02d}_scaffold_check"
    made = run(
        copy,
        "-m",
        "autograder",
        "new",
        exercise_id,
        "--module",
        "scaled",
        "--lesson",
        LESSON.heading,
        "--notes-file",
        LESSON.notes,
        "--title",
        "Scaffold check",
        "--title-zh",
        "脚手架检查",
    )
    assert made.returncode == 0, made.stderr
    return copy, exercise_id, "scale_changes_its_input_in_place"


@pytest.mark.slow
def test_a_fresh_scaffold_passes_the_catalog_consistency_test(scaffolded):
    copy, _, _ = scaffolded
    tested = pytest_in(copy, "tests/test_catalog.py")
    assert tested.returncode == 0, tested.stdout[-3000:]


@pytest.mark.slow
def test_a_fresh_scaffold_passes_the_tests_that_read_every_exercise(scaffolded):
    copy, exercise_id, mutant = scaffolded
    whole = pytest_in(copy, "tests/test_readme_facts.py", "tests/test_stub_sync.py", "tests/test_hints.py")
    assert whole.returncode == 0, whole.stdout[-3000:]
    chosen = pytest_in(
        copy,
        "tests/test_course_style.py",
        "tests/test_wrong_submissions.py",
        "tests/test_gradescope_bundle.py",
        "-k",
        f"{exercise_id} or {mutant}",
    )
    assert chosen.returncode == 0 and " passed" in chosen.stdout, chosen.stdout[-3000:]


@pytest.mark.slow
def test_a_fresh_scaffold_gives_full_marks_to_its_solution_and_zero_to_its_stub(scaffolded):
    copy, exercise_id, _ = scaffolded
    scores = {}
    for folder in ("solutions", "exercises"):
        graded = run(copy, "-m", "autograder", "grade", folder, "--exercise", exercise_id, "--format", "json")
        assert graded.returncode == 0, graded.stderr
        result = json.loads(graded.stdout)
        scores[folder] = (result["score"], result["max_score"])
    assert scores["solutions"][0] == scores["solutions"][1] > 0
    assert scores["exercises"][0] == 0


@pytest.mark.slow
def test_a_fresh_scaffolds_visible_tests_pass_on_the_solution_and_fail_on_the_stub(scaffolded):
    copy, exercise_id, _ = scaffolded
    assert pytest_in(copy, f"exercises/{exercise_id}", "--solutions").returncode == 0
    on_stub = pytest_in(copy, f"exercises/{exercise_id}", "-rA")
    assert on_stub.returncode == 1 and " passed" not in on_stub.stdout.splitlines()[-1]


@pytest.mark.slow
def test_a_fresh_scaffold_builds_its_nbgrader_notebook_and_is_lint_and_format_clean(scaffolded, tmp_path):
    copy, exercise_id, _ = scaffolded
    built = run(
        copy, "-m", "autograder", "nbgrader", "build", str(tmp_path / "course"), "--exercise", exercise_id
    )
    assert built.returncode == 0, built.stderr
    linted = run(copy, "-m", "ruff", "check", ".")
    assert linted.returncode == 0, linted.stdout[-3000:]
    formatted = run(copy, "-m", "ruff", "format", "--check", ".")
    assert formatted.returncode == 0, formatted.stdout[-3000:]
