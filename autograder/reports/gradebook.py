"""The one CSV writer of the kit, and the class gradebook written with it.

Every CSV the kit writes (`gradebook.csv` of grade-batch, nbgrader's `grades.csv`, the Canvas export)
goes through `csv_text`, which neutralises cells a spreadsheet would run as a formula: a student folder
named `=HYPERLINK("http://…","click")` must arrive in Excel as that text, not as a live link
(`textsafe.csv_cell`). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from autograder import catalog
from autograder.textsafe import csv_cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], lineterminator: str = "\r\n") -> str:
    """RFC 4180 CSV (quoted where needed), every text cell made safe for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()


def exercise_ids(results: list[dict]) -> list[str]:
    """The exercises any of `results` graded, in course order."""
    graded = {exercise.get("id") for result in results for exercise in result.get("exercises", [])}
    return [exercise.id for exercise in catalog.exercises() if exercise.id in graded]


def gradebook_csv(results: list[dict]) -> str:
    """student, one column per exercise, total, max, status: grade-batch's `gradebook.csv`."""
    ids = exercise_ids(results)
    rows = []
    for result in sorted(results, key=lambda r: str(r.get("student", ""))):
        scores = {x["id"]: x["score"] for x in result.get("exercises", [])}
        status = "error: " + str(result["error"]) if result.get("error") else "ok"
        rows.append(
            [
                result.get("student"),
                *[scores.get(i, "") for i in ids],
                result.get("score"),
                result.get("max_score"),
                status,
            ]
        )
    return csv_text(["student", *ids, "total", "max_total", "status"], rows)
