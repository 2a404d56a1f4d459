"""Per-exercise grading time of the reference solutions, median of several runs, with one warm sandbox.

The time is the exercise's `duration_s` in the result (its hidden checks, workers included), so a
change to one exercise's checks can be compared before and after on the same machine:

    python bench/bench_exercise_times.py --exercise 03_tensorboard --exercise 15_inference --runs 5

Run it from each checkout to compare (it grades the checkout it lives in).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))

from autograder import catalog, grading  # noqa: E402
from autograder.sandbox import Sandbox  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", action="append", default=[], help="repeatable; default: all")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    exercises = args.exercise or [exercise.id for exercise in catalog.exercises()]
    times: dict[str, list[float]] = {exercise: [] for exercise in exercises}
    box = Sandbox().start()
    try:
        box.wait_ready()
        for _ in range(args.runs):
            options = grading.GradeOptions(exercises=exercises, device="cpu", threads=2)
            for result in grading.grade(catalog.SOLUTIONS_DIR, options, sandbox=box).exercises:
                times[result.id].append(result.duration_s)
    finally:
        box.close()
    load = os.getloadavg()[0]
    print(f"| exercise | median s ({args.runs} runs) | min s | max s |  (load average {load:.1f})")
    print("| --- | --- | --- | --- |")
    for exercise, values in times.items():
        print(f"| {exercise} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} |")


if __name__ == "__main__":
    main()
