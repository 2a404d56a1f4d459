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
    grade.add_argument("--fail-under", type=float, default=None, metavar="PERCENT",
                       help="exit 1 when the score is below this percentage of the maximum (for CI)")
    grade.add_argument("--nbgrader", action="store_true",
                       help="PATH is an nbgrader submission (a notebook, or a folder of them): grade its answer cells")
    grade.add_argument("--nbgrader-csv", type=Path, default=None, metavar="CSV",
                       help="with --nbgrader: also write the scores as `nbgrader export`'s grades.csv")


def _add_nbgrader(sub) -> None:
    nbgrader = sub.add_parser("nbgrader", help="nbgrader assignments from the same sources")
    commands = nbgrader.add_subparsers(dest="nbgrader_command", required=True)
    build = commands.add_parser("build", help="write an nbgrader course: nbgrader_config.py and source/<exercise>/")
    build.add_argument("course", type=Path, help="the course directory (created if missing)")
    build.add_argument("--exercise", action="append", default=[], metavar="ID",
                       help="build only this exercise (repeatable; default: all)")
    build.add_argument("--course-id", default="torch-exercise-kit", help="nbgrader's course id")
    build.add_argument("--data-root", type=Path, default=None,
                       help="real data for the hidden checks, written into nbgrader_config.py (default: synthetic)")
    build.add_argument("--check", action="store_true", help="only compare; exit 1 if a file is stale or missing")
    build.add_argument("--release", action="store_true",
                       help="then run nbgrader generate_assignment for each exercise (needs nbgrader)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="PyTorch exercise kit: grading and generation")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_grade(sub)
    _add_nbgrader(sub)
    report = sub.add_parser("report", help="render a result JSON written by grade in another format")
    report.add_argument("result", type=Path, help="a result file from `grade --format json`")
    report.add_argument("--format", default="table", choices=["table", "json", "gradescope", "junit"])
    report.add_argument("--output", type=Path, help="write the report here instead of stdout")
    report.add_argument("--lang", default="both", choices=["en", "zh", "both"], help="language of feedback")
    ci = sub.add_parser("ci-template", help="write a CI set-up for a course repository")
    ci.add_argument("kind", choices=["github", "shell"], help="github: an Actions workflow; shell: a script for any CI")
    ci.add_argument("--gpu", action="store_true", help="grade on a self-hosted GPU runner (checks nvidia-smi first)")
    ci.add_argument("--out", type=Path, default=Path("."), help="the course repository's root (default: here)")
    ci.add_argument("--fail-under", type=float, default=None, metavar="PERCENT",
                    help="fail the CI job below this percentage of the maximum score")
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
    batch.add_argument("--shard", default=None, metavar="I/N",
                       help="grade only slice I of N (deterministic and balanced; for a CI matrix)")
    batch.add_argument("--backend", default="local", choices=["local", "ray"],
                       help="local job slots, or tasks on a Ray cluster (pip install '.[ray]')")
    batch.add_argument("--address", default=None, help="with --backend ray: the cluster to join (default: start a local one)")
    batch.add_argument("--nbgrader", action="store_true",
                       help="SUBMISSIONS is nbgrader's submitted/: grade each student's notebooks' answer cells")
    batch.add_argument("--nbgrader-csv", type=Path, default=None, metavar="CSV",
                       help="with --nbgrader: also write the scores as `nbgrader export`'s grades.csv")
    merge = sub.add_parser("merge", help="merge grade-batch results folders (shards) into one gradebook")
    merge.add_argument("results", type=Path, nargs="+", help="results folders written by grade-batch --out")
    merge.add_argument("--out", type=Path, required=True, help="the merged results folder")
    bundle = sub.add_parser("gradescope-bundle", help="write a Gradescope autograder zip (setup.sh, run_autograder)")
    bundle.add_argument("out", type=Path, help="the zip to write, e.g. autograder.zip")
    sub.add_parser("doctor", help="what this machine offers for sandboxing, and how to add what is missing")
    data = sub.add_parser("data", help="show which data the grader will use; --real downloads the real sets")
    data.add_argument("--real", action="store_true", help="download real CIFAR-10 and ants/bees (needs a network)")
    data.add_argument("--data-root", type=Path, default=None, help="where real data lives or is downloaded to")
    return parser


def cmd_grade(args: argparse.Namespace) -> int:
    from autograder import notebook_submissions
    from autograder.sandbox import Sandbox
    from autograder.submission import locate

    if args.nbgrader_csv and not args.nbgrader:
        raise CommandError("--nbgrader-csv goes with --nbgrader")
    if args.nbgrader:
        notebook_submissions.find_notebooks(args.path)
    else:
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
        grader = notebook_submissions.grade if args.nbgrader else grading.grade
        result = grader(args.path, options, sandbox=sandbox)
    finally:
        sandbox.close()
    fmt = args.format or ("table" if sys.stdout.isatty() or args.output is None else "json")
    _emit(reports.render(result, fmt), args.output)
    if args.nbgrader_csv:
        row = (notebook_submissions.student_id(args.path), result.to_dict(), notebook_submissions.timestamps(args.path))
        _emit(notebook_submissions.nbgrader_csv([row]), args.nbgrader_csv)
    if args.fail_under is not None and result.score < args.fail_under / 100 * result.max_score:
        print(f"autograder: score {result.score:g} / {result.max_score:g} is below --fail-under {args.fail_under:g}%",
              file=sys.stderr)
        return 1
    return 0


def _emit(text: str, output: Path | None) -> None:
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def cmd_report(args: argparse.Namespace) -> int:
    import json

    from autograder import checking, reports
    from autograder.results import GradeResult

    checking.LANGUAGE = args.lang
    try:
        result = GradeResult.from_dict(json.loads(args.result.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CommandError(f"{args.result}: not a result written by `autograder grade --format json` ({exc})") from None
    _emit(reports.render(result, args.format), args.output)
    return 0


def cmd_ci_template(args: argparse.Namespace) -> int:
    from autograder import ci_templates

    path = ci_templates.write(args.kind, args.out, gpu=args.gpu, fail_under=args.fail_under)
    print(f"wrote {path}")
    return 0


def cmd_nbgrader(args: argparse.Namespace) -> int:
    from autograder import notebooks

    for exercise_id in args.exercise:
        catalog.get(exercise_id)
    if args.release and args.check:
        raise CommandError("--release and --check do not go together")
    if args.release:
        notebooks.require_nbgrader("autograder nbgrader build --release")
    statuses = notebooks.build(args.course, args.exercise, args.course_id, args.data_root, check_only=args.check)
    changed = [status for status in statuses if status.state != "fresh"]
    for status in changed:
        print(f"{status.path} {'is ' + status.state if args.check else 'written'}")
    if args.check and changed:
        print("run `autograder nbgrader build` to regenerate the course from the sources", file=sys.stderr)
        return 1
    if not changed:
        print(f"all {len(statuses)} files in {args.course} are up to date")
    if args.release:
        for folder in notebooks.release(args.course, args.exercise or [e.id for e in catalog.exercises()]):
            print(f"released {folder}")
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
    if args.nbgrader_csv and not args.nbgrader:
        raise CommandError("--nbgrader-csv goes with --nbgrader")
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
    _print_summary(summary, args.out)
    if args.nbgrader_csv:
        from autograder import notebook_submissions

        _emit(notebook_submissions.batch_csv(batch.load_results(args.out), students), args.nbgrader_csv)
        print(f"nbgrader grades: {args.nbgrader_csv}")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from autograder import batch

    _print_summary(batch.merge(args.results, args.out), args.out)
    return 0


def _print_summary(summary: dict, out: Path) -> None:
    print(f"{summary['students']} students ({summary['errors']} could not be graded): mean {summary['mean']}, "
          f"median {summary['median']} of {summary['max_score']}")
    for exercise_id, row in summary["exercises"].items():
        print(f"  {exercise_id:<24} mean {row['mean']:>6} / {row['max_score']:<5g} full marks {row['pass_rate']:.0%}")
    print(f"results: {out / 'gradebook.csv'}, {out / 'summary.json'}, {out / 'students'}/")


def cmd_gradescope_bundle(args: argparse.Namespace) -> int:
    from autograder import bundles

    print(f"wrote {bundles.gradescope_bundle(args.out)}: upload it as the assignment's autograder")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from autograder import doctor

    sys.stdout.write(doctor.report())
    return 0


COMMANDS = {"grade": cmd_grade, "grade-batch": cmd_grade_batch, "sync": cmd_sync, "data": cmd_data,
            "doctor": cmd_doctor, "gradescope-bundle": cmd_gradescope_bundle, "merge": cmd_merge,
            "report": cmd_report, "ci-template": cmd_ci_template, "nbgrader": cmd_nbgrader}


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
