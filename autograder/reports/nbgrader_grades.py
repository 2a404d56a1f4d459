"""nbgrader's `grades.csv`, in the columns `nbgrader export` writes, from the kit's results.

One row per student and assignment (an assignment is an exercise), written with the kit's one CSV
writer (`gradebook.csv_text`), so a student id that looks like a formula stays text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograder.reports.gradebook import csv_text

NBGRADER_EXPORT_COLUMNS = (
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
)


@dataclass(frozen=True)
class GradesRow:
    """One student's result (as `GradeResult.to_dict()` gives it) and nbgrader's submission time of each
    exercise (`timestamp.txt`), by exercise id."""

    student: str
    result: dict
    timestamps: dict[str, str] = field(default_factory=dict)


def nbgrader_csv(rows: list[GradesRow]) -> str:
    """grades.csv: one row per student and exercise graded, students in order, no late penalty."""
    lines = []
    for row in sorted(rows, key=lambda row: row.student):
        for exercise in row.result.get("exercises", []):
            score = float(exercise["score"])
            lines.append(
                [
                    exercise["id"],
                    "",
                    row.timestamps.get(exercise["id"], ""),
                    row.student,
                    "",
                    "",
                    "",
                    score,
                    0.0,
                    score,
                    float(exercise["max_score"]),
                ]
            )
    return csv_text(NBGRADER_EXPORT_COLUMNS, lines, lineterminator="\n")
