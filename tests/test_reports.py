"""The formats graders read: Gradescope's results.json and JUnit XML (the bundle: test_gradescope_bundle.py)."""
import json
import subprocess
import sys

import junitparser
import pytest

from autograder import catalog
from autograder.reports import render
from autograder.results import CheckResult, ExerciseResult, GradeResult


@pytest.fixture
def result():
    checks = [CheckResult("sizes", 2, 2, "passed"), CheckResult("ceil", 0, 1, "failed", "expected 3, got 2"),
              CheckResult("net", 0, 2, "error", "NotImplementedError"), CheckResult("loop", 0, 1, "timeout", "slow")]
    return GradeResult([ExerciseResult("07_maxpool", "Max pooling", checks, 1.5),
                        ExerciseResult("10_losses", "Losses", [CheckResult("l1", 1, 1, "passed")], 0.2)],
                       2.0, {"level": "strict", "layers": ["bubblewrap"], "notes": []})


def test_gradescope_results_have_one_numbered_test_per_check(result):
    data = json.loads(render(result, "gradescope"))
    assert data["score"] == 3 and data["execution_time"] == 2.0
    assert [t["number"] for t in data["tests"]] == ["1.1", "1.2", "1.3", "1.4", "2.1"]
    assert [t["status"] for t in data["tests"]] == ["passed", "failed", "failed", "failed", "passed"]
    assert data["tests"][2]["output"].startswith("<p><strong>Error") and "NotImplementedError" in data["tests"][2]["output"]
    assert all(t["visibility"] == "visible" and "max_score" in t and "name" in t for t in data["tests"])


def test_junit_groups_checks_per_exercise_and_parses(result, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(render(result, "junit"))
    xml = junitparser.JUnitXml.fromfile(str(path))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"07_maxpool", "10_losses"}
    maxpool = suites["07_maxpool"]
    assert (maxpool.tests, maxpool.failures, maxpool.errors) == (4, 1, 2)
    outcomes = {case.name: [type(r).__name__ for r in case.result] for case in maxpool}
    assert outcomes == {"sizes": [], "ceil": ["Failure"], "net": ["Error"], "loop": ["Error"]}


@pytest.fixture
def with_a_gpu_check(result):
    result.exercises[1].checks.append(CheckResult("on_gpu", 0, 0, "skipped", "needs a CUDA device"))
    return result


def test_junit_reports_a_gpu_only_check_as_skipped(with_a_gpu_check, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(render(with_a_gpu_check, "junit"))
    suite = {suite.name: suite for suite in junitparser.JUnitXml.fromfile(str(path))}["10_losses"]
    case = next(case for case in suite if case.name == "on_gpu")
    assert suite.skipped == 1 and isinstance(case.result[0], junitparser.Skipped)


def test_gradescope_leaves_out_checks_skipped_on_this_device(with_a_gpu_check):
    data = json.loads(render(with_a_gpu_check, "gradescope"))
    assert not any("on_gpu" in t["name"] for t in data["tests"])


def test_a_json_result_renders_again_in_every_format(result, tmp_path):
    saved = tmp_path / "result.json"
    saved.write_text(render(result, "json"))
    for fmt in ("table", "junit", "gradescope", "json"):
        run = subprocess.run([sys.executable, "-m", "autograder", "report", str(saved), "--format", fmt],
                             capture_output=True, text=True, cwd=catalog.KIT_ROOT, timeout=120)
        assert run.returncode == 0 and run.stdout == render(result, fmt), (fmt, run.stderr)


def test_report_names_a_file_that_is_not_a_result(tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text("[1, 2]")
    run = subprocess.run([sys.executable, "-m", "autograder", "report", str(bad)], capture_output=True, text=True,
                         cwd=catalog.KIT_ROOT, timeout=120)
    assert run.returncode == 2 and "notes.json" in run.stderr


def test_an_unknown_format_is_refused(result):
    with pytest.raises(ValueError, match="gradescope"):
        render(result, "yaml")
