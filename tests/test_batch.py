"""grade-batch: one result per student, written atomically; a resume that regrades what is stale and
says why; one failure never stops the batch."""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from autograder import catalog
from mutants import MUTANTS, apply

pytestmark = pytest.mark.slow  # a whole class graded, several times

EXERCISES = ["07_maxpool", "10_losses"]


def autograder(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=900,
        **kwargs,
    )


def add_folder(root, name, source=catalog.SOLUTIONS_DIR, mutant=None):
    target = root / name
    for exercise in EXERCISES:
        shutil.copytree(source / exercise, target / exercise)
    if mutant:
        apply(
            next(m for m in MUTANTS if m.name == mutant),
            target / next(m for m in MUTANTS if m.name == mutant).exercise,
        )
    return target


def add_zip(root, name):
    with zipfile.ZipFile(root / f"{name}.zip", "w") as bundle:
        for exercise in EXERCISES:
            for path in (catalog.SOLUTIONS_DIR / exercise).glob("*.py"):
                bundle.write(path, f"{name}/{exercise}/{path.name}")


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    add_folder(root, "alice")
    add_folder(root, "bob", source=catalog.EXERCISES_DIR)
    add_zip(root, "carol")
    add_folder(root, "dave", mutant="cross_entropy_overflows")
    (root / "eve.zip").write_bytes(b"this is not a zip")
    os.mkdir(os.fsencode(root) + b"/fran\xe7ois")
    for exercise in EXERCISES:
        shutil.copytree(
            catalog.SOLUTIONS_DIR / exercise,
            os.fsdecode(os.fsencode(root) + b"/fran\xe7ois/" + exercise.encode()),
        )
    return root


@pytest.fixture(scope="module")
def graded(classroom, tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    args = ["grade-batch", str(classroom), "--out", str(out), "--jobs", "2"]
    for exercise in EXERCISES:
        args += ["--exercise", exercise]
    run = autograder(*args)
    return run, out


def rows(out):
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def test_the_batch_completes_and_exits_0(graded):
    run, _out = graded
    assert run.returncode == 0, run.stderr[-2000:]
    assert "6 students (1 could not be graded)" in run.stdout


def test_each_student_gets_a_result_file(graded):
    _run, out = graded
    names = sorted(p.name for p in (out / "students").glob("*.json"))
    assert names == ["alice.json", "bob.json", "carol.json", "dave.json", "eve.json", "fran%E7ois.json"]
    alice = json.loads((out / "students" / "alice.json").read_text())
    assert alice["score"] == alice["max_score"] > 0 and alice["student"] == "alice"
    assert len(alice["submission_sha256"]) == 64


def test_the_gradebook_has_one_row_per_student(graded):
    _run, out = graded
    book = rows(out)
    assert set(book) == {"alice", "bob", "carol", "dave", "eve", "fran\\xe7ois"}
    assert book["carol"]["total"] == book["alice"]["total"] == book["alice"]["max_total"]
    assert float(book["bob"]["total"]) == 0
    assert float(book["dave"]["10_losses"]) < float(book["alice"]["10_losses"])
    assert book["eve"]["status"].startswith("error: eve.zip: not a readable zip")


def test_the_summary_has_mean_median_and_pass_rates(graded):
    _run, out = graded
    summary = json.loads((out / "summary.json").read_text())
    assert summary["students"] == 6 and summary["errors"] == 1
    assert summary["exercises"]["07_maxpool"]["pass_rate"] == pytest.approx(4 / 6, abs=0.001)
    assert summary["median"] is not None and summary["mean"] is not None


def test_resume_skips_students_with_the_same_submission(graded, classroom, tmp_path):
    _run, out = graded
    resumed = tmp_path / "resumed"
    shutil.copytree(out, resumed)
    before = {p.name: p.stat().st_mtime_ns for p in (resumed / "students").glob("*.json")}
    changed = classroom / "alice" / "07_maxpool" / "maxpool.py"
    original = changed.read_text()
    changed.write_text(original + "\n# edited\n")
    try:
        args = ["grade-batch", str(classroom), "--out", str(resumed), "--resume"]
        for exercise in EXERCISES:
            args += ["--exercise", exercise]
        run = autograder(*args)
    finally:
        changed.write_text(original)
    assert run.returncode == 0, run.stderr[-2000:]
    after = {p.name: p.stat().st_mtime_ns for p in (resumed / "students").glob("*.json")}
    regraded = sorted(name for name in after if after[name] != before[name])
    assert regraded == ["alice.json"]
    assert "resume: 5 results kept, 1 regraded because: the submission changed (1), 0 graded" in run.stderr


def test_results_record_the_grader_and_whose_side_an_error_was_on(graded):
    _run, out = graded
    alice = json.loads((out / "students" / "alice.json").read_text())
    eve = json.loads((out / "students" / "eve.json").read_text())
    assert alice["fingerprint"] == eve["fingerprint"] and alice["fingerprint"].startswith("kit=")
    assert eve["error_source"] == "submission" and eve["error_messages"]["zh"].startswith("eve.zip：")


def test_resume_with_another_exercise_set_regrades_and_the_gradebook_shows_the_new_exercise(tmp_path):
    root = tmp_path / "class"
    add_folder(root, "ann")
    out = tmp_path / "out"
    first = autograder("grade-batch", str(root), "--out", str(out), "--exercise", "07_maxpool", "--jobs", "1")
    assert first.returncode == 0, first.stderr[-2000:]
    assert "10_losses" not in rows(out)["ann"]
    again = autograder(
        "grade-batch",
        str(root),
        "--out",
        str(out),
        "--resume",
        "--jobs",
        "1",
        "--exercise",
        "07_maxpool",
        "--exercise",
        "10_losses",
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert "0 results kept, 1 regraded because: a different exercise selection or device (1)" in again.stderr
    book = rows(out)["ann"]
    assert float(book["10_losses"]) > 0 and book["total"] == book["max_total"]


def test_a_kill_9_loses_no_finished_student(tmp_path):
    root = tmp_path / "class"
    for name in ("s1", "s2", "s3", "s4"):
        add_folder(root, name)
    out = tmp_path / "out"
    args = [
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
    ]
    process = subprocess.Popen(
        args, cwd=catalog.KIT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list((out / "students").glob("*.json"))) < 2:
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = list((out / "students").glob("*.json"))
    assert finished, "no student finished before the kill"
    for path in finished:
        assert json.loads(path.read_text())["score"] > 0
    assert not [p for p in (out / "students").iterdir() if p.suffix != ".json"]
    run = autograder("grade-batch", str(root), "--out", str(out), "--resume", "--exercise", "07_maxpool")
    assert run.returncode == 0, run.stderr[-2000:]
    assert set(rows(out)) == {"s1", "s2", "s3", "s4"}
