"""`autograder grade-batch` (a class) and `autograder merge` (shards into one gradebook)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder import catalog
from autograder.cli.common import CommandError, emit


def register(sub) -> None:
    batch = sub.add_parser("grade-batch", help="grade a class: each folder or .zip in SUBMISSIONS is one student")
    batch.add_argument("submissions", type=Path, help="folder holding one folder or .zip per student")
    batch.add_argument("--out", type=Path, required=True, help="results folder (students/*.json, gradebook.csv)")
    batch.add_argument("--jobs", type=int, default=None, help="students graded in parallel (default: from cores and memory)")
    batch.add_argument("--resume", action="store_true", help="skip students already graded with the same submission")
    batch.add_argument("--exercise", action="append", default=[], metavar="ID", help="grade only this exercise")
    batch.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (default: cpu)")
    batch.add_argument("--isolation", default="auto", choices=["auto", "strict", "reduced", "minimal"])
    batch.add_argument("--data-root", type=Path, default=None)
    batch.add_argument("--time-scale", type=float, default=1.0)
    batch.add_argument("--shard", default=None, metavar="I/N",
                       help="grade only slice I of N (deterministic and balanced; for a CI matrix)")
    batch.add_argument("--backend", default="local", choices=["local", "ray"],
                       help="local job slots, or tasks on a Ray cluster (pip install '.[ray]')")
    batch.add_argument("--address", default=None, help="with --backend ray: the cluster to join (default: start a local one)")
    batch.add_argument("--nbgrader", action="store_true",
                       help="SUBMISSIONS is nbgrader's submitted/: grade each student's notebooks' answer cells")
    batch.add_argument("--nbgrader-csv", type=Path, default=None, metavar="CSV",
                       help="with --nbgrader: also write the scores as `nbgrader export`'s grades.csv")
    batch.add_argument("--canvas-csv", type=Path, default=None, metavar="CSV",
                       help="also write the scores as a gradebook CSV for Canvas's Grades > Import")
    batch.add_argument("--canvas-roster", type=Path, default=None, metavar="CSV",
                       help="with --canvas-csv: Canvas's gradebook export, to match folders to Canvas ids")
    batch.set_defaults(handler=cmd_grade_batch)
    merge = sub.add_parser("merge", help="merge grade-batch results folders (shards) into one gradebook")
    merge.add_argument("results", type=Path, nargs="+", help="results folders written by grade-batch --out")
    merge.add_argument("--out", type=Path, required=True, help="the merged results folder")
    merge.set_defaults(handler=cmd_merge)


def cmd_grade_batch(args: argparse.Namespace) -> int:
    from autograder import batch
    from autograder.data import default_root
    from autograder.reports import html

    for exercise_id in args.exercise:
        catalog.get(exercise_id)
    if args.nbgrader_csv and not args.nbgrader:
        raise CommandError("--nbgrader-csv goes with --nbgrader")
    roster = canvas_roster(args)
    students = batch.discover(args.submissions)
    exercises = args.exercise
    if args.nbgrader and not exercises:  # every shard grades the same exercises: those anyone submitted
        from autograder import notebook_submissions

        exercises = notebook_submissions.exercises_found([student.path for student in students])
        if not exercises:
            raise CommandError(f"no student folder in {args.submissions} holds an exercise notebook")
    if args.shard:
        students = batch.shard(students, *batch.parse_shard(args.shard))
        print(f"shard {args.shard}: {len(students)} students")
    jobs = args.jobs or batch.default_jobs()
    options = batch.BatchOptions(exercises=exercises, device=args.device, isolation=args.isolation,
                                 data_root=args.data_root or default_root(), time_scale=args.time_scale,
                                 jobs=jobs, threads=max(1, (os.cpu_count() or 1) // jobs), resume=args.resume,
                                 backend=args.backend, address=args.address, nbgrader=args.nbgrader)
    summary = batch.run(args.submissions, args.out, options, students)
    print_summary(summary, args.out)
    print(html.publish(args.out))
    if args.nbgrader_csv:
        from autograder import notebook_submissions

        emit(notebook_submissions.batch_csv(batch.load_results(args.out), students), args.nbgrader_csv)
        print(f"nbgrader grades: {args.nbgrader_csv}")
    if args.canvas_csv:
        write_canvas_csv(batch.load_results(args.out), roster, args.canvas_csv)
    return 0


def canvas_roster(args: argparse.Namespace):
    """The Canvas roster named by --canvas-roster, read before grading so a bad file fails fast."""
    if args.canvas_roster and not args.canvas_csv:
        raise CommandError("--canvas-roster goes with --canvas-csv")
    if not args.canvas_roster:
        return None
    from autograder.reports import canvas

    return canvas.read_roster(args.canvas_roster)


def write_canvas_csv(results: list[dict], roster, path: Path) -> None:
    """Canvas's import CSV; the students it had to leave out, and why, on stderr."""
    from autograder.reports import canvas

    export = canvas.canvas_csv(results, roster)
    emit(export.text, path)
    print(f"Canvas gradebook: {path}")
    for line in export.left_out:
        print(f"autograder: left out of the Canvas CSV: {line}", file=sys.stderr)


def cmd_merge(args: argparse.Namespace) -> int:
    from autograder import batch
    from autograder.reports import html

    print_summary(batch.merge(args.results, args.out), args.out)
    print(html.publish(args.out))
    return 0


def print_summary(summary: dict, out: Path) -> None:
    print(f"{summary['students']} students ({summary['errors']} could not be graded): mean {summary['mean']}, "
          f"median {summary['median']} of {summary['max_score']}")
    for exercise_id, row in summary["exercises"].items():
        print(f"  {exercise_id:<24} mean {row['mean']:>6} / {row['max_score']:<5g} full marks {row['pass_rate']:.0%}")
    print(f"results: {out / 'gradebook.csv'}, {out / 'summary.json'}, {out / 'students'}/")
