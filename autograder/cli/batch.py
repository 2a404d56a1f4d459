"""`autograder grade-batch` (a class) and `autograder merge` (shards into one gradebook): parsing, then
delegating to `autograder.batch.driver` and the report writers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.cli.common import CommandError, emit
from autograder.cli.options import add_grade_options, grade_options
from autograder.i18n import Text


def register(sub) -> None:
    batch = sub.add_parser(
        "grade-batch", help="grade a class: each folder or .zip in SUBMISSIONS is one student"
    )
    batch.add_argument("submissions", type=Path, help="folder holding one folder or .zip per student")
    batch.add_argument(
        "--out", type=Path, required=True, help="results folder (students/*.json, gradebook.csv)"
    )
    batch.add_argument(
        "--jobs", type=int, default=None, help="students graded in parallel (default: from cores and memory)"
    )
    batch.add_argument(
        "--resume",
        action="store_true",
        help="keep results whose submission and grader are unchanged; regrade the rest, saying why",
    )
    add_grade_options(batch)
    batch.add_argument(
        "--shard",
        default=None,
        metavar="I/N",
        help="grade only slice I of N (deterministic and balanced; for a CI matrix)",
    )
    batch.add_argument(
        "--backend",
        default="local",
        choices=["local", "ray"],
        help="local job slots, or tasks on a Ray cluster (pip install '.[ray]')",
    )
    batch.add_argument(
        "--address", default=None, help="with --backend ray: the cluster to join (default: start a local one)"
    )
    batch.add_argument(
        "--nbgrader",
        action="store_true",
        help="SUBMISSIONS is nbgrader's submitted/: grade each student's notebooks' answer cells",
    )
    batch.add_argument(
        "--nbgrader-csv",
        type=Path,
        default=None,
        metavar="CSV",
        help="with --nbgrader: also write the scores as `nbgrader export`'s grades.csv",
    )
    batch.add_argument(
        "--canvas-csv",
        type=Path,
        default=None,
        metavar="CSV",
        help="also write the scores as a gradebook CSV for Canvas's Grades > Import",
    )
    batch.add_argument(
        "--canvas-roster",
        type=Path,
        default=None,
        metavar="CSV",
        help="with --canvas-csv: Canvas's gradebook export, to match folders to Canvas ids",
    )
    batch.set_defaults(handler=cmd_grade_batch)
    merge = sub.add_parser("merge", help="merge grade-batch results folders (shards) into one gradebook")
    merge.add_argument("results", type=Path, nargs="+", help="results folders written by grade-batch --out")
    merge.add_argument("--out", type=Path, required=True, help="the merged results folder")
    merge.set_defaults(handler=cmd_merge)


def cmd_grade_batch(args: argparse.Namespace) -> int:
    from autograder.batch import driver, folder
    from autograder.batch.slots import default_jobs
    from autograder.options import BatchOptions
    from autograder.reports import html

    if args.nbgrader_csv and not args.nbgrader:
        raise CommandError("--nbgrader-csv goes with --nbgrader")
    roster = canvas_roster(args)
    jobs = args.jobs or default_jobs()
    options = BatchOptions(
        grade=grade_options(args, threads=driver.threads_per_slot(jobs)),
        jobs=jobs,
        resume=args.resume,
        backend=args.backend,
        address=args.address,
        nbgrader=args.nbgrader,
    )
    run = driver.run(args.submissions, args.out, options, shard=args.shard)
    print_summary(run.summary, args.out)
    print(html.publish(args.out))
    if args.nbgrader_csv:
        from autograder.nbgrader import submissions as notebooks

        emit(notebooks.batch_csv(folder.load_results(args.out), run.roster.students), args.nbgrader_csv)
        print(f"nbgrader grades: {args.nbgrader_csv}")
    if args.canvas_csv:
        write_canvas_csv(folder.load_results(args.out), roster, args.canvas_csv)
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
    from autograder.batch import folder
    from autograder.reports import html

    print_summary(folder.merge(args.results, args.out), args.out)
    print(html.publish(args.out))
    return 0


def print_summary(summary: dict, out: Path) -> None:
    """The class in a few lines: counts, mean and median, each exercise, and a note on mixed graders."""
    print(
        Text(
            f"{summary['students']} students ({summary['errors']} could not be graded): "
            f"mean {summary['mean']}, median {summary['median']} of {summary['max_score']}",
            f"{summary['students']} 名学生（{summary['errors']} 名无法评分）：平均 {summary['mean']}，"
            f"中位数 {summary['median']}，满分 {summary['max_score']}",
        ).render()
    )
    for exercise_id, row in summary["exercises"].items():
        scores = f"{row['mean']:>6} / {row['max_score']:<5g}"
        print(
            f"  {exercise_id:<24} "
            + Text(
                f"mean {scores} full marks {row['pass_rate']:.0%}",
                f"平均 {scores} 满分率 {row['pass_rate']:.0%}",
            ).render()
        )
    graders = len(summary.get("fingerprints", {}))
    if graders > 1:
        print(
            Text(
                f"note: these results were made by {graders} different graders (summary.json: fingerprints); "
                f"grade-batch --resume regrades those the current grader did not make",
                f"注意：这些结果由 {graders} 个不同的评分程序给出（见 summary.json 的 fingerprints）；"
                f"grade-batch --resume 会重评不是由当前评分程序给出的结果",
            ).render()
        )
    print(f"results: {out / 'gradebook.csv'}, {out / 'summary.json'}, {out / 'students'}/")
