"""`grade-batch --resume`: which students to grade again, and why, so a resumed run is never stale.

A saved result is kept only when it was graded from the same submission (`submission_sha256`) by the
same grader (`fingerprint`: kit version, exercise selection and device, checks, data plan) and the
grader did not fail on it. Every other student is regraded, and the run says how many and why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder.batch.folder import load_result
from autograder.batch.students import Student
from autograder.fingerprint import Fingerprint
from autograder.i18n import Text


@dataclass
class ResumePlan:
    """The students to grade now; how many results are kept; why each regraded student is regraded."""

    todo: list[Student]
    kept: int = 0
    new: int = 0
    reasons: Counter[Text] = field(default_factory=Counter)

    @property
    def regraded(self) -> int:
        return len(self.todo) - self.new


def why_regrade(saved: dict, student: Student, current: Fingerprint) -> list[Text]:
    """Why the saved result cannot stand for this student now (empty: it can)."""
    reasons = []
    if saved.get("submission_sha256") != student.sha256:
        reasons.append(Text("the submission changed", "提交内容有变化"))
    earlier = Fingerprint.parse(saved.get("fingerprint"))
    if earlier is None:
        reasons.append(Text("graded before results recorded the grader", "评分时结果尚未记录评分程序指纹"))
    else:
        reasons.extend(current.differences(earlier))
    if saved.get("error_source") == "grader":
        reasons.append(Text("the grader failed on it last time", "上次评分程序自身出错"))
    return reasons


def plan(out: Path, students: list[Student], current: Fingerprint, resume: bool) -> ResumePlan:
    """Every student without --resume; with it, those whose result is missing or stale."""
    if not resume:
        return ResumePlan(list(students), new=len(students))
    result = ResumePlan([])
    for student in students:
        saved = load_result(out, student)
        if saved is None:
            result.todo.append(student)
            result.new += 1
            continue
        reasons = why_regrade(saved, student, current)
        if reasons:
            result.todo.append(student)
            result.reasons.update(reasons)
        else:
            result.kept += 1
    return result


def describe(result: ResumePlan) -> Text:
    """One line for the instructor: kept, regraded (with the reasons and how many each), new."""
    text = Text(
        f"resume: {result.kept} results kept, {result.regraded} regraded",
        f"继续评分：保留 {result.kept} 个结果，重新评分 {result.regraded} 个",
    )
    if result.reasons:
        details = [
            (f"{reason.en} ({count})", f"{reason.zh}（{count}）")
            for reason, count in result.reasons.most_common()
        ]
        text = text + Text(
            " because: " + "; ".join(en for en, _zh in details),
            "，原因：" + "；".join(zh for _en, zh in details),
        )
    return text + Text(f", {result.new} graded for the first time", f"，首次评分 {result.new} 个")
