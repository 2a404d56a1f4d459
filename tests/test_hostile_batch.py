"""A batch survives every student (issue 10, class 5, and class 3 through `grade-batch`), under strict and
reduced: one class of hostile and awkward submissions, graded once per level.

Each student gets the fair verdict (full marks for an honest submission however it was packed, an
error row that says why for one that cannot be graded), the batch finishes with exit 0 and a row for
everyone, the peak memory of every process of the run stays bounded (a 3 GiB sparse file is not read
whole), and nothing survives it (no process, no temporary file: the run's TMPDIR is empty after).
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from autograder import catalog, isolation
from autograder.batch.students import student_key
from autograder.cleanup import remove_tree

pytestmark = pytest.mark.slow  # a sandbox per level, and grading runs
SOLUTION = catalog.SOLUTIONS_DIR / "07_maxpool"
LONG_NAME = "学生" * 39 + "甲"  # 237 bytes: a file name the disk holds, 711 characters percent-encoded
PEAK_KIB = 3 * 1024 * 1024  # every process of the run, each: a grader with torch is about 1 GiB
MEASURED = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)
SURROGATE = (
    "def course_example(ceil_mode):\n"
    "    raise ValueError('bad ' + chr(0xD800) + ' text')\n"
    "def _original_course_example(ceil_mode):\n"
)


def solved(root: Path, name: str) -> Path:
    folder = root / name / "07_maxpool"
    folder.parent.mkdir(parents=True)
    os.mkdir(folder)
    (folder / "maxpool.py").write_text(SOLUTION.joinpath("maxpool.py").read_text())
    return root / name


def zipped(path: Path, members: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as bundle:  # writestr: members without file-type bits
        for name, text in members.items():
            bundle.writestr(name, text)


def hostile_class(root: Path) -> None:
    module = SOLUTION.joinpath("maxpool.py").read_text()
    solved(root, "ann")
    zipped(root / "writestr.zip", {"repo-main/exercises/07_maxpool/maxpool.py": module})
    solved(root, "surrogate")
    target = root / "surrogate" / "07_maxpool" / "maxpool.py"
    target.write_text(module.replace("def course_example(ceil_mode):\n", SURROGATE, 1))
    solved(root, LONG_NAME)
    solved(root, "clash")
    zipped(root / "clash.zip", {"07_maxpool/maxpool.py": module})
    zipped(root / "tree.zip", {"07_maxpool": "a file", "07_maxpool/maxpool.py": module})
    zipped(root / "deep.zip", {"d/" * 3000 + "maxpool.py": module})
    with open(solved(root, "sparse") / "07_maxpool" / "data.bin", "wb") as handle:
        handle.truncate(3 * 1024**3)
    nested = solved(root, "nested")
    fd = os.open(nested, os.O_RDONLY)
    for _level in range(1200):
        os.mkdir("n", dir_fd=fd)
        inner = os.open("n", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)
    (root / "linked" / "exercises").mkdir(parents=True)
    os.symlink(SOLUTION, root / "linked" / "exercises" / "07_maxpool")
    (root / "exlink").mkdir()
    os.symlink(catalog.SOLUTIONS_DIR, root / "exlink" / "exercises")
    os.symlink(root / "ann", root / "mallory")


def survivors(tmpdir: Path) -> list[str]:
    """What the run left in its TMPDIR, and processes still working there. torch's own compiler cache
    (`torchinductor_<user>`, one fixed folder reused by every run) is not the run's to remove."""
    found = [str(p) for p in tmpdir.iterdir() if not p.name.startswith("torchinductor_")]
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and os.readlink(proc / "cwd").startswith(str(tmpdir)):
                found.append(f"process {proc.name}")
        except OSError:
            continue
    return found


@pytest.fixture(scope="module", params=["strict", "reduced"])
def graded(request, tmp_path_factory):
    if not isolation.detect().offers(request.param):
        pytest.skip(f"this machine does not offer the {request.param} level (see `autograder doctor`)")
    root, out = tmp_path_factory.mktemp("class"), tmp_path_factory.mktemp("results")
    hostile_class(root)
    tmpdir = Path(tempfile.mkdtemp(prefix="hostile-batch-", dir="/tmp"))
    os.chmod(tmpdir, 0o711)  # the sandbox's user walks through it at reduced
    try:
        run = subprocess.run(
            [
                sys.executable,
                "-c",
                MEASURED,
                sys.executable,
                "-m",
                "autograder",
                "grade-batch",
                str(root),
                "--out",
                str(out),
                "--exercise",
                "07_maxpool",
                "--jobs",
                "2",
                "--isolation",
                request.param,
                "--time-scale",
                "3",
            ],
            capture_output=True,
            text=True,
            cwd=catalog.KIT_ROOT,
            timeout=1200,
            env={**os.environ, "TMPDIR": str(tmpdir), "AUTOGRADER_LANG": "both"},
        )
        left = survivors(tmpdir)
    finally:
        remove_tree(tmpdir)
    results = {
        json.loads(p.read_text())["student"]: json.loads(p.read_text())
        for p in (out / "students").glob("*.json")
    }
    yield run, results, out, left
    remove_tree(
        root
    )  # 1,200 nested folders: more than pytest's own (recursive) clean-up of old runs can remove


def test_the_batch_finishes_with_a_row_for_everyone(graded):
    run, results, out, _left = graded
    assert run.returncode == 0, run.stderr[-3000:]
    expected = {
        "ann",
        "writestr",
        "surrogate",
        LONG_NAME,
        "clash",
        "clash.zip",
        "tree",
        "deep",
        "sparse",
        "nested",
        "linked",
        "exlink",
        "mallory",
    }
    assert set(results) == expected
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        assert {row["student"] for row in csv.DictReader(handle)} == expected


@pytest.mark.parametrize("student", ["ann", "writestr", LONG_NAME, "clash", "clash.zip", "sparse"])
def test_honest_submissions_get_full_marks_however_they_were_packed(graded, student):
    _run, results, _out, _left = graded
    assert (
        results[student]["error"] is None and results[student]["score"] == results[student]["max_score"] > 0
    )


def test_a_lone_surrogate_in_a_message_costs_only_the_checks_that_raised_it(graded):
    _run, results, _out, _left = graded
    (exercise,) = results["surrogate"]["exercises"]
    lost = [c for c in exercise["checks"] if c["status"] != "passed"]
    assert lost and all(
        c["name"].startswith("course_example") and "bad \ufffd text" in c["message"] for c in lost
    )
    assert exercise["score"] == exercise["max_score"] - sum(c["max_score"] for c in lost) > 0


@pytest.mark.parametrize(
    "student,says",
    [
        ("tree", "'07_maxpool' is both a file and a folder"),
        ("deep", "nested more than 32 folders deep"),
        ("nested", "nested more than 64 folders deep"),
        ("exlink", "exercises is a link"),
        ("mallory", "mallory is a link"),
    ],
)
def test_a_submission_that_cannot_be_graded_is_its_own_error_row(graded, student, says):
    _run, results, _out, _left = graded
    row = results[student]
    assert row["score"] == 0 and row["max_score"] > 0 and row["error_source"] == "submission"
    assert says in row["error"] and row["error_messages"]["zh"]


def test_an_exercise_folder_linked_to_the_reference_scores_zero_in_a_batch(graded):
    _run, results, _out, _left = graded
    (exercise,) = results["linked"]["exercises"]
    assert exercise["score"] == 0 and all("07_maxpool is a link" in c["message"] for c in exercise["checks"])


def test_clashing_entries_are_named_in_a_warning(graded):
    run, _results, _out, _left = graded
    assert "warning: clash, clash.zip would all be student clash" in run.stderr


def test_a_long_name_gets_a_short_result_file(graded):
    _run, _results, out, _left = graded
    assert (out / "students" / f"{student_key(LONG_NAME)}.json").exists() and len(
        student_key(LONG_NAME)
    ) <= 80


def test_peak_memory_stayed_bounded(graded):
    run, _results, _out, _left = graded
    assert int(run.stderr.strip().splitlines()[-1]) < PEAK_KIB


def test_nothing_survived_the_run(graded):
    _run, _results, _out, left = graded
    assert left == []


def descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every live process under `pid`."""
    table = {}
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit():
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                table[int(proc.name)] = (
                    int(fields[1]),
                    (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(),
                )
        except (OSError, ValueError):
            continue
    found, frontier = [], {pid}
    while frontier:
        frontier = {child for child, (parent, _cmd) in table.items() if parent in frontier}
        found += [(child, table[child][1]) for child in frontier]
    return found


def test_a_slot_killed_mid_student_costs_that_student_an_error_row_and_the_batch_goes_on(tmp_path):
    root, out = tmp_path / "class", tmp_path / "out"
    stuck = solved(root, "a-stuck") / "07_maxpool" / "maxpool.py"
    stuck.write_text(
        stuck.read_text().replace(
            "def course_example(ceil_mode):\n",
            "def course_example(ceil_mode):\n    while True:\n        pass\n",
            1,
        )
    )
    solved(root, "b")
    solved(root, "c")
    tmpdir = Path(tempfile.mkdtemp(prefix="slot-kill-", dir="/tmp"))
    os.chmod(tmpdir, 0o711)
    command = [
        sys.executable,
        "-m",
        "autograder",
        "grade-batch",
        str(root),
        "--out",
        str(out),
        "--jobs",
        "1",
        "--exercise",
        "07_maxpool",
        "--time-scale",
        "10",
    ]
    process = subprocess.Popen(
        command,
        cwd=catalog.KIT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmpdir)},
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:  # a worker running a-stuck's endless loop
            if _grading_started(tmpdir):
                break
            time.sleep(0.5)
        time.sleep(3)
        (slot,) = [pid for pid, cmd in descendants(process.pid) if "spawn_main" in cmd]
        os.kill(slot, signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=600)
        left = survivors(tmpdir)
    finally:
        process.kill()
        remove_tree(tmpdir)
    assert process.returncode == 0, stderr[-3000:]
    rows = {
        json.loads(p.read_text())["student"]: json.loads(p.read_text())
        for p in (out / "students").glob("*.json")
    }
    assert "the grader's slot stopped while grading this submission" in rows["a-stuck"]["error"]
    assert rows["a-stuck"]["error_source"] == "grader" and rows["a-stuck"]["max_score"] > 0
    assert all(rows[name]["score"] == rows[name]["max_score"] > 0 for name in ("b", "c"))
    assert left == []


def _grading_started(tmpdir: Path) -> bool:
    """A student's workspace exists in some slot's sandbox scratch: grading has begun."""
    return any(p.name.startswith("student-07_maxpool") for p in tmpdir.glob("*/*/autograder-*/*"))
