"""A gradebook CSV in the shape Canvas imports (Grades → Import), one column per exercise.

Canvas's gradebook import reads the columns of its own gradebook export: `Student` (the name, "Last,
First"), `ID` (Canvas's user id), `SIS User ID`, `SIS Login ID` and `Section`, then one column per
assignment, headed by the assignment's name, optionally followed by its Canvas id in parentheses
("07_maxpool (12345)"); a column whose name matches no assignment creates a new one. Sources: the
Canvas Instructor Guide "How do I import grades in the Gradebook?" (community.canvaslms.com,
Instructor-Guide ta-p/807) as listed in ucfopen/Materia issue #1071 (Student Name, Student ID, SIS User
ID, SIS Login ID, Section, Assignment); PrairieLearn issue #4547, where the import was tested: Student,
SIS Login ID and a Section column (which may be blank) suffice, and an assignment column matches by
exact name even without the id; the Ohio State CarmenCanvas guide (one of Student/ID/SIS User ID,
plus SIS Login ID, Section, assignment name); nemogb's notes on the export ("Quiz 1 (87568490)").

How students are matched: the kit knows a student by their submission's folder (or zip) name. The
instructor passes Canvas's own gradebook export as the roster (`--canvas-roster FILE`). A roster row
matches a folder when a `Folder` column (add one to the export if folder names are arbitrary) equals
the folder name, or else when the folder is named after the student's SIS Login ID, SIS User ID,
Canvas ID, Integration ID or exact name (case-insensitive; ambiguous or unmatched folders are left
out and listed). Roster columns named after an exercise ("07_maxpool", "07_maxpool (12345)") are
reused verbatim, so scores land in existing assignments. Without a roster, the folder name goes in
`Student` and `SIS Login ID` (name the folders after login ids). A student the batch could not grade
gets empty cells (Canvas leaves those grades alone), never a zero.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.errors import KitError
from autograder.reports.gradebook import csv_text, exercise_ids

IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Integration ID", "Section")
REQUIRED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MATCH_ORDER = ("Folder", "SIS Login ID", "SIS User ID", "ID", "Integration ID", "Student")
MAX_ROSTER_BYTES = 16 * 1024 * 1024


@dataclass
class Roster:
    """Canvas's gradebook export, read: its identity columns, its rows, its assignment columns."""

    columns: list[str]
    rows: list[dict[str, str]]
    assignments: list[str] = field(default_factory=list)


@dataclass
class CanvasExport:
    """The CSV text, and the students left out with why (for the instructor, on stderr)."""

    text: str
    left_out: list[str] = field(default_factory=list)


def read_roster(path: Path) -> Roster:
    """The roster from a Canvas gradebook export (UTF-8, with or without a byte-order mark)."""
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise KitError(f"{path} is larger than {MAX_ROSTER_BYTES // 2**20} MiB: not a class roster")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise KitError(f"cannot read the Canvas roster {path}: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    if "Student" not in header and "SIS Login ID" not in header and "Folder" not in header:
        raise KitError(
            f"{path} is not a Canvas gradebook export: it has no Student, SIS Login ID or Folder column"
        )
    rows = []
    for raw in reader:
        row = {
            (key or "").strip(): (value or "").strip() for key, value in raw.items() if isinstance(value, str)
        }
        if row.get("Student", "").lower() in ("points possible", "test student") or not any(
            row.get(column) for column in MATCH_ORDER
        ):
            continue  # Canvas's second row, its test student, blank lines
        rows.append(row)
    columns = [name for name in IDENTITY if name in header] or list(REQUIRED)
    for name in ("Student", "SIS Login ID", "Section"):
        if name not in columns:
            columns.append(name)
    assignments = [name for name in header if name not in IDENTITY and name != "Folder"]
    return Roster(columns, rows, assignments)


def _match(student: str, roster: Roster) -> tuple[dict[str, str] | None, str]:
    """The roster row for a folder name, or None and why."""
    wanted = student.strip().casefold()
    for column in MATCH_ORDER:
        found = [row for row in roster.rows if row.get(column) and row[column].strip().casefold() == wanted]
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            return None, f"{student}: {len(found)} roster rows have {column} = {student!r}"
    return None, f"{student}: no roster row matches (add a Folder column to the roster)"


def _assignment_column(exercise_id: str, roster: Roster | None) -> str:
    """The roster's column for an exercise ("07_maxpool (12345)") when it has one, else the exercise id."""
    pattern = re.compile(rf"{re.escape(exercise_id)}(\b|_|\s|\()")
    for name in roster.assignments if roster else []:
        if name == exercise_id or pattern.match(name):
            return name
    return exercise_id


def canvas_csv(results: list[dict], roster: Roster | None = None) -> CanvasExport:
    """Canvas's import CSV for grade-batch results (dicts with `student`, `exercises`, `error`)."""
    ids = exercise_ids(results)
    columns = roster.columns if roster else list(REQUIRED)
    header = [*columns, *[_assignment_column(i, roster) for i in ids]]
    rows, left_out = [], []
    for result in sorted(results, key=lambda r: str(r.get("student", ""))):
        student = str(result.get("student") or "")
        identity: dict[str, str] | None
        if roster is None:
            identity = {"Student": student, "SIS Login ID": student}
        else:
            identity, why = _match(student, roster)
            if identity is None:
                left_out.append(why)
                continue
        if result.get("error"):
            left_out.append(f"{student}: not graded ({result['error']}); cells left empty")
            scores: dict = {}
        else:
            scores = {x["id"]: x["score"] for x in result.get("exercises", [])}
        rows.append([identity.get(column, "") for column in columns] + [scores.get(i, "") for i in ids])
    return CanvasExport(csv_text(header, rows), left_out)


def student_of(data: dict, path: Path) -> str:
    """The student a saved result belongs to: grade-batch's `student`, else the submission's folder
    name, else the result file's name (`alice.json` is alice's)."""
    if data.get("student"):
        return str(data["student"])
    submission = str(data.get("submission") or "").rstrip("/")
    return Path(submission).name if submission else path.stem
