"""Per-exercise grading time of the reference solutions, here and (with --compare) in another checkout.

Each run is one `autograder grade <kit>/solutions --format json` in a fresh process, at one isolation
level; an exercise's time is the `duration_s` the grader records for it (its checks, its workers and
their probes; not the grader's start-up). Runs of the two checkouts alternate, so a change in the
machine's load falls on both. Prints a Markdown table of medians with the machine it ran on.

  python bench/per_exercise_time.py --runs 3
  python bench/per_exercise_time.py --runs 3 --compare /path/to/an/older/checkout
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
from machine import describe  # noqa: E402


def one_run(kit: Path, isolation: str) -> tuple[dict[str, float], dict[str, str], float]:
    """(seconds per exercise, "score / max" per exercise, wall seconds) of one grading of kit's solutions."""
    env = {**os.environ, "PYTHONPATH": str(kit)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(kit / "solutions"), "--format", "json"]
        + ["--isolation", isolation],
        cwd=kit,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    wall = time.perf_counter() - started
    result = json.loads(done.stdout)
    times = {e["id"]: float(e["duration_s"]) for e in result["exercises"]}
    scores = {e["id"]: f"{e['score']:g} / {e['max_score']:g}" for e in result["exercises"]}
    return times, scores, wall


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--isolation", default="strict")
    parser.add_argument("--compare", type=Path, help="an older checkout of the kit, measured alternately")
    args = parser.parse_args()
    kits = [KIT] + ([args.compare.resolve()] if args.compare else [])
    times: dict[Path, dict[str, list[float]]] = {kit: {} for kit in kits}
    walls: dict[Path, list[float]] = {kit: [] for kit in kits}
    scores: dict[Path, dict[str, str]] = {}
    for _ in range(args.runs):
        for kit in reversed(kits):
            got, scores[kit], wall = one_run(kit, args.isolation)
            walls[kit].append(wall)
            for exercise, seconds in got.items():
                times[kit].setdefault(exercise, []).append(seconds)
    load = os.getloadavg()[0]
    print(
        f"Machine: {describe()}; isolation {args.isolation}; median of {args.runs} runs; "
        f"load {load:.1f} at the end\n"
    )
    if len(kits) == 1:
        print("| exercise | score | seconds |\n| --- | --- | --- |")
        for exercise, values in sorted(times[KIT].items()):
            print(f"| {exercise} | {scores[KIT][exercise]} | {statistics.median(values):.2f} |")
        print(f"| whole run, wall | | {statistics.median(walls[KIT]):.1f} |")
        return
    old = kits[1]
    print(
        "| exercise | before (s) | after (s) | after / before | score after |\n"
        "| --- | --- | --- | --- | --- |"
    )
    for exercise in sorted(set(times[KIT]) | set(times[old])):
        before = statistics.median(times[old][exercise]) if exercise in times[old] else None
        after = statistics.median(times[KIT][exercise]) if exercise in times[KIT] else None
        ratio = f"{after / before:.2f}" if before and after else "–"
        show = [f"{v:.2f}" if v is not None else "–" for v in (before, after)]
        print(f"| {exercise} | {show[0]} | {show[1]} | {ratio} | {scores[KIT].get(exercise, '–')} |")
    print(
        f"| whole run, wall | {statistics.median(walls[old]):.1f} | {statistics.median(walls[KIT]):.1f} | | |"
    )


if __name__ == "__main__":
    main()
