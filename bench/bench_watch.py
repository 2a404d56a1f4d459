"""Feedback latency: from saving an exercise's file to the printed result of its visible tests.

Two ways of getting that result after a save, in the same run, on the same student's copy of one
exercise (solved, so every run is a complete pass):

  watch  `autograder watch NN` already running: torch is imported once, each save is answered by a
         child forked from that warm process. Measured from the write of the file to the line
         "NN_topic: all N visible tests pass" on the watcher's stdout.
  cold   `python -m pytest exercises/NN_topic` started after the save, as a student without watch
         would: measured from the start of the process to its exit.

    python bench/bench_watch.py                      # 07_maxpool, 15 saves each
    python bench/bench_watch.py --exercise 10_losses --runs 25
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))
from machine import describe as machine_line  # noqa: E402

from autograder import catalog  # noqa: E402


def workspace(exercise: catalog.Exercise) -> Path:
    """A student's copy of one exercise with the reference solution in place."""
    root = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    (root / "exercises").mkdir()
    shutil.copy(catalog.EXERCISES_DIR / "conftest.py", root / "exercises")
    shutil.copytree(
        catalog.EXERCISES_DIR / exercise.id,
        root / "exercises" / exercise.id,
        ignore=shutil.ignore_patterns("__pycache__", "*.bak"),
    )
    shutil.copy(exercise.solution_file, root / "exercises" / exercise.id / exercise.filename)
    return root


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(KIT), "AUTOGRADER_LANG": "en"}


def save(path: Path, counter: int) -> None:
    """What an editor does: write the file again, changed."""
    text = re.sub(r"\n# save \d+\n$", "\n", path.read_text())
    path.write_text(text + f"# save {counter}\n")


def watch_latencies(root: Path, exercise: catalog.Exercise, runs: int) -> list[float]:
    done = re.compile(rf"^{exercise.id}: all \d+ visible tests pass")
    process = subprocess.Popen(
        [sys.executable, "-m", "autograder", "watch", exercise.id[:2]],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment(),
    )
    target = root / "exercises" / exercise.id / exercise.filename
    latencies = []
    try:
        for line in process.stdout:
            if line.startswith("Waiting for a save"):
                break
        for counter in range(runs):
            time.sleep(0.3)
            started = time.perf_counter()
            save(target, counter)
            for line in process.stdout:
                if done.match(line):
                    latencies.append(time.perf_counter() - started)
                    break
                if "visible tests pass" in line:
                    raise SystemExit(f"a run did not pass: {line.strip()}")
    finally:
        process.terminate()
        process.wait(timeout=30)
    return latencies


def cold_latencies(root: Path, exercise: catalog.Exercise, runs: int) -> list[float]:
    latencies = []
    for counter in range(runs):
        save(root / "exercises" / exercise.id / exercise.filename, counter)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"exercises/{exercise.id}"],
            cwd=root,
            env=environment(),
            capture_output=True,
            check=True,
        )
        latencies.append(time.perf_counter() - started)
    return latencies


def describe(name: str, values: list[float]) -> str:
    return (
        f"| {name} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} | {len(values)} "
        f"|"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--exercise", default="07_maxpool")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exercise = catalog.get(args.exercise)
    root = workspace(exercise)
    try:
        warm = watch_latencies(root, exercise, args.runs)
        cold = cold_latencies(root, exercise, args.runs)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"Save to printed result, {exercise.id}, seconds; {machine_line('load average ' + load)}\n")
    print("| how | median | min | max | saves |\n| --- | --- | --- | --- | --- |")
    print(describe("`autograder watch` (warm, forked)", warm))
    print(describe("cold `python -m pytest`", cold))


if __name__ == "__main__":
    main()
