"""`autograder grade-batch` (a class) and `autograder merge` (shards into one gradebook): parsing, then
delegating to `autograder.batch.driver`."""

from __future__ import annotations

import argparse
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
    batch.set_defaults(handler=cmd_grade_batch)
    merge = sub.add_parser("merge", help="merge grade-batch results folders (shards) into one gradebook")
    merge.add_argument("results", type=Path, nargs="+", help="results folders written by grade-batch --out")
    merge.add_argument("--out", type=Path, required=True, help="the merged results folder")
    merge.set_defaults(handler=cmd_merge)


def cmd_grade_batch(args: argparse.Namespace) -> int:
    from autograder.batch import driver, folder
    from autograder.batch.slots import default_jobs
    from autograder.options import BatchOptions

    if args.nbgrader_csv and not args.nbgrader:
        raise CommandError("--nbgrader-csv goes with --nbgrader")
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
    if args.nbgrader_csv:
        from autograder import notebook_submissions

        emit(
            notebook_submissions.batch_csv(folder.load_results(args.out), run.roster.students),
            args.nbgrader_csv,
        )
        print(f"nbgrader grades: {args.nbgrader_csv}")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from autograder.batch import folder

    print_summary(folder.merge(args.results, args.out), args.out)
    return 0


def print_summary(summary: dict, out: Path) -> None:
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
        print(f"  {exercise_id:<24} " + Text(f"mean {scores} full marks {row['pass_rate']:.0%}",
                                            f"平均 {scores} 满分率 {row['pass_rate']:.0%}").render())
    if len(summary.get("fingerprints", {})) > 1:
        print(
            Text(
                f"note: these results were graded by {len(summary['fingerprints'])} different graders "
                f"(see summary.json's fingerprints); grade-batch --resume regrades them alike",
                f"注意：这些结果由 {len(summary['fingerprints'])} 个不同的评分程序给出（见 summary.json 的 "
                f"fingerprints）；grade-batch --resume 会统一重新评分",
            ).render()
        )
    print(f"results: {out / 'gradebook.csv'}, {out / 'summary.json'}, {out / 'students'}/")
