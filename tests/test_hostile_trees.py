"""Hostile submission trees (issue 10, class 3), under strict and reduced: links out of the submission,
special files, and files beside the source that must not reach the worker.

Each case grades a hostile 07_maxpool beside a correct 06_conv_shapes with a sandbox of that level
and asserts the fair verdict, that the grader finished with a result, that its peak memory stayed
bounded, and that nothing survived (no worker process, no workspace left in scratch).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import catalog, grading, isolation
from autograder.nbgrader import build
from autograder.options import GradeOptions
from autograder.submission import SubmissionError
from mutants import copy_solution

pytestmark = pytest.mark.slow  # a sandbox per level, and grading runs
SOLUTION = catalog.SOLUTIONS_DIR / "07_maxpool"
PEAK_GROWTH_KIB = 256 * 1024
OPTIONS = GradeOptions(exercises=["06_conv_shapes", "07_maxpool"], device="cpu", threads=1)


@pytest.fixture(scope="module", params=["strict", "reduced"])
def level_sandbox(request):
    """A sandbox of that level, warmed by grading the two solutions once (the grader's own imports and
    caches are made then, so a case's memory growth is the case's own)."""
    if not isolation.detect().offers(request.param):
        pytest.skip(f"this machine does not offer the {request.param} level (see `autograder doctor`)")
    box = GradeOptions(isolation=request.param).start_sandbox()
    box.wait_ready()
    warm = grading.grade(catalog.SOLUTIONS_DIR, OPTIONS, sandbox=box)
    assert warm.score == warm.max_score > 0
    yield box
    box.close()


def live_descendants(pid: int) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return {
        p
        for p in found
        if not Path(f"/proc/{p}/comm").read_text().startswith("ag-standby")
        if Path(f"/proc/{p}").exists()
    }


@pytest.fixture
def hostile(level_sandbox, tmp_path):
    """grade(plant) -> (the 07_maxpool result, the whole result); containment checked after each case."""
    baseline = live_descendants(level_sandbox._process.pid)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def run(plant):
        root = tmp_path / "submission"
        (root / "exercises").mkdir(parents=True)
        copy_solution("06_conv_shapes", root / "exercises")
        plant(root / "exercises")
        result = grading.grade(root, OPTIONS, sandbox=level_sandbox)
        by_id = {exercise.id: exercise for exercise in result.exercises}
        conv = by_id["06_conv_shapes"]
        assert conv.score == conv.max_score > 0, [
            (c.name, c.message) for c in conv.checks if c.status != "passed"
        ]
        return by_id["07_maxpool"]

    yield run
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < PEAK_GROWTH_KIB
    assert live_descendants(level_sandbox._process.pid) <= baseline, "a process outlived its worker"
    assert not [p for p in level_sandbox.scratch.iterdir() if not p.name.startswith(".")], (
        "a workspace was left"
    )


def refused_for_a_link(exercise, where: str) -> None:
    assert exercise.score == 0 and exercise.checks
    for check in exercise.checks:
        assert check.status == "error" and f"{where} is a link" in check.message, (check.name, check.message)
        assert "链接" in check.text.zh


def test_an_exercise_folder_linked_to_the_reference_scores_zero(hostile):
    exercise = hostile(lambda exercises: os.symlink(SOLUTION, exercises / "07_maxpool"))
    refused_for_a_link(exercise, "07_maxpool")


def test_a_module_file_linked_to_the_reference_scores_zero(hostile):
    def plant(exercises):
        (exercises / "07_maxpool").mkdir()
        os.symlink(SOLUTION / "maxpool.py", exercises / "07_maxpool" / "maxpool.py")

    refused_for_a_link(hostile(plant), "07_maxpool/maxpool.py")


def test_a_link_deep_inside_the_exercise_folder_is_refused(hostile):
    def plant(exercises):
        folder = copy_solution("07_maxpool", exercises)
        (folder / "a" / "b").mkdir(parents=True)
        os.symlink(catalog.SOLUTIONS_DIR, folder / "a" / "b" / "c")

    refused_for_a_link(hostile(plant), "07_maxpool/a/b/c")


def test_a_fifo_in_the_exercise_folder_is_refused_without_waiting_on_it(hostile):
    def plant(exercises):
        folder = copy_solution("07_maxpool", exercises)
        os.mkfifo(folder / "maxpool_helper.py")

    exercise = hostile(plant)
    assert exercise.score == 0
    assert all("maxpool_helper.py is not a regular file" in check.message for check in exercise.checks)


def test_weights_shipped_beside_the_module_never_reach_the_worker(hostile):
    def plant(exercises):
        folder = copy_solution("07_maxpool", exercises)
        (folder / "weights.pt").write_bytes(b"trained elsewhere")
        module = folder / "maxpool.py"
        module.write_text(
            "import os\nif os.path.exists(os.path.join(os.path.dirname(__file__), 'weights.pt')):\n"
            "    raise SystemExit('the weights reached the sandbox')\n" + module.read_text()
        )

    exercise = hostile(plant)
    assert exercise.score == exercise.max_score, [
        (c.name, c.message) for c in exercise.checks if c.status != "passed"
    ]


def test_exercises_linked_to_the_solutions_is_refused_as_a_whole(level_sandbox, tmp_path):
    root = tmp_path / "submission"
    root.mkdir()
    os.symlink(catalog.SOLUTIONS_DIR, root / "exercises")
    with pytest.raises(SubmissionError, match="exercises is a link"):
        grading.grade(root, OPTIONS, sandbox=level_sandbox)


def autograder(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=600,
    )


def test_grade_refuses_exercises_as_a_link_in_one_line(tmp_path):
    (tmp_path / "repo").mkdir()
    os.symlink(catalog.SOLUTIONS_DIR, tmp_path / "repo" / "exercises")
    run = autograder("grade", str(tmp_path / "repo"))
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert "repo/exercises is a link (symlink)" in run.stderr


def test_grade_nbgrader_finds_no_notebook_through_a_linked_exercise_folder(tmp_path):
    course = tmp_path / "course"
    build.build(course, ["07_maxpool"])
    solved = course / "source" / "07_maxpool"
    (tmp_path / "mallory").mkdir()
    os.symlink(solved, tmp_path / "mallory" / "07_maxpool")
    run = autograder("grade", "--nbgrader", str(tmp_path / "mallory"), "--isolation", "strict")
    assert run.returncode == 2 and "no exercise notebook found" in run.stderr
