"""Every reference solution gets full marks; every generated stub gets zero, with every exercise graded.

Checks skipped on this device (GPU-only checks without CUDA) are worth nothing here and count for neither."""

from autograder import catalog


def test_every_solution_gets_full_marks(grade):
    result = grade(catalog.SOLUTIONS_DIR)
    assert [e.id for e in result.exercises] == [e.id for e in catalog.exercises()]
    lost = {
        e.id: [(c.name, c.message) for c in e.checks if c.status not in ("passed", "skipped")]
        for e in result.exercises
    }
    assert {k: v for k, v in lost.items() if v} == {}
    assert result.score == result.max_score > 0


def test_every_stub_gets_zero_and_is_graded(grade):
    result = grade(catalog.EXERCISES_DIR)
    assert [e.id for e in result.exercises] == [e.id for e in catalog.exercises()]
    for exercise in result.exercises:
        assert exercise.max_score > 0 and exercise.checks, exercise.id
        assert exercise.score == 0, (exercise.id, [c.name for c in exercise.checks if c.status == "passed"])


def test_an_exercise_asked_for_but_not_handed_in_scores_zero_naming_its_file(grade, tmp_path):
    """Only checks reported without running (no worker, no pytest test run) is still a grade, not a grader
    error."""
    (tmp_path / "07_maxpool").mkdir()
    (tmp_path / "07_maxpool" / "maxpool.py").write_text(catalog.get("07_maxpool").solution_file.read_text())
    (exercise,) = grade(tmp_path, ["06_conv_shapes"]).exercises
    assert exercise.score == 0 < exercise.max_score
    assert all(
        c.status == "error" and "06_conv_shapes/conv.py was not found" in c.message for c in exercise.checks
    )
