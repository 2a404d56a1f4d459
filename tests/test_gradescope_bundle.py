"""The Gradescope bundle: what it holds, what its setup.sh installs and prints, and what run_autograder
writes for one-exercise assignments, each visibility, a missing file and a refused sandbox."""

import ast
import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from autograder import (
    bundle_config,
    bundles,
    catalog,
    check_collection,
    extras,
    gradescope_run,
    i18n,
    isolation,
)
from autograder.bundle_config import BundleConfig
from autograder.errors import KitError
from autograder.results import CheckResult, ExerciseResult, GradeResult


def build(tmp_path: Path, *exercises: str, **options) -> bundles.Bundle:
    return bundles.gradescope_bundle(tmp_path / "autograder.zip", list(exercises), **options)


def unpacked(bundle: bundles.Bundle, root: Path) -> Path:
    """A fake /autograder: the bundle in source/, an empty submission/."""
    (root / "submission").mkdir(parents=True)
    with zipfile.ZipFile(bundle.path) as archive:
        archive.extractall(root / "source")
    for name in ("run_autograder", "setup.sh"):
        os.chmod(root / "source" / name, 0o755)
    return root


def run_autograder(root: Path, python: str = sys.executable) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run(
        [str(root / "source" / "run_autograder")],
        capture_output=True,
        text=True,
        timeout=600,
        env={**env, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": python},
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads((root / "results" / "results.json").read_text())


def test_the_bundle_has_gradescopes_two_scripts_and_its_configuration_at_its_root(tmp_path):
    with zipfile.ZipFile(build(tmp_path).path) as archive:
        names = archive.namelist()
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        config = json.loads(archive.read("gradescope.json"))
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert "autograder/hidden/test_07_maxpool.py" in names and "solutions/07_maxpool/maxpool.py" in names
    assert "LICENSE" in names and not [name for name in names if "__pycache__" in name]
    assert config["exercises"] == [e.id for e in catalog.exercises()]


def install_line_extras(setup_sh: str) -> list[str]:
    """The extras named by setup.sh's `pip install -e '.[...]'` line (none for a bare `.`)."""
    match = re.search(r"pip install -q -e '?\.(?:\[([^\]]*)\])?'?", setup_sh)
    assert match, "setup.sh does not install the kit"
    return [extra for extra in (match.group(1) or "").split(",") if extra]


def installed_by(extra_names: list[str]) -> set[str]:
    """Distributions pip would install for the kit with these extras, as this environment resolves them."""
    core, declared_extras = extras.declared_requirements()
    wanted = [*core, *(r for extra in extra_names for r in declared_extras[extra])]
    found, queue = set(), [extras.requirement_name(r) for r in wanted]
    while queue:
        name = queue.pop()
        if name not in found:
            found.add(name)
            try:
                queue += [
                    extras.requirement_name(r) for r in metadata.requires(name) or [] if "extra" not in r
                ]
            except metadata.PackageNotFoundError:
                pass
    return found


def top_level_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"autograder"}


@pytest.mark.parametrize(
    "selection", [[], *[[e.id] for e in catalog.exercises()]], ids=lambda s: s[0] if s else "all"
)
def test_setup_sh_installs_every_module_the_checks_probes_and_references_import(tmp_path, selection):
    bundle = build(tmp_path, *selection)
    with zipfile.ZipFile(bundle.path) as archive:
        installed = installed_by(install_line_extras(archive.read("setup.sh").decode()))
    owners = metadata.packages_distributions()
    for exercise in [catalog.get(e) for e in bundle.config.exercises]:
        for path in extras.grading_files(exercise):
            siblings = {p.stem for p in path.parent.glob("*.py")}
            for module in top_level_imports(path) - siblings:
                dists = {extras.normalize(d) for d in owners.get(module, [module])}
                assert dists & installed, f"{path.name} imports {module}, which setup.sh does not install"


def test_the_onnx_exercise_reaches_its_probe_module_and_needs_the_onnx_extra():
    files = {path.name for path in extras.grading_files(catalog.get("19_onnx_export"))}
    assert {"test_19_onnx_export.py", "onnx_export.py", "export.py"} <= files
    assert extras.extras_for([catalog.get("19_onnx_export")]) == ["onnx"]
    assert extras.extras_for([catalog.get("07_maxpool")]) == []


def test_an_import_declared_nowhere_stops_the_bundle(monkeypatch):
    monkeypatch.setattr(extras, "third_party_modules", lambda files: {"left_pad_for_tensors"})
    with pytest.raises(KitError, match="left_pad_for_tensors"):
        extras.extras_for([catalog.get("07_maxpool")])


@pytest.mark.slow
def test_a_one_exercise_assignment_grades_and_counts_only_that_exercise(tmp_path):
    root = unpacked(build(tmp_path, "07_maxpool", visibility="after_published"), tmp_path / "autograder")
    (root / "submission" / "maxpool.py").write_bytes(catalog.get("07_maxpool").solution_file.read_bytes())
    data = run_autograder(root)
    names = {test["name"].split(" · ")[0] for test in data["tests"]}
    assert names == {"07_maxpool"}
    worth = check_collection.max_points([catalog.get("07_maxpool")])["07_maxpool"]
    assert data["score"] == sum(test["max_score"] for test in data["tests"]) == worth
    assert all(test["status"] == "passed" for test in data["tests"])
    assert f"{worth:g} / {worth:g}" in data["output"] and data["output_format"] == "html"
    counterparts = set(bundles.visible_counterparts(catalog.get("07_maxpool")))
    for test in data["tests"]:
        check = test["name"].split(" · ")[1]
        assert test["visibility"] == ("visible" if check in counterparts else "after_published")


def sample_result() -> GradeResult:
    counterpart = bundles.visible_counterparts(catalog.get("07_maxpool"))[0]
    checks = [
        CheckResult(counterpart, 1, 1, "passed"),
        CheckResult("net_matches_on_random_inputs", 0, 2, "failed", "expected 3, got 2"),
    ]
    return GradeResult([ExerciseResult("07_maxpool", "Max pooling", checks, 1.0)], 1.0)


@pytest.mark.parametrize("visibility", bundle_config.VISIBILITIES)
def test_check_visibility_follows_the_option_and_visible_counterparts_stay_visible(visibility):
    config = BundleConfig(
        ["07_maxpool"],
        visibility,
        visible_checks={"07_maxpool": bundles.visible_counterparts(catalog.get("07_maxpool"))},
    )
    tests = gradescope_run.results_json(sample_result(), config)["tests"]
    assert [test["visibility"] for test in tests] == ["visible", visibility]
    assert all(test["output_format"] == "html" for test in tests)


def test_a_visible_counterpart_is_a_hidden_check_named_like_a_visible_test():
    counterparts = bundles.visible_counterparts(catalog.get("07_maxpool"))
    visible = bundles.defined_tests(catalog.EXERCISES_DIR / "07_maxpool" / "test_maxpool.py")
    hidden = bundles.defined_tests(catalog.get("07_maxpool").hidden_checks)
    assert counterparts and all(
        f"test_{name}" in visible and f"test_{name}" in hidden for name in counterparts
    )
    assert len(counterparts) < len(hidden)


def test_a_visibility_gradescope_does_not_offer_is_refused(tmp_path):
    with pytest.raises(KitError, match="after_published"):
        build(tmp_path, "07_maxpool", visibility="students_only")


def test_the_summary_says_when_hidden_results_appear():
    i18n.set_language("both")
    config = BundleConfig(["07_maxpool"], "after_due_date")
    output = gradescope_run.results_json(sample_result(), config)["output"]
    assert "after the due date" in output and "截止日期后" in output and "Total: 1 / 3" in output


def test_setup_sh_prints_the_memory_and_timeout_settings_for_its_exercises(tmp_path):
    figures = json.loads(bundle_config.MEMORY_FIGURES.read_text())
    for selection, measured in (
        (["14_cifar10_training"], figures["one_exercise_mib"]["14_cifar10_training"]),
        ([], figures["all_exercises_mib"]),
    ):
        script = zipfile.ZipFile(build(tmp_path, *selection).path).read("setup.sh").decode()
        memory = re.search(r"Memory: .*?(\d+) MB.*?peaked at (\d+) MiB", script)
        assert memory and int(memory.group(2)) == measured
        assert int(memory.group(1)) >= measured * 1.048576 or "default 768 MB is enough" in script
        assert re.search(r"Timeout: .*\d+ minutes", script)


def test_bundling_more_time_than_gradescope_allows_is_refused(tmp_path):
    with pytest.raises(KitError, match="40-minute maximum"):
        build(tmp_path, time_scale=2)


def no_isolation() -> isolation.Capabilities:
    """What a stock Docker container without user namespaces, Landlock or seccomp offers."""
    return isolation.Capabilities(
        root=True,
        sandbox_uid=65534,
        bwrap=None,
        bwrap_problem="no user namespaces",
        landlock_abi=0,
        seccomp=None,
        cgroups=isolation.CgroupSupport(),
        python_readable=True,
    )


def test_minimal_isolation_is_refused_with_a_reason_the_student_can_read(tmp_path, monkeypatch):
    from autograder import sandbox

    monkeypatch.setattr(sandbox, "machine", no_isolation)
    config = tmp_path / "gradescope.json"
    config.write_text(BundleConfig(["07_maxpool"]).to_json())
    (tmp_path / "submission").mkdir()
    gradescope_run.run(tmp_path, config)
    data = json.loads((tmp_path / "results" / "results.json").read_text())
    assert data["score"] == 0 and data["tests"] == [] and data["visibility"] == "visible"
    assert "Not graded" in data["output"] and "未评分" in data["output"] and data["output_format"] == "text"
    assert gradescope_run.isolation_level(BundleConfig(["07_maxpool"], allow_minimal=True)) == "minimal"


def test_a_submission_without_the_exercise_file_says_what_to_upload(tmp_path):
    config = tmp_path / "gradescope.json"
    config.write_text(BundleConfig(["07_maxpool"]).to_json())
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "notes.txt").write_text("I did it")
    gradescope_run.run(tmp_path, config)
    data = json.loads((tmp_path / "results" / "results.json").read_text())
    assert data["score"] == 0 and "maxpool.py" in data["output"] and "07_maxpool/" in data["output"]
    assert data["output_format"] == "text"


def test_results_json_is_still_valid_when_python_cannot_start_the_grader(tmp_path):
    root = unpacked(build(tmp_path, "07_maxpool"), tmp_path / "autograder")
    data = run_autograder(root, python="/bin/false")
    assert data["score"] == 0 and data["output_format"] == "text" and "could not start" in data["output"]


def test_the_command_writes_a_one_exercise_bundle_and_prints_its_settings(tmp_path):
    command = [sys.executable, "-m", "autograder", "gradescope-bundle", str(tmp_path / "a.zip")]
    run = subprocess.run(
        [*command, "--exercise", "19_onnx_export", "--visibility", "hidden"],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "extras: onnx" in run.stdout and "Memory:" in run.stdout and "Timeout:" in run.stdout
    config = json.loads(zipfile.ZipFile(tmp_path / "a.zip").read("gradescope.json"))
    assert config["exercises"] == ["19_onnx_export"] and config["visibility"] == "hidden"
    unknown = subprocess.run(
        [*command, "--exercise", "99_nothing"],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=120,
    )
    assert unknown.returncode == 2 and "99_nothing" in unknown.stderr
