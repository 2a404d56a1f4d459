"""Grading time per exercise for the reference solutions, median of several runs, as Markdown.

Measures what the hidden checks cost (the grader's own reference work, the probes, the runner for files)
with one warm sandbox, so the checks of two versions of the kit can be compared on one machine:

    python bench/bench_checks.py --runs 5 06_conv_shapes 07_maxpool
    PYTHONPATH=/path/to/other/checkout python bench/bench_checks.py --kit /path/to/other/checkout ...
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

DEFAULT = [
    "04_transforms",
    "06_conv_shapes",
    "07_maxpool",
    "08_activations",
    "09_sequential",
    "10_losses",
    "12_vgg16_modify",
    "13_save_load",
    "16_autograd",
    "19_onnx_export",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exercises", nargs="*", default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--kit",
        type=Path,
        default=Path(__file__).resolve().parents[1],
        help="the checkout to measure (its solutions and its checks)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(args.kit))
    from autograder import grading
    from autograder.sandbox import Sandbox

    box = Sandbox().start()
    times: dict[str, list[float]] = {exercise: [] for exercise in args.exercises}
    try:
        for _ in range(args.runs):
            for exercise in args.exercises:
                started = time.monotonic()
                result = grading.grade(
                    args.kit / "solutions" / exercise,
                    grading.GradeOptions(exercises=[exercise], device="cpu", threads=2),
                    sandbox=box,
                )
                times[exercise].append(time.monotonic() - started)
                (graded,) = result.exercises
                assert graded.score == graded.max_score, (exercise, graded.score, graded.max_score)
    finally:
        box.close()
    print(f"| exercise | median of {args.runs} runs (s) | fastest (s) |\n| --- | --- | --- |")
    for exercise, measured in times.items():
        print(f"| {exercise} | {statistics.median(measured):.2f} | {min(measured):.2f} |")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
