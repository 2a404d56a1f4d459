"""`autograder ci-template`: the students' workflow holds nothing private, the instructor's workflow
collects and grades in the strict sandbox; both validate against GitHub's workflow schema (the copy
check-jsonschema ships), and the instructor's collect and grade steps run here as written."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import catalog, ci_templates
from autograder.errors import KitError

yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read the workflows (pip install '.[test]')")
pytest.importorskip("check_jsonschema", reason="check-jsonschema lints the workflows (pip install '.[test]')")


def write(tmp_path: Path, kind: str, *options: str) -> Path:
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "ci-template", kind, "--out", str(tmp_path), *options],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return Path(run.stdout.split("wrote ", 1)[1].strip())


def lint(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def steps(data: dict) -> dict[str, dict]:
    (job,) = data["jobs"].values()
    return {step["name"]: step for step in job["steps"]}


def triggers(data: dict) -> dict:
    return data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true


WORKFLOWS = [
    ("student", ()),
    ("instructor", ()),
    ("instructor", ("--gpu",)),
    ("instructor", ("--schedule", "0 16 * * 5")),
]


def test_every_generated_workflow_validates_against_githubs_workflow_schema(tmp_path):
    written = [write(tmp_path / str(n), kind, *options) for n, (kind, options) in enumerate(WORKFLOWS)]
    run = lint(*written)  # one validator run for all four: its start-up is most of the cost
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.slow
def test_the_schema_check_rejects_a_broken_workflow(tmp_path):
    path = write(tmp_path, "instructor")
    path.write_text(path.read_text().replace("runs-on:", "runs_on:"))
    assert lint(path).returncode != 0


def hidden_check_names() -> set[str]:
    names = set()
    for exercise in catalog.exercises():
        names |= set(re.findall(r"^def (test_\w+)", exercise.hidden_checks.read_text(), re.M))
    visible = set()
    for path in catalog.EXERCISES_DIR.rglob("test_*.py"):
        visible |= set(re.findall(r"^def (test_\w+)", path.read_text(), re.M))
    return names - visible


def test_the_students_workflow_holds_no_secret_and_no_hidden_check(tmp_path):
    text = write(tmp_path, "student").read_text()
    assert "secrets" not in text and "token" not in text.lower() and "GRADER" not in text
    assert "hidden" not in text.replace("hidden checks", "") and "solutions" not in text
    assert not [name for name in hidden_check_names() if name in text]
    data = yaml.safe_load(text)
    commands = " ".join(step.get("run", "") for step in steps(data).values())
    assert "python -m pytest" in commands and "autograder grade" not in commands and "collect" not in commands
    assert [step.get("uses", "").split("@")[0] for step in steps(data).values() if "uses" in step] == [
        "actions/checkout",
        "actions/setup-python",
    ]


def test_the_students_workflow_runs_on_push_with_cpu_torch_and_the_releases_packages(tmp_path):
    data = yaml.safe_load(write(tmp_path, "student").read_text())
    assert set(triggers(data)) == {"push", "pull_request"} and data["permissions"] == {"contents": "read"}
    assert data["jobs"]["visible-tests"]["runs-on"] == "ubuntu-24.04"
    install = steps(data)["Install CPU-only PyTorch (a smaller download) and this repository's packages"][
        "run"
    ]
    assert "'torch>=" in install and ci_templates.CPU_INDEX in install and "pip install -e ." in install


def test_a_release_carries_exactly_the_students_workflow(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "release", str(tmp_path / "course"), "--exercise", "07_maxpool"],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    released = (tmp_path / "course" / ".github" / "workflows" / "visible-tests.yml").read_text()
    assert released == ci_templates.student_workflow()


def test_gpu_and_schedule_are_refused_for_the_students_workflow(tmp_path):
    with pytest.raises(KitError, match="instructor"):
        ci_templates.write("student", tmp_path, gpu=True)


def test_a_schedule_that_is_not_cron_is_refused(tmp_path):
    with pytest.raises(KitError, match="five fields"):
        ci_templates.write("instructor", tmp_path, schedule="every friday")


def test_the_instructor_grades_by_hand_or_on_a_schedule(tmp_path):
    assert set(triggers(yaml.safe_load(write(tmp_path, "instructor").read_text()))) == {"workflow_dispatch"}
    scheduled = yaml.safe_load(write(tmp_path, "instructor", "--schedule", "0 16 * * 5").read_text())
    assert triggers(scheduled)["schedule"] == [{"cron": "0 16 * * 5"}]


def test_the_instructor_workflow_grades_strictly_after_lifting_apparmors_restriction(tmp_path):
    data = yaml.safe_load(write(tmp_path, "instructor").read_text())
    names = list(steps(data))
    grade = steps(data)["Grade every student in the sandbox (strict isolation, or fail)"]["run"]
    apparmor = steps(data)["Let bubblewrap create user namespaces (the AppArmor setting of Ubuntu 24.04)"][
        "run"
    ]
    assert "grade-batch submissions" in grade and "--isolation strict" in grade
    assert "kernel.apparmor_restrict_unprivileged_userns=0" in apparmor
    assert names.index(
        "Let bubblewrap create user namespaces (the AppArmor setting of Ubuntu 24.04)"
    ) < names.index("Grade every student in the sandbox (strict isolation, or fail)")
    assert data["jobs"]["grade"]["runs-on"] == "ubuntu-24.04"
    assert ci_templates.CPU_INDEX in steps(data)["Install the grader (CPU-only PyTorch)"]["run"]
    assert "[onnx]" in steps(data)["Install the grader (CPU-only PyTorch)"]["run"]


def test_the_token_reaches_only_the_collect_step_and_only_through_its_environment(tmp_path):
    data = yaml.safe_load(write(tmp_path, "instructor").read_text())
    with_secrets = {name: step for name, step in steps(data).items() if "secrets." in str(step)}
    assert list(with_secrets) == ["Collect each student's last commit before the deadline"]
    step = with_secrets["Collect each student's last commit before the deadline"]
    assert step["env"] == {"AUTOGRADER_GIT_TOKEN": "${{ secrets.COLLECT_TOKEN }}"}
    assert "secrets" not in step["run"] and "TOKEN" not in step["run"]


def test_the_per_student_results_are_published_even_when_grading_fails(tmp_path):
    upload = steps(yaml.safe_load(write(tmp_path, "instructor").read_text()))[
        "Publish the per-student results"
    ]
    assert upload["uses"].startswith("actions/upload-artifact@") and upload["if"] == "always()"
    assert "results/" in upload["with"]["path"] and "collected.csv" in upload["with"]["path"]


def test_on_the_gpu_runner_student_code_runs_only_inside_grade_batch(tmp_path):
    data = yaml.safe_load(write(tmp_path, "instructor", "--gpu").read_text())
    job = data["jobs"]["grade"]
    assert job["runs-on"] == ["self-hosted", "linux", "gpu"] and job["env"]["DEVICE"] == "cuda"
    names = list(steps(data))
    assert names.index("Check for a GPU") < names.index(
        "Grade every student in the sandbox (strict isolation, or fail)"
    )
    touching = [
        name
        for name, step in steps(data).items()
        if "submissions" in step.get("run", "").replace("submissions/collected.csv", "")
    ]
    assert touching == [
        "Collect each student's last commit before the deadline",
        "Grade every student in the sandbox (strict isolation, or fail)",
    ]
    assert ci_templates.CPU_INDEX not in str(data) and "pytest" not in str(data)


def git(*args: str, cwd: Path) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "S",
        "GIT_AUTHOR_EMAIL": "s@x",
        "GIT_COMMITTER_NAME": "S",
        "GIT_COMMITTER_EMAIL": "s@x",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.mark.slow
def test_the_instructor_collect_and_grade_steps_run_as_written(tmp_path):
    student = tmp_path / "alice-repo"
    shutil.copytree(catalog.SOLUTIONS_DIR / "07_maxpool", student / "exercises" / "07_maxpool")
    git("init", "--quiet", "--initial-branch=main", ".", cwd=student)
    git("add", "-A", cwd=student)
    git("commit", "--quiet", "-m", "solved", cwd=student)
    grader = tmp_path / "grader"
    data = yaml.safe_load(write(grader, "instructor").read_text())
    (grader / "roster.csv").write_text(f"student,repository\nalice,{student}\n")
    (grader / ".venv").symlink_to(Path(sys.prefix))
    env = {
        **os.environ,
        **{k: str(v) for k, v in data["jobs"]["grade"]["env"].items() if "${{" not in str(v)},
        "DEADLINE": "",
    }
    for name in (
        "Collect each student's last commit before the deadline",
        "Grade every student in the sandbox (strict isolation, or fail)",
    ):
        run = subprocess.run(
            ["bash", "-c", steps(data)[name]["run"]],
            cwd=grader,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    gradebook = (grader / "results" / "gradebook.csv").read_text()
    assert "alice" in gradebook and (grader / "results" / "students" / "alice.json").exists()


@pytest.fixture
def course_checkout(tmp_path):
    """A submission beside the kit's own environment, as the shell entry point expects."""
    repo = tmp_path / "student-repo"
    shutil.copytree(catalog.SOLUTIONS_DIR / "07_maxpool", repo / "exercises" / "07_maxpool")
    shutil.copytree(catalog.EXERCISES_DIR / "10_losses", repo / "exercises" / "10_losses")
    return repo


def run_shell_entry_point(repo: Path, **env: str) -> subprocess.CompletedProcess:
    script = ci_templates.write("shell", repo)[0]
    environment = {
        **os.environ,
        "AUTOGRADER": str(Path(sys.prefix) / "bin" / "autograder"),
        "DEVICE": "cpu",
        **env,
    }
    return subprocess.run(
        ["bash", str(script), ".", "grading"],
        cwd=repo,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_the_shell_entry_point_writes_json_junit_and_a_summary(course_checkout):
    run = run_shell_entry_point(course_checkout)
    assert run.returncode == 0, run.stderr
    out = course_checkout / "grading"
    assert (out / "junit.xml").exists() and "07_maxpool" in (out / "summary.txt").read_text()


@pytest.mark.slow
def test_the_shell_entry_point_fails_below_fail_under_and_still_writes_results(course_checkout):
    run = run_shell_entry_point(course_checkout, FAIL_UNDER="90")
    assert run.returncode == 1 and "below --fail-under 90%" in run.stderr
    assert (course_checkout / "grading" / "junit.xml").exists()
