"""grade-batch --backend ray: a local Ray instance grades a small class exactly as the local backend does,
from submissions sent as bytes that keep their shape (links stay links, refused where a local slot
refuses them)."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from autograder import catalog
from autograder.batch import ray_backend

needs_ray = pytest.mark.skipif(
    ray_backend.ray_missing(), reason="Ray is an optional extra: pip install '.[ray]'"
)

EXERCISE = "07_maxpool"


def autograder(*args):
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=900,
    )


def outcomes(out):
    """student -> (score, {check: status}) from a results folder."""
    results = {}
    for path in (out / "students").glob("*.json"):
        data = json.loads(path.read_text())
        checks = {c["name"]: c["status"] for e in data["exercises"] for c in e["checks"]}
        results[data["student"]] = (data["score"], checks)
    return results


def test_a_pack_keeps_the_folders_shape_and_only_the_contents_a_sandbox_may_receive(tmp_path):
    student = tmp_path / "ada"
    shutil.copytree(catalog.SOLUTIONS_DIR / EXERCISE, student / EXERCISE)
    (student / EXERCISE / "weights.pt").write_bytes(b"\1" * 1000)
    os.symlink(catalog.SOLUTIONS_DIR, student / EXERCISE / "answers")
    os.mkfifo(student / EXERCISE / "pipe")
    kind, payload = ray_backend.pack(student, ray_backend.copied_patterns(nbgrader=False))
    ray_backend.unpack(payload, tmp_path / "received")
    received = tmp_path / "received" / EXERCISE
    assert kind == "pack"
    assert (received / "maxpool.py").read_bytes() == (student / EXERCISE / "maxpool.py").read_bytes()
    assert (received / "weights.pt").stat().st_size == 0
    assert os.readlink(received / "answers") == str(catalog.SOLUTIONS_DIR)
    assert (received / "pipe").is_fifo()


@pytest.fixture(scope="module")
def both_backends(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    shutil.copytree(catalog.SOLUTIONS_DIR / EXERCISE, root / "ada" / EXERCISE)
    shutil.copytree(catalog.EXERCISES_DIR / EXERCISE, root / "bo" / EXERCISE)
    (root / "eli").mkdir()
    os.symlink(catalog.SOLUTIONS_DIR / EXERCISE, root / "eli" / EXERCISE)
    (root / "cy").mkdir()
    shutil.make_archive(str(root / "cy"), "zip", catalog.SOLUTIONS_DIR, EXERCISE)
    shutil.rmtree(root / "cy")
    runs = {}
    for backend in ("local", "ray"):
        out = tmp_path_factory.mktemp(backend)
        runs[backend] = (
            autograder(
                "grade-batch",
                str(root),
                "--out",
                str(out),
                "--exercise",
                EXERCISE,
                "--jobs",
                "1",
                "--backend",
                backend,
            ),
            out,
        )
    return runs


@needs_ray
@pytest.mark.slow
def test_the_ray_batch_completes(both_backends):
    run, out = both_backends["ray"]
    assert run.returncode == 0, run.stderr[-2000:]
    assert (out / "gradebook.csv").exists() and (out / "summary.json").exists()


@needs_ray
@pytest.mark.slow
def test_ray_results_equal_the_local_backends(both_backends):
    local, ray = outcomes(both_backends["local"][1]), outcomes(both_backends["ray"][1])
    assert sorted(ray) == ["ada", "bo", "cy", "eli"]
    assert ray["eli"][0] == 0 and set(ray["eli"][1].values()) == {"error"}
    assert ray == local


@needs_ray
@pytest.mark.slow
def test_ray_writes_the_same_gradebook_rows(both_backends):
    def rows(out):
        lines = (out / "gradebook.csv").read_text().splitlines()
        return lines

    assert rows(both_backends["ray"][1]) == rows(both_backends["local"][1])
