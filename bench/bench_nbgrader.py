"""nbgrader autograde versus the kit's hardened path, side by side, as Markdown.

Both grade the same N submissions (copies of the source notebooks, so every score is full
marks and both must agree) of the same exercises, with the same hidden checks, on this
machine: `nbgrader autograde <exercise>` for each exercise (nbgrader grades one notebook at a
time), then `autograder grade-batch --nbgrader` with one job slot and with the default number.
Wall times include every process start-up; per student = total / N.

    python bench/bench_nbgrader.py                   # 3 students, the nine core exercises
    python bench/bench_nbgrader.py --students 5 --exercise 07_maxpool
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))

from machine import describe  # noqa: E402

from autograder import catalog  # noqa: E402
from autograder.batch.slots import default_jobs  # noqa: E402
from autograder.nbgrader import app, build  # noqa: E402

CORE = (
    "02_custom_dataset",
    "04_transforms",
    "06_conv_shapes",
    "07_maxpool",
    "10_losses",
    "11_optimizer_step",
    "12_vgg16_modify",
    "13_save_load",
    "14_cifar10_training",
)
BIN = Path(sys.executable).parent


def timed(command: list[str], cwd: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        command,
        cwd=cwd,
        env=app.nbgrader_env(),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def scores(path: Path, student_column: str, score_column: str) -> dict[tuple[str, str], float]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            (row[student_column], row["assignment"]): float(row[score_column])
            for row in csv.DictReader(handle)
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=3)
    parser.add_argument("--exercise", action="append", default=[], help="default: the nine core exercises")
    args = parser.parse_args()
    exercises = [catalog.get(i) for i in (args.exercise or CORE)]
    course = Path(tempfile.mkdtemp(prefix="bench-nbgrader-"))
    try:
        build.build(course, [e.id for e in exercises])
        app.release(course, [e.id for e in exercises])
        students = [f"student-{n:02d}" for n in range(1, args.students + 1)]
        for student in students:
            for exercise in exercises:
                name = build.notebook_path(exercise)
                target = course / "submitted" / student / exercise.id / name
                target.parent.mkdir(parents=True)
                shutil.copy(course / "source" / exercise.id / name, target)

        import nbgrader

        load = f"load average before the run {os.getloadavg()[0]:.1f}"
        print(f"Machine: {describe(f'nbgrader {nbgrader.__version__}', load)}\n")
        nbgrader_s = sum(
            timed([str(BIN / "nbgrader"), "autograde", exercise.id], course) for exercise in exercises
        )
        timed([str(BIN / "nbgrader"), "export"], course)
        expected = scores(course / "grades.csv", "student_id", "score")
        rows = [("`nbgrader autograde`, one exercise after another", 1, nbgrader_s)]
        for jobs in sorted({1, default_jobs()}):
            out = course / f"kit-{jobs}"
            seconds = timed(
                [
                    str(BIN / "autograder"),
                    "grade-batch",
                    str(course / "submitted"),
                    "--nbgrader",
                    "--out",
                    str(out),
                    "--jobs",
                    str(jobs),
                    "--nbgrader-csv",
                    str(out / "grades.csv"),
                ],
                course,
            )
            if scores(out / "grades.csv", "student_id", "score") != expected:
                raise SystemExit(f"the kit's scores (jobs={jobs}) differ from nbgrader's: see {out}")
            rows.append((f"`autograder grade-batch --nbgrader --jobs {jobs}`", jobs, seconds))

        count = len(students)
        print(
            f"{count} students x {len(exercises)} exercises ({', '.join(e.id for e in exercises)}); "
            f"every score equal in both, {sum(expected.values()) / count:g} per student\n"
        )
        print("| grader | job slots | wall time | per student | nbgrader / this |")
        print("| --- | --- | --- | --- | --- |")
        for label, jobs, seconds in rows:
            print(
                f"| {label} | {jobs} | {seconds:.1f} s | {seconds / count:.1f} s | "
                f"{nbgrader_s / seconds:.1f}x |"
            )
    finally:
        shutil.rmtree(course, ignore_errors=True)


if __name__ == "__main__":
    main()
