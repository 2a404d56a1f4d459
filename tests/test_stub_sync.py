"""Stubs are generated from the solutions: the committed ones are fresh, and staleness is detected."""
import shutil
import subprocess
import sys

import pytest

from autograder import catalog, stubs


def test_committed_stubs_match_the_solutions():
    run = subprocess.run([sys.executable, "-m", "autograder", "sync", "--check"], capture_output=True, text=True,
                         cwd=catalog.KIT_ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def test_sync_check_reports_a_stale_stub(tmp_path, monkeypatch):
    exercises = tmp_path / "exercises"
    shutil.copytree(catalog.EXERCISES_DIR, exercises)
    stale = exercises / "07_maxpool" / "maxpool.py"
    stale.write_text(stale.read_text() + "\n# edited by hand\n")
    monkeypatch.setattr(catalog, "EXERCISES_DIR", exercises)
    states = {status.exercise: status.state for status in stubs.sync(check_only=True)}
    assert states["07_maxpool"] == "stale"
    assert {state for key, state in states.items() if key != "07_maxpool"} == {"fresh"}


def test_stub_replaces_each_region_with_a_todo_naming_the_function():
    source = (
        "def area(w, h):\n"
        '    """Area."""\n'
        "    # Hint: multiply.\n"
        "    ### BEGIN SOLUTION\n"
        "    return w * h\n"
        "    ### END SOLUTION\n"
    )
    stub = stubs.make_stub(source, "area.py")
    assert "return w * h" not in stub
    assert "# Hint: multiply." in stub
    assert "raise NotImplementedError('area is not written yet / 尚未实现')" in stub


@pytest.mark.parametrize("source,problem", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "never closed"),
    ("def f():\n    return 1\n    ### END SOLUTION\n", "without a"),
    ("### BEGIN SOLUTION\nX = 1\n### END SOLUTION\n", "inside a function"),
    ("def f():\n    return 1\n", "no ### BEGIN SOLUTION"),
])
def test_malformed_markers_are_reported_with_file_and_line(source, problem):
    with pytest.raises(stubs.MarkerError, match=problem) as error:
        stubs.make_stub(source, "broken.py")
    assert "broken.py" in str(error.value)


def test_every_solution_has_regions_in_functions_only():
    for exercise in catalog.exercises():
        stubs.make_stub(exercise.solution_file.read_text(encoding="utf-8"), str(exercise.solution_file))
