"""The command line: exit status, JSON output that validates against the documented schema."""

import json
import subprocess
import sys

import jsonschema
import pytest

from autograder import catalog

SCHEMA = json.loads((catalog.KIT_ROOT / "autograder" / "schema" / "result.schema.json").read_text())


def autograder(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=300,
    )


@pytest.fixture(scope="module")
def json_run(tmp_path_factory):
    output = tmp_path_factory.mktemp("cli") / "result.json"
    run = autograder(
        "grade",
        "solutions",
        "--exercise",
        "07_maxpool",
        "--exercise",
        "10_losses",
        "--format",
        "json",
        "--output",
        str(output),
    )
    return run, output


def test_grade_exits_0_and_writes_the_report_file(json_run):
    run, output = json_run
    assert run.returncode == 0, run.stderr
    assert output.exists()


def test_json_report_validates_against_the_schema(json_run):
    _run, output = json_run
    data = json.loads(output.read_text())
    jsonschema.validate(data, SCHEMA)
    assert [e["id"] for e in data["exercises"]] == ["07_maxpool", "10_losses"]
    assert data["score"] == data["max_score"]
    assert data["isolation"]["level"] in ("strict", "reduced", "minimal")


def test_schema_rejects_an_unknown_status():
    bad = {
        "schema": 1,
        "score": 0,
        "max_score": 1,
        "duration_s": 0.1,
        "exercises": [
            {
                "id": "07_maxpool",
                "title": "t",
                "score": 0,
                "max_score": 1,
                "duration_s": 0.1,
                "checks": [{"name": "c", "score": 0, "max_score": 1, "status": "unknown", "message": ""}],
            }
        ],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


def test_a_missing_path_exits_2_naming_it():
    run = autograder("grade", "no/such/folder")
    assert run.returncode == 2
    assert "no/such/folder" in run.stderr


def test_an_unknown_exercise_exits_2_listing_the_known_ones():
    run = autograder("grade", "solutions", "--exercise", "99_nothing")
    assert run.returncode == 2
    assert "07_maxpool" in run.stderr


def test_a_folder_without_exercises_exits_2(tmp_path):
    run = autograder("grade", str(tmp_path))
    assert run.returncode == 2
    assert "no exercise folders" in run.stderr
