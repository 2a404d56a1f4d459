"""A student's copy of the exercises in a temporary folder, for the tests of the student's side."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder import catalog


def make(root: Path, exercise_ids: list[str] | None = None) -> Path:
    """`root/exercises/` with the conftest and the given exercises (default: all) as stubs, as a clone has."""
    (root / "exercises").mkdir(parents=True, exist_ok=True)
    shutil.copy(catalog.EXERCISES_DIR / "conftest.py", root / "exercises" / "conftest.py")
    for exercise in catalog.exercises():
        if exercise_ids is None or exercise.id in exercise_ids:
            shutil.copytree(
                catalog.EXERCISES_DIR / exercise.id,
                root / "exercises" / exercise.id,
                ignore=shutil.ignore_patterns("__pycache__", "*.bak"),
            )
    return root


def solve(root: Path, exercise_id: str, replace: tuple[str, str] | None = None) -> Path:
    """Put the reference solution (optionally with one text replaced: a mistake) in place of the stub."""
    exercise = catalog.get(exercise_id)
    text = exercise.solution_file.read_text(encoding="utf-8")
    if replace is not None:
        assert replace[0] in text, f"{replace[0]!r} is no longer in {exercise.solution_file}"
        text = text.replace(replace[0], replace[1], 1)
    target = root / "exercises" / exercise.id / exercise.filename
    target.write_text(text, encoding="utf-8")
    return target


def environment(**extra: str) -> dict[str, str]:
    """The student's environment: the kit importable, English messages, and pytest's temporary folders
    in a fresh place of their own (a shared /tmp/pytest-of-<user> may hold other runs' leftovers)."""
    basetemp = tempfile.mkdtemp(prefix="student-pytest-")
    return {
        **os.environ,
        "PYTHONPATH": str(catalog.KIT_ROOT),
        "AUTOGRADER_LANG": "en",
        "PYTEST_ADDOPTS": f"--basetemp={basetemp}/run",
        **extra,
    }


def command(root: Path, *args: str, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess:
    """`python -m autograder ARGS` run in `root`, as the student would."""
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment(**extra),
    )


def pytest_run(root: Path, *args: str, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess:
    """`python -m pytest ARGS` run in `root`."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment(**extra),
    )
