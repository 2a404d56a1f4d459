"""Gradescope as uploaded: the bundle's own setup.sh and run_autograder, as root, in a simulated
/autograder root (a temporary folder with Gradescope's layout: source/, submission/, results/).

setup.sh runs for real with two exceptions, both for want of a network: apt-get is skipped
(AUTOGRADER_SKIP_APT; bubblewrap and libseccomp are already installed here), and pip resolves
against what is installed (PIP_NO_INDEX): the virtualenv setup.sh makes already holds this
environment's packages, hard-linked in before it runs, and the kit itself is left out of them,
so setup.sh's own `pip install -e '.[extras]'` installs the bundle's copy. Grading then runs in that
virtualenv, from the bundle's copy of the kit, inside the strict sandbox.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from autograder import bundles, catalog

pytestmark = pytest.mark.slow
KIT_DISTRIBUTION = ("__editable__", "torch_exercise_kit")
# 19 needs the onnx extra (the one a bundle once forgot); 07 and 10 are the wrapper zip's exercises.
EXERCISES = ["07_maxpool", "10_losses", "19_onnx_export"]


def link_installed_packages(venv: Path) -> None:
    """Hard-link this environment's site-packages (less the kit) into `venv`, as pip would have installed
    them."""
    source = Path(sysconfig.get_paths()["purelib"])
    target = venv / source.relative_to(sys.prefix)
    ignore = shutil.ignore_patterns(*(f"{prefix}*" for prefix in KIT_DISTRIBUTION))
    try:
        shutil.copytree(source, target, copy_function=os.link, ignore=ignore, symlinks=True)
    except OSError as exc:
        pytest.skip(f"cannot hard-link {source} into {target} (another file system?): {exc}")


def scripts_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {
        **env,
        "AUTOGRADER_ROOT": str(root),
        "AUTOGRADER_SKIP_APT": "1",
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",
        "AUTOGRADER_BASE_PYTHON": sys._base_executable,
    }


@pytest.fixture(scope="module")
def gradescope(tmp_path_factory):
    """A simulated /autograder after setup.sh, for a bundle of EXERCISES; (root, setup.sh's output)."""
    if os.geteuid() != 0:
        pytest.skip("Gradescope runs setup.sh as root, and so must this test")
    root = tmp_path_factory.mktemp("gradescope") / "autograder"
    bundle = bundles.gradescope_bundle(root.parent / "autograder.zip", EXERCISES)
    with zipfile.ZipFile(bundle.path) as archive:
        archive.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):
        os.chmod(root / "source" / name, 0o755)
    link_installed_packages(root / "source" / ".venv")
    setup = subprocess.run(
        [str(root / "source" / "setup.sh")],
        cwd=root,
        env=scripts_env(root),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    return root, setup.stdout


def grade(root: Path, fill) -> dict:
    """Put a submission in place as Gradescope does, run run_autograder, return results.json."""
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "submission").mkdir()
    fill(root / "submission")
    run = subprocess.run(
        [str(root / "source" / "run_autograder")],
        cwd=root,
        env=scripts_env(root),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads((root / "results" / "results.json").read_text())


def test_setup_installs_the_bundles_kit_with_its_extras_and_prints_the_settings(gradescope):
    root, output = gradescope
    python = root / "source" / ".venv" / "bin" / "python"
    found = subprocess.run(
        [str(python), "-c", "import autograder, onnx, onnxruntime; print(autograder.__file__)"],
        cwd=root,
        capture_output=True,
        text=True,
        env=scripts_env(root),
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == str(root / "source" / "autograder" / "__init__.py")
    assert "Memory: set the assignment's autograder memory to at least" in output and "Timeout:" in output


def test_a_solved_repository_scores_full_marks(gradescope):
    root, _ = gradescope
    data = grade(
        root, lambda folder: shutil.copytree(catalog.SOLUTIONS_DIR, folder / "exercises", dirs_exist_ok=True)
    )
    failed = [test["name"] for test in data["tests"] if test["status"] != "passed"]
    assert not failed
    assert data["score"] == sum(test["max_score"] for test in data["tests"]) > 0
    assert {test["name"].split(" · ")[0] for test in data["tests"]} == set(EXERCISES)


def github_download(folder: Path) -> None:
    """What GitHub's "Download ZIP" gives, extracted by Gradescope: repo-main/exercises/..."""
    shutil.copytree(catalog.SOLUTIONS_DIR / "07_maxpool", folder / "repo-main" / "exercises" / "07_maxpool")
    shutil.copytree(catalog.EXERCISES_DIR / "10_losses", folder / "repo-main" / "exercises" / "10_losses")
    (folder / "repo-main" / "README.md").write_text("my course repository\n")


def github_zip(folder: Path) -> None:
    """The same download uploaded inside a zip that stays a zip."""
    github_download(folder)
    with zipfile.ZipFile(folder / "repo-main.zip", "w") as archive:
        for path in sorted((folder / "repo-main").rglob("*")):
            archive.write(path, path.relative_to(folder))
    shutil.rmtree(folder / "repo-main")


@pytest.mark.parametrize("fill", [github_download, github_zip], ids=["extracted", "zip"])
def test_a_github_style_wrapper_is_graded_as_the_repository_it_wraps(gradescope, fill):
    root, _ = gradescope
    data = grade(root, fill)
    by_exercise: dict[str, list[dict]] = {}
    for test in data["tests"]:
        by_exercise.setdefault(test["name"].split(" · ")[0], []).append(test)
    assert by_exercise["07_maxpool"] and all(test["status"] == "passed" for test in by_exercise["07_maxpool"])
    assert sum(test["score"] for test in by_exercise["10_losses"]) == 0
    assert data["score"] == sum(test["max_score"] for test in by_exercise["07_maxpool"])
