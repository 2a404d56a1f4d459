"""Fixtures and helpers for the hostile corpus (a pytest plugin, loaded by conftest.py).

`level_sandbox` is one warm sandbox per isolation level (strict, reduced), shared by the session.
`hostile(source)` grades a submission whose 07_maxpool is `source`, next to a correct 06_conv_shapes,
with that sandbox, and checks what every hostile test must hold after each student: the neighbour keeps
full marks, the grader's peak memory stayed bounded, no process the student started is alive, no
workspace is left in scratch; and at teardown, that nothing outside scratch changed. Calling it twice
in one test grades two students one after the other in the same sandbox, as a `grade-batch` slot does.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from autograder import catalog, isolation
from autograder.sandbox import Sandbox
from autograder.worker import processes
from mutants import copy_solution

LEVELS = ["strict", "reduced"]
SOLUTION = (catalog.SOLUTIONS_DIR / "07_maxpool" / "maxpool.py").read_text(encoding="utf-8")
COURSE_EXAMPLE = "def course_example(ceil_mode):\n"
PEAK_GROWTH_LIMIT = 768 * 1024 * 1024


def available(level: str) -> bool:
    return isolation.detect().offers(level)


@pytest.fixture(scope="session", params=LEVELS)
def level_sandbox(request):
    if not available(request.param):
        pytest.skip(f"this machine does not offer the {request.param} level (see `autograder doctor`)")
    box = Sandbox(level=request.param).start()
    box.wait_ready()
    yield box
    box.close()


def descendants(pid: int) -> set[int]:
    """Live descendants of `pid`, except idle standby workers (which have run no student code)."""
    table = processes.process_table()
    found = set()
    for candidate in processes.descendants(table, {pid}):
        if table.get(candidate, (0, "Z"))[1] == "Z":
            continue
        try:
            name = Path(f"/proc/{candidate}/comm").read_text().strip()
        except OSError:
            continue
        if not name.startswith("ag-standby"):
            found.add(candidate)
    return found


def memory_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak_memory() -> int:
    """Reset this process's peak resident size (VmHWM) to its current size; that size in bytes."""
    Path("/proc/self/clear_refs").write_text("5")
    return memory_kib("VmRSS") * 1024


def workspaces_left(box: Sandbox) -> list[str]:
    return sorted(p.name for p in box.scratch.iterdir() if p.name != ".stage")


@pytest.fixture
def hostile(level_sandbox, tmp_path):
    """grade(source, **options) -> (hostile exercise result, whole result); checks containment after each."""
    baseline = descendants(level_sandbox.template_pid)
    canary = tmp_path / "outside" / "canary.txt"
    canary.parent.mkdir()
    os.chmod(canary.parent, 0o777)
    canary.write_text("untouched\n")
    kit_files = {p: p.stat().st_mtime_ns for p in (catalog.KIT_ROOT / "solutions").rglob("*") if p.is_file()}
    students = iter(range(1, 100))

    def run(source: str, time_scale: float = 0.3, plant=None):
        from autograder import grading  # imports torch: only for the tests that grade

        root = tmp_path / f"submission-{next(students)}"
        copy_solution("06_conv_shapes", root)
        folder = copy_solution("07_maxpool", root)
        (folder / "maxpool.py").write_text(source.replace("CANARY", str(canary)), encoding="utf-8")
        if plant is not None:
            plant(folder)
        options = grading.GradeOptions(
            exercises=["06_conv_shapes", "07_maxpool"], device="cpu", threads=1, time_scale=time_scale
        )
        spaces = workspaces_left(level_sandbox)
        before = reset_peak_memory()
        result = grading.grade(root, options, sandbox=level_sandbox)
        assert memory_kib("VmHWM") * 1024 - before < PEAK_GROWTH_LIMIT, "the grader's memory grew too much"
        by_id = {exercise.id: exercise for exercise in result.exercises}
        conv = by_id["06_conv_shapes"]
        assert conv.score == conv.max_score, [
            (c.name, c.message) for c in conv.checks if c.status != "passed"
        ]
        assert descendants(level_sandbox.template_pid) <= baseline, "a process outlived its worker"
        assert workspaces_left(level_sandbox) == spaces, "a workspace outlived its exercise"
        return by_id["07_maxpool"], result

    yield run
    assert canary.read_text() == "untouched\n"
    assert sorted(canary.parent.iterdir()) == [canary]
    assert {
        p: p.stat().st_mtime_ns for p in (catalog.KIT_ROOT / "solutions").rglob("*") if p.is_file()
    } == kit_files
    assert descendants(level_sandbox.template_pid) <= baseline, "a process outlived its worker"


def with_course_example(body: str) -> str:
    """The solution with `body` run at the start of course_example (the 2 checks that call it)."""
    return SOLUTION.replace(
        COURSE_EXAMPLE, COURSE_EXAMPLE + textwrap.indent(textwrap.dedent(body), "    "), 1
    )


def course_checks(exercise):
    return [check for check in exercise.checks if check.name.startswith("course_example")]


def others_pass(exercise) -> None:
    for check in exercise.checks:
        if not check.name.startswith("course_example"):
            assert check.status == "passed", (check.name, check.message)


def printed(exercise, tag: str) -> list[str]:
    """The rest of each line the student's code printed starting with `tag` (both calls of course_example)."""
    return [line[len(tag) :].strip() for line in exercise.output.splitlines() if line.startswith(tag)]
