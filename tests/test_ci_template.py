"""`autograder ci-template`: a GitHub Actions workflow with the expected structure, whose grading step runs here."""
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from autograder import catalog, ci_templates

yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read the workflow (pip install '.[test]')")


def workflow(tmp_path: Path, *options: str) -> dict:
    run = subprocess.run([sys.executable, "-m", "autograder", "ci-template", "github", "--out", str(tmp_path),
                          *options], capture_output=True, text=True, cwd=catalog.KIT_ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    return yaml.safe_load((tmp_path / ".github" / "workflows" / "grade.yml").read_text())


def steps_by_name(data: dict) -> dict[str, dict]:
    return {step["name"]: step for step in data["jobs"]["grade"]["steps"]}


def test_the_workflow_runs_on_push_and_pull_request(tmp_path):
    data = workflow(tmp_path)
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"push", "pull_request"}


def test_the_cpu_workflow_uses_hosted_runners_and_no_gpu_check(tmp_path):
    data = workflow(tmp_path)
    assert data["jobs"]["grade"]["runs-on"] == "ubuntu-latest"
    assert data["jobs"]["grade"]["env"]["DEVICE"] == "cpu"
    assert "Check for a GPU" not in steps_by_name(data)


def test_the_gpu_workflow_targets_self_hosted_gpu_runners_and_checks_nvidia_smi_first(tmp_path):
    data = workflow(tmp_path, "--gpu")
    job = data["jobs"]["grade"]
    assert job["runs-on"] == ["self-hosted", "linux", "gpu"]
    assert job["env"]["DEVICE"] == "cuda"
    names = [step["name"] for step in job["steps"]]
    assert names.index("Check for a GPU") < names.index("Grade")
    assert "nvidia-smi" in steps_by_name(data)["Check for a GPU"]["run"]


def test_hidden_checks_come_from_a_private_repository_named_by_a_secret(tmp_path):
    fetch = steps_by_name(workflow(tmp_path))["Fetch the grader and its hidden checks (private)"]
    assert fetch["uses"].startswith("actions/checkout@")
    assert fetch["with"]["repository"] == "${{ secrets.GRADER_REPOSITORY }}"
    assert fetch["with"]["token"] == "${{ secrets.GRADER_TOKEN }}"
    assert fetch["with"]["path"] == ".grader"


def test_the_grading_step_uses_the_graders_script_not_the_students(tmp_path):
    grade = steps_by_name(workflow(tmp_path))["Grade"]
    assert grade["run"].startswith("bash .grader/")


def test_the_virtualenv_and_data_are_cached(tmp_path):
    caches = [s for s in workflow(tmp_path)["jobs"]["grade"]["steps"] if s.get("uses", "").startswith("actions/cache@")]
    paths = " ".join(step["with"]["path"] for step in caches)
    assert ".grader-venv" in paths and ".grading-data" in paths


def test_results_are_uploaded_and_summarised_even_when_grading_fails(tmp_path):
    steps = steps_by_name(workflow(tmp_path))
    upload = steps["Upload results (JSON and JUnit)"]
    assert upload["uses"].startswith("actions/upload-artifact@") and upload["if"] == "always()"
    assert steps["Write the job summary"]["if"] == "always()"
    assert "GITHUB_STEP_SUMMARY" in steps["Write the job summary"]["run"]


def test_fail_under_reaches_the_workflow(tmp_path):
    assert workflow(tmp_path, "--fail-under", "60")["jobs"]["grade"]["env"]["FAIL_UNDER"] == "60"


def test_a_fail_under_outside_0_to_100_is_refused(tmp_path):
    with pytest.raises(Exception, match="between 0 and 100"):
        ci_templates.write("github", tmp_path, fail_under=150)


@pytest.fixture
def course_checkout(tmp_path):
    """What the runner holds after checkout: the student's repo, the grader at .grader, its venv at .grader-venv."""
    repo = tmp_path / "student-repo"
    shutil.copytree(catalog.SOLUTIONS_DIR / "07_maxpool", repo / "exercises" / "07_maxpool")
    shutil.copytree(catalog.EXERCISES_DIR / "10_losses", repo / "exercises" / "10_losses")
    (repo / ".grader").symlink_to(catalog.KIT_ROOT)
    (repo / ".grader-venv").symlink_to(Path(sys.prefix))
    return repo


def run_grade_step(repo: Path) -> subprocess.CompletedProcess:
    data = yaml.safe_load((repo / ".github" / "workflows" / "grade.yml").read_text())
    env = {**os.environ, **{k: str(v) for k, v in data["jobs"]["grade"]["env"].items() if "${{" not in str(v)}}
    env.pop("AUTOGRADER_DATA", None)
    return subprocess.run(["bash", "-c", steps_by_name(data)["Grade"]["run"]], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_grading_step_writes_json_junit_and_a_summary(course_checkout):
    ci_templates.write("github", course_checkout)
    run = run_grade_step(course_checkout)
    assert run.returncode == 0, run.stderr
    out = course_checkout / "grading"
    suites = ElementTree.parse(out / "junit.xml").getroot()
    assert [suite.get("name") for suite in suites] == [e.id for e in catalog.exercises()]
    scores = {e["id"]: (e["score"], e["max_score"]) for e in json.loads((out / "result.json").read_text())["exercises"]}
    assert scores["07_maxpool"][0] == scores["07_maxpool"][1] > 0 and scores["10_losses"][0] == 0
    assert "07_maxpool" in (out / "summary.txt").read_text()


def test_the_grading_step_fails_below_fail_under_and_still_writes_results(course_checkout):
    ci_templates.write("github", course_checkout, fail_under=90)
    run = run_grade_step(course_checkout)
    assert run.returncode == 1
    assert "below --fail-under 90%" in run.stderr
    assert (course_checkout / "grading" / "junit.xml").exists()


def test_the_shell_entry_point_is_written_executable(tmp_path):
    path = ci_templates.write("shell", tmp_path)
    assert os.access(path, os.X_OK) and path.read_text().startswith("#!/usr/bin/env bash")
