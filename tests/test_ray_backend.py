"""grade-batch --backend ray: a local Ray instance grades a small class exactly as the local backend does."""
import json
import shutil
import subprocess
import sys

import pytest

from autograder import catalog

pytest.importorskip("ray", reason="Ray is an optional extra: pip install '.[ray]'")

EXERCISE = "07_maxpool"


def autograder(*args):
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True,
                          cwd=catalog.KIT_ROOT, timeout=900)


def outcomes(out):
    """student -> (score, {check: status}) from a results folder."""
    results = {}
    for path in (out / "students").glob("*.json"):
        data = json.loads(path.read_text())
        checks = {c["name"]: c["status"] for e in data["exercises"] for c in e["checks"]}
        results[data["student"]] = (data["score"], checks)
    return results


@pytest.fixture(scope="module")
def both_backends(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    shutil.copytree(catalog.SOLUTIONS_DIR / EXERCISE, root / "ada" / EXERCISE)
    shutil.copytree(catalog.EXERCISES_DIR / EXERCISE, root / "bo" / EXERCISE)
    (root / "cy").mkdir()
    shutil.make_archive(str(root / "cy"), "zip", catalog.SOLUTIONS_DIR, EXERCISE)
    shutil.rmtree(root / "cy")
    runs = {}
    for backend in ("local", "ray"):
        out = tmp_path_factory.mktemp(backend)
        runs[backend] = (autograder("grade-batch", str(root), "--out", str(out), "--exercise", EXERCISE,
                                    "--jobs", "1", "--backend", backend), out)
    return runs


def test_the_ray_batch_completes(both_backends):
    run, out = both_backends["ray"]
    assert run.returncode == 0, run.stderr[-2000:]
    assert (out / "gradebook.csv").exists() and (out / "summary.json").exists()


def test_ray_results_equal_the_local_backends(both_backends):
    local, ray = outcomes(both_backends["local"][1]), outcomes(both_backends["ray"][1])
    assert sorted(ray) == ["ada", "bo", "cy"]
    assert ray == local


def test_ray_writes_the_same_gradebook_rows(both_backends):
    def rows(out):
        lines = (out / "gradebook.csv").read_text().splitlines()
        return lines
    assert rows(both_backends["ray"][1]) == rows(both_backends["local"][1])
