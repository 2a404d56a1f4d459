"""Grading exercise 19 where the onnx extra is missing: every check says what to install, nothing crashes."""

import sys

from autograder import catalog


def test_grading_without_onnxruntime_says_what_to_install(grade, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # `import onnxruntime` now fails, as when absent
    result = grade(catalog.SOLUTIONS_DIR, ["19_onnx_export"])
    (exercise,) = result.exercises
    assert exercise.score == 0 and exercise.max_score > 0 and exercise.checks
    for check in exercise.checks:
        assert check.status == "error", (check.name, check.status)
        assert "onnxruntime is not installed where the grader runs" in check.message
        assert "pip install 'torch-exercise-kit[onnx]'" in check.message
