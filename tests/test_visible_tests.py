"""The students' visible tests: all pass on the solutions (--solutions), every one fails on the stubs."""

import subprocess
import sys

import pytest

from autograder import catalog


def run_visible(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "exercises",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rA",
            "--lang",
            "en",
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=600,
    )


@pytest.fixture(scope="module")
def on_solutions():
    return run_visible("--solutions")


@pytest.fixture(scope="module")
def on_stubs():
    return run_visible()


def outcomes(run: subprocess.CompletedProcess) -> dict[str, str]:
    """test id -> PASSED/FAILED/ERROR from pytest's -rA summary."""
    found = {}
    for line in run.stdout.splitlines():
        for word in ("PASSED", "FAILED", "ERROR"):
            if line.startswith(word + " "):
                found[line.split()[1]] = word
    return found


def test_every_visible_test_passes_on_the_solutions(on_solutions):
    assert on_solutions.returncode == 0, on_solutions.stdout[-3000:]


def test_every_exercise_has_visible_tests(on_solutions):
    folders = {test_id.split("/")[1] for test_id in outcomes(on_solutions)}
    assert folders == {exercise.id for exercise in catalog.exercises()}


def test_every_visible_test_fails_on_the_stubs(on_stubs):
    passed = [test_id for test_id, outcome in outcomes(on_stubs).items() if outcome == "PASSED"]
    assert passed == []
    assert on_stubs.returncode == 1


def test_stub_failures_say_what_to_write_and_give_the_hint(on_stubs):
    assert "TODO exercises/07_maxpool/maxpool.py:" in on_stubs.stdout
    assert "maxpool2d_output_size is not written yet / 尚未实现" in on_stubs.stdout
    assert "Hint for maxpool2d_output_size: Count the windows that fit" in on_stubs.stdout
