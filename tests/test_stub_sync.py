"""Stubs are generated from the solutions: the committed ones are fresh, and staleness is detected."""

import shutil
import subprocess
import sys

import pytest

from autograder import catalog, stub_sync, stubs


def test_committed_stubs_match_the_solutions():
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "sync", "--check"],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.fixture
def copy(tmp_path, monkeypatch):
    """A copy of exercises/ (with its record of generated stubs) that sync works on."""
    exercises = tmp_path / "exercises"
    shutil.copytree(catalog.EXERCISES_DIR, exercises, ignore=shutil.ignore_patterns("__pycache__", "*.bak"))
    monkeypatch.setattr(catalog, "EXERCISES_DIR", exercises)
    monkeypatch.setattr(catalog.Exercise, "stub_file", property(lambda e: exercises / e.id / e.filename))
    return exercises


def test_sync_check_calls_a_students_work_edited_not_stale(copy):
    edited = copy / "07_maxpool" / "maxpool.py"
    edited.write_text(edited.read_text() + "\n# my own work\n")
    states = {status.exercise: status.state for status in stub_sync.sync(check_only=True)}
    assert states["07_maxpool"] == "edited"
    assert {state for key, state in states.items() if key != "07_maxpool"} == {"fresh"}


def test_sync_check_reports_a_stub_left_behind_by_a_changed_solution_as_stale(copy):
    manifest = stub_sync.read_manifest(copy)
    old_stub = "# the stub of an earlier solution\n"
    (copy / "07_maxpool" / "maxpool.py").write_text(old_stub)
    manifest["07_maxpool/maxpool.py"] = stub_sync.digest(old_stub)
    (copy / stub_sync.MANIFEST).write_text(__import__("json").dumps(manifest))
    states = {status.exercise: status.state for status in stub_sync.sync(check_only=True)}
    assert states["07_maxpool"] == "stale"


def test_sync_refuses_to_overwrite_an_edited_stub(copy):
    edited = copy / "07_maxpool" / "maxpool.py"
    work = edited.read_text() + "\n# my own work\n"
    edited.write_text(work)
    statuses = {status.exercise: status for status in stub_sync.sync()}
    assert statuses["07_maxpool"].action == "refused"
    assert edited.read_text() == work


def test_sync_force_replaces_an_edited_stub_and_keeps_the_old_file(copy):
    edited = copy / "07_maxpool" / "maxpool.py"
    work = edited.read_text() + "\n# my own work\n"
    edited.write_text(work)
    status = {status.exercise: status for status in stub_sync.sync(force=True)}["07_maxpool"]
    assert status.action == "replaced"
    assert edited.read_text() == stub_sync.generated_stub(catalog.get("07_maxpool"))
    assert status.backup.read_text() == work


def test_sync_rewrites_a_stale_stub_without_force(copy):
    manifest = stub_sync.read_manifest(copy)
    old_stub = "# the stub of an earlier solution\n"
    target = copy / "07_maxpool" / "maxpool.py"
    target.write_text(old_stub)
    manifest["07_maxpool/maxpool.py"] = stub_sync.digest(old_stub)
    (copy / stub_sync.MANIFEST).write_text(__import__("json").dumps(manifest))
    assert {s.exercise: s for s in stub_sync.sync()}["07_maxpool"].action == "written"
    assert target.read_text() == stub_sync.generated_stub(catalog.get("07_maxpool"))


def test_stub_replaces_each_region_with_a_todo_naming_the_function():
    source = (
        'def area(w, h):\n    """Area."""\n    ### BEGIN SOLUTION\n    return w * h\n    ### END SOLUTION\n'
    )
    stub = stubs.make_stub(source, "area.py")
    assert "return w * h" not in stub
    assert 'raise NotImplementedError("area is not written yet / 尚未实现")' in stub


@pytest.mark.parametrize(
    "source,problem",
    [
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "never closed"),
        ("def f():\n    return 1\n    ### END SOLUTION\n", "without a"),
        ("### BEGIN SOLUTION\nX = 1\n### END SOLUTION\n", "inside a function"),
        ("def f():\n    return 1\n", "no ### BEGIN SOLUTION"),
    ],
)
def test_malformed_markers_are_reported_with_file_and_line(source, problem):
    with pytest.raises(stubs.MarkerError, match=problem) as error:
        stubs.make_stub(source, "broken.py")
    assert "broken.py" in str(error.value)


def test_every_solution_has_regions_in_functions_only():
    for exercise in catalog.exercises():
        stubs.make_stub(exercise.solution_file.read_text(encoding="utf-8"), str(exercise.solution_file))
