"""`grade` takes what students hand in (issue 14): a .zip, a wrapper folder as GitHub's "Download ZIP"
makes it, a repository root, `exercises/`, or one exercise folder (`grade .` inside it grades that
exercise only); a bad archive is one clear error."""

import json
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder import catalog

SOLUTION = catalog.SOLUTIONS_DIR / "07_maxpool" / "maxpool.py"


def autograder(*args, cwd=catalog.KIT_ROOT):
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def test_a_github_download_zip_is_graded_through_its_wrapper_folder(grade, tmp_path):
    archive = tmp_path / "course-main.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("course-main/README.md", "# my work\n")
        bundle.writestr("course-main/exercises/07_maxpool/maxpool.py", SOLUTION.read_text())
    result = grade(archive, exercises=["07_maxpool"])
    (exercise,) = result.exercises
    assert exercise.score == exercise.max_score > 0 and result.submission == str(archive)


def test_an_exercise_asked_for_but_not_handed_in_is_reported_not_found(grade, tmp_path):
    shutil.copytree(catalog.SOLUTIONS_DIR / "07_maxpool", tmp_path / "07_maxpool")
    result = grade(tmp_path / "07_maxpool", exercises=["07_maxpool", "06_conv_shapes"])
    by_id = {exercise.id: exercise for exercise in result.exercises}
    assert by_id["07_maxpool"].score == by_id["07_maxpool"].max_score
    assert by_id["06_conv_shapes"].score == 0 and "not found" in by_id["06_conv_shapes"].checks[0].message


@pytest.mark.slow
def test_grade_dot_inside_an_exercise_folder_grades_that_exercise_only(tmp_path):
    folder = tmp_path / "exercises" / "07_maxpool"
    shutil.copytree(catalog.SOLUTIONS_DIR / "07_maxpool", folder)
    run = autograder("grade", ".", "--format", "json", cwd=folder)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout)
    assert [e["id"] for e in result["exercises"]] == ["07_maxpool"] and result["score"] == result["max_score"]


@pytest.mark.slow
def test_a_bad_archive_is_one_clear_error(tmp_path):
    archive = tmp_path / "homework.zip"
    archive.write_bytes(b"PK\x03\x04 this is not a zip")
    run = autograder("grade", str(archive))
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert run.stderr.startswith("autograder: homework.zip: not a readable zip archive")
