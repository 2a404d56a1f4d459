"""`autograder release OUT`: the student repository holds no solution, hidden check or kit internals, and it
works on its own: its README's commands in a fresh virtualenv, its tests failing on the stubs with the
friendly TODO and passing with the solutions copied in, and `grade-batch` grading two clones of it."""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import student_workspace

from autograder import catalog, release, stubs
from autograder.stub_sync import generated_stub

TOP_LEVEL = {
    "README.md",
    "pyproject.toml",
    ".gitignore",
    ".github/workflows/visible-tests.yml",
    "exercises/conftest.py",
}
PACKAGE = {
    f"autograder/{name}" for name in (*release.PACKAGE_FILES, "__init__.py", "__main__.py", "exercises.toml")
}


@pytest.fixture(scope="module")
def full_release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "course"
    release.build(out)
    return out


def release_files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): path.read_text(encoding="utf-8")
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def student_side() -> set[str]:
    """Lines students are given anyway in the kit (stubs, visible tests, READMEs) and the shipped modules."""
    texts = [generated_stub(exercise) for exercise in catalog.exercises()]
    texts += [
        path.read_text(encoding="utf-8")
        for path in catalog.EXERCISES_DIR.rglob("*")
        if path.suffix in (".py", ".md") and path.name not in {e.filename for e in catalog.exercises()}
    ]
    texts += [(release.PACKAGE / name).read_text(encoding="utf-8") for name in release.PACKAGE_FILES]
    texts += [path.read_text(encoding="utf-8") for path in (release.PACKAGE / "learning").glob("*.py")]
    return {line.strip() for text in texts for line in text.splitlines()}


def solution_lines(shortest: int) -> set[str]:
    """Lines of the solutions' marked regions, at least `shortest` characters long, that are not given
    anyway."""
    given = student_side()
    found = set()
    for exercise in catalog.exercises():
        lines = exercise.solution_file.read_text(encoding="utf-8").splitlines()
        for region in stubs.find_regions(lines, exercise.id):
            found |= {
                line.strip()
                for line in lines[region.begin + 1 : region.end]
                if len(line.strip()) >= shortest and line.strip() not in given
            }
    return found


def hidden_lines() -> set[str]:
    """Distinctive lines of the hidden checks: their code and titles (not imports, not short lines, not the
    course's data and idioms that the visible tests share with them)."""
    given = student_side()
    found = set()
    for path in catalog.HIDDEN_DIR.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if len(text) >= 30 and not text.startswith(("import ", "from ", "#")) and text not in given:
                found.add(text)
    return found


def test_the_release_holds_no_line_of_any_solutions_marked_regions(full_release):
    """No line of the release is a solution line; no text in it (a hint, a README) holds a longer one."""
    texts = release_files(full_release).values()
    lines = {line.strip() for text in texts for line in text.splitlines()}
    assert sorted(solution_lines(shortest=10) & lines) == []
    everything = "\n".join(texts)
    assert sorted(line for line in solution_lines(shortest=24) if line in everything) == []


def test_the_release_holds_no_hidden_check_text(full_release):
    lines = {line.strip() for text in release_files(full_release).values() for line in text.splitlines()}
    assert hidden_lines() & lines == set()
    names = {
        f"def {name}"
        for path in catalog.HIDDEN_DIR.glob("test_*.py")
        for name in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M)
    }
    text = "\n".join(release_files(full_release).values())
    assert [name for name in names if f"{name}(" in text and name not in visible_test_names()] == []


def visible_test_names() -> set[str]:
    return {
        f"def {name}"
        for path in catalog.EXERCISES_DIR.glob("*/test_*.py")
        for name in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M)
    }


def test_the_release_holds_only_student_files(full_release):
    allowed_exercise_files = set()
    for exercise in catalog.exercises():
        folder = catalog.EXERCISES_DIR / exercise.id
        allowed_exercise_files |= {
            f"exercises/{exercise.id}/{path.name}"
            for path in folder.iterdir()
            if path.is_file() and not path.name.endswith(".bak")
        }
        allowed_exercise_files |= {
            f".course/stubs/{exercise.id}/{exercise.filename}",
            f".course/hints/{exercise.id}.toml",
        }
    learning = {f"autograder/learning/{path.name}" for path in (release.PACKAGE / "learning").glob("*.py")}
    unexpected = set(release_files(full_release)) - TOP_LEVEL - PACKAGE - learning - allowed_exercise_files
    assert unexpected == set()
    for name in (
        "solutions",
        "tests",
        "autograder/hidden",
        "autograder/worker",
        "autograder/sandbox.py",
        "autograder/judge.py",
        "Makefile",
        ".ci",
    ):
        assert not (full_release / name).exists(), name


def test_exercise_readmes_in_the_release_do_not_advertise_solutions(full_release):
    readmes = {name: text for name, text in release_files(full_release).items() if name.endswith("README.md")}
    assert len(readmes) == len(catalog.exercises()) + 1
    assert [name for name, text in readmes.items() if "--solutions" in text or "solutions/" in text] == []


def test_the_packaging_installs_the_student_side_only(full_release):
    text = (full_release / "pyproject.toml").read_text()
    for wanted in (
        '"torch>=',
        '"torchvision>=',
        '"pytest>=',
        'autograder = "autograder.learning.commands:run"',
        'testpaths = ["exercises"]',
    ):
        assert wanted in text
    for unwanted in ("nbgrader", "ray", "pyseccomp", "jsonschema", "torch-exercise-kit", "autograder.cli"):
        assert unwanted not in text


def test_a_release_of_some_exercises_holds_only_those(tmp_path):
    release.build(tmp_path / "course", ["10_losses", "07_maxpool"])
    held = sorted(path.name for path in (tmp_path / "course" / "exercises").iterdir() if path.is_dir())
    assert held == ["07_maxpool", "10_losses"]
    toml = (tmp_path / "course" / "autograder" / "exercises.toml").read_text()
    assert re.findall(r'^id = "(\w+)"', toml, re.M) == ["07_maxpool", "10_losses"]


def test_release_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "notes.txt").write_text("mine")
    with pytest.raises(release.ReleaseError, match="not an empty folder"):
        release.build(tmp_path / "course")
    assert (tmp_path / "course" / "notes.txt").read_text() == "mine"


def run_in_release(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """A command in the release with only the release itself on the import path (never the kit)."""
    env = {**student_workspace.environment(), "PYTHONPATH": str(root)}
    return subprocess.run(args, cwd=root, capture_output=True, text=True, timeout=timeout, env=env)


def test_the_release_has_the_learning_commands_and_no_sync(full_release):
    status = run_in_release(full_release, sys.executable, "-m", "autograder", "status")
    assert status.returncode == 0 and "Next: 01_tensors" in status.stdout, status.stderr
    sync = run_in_release(full_release, sys.executable, "-m", "autograder", "sync")
    assert sync.returncode == 2 and "invalid choice: 'sync'" in sync.stderr
    hint = run_in_release(full_release, sys.executable, "-m", "autograder", "hint", "07", "--level", "3")
    assert hint.returncode == 0 and "hint 3 of 3" in hint.stdout


def test_every_kit_module_the_release_imports_is_in_the_release(full_release):
    """A module the learning loop imports but the release lacks fails only when a student runs that
    command."""
    released = {
        ".".join(path.relative_to(full_release).with_suffix("").parts).removesuffix(".__init__")
        for path in (full_release / "autograder").rglob("*.py")
    }
    missing = set()
    for path in (full_release / "autograder").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            missing |= {
                f"{path.name}: {name}"
                for name in names
                if name.startswith("autograder") and name not in released
            }
    assert not missing


@pytest.mark.slow
def test_the_releases_root_pytest_run_collects_the_exercises_only(full_release):
    run = run_in_release(full_release, sys.executable, "-m", "pytest", "--collect-only", "-q")
    collected = [line for line in run.stdout.splitlines() if "::" in line]
    assert collected and all(line.startswith("exercises/") for line in collected)


def test_the_leak_checks_see_a_solution_copied_into_a_release(tmp_path):
    """The two checks above can fail: a release with one solution copied in trips both."""
    release.build(tmp_path / "course", ["07_maxpool"])
    solution = catalog.get("07_maxpool").solution_file
    shutil.copy(solution, tmp_path / "course" / "exercises" / "07_maxpool" / "maxpool.py")
    shutil.copy(catalog.get("07_maxpool").hidden_checks, tmp_path / "course" / "exercises" / "notes.py")
    lines = {
        line.strip() for text in release_files(tmp_path / "course").values() for line in text.splitlines()
    }
    assert solution_lines(shortest=10) & lines
    assert hidden_lines() & lines


def readme_commands(root: Path) -> list[str]:
    """The commands of the README's first bash block (its getting-started steps), comments removed."""
    block = (root / "README.md").read_text(encoding="utf-8").split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_readme_commands_work_in_a_fresh_virtualenv(tmp_path):
    """A fresh virtualenv, the README's commands as written; then the stubs fail with the TODO and the
    solutions pass. Installing torch again would cost minutes and about 5.5 GB, so the fresh virtualenv
    gets a .pth line pointing at this virtualenv's site-packages for the heavy libraries: pip finds them
    installed and installs only the release itself (and builds it in isolation, as a student's pip does)."""
    root = tmp_path / "course"
    release.build(root, ["07_maxpool", "10_losses"])
    commands = readme_commands(root)
    assert commands[:3] == ["python3 -m venv .venv", ". .venv/bin/activate", "pip install -e ."]
    venv_python = Path(sys.executable)
    base = subprocess.run(["python3", "-m", "venv", ".venv"], cwd=root, capture_output=True, text=True)
    assert base.returncode == 0, base.stderr
    site = next((root / ".venv" / "lib").glob("python3*/site-packages"))
    (site / "kit-dependencies.pth").write_text(
        sysconfig.get_paths(
            vars={"base": str(venv_python.parents[1]), "platbase": str(venv_python.parents[1])}
        )["purelib"]
        + "\n"
    )
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH="/usr/local/bin:/usr/bin:/bin", PYTEST_ADDOPTS=f"--basetemp={tmp_path / 'pytest-tmp'}")
    script = "\n".join(
        [
            "set -e",
            *commands[1:],
            "python -m pytest exercises/07_maxpool -q || true",
            "cp " + str(catalog.get("07_maxpool").solution_file) + " exercises/07_maxpool/",
            "autograder check 07",
            "autograder status",
        ]
    )
    started = time.monotonic()
    run = subprocess.run(
        ["bash", "-c", script], cwd=root, capture_output=True, text=True, timeout=900, env=env
    )
    print(f"README commands, stubs run, solved run: {time.monotonic() - started:.1f} s")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Next: 07_maxpool" in run.stdout  # `autograder next`
    assert (
        "TODO exercises/07_maxpool/maxpool.py:" in run.stdout
        and "is not written yet / 尚未实现" in run.stdout
    )
    assert re.search(r"07_maxpool: all \d+ visible tests pass", run.stdout)
    assert re.search(r"07_maxpool +done \((\d+)/\1\)", run.stdout)
    assert (root / ".venv" / "bin" / "autograder").exists()


@pytest.mark.slow
def test_grade_batch_grades_a_solved_clone_to_full_marks_and_an_untouched_one_to_zero(tmp_path):
    """As an instructor would: the release in git, two students' clones, one solved, `grade-batch` over
    both."""
    origin = tmp_path / "course"
    exercises = ["07_maxpool", "10_losses"]
    release.build(origin, exercises)
    git = ["git", "-c", "user.name=Teacher", "-c", "user.email=t@example.org"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "release"]):
        subprocess.run([*git, *step], cwd=origin, check=True)
    submissions = tmp_path / "submissions"
    for student in ("alice", "bob"):
        subprocess.run(["git", "clone", "-q", str(origin), str(submissions / student)], check=True)
    for exercise in exercises:
        solution = catalog.get(exercise).solution_file
        shutil.copy(solution, submissions / "alice" / "exercises" / exercise / solution.name)
    out = tmp_path / "results"
    command = [
        sys.executable,
        "-m",
        "autograder",
        "grade-batch",
        str(submissions),
        "--out",
        str(out),
        "--jobs",
        "1",
        "--time-scale",
        "3",
        *[arg for exercise in exercises for arg in ("--exercise", exercise)],
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=catalog.KIT_ROOT)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    alice = json.loads((out / "students" / "alice.json").read_text())
    bob = json.loads((out / "students" / "bob.json").read_text())
    assert alice["score"] == alice["max_score"] > 0
    assert bob["score"] == 0 and bob["max_score"] == alice["max_score"]


def dependencies_only(venv_site: Path, into: Path) -> Path:
    """A folder of links to this virtualenv's packages except the kit itself (so a fresh virtualenv that reads
    it through a .pth line finds torch and the rest, and installs the kit of the clone as its own)."""
    into.mkdir()
    for entry in venv_site.iterdir():
        if not entry.name.startswith(("torch_exercise_kit", "__editable__", "_distutils_hack", "distutils-")):
            (into / entry.name).symlink_to(entry)
    return into


@pytest.mark.slow
def test_the_kits_readme_student_commands_work_from_a_fresh_clone(tmp_path):
    """The README's student block, as written, in a fresh clone with a fresh virtualenv
    (`make setup` makes it)."""
    readme = (catalog.KIT_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("**学生做练习 / A student solves an exercise**", 1)[1].split("```bash\n", 1)[1]
    commands = [
        line.split("  #", 1)[0].strip() for line in block.split("```", 1)[0].splitlines() if line.strip()
    ]
    assert commands[0] == "make setup"
    clone = tmp_path / "kit"
    subprocess.run(["git", "clone", "-q", str(catalog.KIT_ROOT), str(clone)], check=True)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(
        PATH="/usr/local/bin:/usr/bin:/bin",
        AUTOGRADER_LANG="en",
        PYTEST_ADDOPTS=f"--basetemp={tmp_path / 'pytest-tmp'}",
    )
    subprocess.run(
        ["python3", "-m", "venv", str(clone / ".venv")], check=True, env=env
    )  # what make does first
    site = next((clone / ".venv" / "lib").glob("python3*/site-packages"))
    here = Path(sysconfig.get_paths()["purelib"])
    (site / "kit-dependencies.pth").write_text(str(dependencies_only(here, tmp_path / "deps")) + "\n")
    # the visible tests fail on the stubs, as they must: those two commands may exit 1
    script = "\n".join(
        ["set -e", *[c + " || true" if "check" in c or "pytest" in c else c for c in commands]]
    )
    run = subprocess.run(
        ["bash", "-c", script], cwd=clone, capture_output=True, text=True, timeout=900, env=env
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Next: 01_tensors" in run.stdout
    assert "TODO exercises/07_maxpool/maxpool.py:" in run.stdout
    assert "Unknown config option" not in run.stdout + run.stderr
    assert "No module named" not in run.stdout + run.stderr
