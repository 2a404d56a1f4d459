"""A resume that is never stale: results record the grader's fingerprint, and `--resume` keeps a result
only for the same submission graded by the same grader, saying how many it regrades and why."""

import dataclasses
import shutil
from pathlib import Path

import pytest

from autograder import catalog, fingerprint
from autograder.batch import folder, resume
from autograder.batch.students import Student
from autograder.fingerprint import Fingerprint

CURRENT = fingerprint.compute(["07_maxpool"], "cpu", None)


def test_a_fingerprint_reads_back_from_its_text():
    assert str(CURRENT).startswith("kit=") and Fingerprint.parse(str(CURRENT)) == CURRENT
    assert Fingerprint.parse("sha256:abc") is None and Fingerprint.parse(None) is None


def test_the_fingerprint_follows_the_selection_the_device_kind_and_the_data_root(tmp_path):
    assert fingerprint.compute(["07_maxpool"], "cpu", None) == CURRENT
    assert fingerprint.compute(["07_maxpool", "10_losses"], "cpu", None).exercises != CURRENT.exercises
    assert fingerprint.compute(["07_maxpool"], "cuda:1", None).exercises != CURRENT.exercises
    assert fingerprint.compute(["07_maxpool"], "cuda:0", None) == fingerprint.compute(
        ["07_maxpool"], "cuda", None
    )
    assert fingerprint.compute(["07_maxpool"], "cpu", tmp_path).data != CURRENT.data


def test_a_fixed_hidden_check_changes_the_checks_hash(tmp_path):
    copy = tmp_path / "hidden"
    shutil.copytree(catalog.HIDDEN_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = fingerprint.hash_files((copy,), tmp_path)
    check = copy / "test_07_maxpool.py"
    check.write_text(check.read_text() + "\n# a fix\n")
    assert fingerprint.hash_files((copy,), tmp_path) != before


def test_every_result_of_grade_records_the_fingerprint(grade):
    result = grade(catalog.SOLUTIONS_DIR, exercises=["07_maxpool"])
    assert result.fingerprint == str(CURRENT) and result.to_dict()["fingerprint"] == str(CURRENT)


# ---------------------------------------------------------------- what a resume regrades


def student(name, sha="a" * 64):
    return Student(name, name, Path("/class") / name, sha)


def saved(out, who, **changes):
    data = {
        "schema": 1,
        "score": 1.0,
        "max_score": 1.0,
        "exercises": [],
        "student": who.id,
        "submission_sha256": who.sha256,
        "fingerprint": str(CURRENT),
        "error": None,
    }
    data.update(changes)
    folder.save_result(out, who, {k: v for k, v in data.items() if v is not ...})


def test_without_resume_every_student_is_graded(tmp_path):
    saved(tmp_path, student("ann"))
    plan = resume.plan(tmp_path, [student("ann")], CURRENT, resume=False)
    assert [s.id for s in plan.todo] == ["ann"]


def test_the_same_submission_and_grader_keep_their_result(tmp_path):
    saved(tmp_path, student("ann"))
    plan = resume.plan(tmp_path, [student("ann"), student("new")], CURRENT, resume=True)
    assert (plan.kept, plan.regraded, plan.new) == (1, 0, 1) and [s.id for s in plan.todo] == ["new"]


@pytest.mark.parametrize(
    "change,reason",
    [
        ({"submission_sha256": "b" * 64}, "the submission changed"),
        ({"fingerprint": ...}, "graded before results recorded the grader"),
        ({"fingerprint": str(dataclasses.replace(CURRENT, kit="0.0.9"))}, "kit version 0.0.9 -> "),
        (
            {"fingerprint": str(fingerprint.compute(["07_maxpool", "10_losses"], "cpu", None))},
            "a different exercise selection or device",
        ),
        (
            {"fingerprint": str(dataclasses.replace(CURRENT, checks="0" * 12))},
            "the hidden checks, probes or reference solutions",
        ),
        ({"fingerprint": str(dataclasses.replace(CURRENT, data="0" * 8))}, "the data plan"),
        (
            {"error": "the grader's sandbox failed", "error_source": "grader"},
            "the grader failed on it last time",
        ),
    ],
)
def test_a_stale_result_is_regraded_with_its_reason(tmp_path, change, reason):
    saved(tmp_path, student("ann"), **change)
    plan = resume.plan(tmp_path, [student("ann")], CURRENT, resume=True)
    assert [s.id for s in plan.todo] == ["ann"] and plan.regraded == 1
    assert len(plan.reasons) == 1 and next(iter(plan.reasons)).en.startswith(reason)


def test_an_error_row_from_the_students_own_submission_is_kept(tmp_path):
    saved(tmp_path, student("ann"), error="ann.zip: not a readable zip archive", error_source="submission")
    assert resume.plan(tmp_path, [student("ann")], CURRENT, resume=True).kept == 1


def test_the_resume_line_says_how_many_and_why_in_both_languages(tmp_path):
    saved(tmp_path, student("ann"))
    saved(tmp_path, student("ben"), submission_sha256="b" * 64)
    saved(tmp_path, student("cy"), submission_sha256="b" * 64)
    plan = resume.plan(tmp_path, [student(n) for n in ("ann", "ben", "cy", "dee")], CURRENT, resume=True)
    line = resume.describe(plan)
    assert line.en == (
        "resume: 1 results kept, 2 regraded because: the submission changed (2), 1 graded for the first time"
    )
    assert "重新评分 2 个" in line.zh and "提交内容有变化（2）" in line.zh
