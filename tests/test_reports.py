"""The formats graders read: Gradescope's results.json, JUnit XML, and the Gradescope bundle."""
import json
import os
import stat
import subprocess
import sys
import zipfile

import junitparser
import pytest

from autograder import bundles, catalog
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


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return bundles.gradescope_bundle(tmp_path_factory.mktemp("bundle") / "autograder.zip")


def test_the_bundle_has_gradescopes_two_scripts_at_its_root(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert "setup.sh" in names and "run_autograder" in names
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert "autograder/hidden/test_07_maxpool.py" in names and "solutions/07_maxpool/maxpool.py" in names
    assert not [name for name in names if "__pycache__" in name]


def test_run_autograder_grades_a_fake_autograder_layout(bundle, tmp_path):
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    os.chmod(root / "source" / "run_autograder", 0o755)
    for name in ("07_maxpool/maxpool.py", "10_losses/losses.py"):
        (root / "submission" / name.split("/")[1]).write_bytes((catalog.SOLUTIONS_DIR / name).read_bytes())
    run = subprocess.run([str(root / "source" / "run_autograder")], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable})
    assert run.returncode == 0, run.stderr[-2000:]
    data = json.loads((root / "results" / "results.json").read_text())
    by_exercise = {}
    for test in data["tests"]:
        by_exercise.setdefault(test["name"].split(" · ")[0], []).append(test)
    assert all(t["status"] == "passed" for t in by_exercise["07_maxpool"] + by_exercise["10_losses"])
    assert all(t["status"] == "failed" for t in by_exercise["02_custom_dataset"])


def test_run_autograder_still_writes_results_when_the_grader_cannot_run(bundle, tmp_path):
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    run = subprocess.run(["bash", str(root / "source" / "run_autograder")], capture_output=True, text=True,
                         timeout=300, env={**os.environ, "AUTOGRADER_ROOT": str(root),
                                           "AUTOGRADER_PYTHON": sys.executable})
    assert run.returncode == 0
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == 0 and "could not grade" in data["output"]
