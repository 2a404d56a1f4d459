"""The learning loop in a student's copy: status, check, hint, watch, reset and next, run as the student runs
them."""

import re
import subprocess
import sys
import time

import pytest
import student_workspace

from autograder import catalog, hints
from autograder.stub_sync import generated_stub

MISTAKE_01 = ("return a * b, a @ b.T", "return a * b, a @ b")  # forgets to transpose: 12 of 14 still pass


@pytest.fixture(scope="module")
def half_done(tmp_path_factory):
    """Every exercise: 07 solved and checked, 01 written with one mistake and checked, the rest untouched."""
    root = student_workspace.make(tmp_path_factory.mktemp("student"))
    student_workspace.solve(root, "07_maxpool")
    student_workspace.solve(root, "01_tensors", MISTAKE_01)
    checks = [student_workspace.command(root, "check", number) for number in ("07", "01")]
    return root, checks


def test_check_exits_0_when_every_visible_test_passes(half_done):
    assert half_done[1][0].returncode == 0, half_done[1][0].stdout


def test_check_prints_a_short_failure_and_the_hint_once(half_done):
    run = half_done[1][1]
    assert run.returncode == 1
    assert "01_tensors: 12 of 14 visible tests pass." in run.stdout
    assert run.stdout.count("Hint for products:") == 1
    assert "more: autograder hint 01 --level 2" in run.stdout
    assert "site-packages" not in run.stdout and "conftest" not in run.stdout


def test_status_shows_done_in_progress_and_not_started_and_the_next_one(half_done):
    run = student_workspace.command(half_done[0], "status")
    lines = {line.split()[0]: line for line in run.stdout.splitlines() if line.startswith("  ")}
    assert re.search(r"done \((\d+)/\1\)", lines["07_maxpool"]), lines["07_maxpool"]
    assert "in progress: 12/14 visible tests pass" in lines["01_tensors"]
    assert all(
        "not started" in lines[e.id] for e in catalog.exercises() if e.id not in ("01_tensors", "07_maxpool")
    )
    assert "Next: 01_tensors" in run.stdout


def test_status_notices_an_edit_since_the_last_check(half_done, tmp_path):
    root = student_workspace.make(tmp_path, ["07_maxpool"])
    target = student_workspace.solve(root, "07_maxpool")
    student_workspace.command(root, "check", "07")
    target.write_text(target.read_text() + "\n# still thinking\n")
    assert re.search(
        r"in progress: (\d+)/\1 visible tests passed before your last change",
        student_workspace.command(root, "status").stdout,
    )


def test_status_reads_the_recorded_runs_without_importing_torch(half_done):
    probe = (
        "import sys; from autograder.learning import commands; sys.argv = ['autograder', 'status'];"
        "args = commands.build_parser().parse_args(['status']); args.handler(args);"
        "print('torch imported:', 'torch' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=half_done[0],
        capture_output=True,
        text=True,
        env=student_workspace.environment(),
        timeout=60,
    )
    assert "torch imported: False" in run.stdout, run.stdout + run.stderr


def test_plain_pytest_records_the_run_for_status_too(tmp_path):
    root = student_workspace.make(tmp_path, ["07_maxpool"])
    student_workspace.solve(root, "07_maxpool")
    student_workspace.pytest_run(root, "exercises/07_maxpool")
    assert re.search(r"07_maxpool +done \((\d+)/\1\)", student_workspace.command(root, "status").stdout)


def test_next_names_the_exercise_its_lesson_and_how_to_start(half_done):
    run = student_workspace.command(half_done[0], "next")
    lesson = hints.kit_hints("01_tensors").lesson.text.en
    assert "Next: 01_tensors" in run.stdout and lesson in run.stdout and "autograder check 01" in run.stdout


@pytest.mark.parametrize("level", [1, 2, 3])
def test_hint_shows_the_level_asked_for_and_no_other(half_done, level):
    run = student_workspace.command(half_done[0], "hint", "01", "--level", str(level))
    hint = hints.kit_hints("01_tensors").find("products")  # the function the last check failed on
    assert hint.level(level).en in run.stdout
    assert not any(hint.level(other).en in run.stdout for other in (1, 2, 3) if other != level)


def test_hint_level_1_names_the_course_lesson_and_the_next_level(half_done):
    run = student_workspace.command(half_done[0], "hint", "07", "--lang", "zh")
    exercise_hints = hints.kit_hints("07_maxpool")
    assert exercise_hints.hints[0].level(1).zh in run.stdout
    assert exercise_hints.lesson.text.zh in run.stdout
    assert "autograder hint 07 --level 2" in run.stdout


def test_reset_restores_the_stub_and_keeps_the_students_file(tmp_path):
    root = student_workspace.make(tmp_path, ["07_maxpool"])
    target = student_workspace.solve(root, "07_maxpool")
    solved = target.read_text()
    run = student_workspace.command(root, "reset", "07")
    assert target.read_text() == generated_stub(catalog.get("07_maxpool"))
    backups = list(target.parent.glob("maxpool.py.*.bak"))
    assert [backup.read_text() for backup in backups] == [solved]
    assert backups[0].name in run.stdout


def test_watch_reruns_the_visible_tests_when_the_file_is_saved(tmp_path):
    root = student_workspace.make(tmp_path, ["07_maxpool"])
    process = subprocess.Popen(
        [sys.executable, "-m", "autograder", "watch", "07", "--once"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=student_workspace.environment(),
    )
    try:
        seen = []
        for line in process.stdout:
            seen.append(line)
            if line.startswith("Waiting for a save"):
                break
        assert re.search(r"07_maxpool: 0 of \d+ visible tests pass", "".join(seen)), "".join(seen)
        time.sleep(0.1)  # a save in the same clock tick as the snapshot would look unchanged on coarse clocks
        student_workspace.solve(root, "07_maxpool")
        rest = process.communicate(timeout=300)[0]
    finally:
        process.kill()
    assert "--- saved: running the visible tests" in rest
    assert re.search(r"07_maxpool: all \d+ visible tests pass", rest), rest
