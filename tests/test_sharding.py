"""grade-batch --shard I/N and `autograder merge`: slices that cover a class once, and a gradebook rebuilt
from them."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import catalog
from autograder.batch import students as roster
from autograder.errors import KitError

EXERCISE = "07_maxpool"


def students(count: int) -> list[roster.Student]:
    return [
        roster.Student(f"s{i:03d}", f"s{i:03d}", Path(f"/class/s{i:03d}"), "0" * 64) for i in range(count)
    ]


def test_shards_cover_every_student_exactly_once():
    everyone = students(23)
    slices = [roster.shard(everyone, i, 4) for i in range(1, 5)]
    keys = [s.key for part in slices for s in part]
    assert sorted(keys) == sorted(s.key for s in everyone)


def test_shards_are_balanced_to_within_one_student():
    sizes = [len(roster.shard(students(23), i, 4)) for i in range(1, 5)]
    assert max(sizes) - min(sizes) <= 1


def test_a_shard_does_not_depend_on_the_order_students_were_found():
    everyone = students(10)
    assert roster.shard(everyone, 2, 3) == roster.shard(list(reversed(everyone)), 2, 3)


@pytest.mark.parametrize("text", ["0/3", "4/3", "1", "a/b", "1/0"])
def test_a_bad_shard_is_refused_with_its_text(text):
    with pytest.raises(KitError, match="--shard"):
        roster.parse_shard(text)


def autograder(*args):
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=600,
    )


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    """Four students graded as two shards, then merged."""
    root = tmp_path_factory.mktemp("class")
    for name, source in (
        ("ann", catalog.SOLUTIONS_DIR),
        ("ben", catalog.EXERCISES_DIR),
        ("cat", catalog.SOLUTIONS_DIR),
        ("dan", catalog.EXERCISES_DIR),
    ):
        shutil.copytree(source / EXERCISE, root / name / EXERCISE)
    outs = [tmp_path_factory.mktemp(f"shard{i}") for i in (1, 2)]
    runs = [
        autograder(
            "grade-batch",
            str(root),
            "--out",
            str(out),
            "--exercise",
            EXERCISE,
            "--jobs",
            "1",
            "--shard",
            f"{i}/2",
        )
        for i, out in enumerate(outs, start=1)
    ]
    merged = tmp_path_factory.mktemp("merged")
    merge = autograder("merge", *map(str, outs), "--out", str(merged))
    return runs, outs, merge, merged


@pytest.mark.slow
def test_each_shard_grades_only_its_slice(sharded):
    runs, outs, _merge, _merged = sharded
    assert all(run.returncode == 0 for run in runs), [run.stderr for run in runs]
    graded = [sorted(p.stem for p in (out / "students").glob("*.json")) for out in outs]
    assert sorted(graded[0] + graded[1]) == ["ann", "ben", "cat", "dan"]
    assert len(graded[0]) == len(graded[1]) == 2


@pytest.mark.slow
def test_merge_rebuilds_one_gradebook_from_the_shards(sharded):
    _runs, _outs, merge, merged = sharded
    assert merge.returncode == 0, merge.stderr
    with open(merged / "gradebook.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert sorted(rows) == ["ann", "ben", "cat", "dan"]
    assert float(rows["ann"]["total"]) == float(rows["ann"]["max_total"]) > 0
    assert float(rows["ben"]["total"]) == 0
    assert json.loads((merged / "summary.json").read_text())["students"] == 4


@pytest.mark.slow
def test_merge_refuses_a_student_graded_differently_in_two_shards(sharded, tmp_path):
    _runs, outs, _merge, _merged = sharded
    forged = tmp_path / "forged"
    shutil.copytree(outs[0], forged)
    victim = next((forged / "students").glob("*.json"))
    data = json.loads(victim.read_text())
    data["score"] = data["max_score"] + 1
    victim.write_text(json.dumps(data))
    run = autograder("merge", str(outs[0]), str(forged), "--out", str(tmp_path / "merged"))
    assert run.returncode == 2
    assert "graded differently" in run.stderr and data["student"] in run.stderr


@pytest.mark.slow
def test_merge_accepts_the_same_result_twice(sharded, tmp_path):
    _runs, outs, _merge, _merged = sharded
    run = autograder("merge", str(outs[0]), str(outs[0]), str(outs[1]), "--out", str(tmp_path / "merged"))
    assert run.returncode == 0, run.stderr


def test_merge_names_a_folder_that_is_not_a_results_folder(tmp_path):
    run = autograder("merge", str(tmp_path), "--out", str(tmp_path / "merged"))
    assert run.returncode == 2 and str(tmp_path) in run.stderr
