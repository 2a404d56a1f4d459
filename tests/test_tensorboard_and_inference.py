"""03_tensorboard's `logging.py` never stands in for Python's own `logging`; the grader reads student
event files without following links; 15_inference grades on the real CIFAR-10 images when present."""

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from autograder import catalog
from autograder.proxies import LocalModule

STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()
EXERCISE_FOLDERS = {catalog.EXERCISES_DIR / "03_tensorboard", catalog.SOLUTIONS_DIR / "03_tensorboard"}


def in_stdlib(path: str) -> bool:
    return Path(path).resolve().is_relative_to(STDLIB)


@pytest.mark.slow
def test_visible_tests_keep_the_exercise_folder_off_sys_path(tmp_path):
    """Run the visible tests with a plugin that reports, at the end, where `import logging` would look."""
    (tmp_path / "report_logging.py").write_text(
        textwrap.dedent("""
        import importlib.machinery, json, logging, os, sys

        def pytest_sessionfinish(session):
            with open(os.environ["REPORT"], "w") as handle:
                json.dump({"sys_path": sys.path, "loaded": logging.__file__,
                           "resolves_to": importlib.machinery.PathFinder.find_spec("logging", sys.path).origin},
                          handle)
    """)  # noqa: E501
    )
    report = tmp_path / "report.json"
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "REPORT": str(report)}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "exercises/03_tensorboard",
            "--solutions",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "report_logging",
        ],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    seen = json.loads(report.read_text())
    assert not {Path(p).resolve() for p in seen["sys_path"] if p} & EXERCISE_FOLDERS
    assert in_stdlib(seen["loaded"]) and in_stdlib(seen["resolves_to"])


def test_worker_imports_logging_py_under_a_private_name():
    """The worker's loader names the student's file student_logging and appends (never prepends) its
    folder."""
    script = textwrap.dedent("""
        import importlib.machinery, json, sys
        from autograder.worker.serve import load_student_module
        module = load_student_module(sys.argv[1], "logging")
        import logging
        print(json.dumps({"name": module.__name__, "loaded": logging.__file__,
                          "resolves_to": importlib.machinery.PathFinder.find_spec("logging", sys.path).origin}))
    """)  # noqa: E501
    path = catalog.SOLUTIONS_DIR / "03_tensorboard" / "logging.py"
    run = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.splitlines()[-1])
    assert seen["name"] == "student_logging"
    assert in_stdlib(seen["loaded"]) and in_stdlib(seen["resolves_to"])


def test_reference_logging_py_is_imported_under_a_private_name():
    reference = LocalModule(catalog.get("03_tensorboard"), catalog.SOLUTIONS_DIR / "03_tensorboard")
    assert reference.module.__name__ == "reference_03_tensorboard"
    assert in_stdlib(sys.modules["logging"].__file__)


LINKING_SUBMISSION = '''
import os
from torch.utils.tensorboard import SummaryWriter


def log_line(log_dir, tag="y=2x", n=100):
    """Write correct events elsewhere, then link to them: log_dir itself (n=100) or the event file."""
    real = str(log_dir) + "-elsewhere"
    with SummaryWriter(real) as writer:
        for x in range(n):
            writer.add_scalar(tag, 2 * x, x)
    if n == 100:
        os.symlink(real, log_dir)
    else:
        os.makedirs(log_dir)
        for name in os.listdir(real):
            os.symlink(os.path.join(real, name), os.path.join(log_dir, name))


def log_images(log_dir, tag, images):
    raise NotImplementedError


def log_graph(log_dir, model, example_input):
    raise NotImplementedError
'''


def test_event_files_behind_links_are_not_read(grade, tmp_path):
    folder = tmp_path / "03_tensorboard"
    folder.mkdir()
    (folder / "logging.py").write_text(LINKING_SUBMISSION)
    (exercise,) = grade(folder).exercises
    checks = {check.name: check for check in exercise.checks}
    assert checks["line_writes_value_2x_at_step_x"].status == "failed"
    assert "which is a link" in checks["line_writes_value_2x_at_step_x"].message
    assert "links are not followed" in checks["line_writes_value_2x_at_step_x"].message
    # The same mistake in the call with the defaults (log_dir itself a link) is charged once, above.
    assert checks["line_uses_the_course_defaults"].status == "not_judged"
    assert checks["line_uses_the_course_defaults"].blocked_by == "log_line"


@pytest.mark.real_data
def test_inference_gets_full_marks_on_real_cifar10_images(grade, real_data_root):
    (exercise,) = grade(catalog.SOLUTIONS_DIR, ["15_inference"], data_root=real_data_root).exercises
    assert exercise.score == exercise.max_score, [
        (c.name, c.message) for c in exercise.checks if c.status != "passed"
    ]
