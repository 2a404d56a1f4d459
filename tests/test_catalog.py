"""The catalog and the files of every exercise agree (issue 11 item 1): each entry has all its pieces, named
after its id and its module, so a new exercise made by hand or by `autograder new` is complete.

The pieces of exercise `NN_topic` with student module `NAME`:
solutions/NN_topic/NAME.py (with solution markers) and hints.toml; exercises/NN_topic/NAME.py (the stub,
recorded in exercises/.stubs.json), test_NAME.py (visible tests asking for the fixture `NAME`) and
README.md (titled as the catalog); autograder/hidden/test_NN_topic.py (checks with points); probe
modules named after topics (a check uses `probes/<its topic>.py` or the generic ones); a row in the
README's exercise table; at least one mutant, naming checks that exist; course-style folders named
after an exercise, holding its module, whose verdicts name checks that exist.
"""

import ast
import json
import re
import sys

import pytest

from autograder import catalog, stubs
from mutants import MUTANTS

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

EXERCISES = catalog.exercises()
ROOT = catalog.KIT_ROOT
PROBES = ROOT / "autograder" / "worker" / "probes"
COURSE_STYLE = ROOT / "tests" / "course_style"
TOPICS = {exercise.id[3:] for exercise in EXERCISES}


def by_id(parametrized):
    return pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])(parametrized)


def functions(path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]


def check_names(exercise) -> set[str]:
    """The names the judge reports for an exercise's hidden checks (the test name without `test_`)."""
    return {node.name.removeprefix("test_") for node in functions(exercise.hidden_checks)}


def test_ids_are_numbered_in_catalog_order_from_01_without_gaps():
    assert [e.id[:2] for e in EXERCISES] == [f"{n:02d}" for n in range(1, len(EXERCISES) + 1)]
    assert all(re.fullmatch(r"\d\d_[a-z][a-z0-9_]*", e.id) for e in EXERCISES)


def test_module_names_are_unique_identifiers():
    modules = [e.module for e in EXERCISES]
    assert len(set(modules)) == len(modules)
    assert all(module.isidentifier() and module.islower() for module in modules)


@by_id
def test_every_piece_of_the_exercise_exists(exercise):
    wanted = [
        exercise.solution_file,
        catalog.SOLUTIONS_DIR / exercise.id / "hints.toml",
        exercise.stub_file,
        catalog.EXERCISES_DIR / exercise.id / f"test_{exercise.module}.py",
        catalog.EXERCISES_DIR / exercise.id / "README.md",
        exercise.hidden_checks,
    ]
    assert [path.relative_to(ROOT) for path in wanted if not path.is_file()] == []


@by_id
def test_the_solution_marks_what_the_student_writes(exercise):
    lines = exercise.solution_file.read_text(encoding="utf-8").splitlines()
    assert stubs.find_regions(lines, str(exercise.solution_file))


@by_id
def test_the_stub_is_recorded_under_the_exercise_and_module(exercise):
    manifest = json.loads((catalog.EXERCISES_DIR / ".stubs.json").read_text(encoding="utf-8"))
    assert f"{exercise.id}/{exercise.filename}" in manifest


@by_id
def test_the_visible_tests_ask_for_the_module_by_its_name(exercise):
    folder = catalog.EXERCISES_DIR / exercise.id
    assert sorted(path.name for path in folder.glob("test_*.py")) == [f"test_{exercise.module}.py"]
    tests = functions(folder / f"test_{exercise.module}.py")
    assert any(exercise.module in [arg.arg for arg in test.args.args] for test in tests)


@by_id
def test_the_readme_title_is_the_catalog_title(exercise):
    first = (catalog.EXERCISES_DIR / exercise.id / "README.md").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# {exercise.id[:2]} · {exercise.title_zh} / {exercise.title}"


@by_id
def test_the_main_readme_table_has_the_exercise_with_its_module(exercise):
    table = (ROOT / "README.md").read_text(encoding="utf-8").split("## 练习 / The exercises", 1)[1]
    row = re.search(rf"^\| {exercise.id[:2]} \| (?P<title>[^|]+) \| (?P<what>[^\n]+) \|$", table, re.M)
    assert row, f"no row for {exercise.id} in README.md's exercise table"
    assert row["title"].strip() == f"{exercise.title_zh} / {exercise.title}"
    assert f"`{exercise.filename}`" in row["what"]


@by_id
def test_every_hidden_check_has_points_and_a_title(exercise):
    checks = functions(exercise.hidden_checks)
    assert checks
    for check in checks:
        decorators = [ast.unparse(d) for d in check.decorator_list]
        assert any(d.startswith("points(") for d in decorators), f"{check.name} has no @points(n)"
        assert ast.get_docstring(check), f"{check.name} has no docstring (its title)"


def probe_modules_imported(path) -> set[str]:
    """The probe modules a file imports (`from autograder.worker.probes import X`, `...probes.X import`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "autograder.worker.probes":
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograder.worker.probes."):
            found.add(node.module.rsplit(".", 1)[1])
    return found


@by_id
def test_hidden_checks_use_the_probes_of_their_own_topic(exercise):
    used = probe_modules_imported(exercise.hidden_checks) - {"probe"}
    assert used <= {"generic", exercise.id[3:]}
    assert all((PROBES / f"{module}.py").is_file() for module in used)


def test_every_probe_module_is_named_after_an_exercise_topic():
    modules = {path.stem for path in PROBES.glob("*.py")} - {"__init__", "generic"}
    assert modules - TOPICS == set()


@by_id
def test_the_exercise_has_a_mutant(exercise):
    assert any(mutant.exercise == exercise.id for mutant in MUTANTS)


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_every_mutant_names_an_exercise_and_checks_it_has(mutant):
    exercise = catalog.get(mutant.exercise)
    assert mutant.loses and {name.split("[", 1)[0] for name in mutant.loses} <= check_names(exercise)


def test_mutant_names_are_unique():
    names = [mutant.name for mutant in MUTANTS]
    assert len(set(names)) == len(names)


COURSE_STYLE_CASES = sorted(
    path for path in COURSE_STYLE.iterdir() if path.is_dir() and not path.name.startswith("_")
)


@pytest.mark.parametrize("folder", COURSE_STYLE_CASES, ids=[p.name for p in COURSE_STYLE_CASES])
def test_every_course_style_folder_is_an_exercise_with_its_module_and_verdict(folder):
    exercise = catalog.get(folder.name)
    assert (folder / exercise.filename).is_file() and (folder / "verdict.toml").is_file()
    with open(folder / "verdict.toml", "rb") as handle:
        verdict = tomllib.load(handle)
    # a parametrised check is named with its case: name[case]
    assert {name.partition("[")[0] for name in verdict.get("check", {})} <= check_names(exercise)
