"""The `autograder` command line.

Exit status: 0 when the command did its job (whatever the score), 1 when
`sync --check` finds stale stubs, 2 when the grader itself could not run.
Heavy modules (torch) are imported only after the sandbox's template has
been launched, so the two imports overlap.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder import catalog
from autograder.errors import KitError


class CommandError(KitError):
    """A problem to report in one line and exit with status 2."""


def _add_grade(sub) -> None:
    grade = sub.add_parser("grade", help="grade one submission (a repo, an exercises/ folder, or one exercise)")
    grade.add_argument("path", type=Path, help="the submission: repo root, exercises/ folder, solutions/, or NN_topic/")
    grade.add_argument("--exercise", action="append", default=[], metavar="ID",
                       help="grade only this exercise (repeatable), e.g. 07_maxpool")
    grade.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N (default: auto)")
    grade.add_argument("--format", default=None, choices=["table", "json", "gradescope", "junit"],
                       help="output format (default: table on a terminal, json otherwise)")
    grade.add_argument("--output", type=Path, help="write the report here instead of stdout")
    grade.add_argument("--lang", default="both", choices=["en", "zh", "both"], help="language of feedback")
    grade.add_argument("--data-root", type=Path, default=None,
                       help="folder with real data sets (default: $AUTOGRADER_DATA, else synthetic data)")
    grade.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1),
                       help="torch threads per worker")
    grade.add_argument("--isolation", default="auto", choices=["auto", "strict", "reduced", "minimal"],
                       help="sandbox level; a named level refuses to grade with less (default: the best available)")
    grade.add_argument("--time-scale", type=float, default=1.0,
                       help="multiply every time limit by this (e.g. 2 on a slow machine)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="PyTorch exercise kit: grading and generation")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_grade(sub)
    sync = sub.add_parser("sync", help="regenerate exercises/ stubs from solutions/")
    sync.add_argument("--check", action="store_true", help="only check; exit 1 if a stub is stale or missing")
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
    bundle = sub.add_parser("gradescope-bundle", help="write a Gradescope autograder zip (setup.sh, run_autograder)")
    bundle.add_argument("out", type=Path, help="the zip to write, e.g. autograder.zip")
    sub.add_parser("doctor", help="what this machine offers for sandboxing, and how to add what is missing")
    data = sub.add_parser("data", help="show which data the grader will use; --real downloads the real sets")
    data.add_argument("--real", action="store_true", help="download real CIFAR-10 and ants/bees (needs a network)")
    data.add_argument("--data-root", type=Path, default=None, help="where real data lives or is downloaded to")
    return parser


def cmd_grade(args: argparse.Namespace) -> int:
    from autograder.sandbox import Sandbox
    from autograder.submission import locate

    locate(args.path)
    for exercise_id in args.exercise:
        catalog.get(exercise_id)
    sandbox = Sandbox(level=args.isolation).start()
    try:
        from autograder import checking, grading, reports
        from autograder.data import default_root

        checking.LANGUAGE = args.lang
        options = grading.GradeOptions(exercises=args.exercise, device=args.device, threads=args.threads,
                                       data_root=args.data_root or default_root(), time_scale=args.time_scale)
        result = grading.grade(args.path, options, sandbox=sandbox)
    finally:
        sandbox.close()
    fmt = args.format or ("table" if sys.stdout.isatty() or args.output is None else "json")
    text = reports.render(result, fmt)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from autograder import stubs

    statuses = stubs.sync(check_only=args.check)
    changed = [status for status in statuses if status.state != "fresh"]
    for status in changed:
        verb = {"stale": "is stale", "missing": "is missing"}[status.state] if args.check else "regenerated"
        print(f"{status.path.relative_to(catalog.KIT_ROOT)} {verb}")
    if args.check and changed:
        print("run `autograder sync` to regenerate the stubs from solutions/", file=sys.stderr)
        return 1
    if not changed:
        print(f"all {len(statuses)} stubs are up to date")
    return 0


def cmd_data(args: argparse.Namespace) -> int:
    from autograder.data import DataStore, default_root, fetch_real

    root = args.data_root or default_root()
    if args.real:
        if root is None:
            raise CommandError("--real needs a --data-root (or $AUTOGRADER_DATA) to download into")
        for line in fetch_real(root):
            print(line)
    print(DataStore(root).describe())
    return 0


def cmd_grade_batch(args: argparse.Namespace) -> int:
    from autograder import batch
    from autograder.data import default_root

    for exercise_id in args.exercise:
        catalog.get(exercise_id)
    students = batch.discover(args.submissions)
    jobs = args.jobs or batch.default_jobs()
    options = batch.BatchOptions(exercises=args.exercise, device=args.device, isolation=args.isolation,
                                 data_root=args.data_root or default_root(), time_scale=args.time_scale,
                                 jobs=jobs, threads=max(1, (os.cpu_count() or 1) // jobs), resume=args.resume)
    summary = batch.run(args.submissions, args.out, options, students)
    print(f"{summary['students']} students ({summary['errors']} could not be graded): mean {summary['mean']}, "
          f"median {summary['median']} of {summary['max_score']}")
    for exercise_id, row in summary["exercises"].items():
        print(f"  {exercise_id:<24} mean {row['mean']:>6} / {row['max_score']:<5g} full marks {row['pass_rate']:.0%}")
    print(f"results: {args.out / 'gradebook.csv'}, {args.out / 'summary.json'}, {args.out / 'students'}/")
    return 0


def cmd_gradescope_bundle(args: argparse.Namespace) -> int:
    from autograder import bundles

    print(f"wrote {bundles.gradescope_bundle(args.out)}: upload it as the assignment's autograder")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from autograder import doctor

    sys.stdout.write(doctor.report())
    return 0


COMMANDS = {"grade": cmd_grade, "grade-batch": cmd_grade_batch, "sync": cmd_sync, "data": cmd_data,
            "doctor": cmd_doctor, "gradescope-bundle": cmd_gradescope_bundle}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KitError as exc:
        print(f"autograder: {exc}", file=sys.stderr)
        return 2


def run() -> None:
    """Console entry point: main(), then leave at once (tearing torch's modules down takes over a second)."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
