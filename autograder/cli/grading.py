"""`autograder grade` (one submission) and `autograder report` (a saved result in another format)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autograder import i18n
from autograder.cli.common import CommandError, emit
from autograder.cli.options import add_grade_options, grade_options

FORMATS = ["table", "json", "gradescope", "junit", "html"]


def register(sub) -> None:
    grade = sub.add_parser("grade", help="grade one submission (a .zip, a repo, exercises/, or one exercise)")
    grade.add_argument(
        "path",
        type=Path,
        help="the submission: a .zip, a repo root (or a wrapper folder holding one), an "
        "exercises/ folder, solutions/, or one exercise folder NN_topic/ "
        "(`grade .` inside it)",
    )
    add_grade_options(grade)
    grade.add_argument(
        "--format",
        default=None,
        choices=FORMATS,
        help="output format (default: table on a terminal, json otherwise)",
    )
    grade.add_argument("--output", type=Path, help="write the report here instead of stdout")
    grade.add_argument(
        "--lang",
        default=None,
        choices=i18n.LANGUAGES,
        help="language of feedback (default: from the locale; both languages otherwise)",
    )
    grade.add_argument(
        "--fail-under",
        type=float,
        default=None,
        metavar="PERCENT",
        help="exit 1 when the score is below this percentage of the maximum (for CI)",
    )
    grade.add_argument(
        "--nbgrader",
        action="store_true",
        help="PATH is an nbgrader submission (a notebook, or a folder of them): grade its answer cells",
    )
    grade.add_argument(
        "--nbgrader-csv",
        type=Path,
        default=None,
        metavar="CSV",
        help="with --nbgrader: also write the scores as `nbgrader export`'s grades.csv",
    )
    grade.add_argument(
        "--verbose",
        action="store_true",
        help="also show the sandbox's isolation details (layers, notes) in the table and Gradescope output",
    )
    grade.set_defaults(handler=cmd_grade)
    report = sub.add_parser("report", help="render a result JSON written by grade in another format")
    report.add_argument(
        "result",
        type=Path,
        help="a result file from `grade --format json`, or a grade-batch results folder (with --format "
        "html: rebuild its index.html and students/*.html)",
    )
    report.add_argument(
        "--format",
        default="table",
        choices=[*FORMATS, "canvas"],
        help="canvas: a gradebook CSV for Canvas's Grades > Import",
    )
    report.add_argument("--output", type=Path, help="write the report here instead of stdout")
    report.add_argument(
        "--lang", default=None, choices=i18n.LANGUAGES, help="language of feedback: en or zh alone, or both"
    )
    report.add_argument(
        "--canvas-roster",
        type=Path,
        default=None,
        metavar="CSV",
        help="with --format canvas: Canvas's gradebook export, to match the student to its Canvas ids",
    )
    report.set_defaults(handler=cmd_report)


def cmd_grade(args: argparse.Namespace) -> int:
    from autograder.nbgrader import submissions as notebooks
    from autograder.submission import locate

    if args.nbgrader_csv and not args.nbgrader:
        raise CommandError("--nbgrader-csv goes with --nbgrader")
    options = grade_options(args)
    if args.lang:
        i18n.set_language(args.lang)
    if args.nbgrader:
        notebooks.find_notebooks(args.path)
    elif args.path.suffix.lower() != ".zip":
        locate(args.path)  # a folder is checked before the sandbox starts, a .zip once unpacked
    sandbox = options.start_sandbox()
    try:
        from autograder import grading, reports

        if args.nbgrader:
            result = notebooks.grade(args.path, options, sandbox=sandbox)
        else:
            result = grading.grade(args.path, options, sandbox=sandbox)
    finally:
        sandbox.close()
    fmt = args.format or ("table" if sys.stdout.isatty() or args.output is None else "json")
    emit(reports.render(result, fmt, verbose=args.verbose), args.output)
    if args.nbgrader_csv:
        from autograder.reports.nbgrader_grades import GradesRow, nbgrader_csv

        row = GradesRow(notebooks.student_id(args.path), result.to_dict(), notebooks.timestamps(args.path))
        emit(nbgrader_csv([row]), args.nbgrader_csv)
    if args.fail_under is not None and result.score < args.fail_under / 100 * result.max_score:
        print(
            f"autograder: score {result.score:g} / {result.max_score:g} is below --fail-under "
            f"{args.fail_under:g}%",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from autograder import reports
    from autograder.results import GradeResult

    if args.lang:
        i18n.set_language(args.lang)
    if args.canvas_roster and args.format != "canvas":
        raise CommandError("--canvas-roster goes with --format canvas")
    if args.result.is_dir():
        return report_folder(args)
    try:
        data = json.loads(args.result.read_text(encoding="utf-8"))
        result = GradeResult.from_dict(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CommandError(
            f"{args.result}: not a result written by `autograder grade --format json` ({exc})"
        ) from None
    if args.format == "canvas":
        from autograder.reports import canvas

        roster = canvas.read_roster(args.canvas_roster) if args.canvas_roster else None
        export = canvas.canvas_csv([{**data, "student": canvas.student_of(data, args.result)}], roster)
        emit(export.text, args.output)
        for line in export.left_out:
            print(f"autograder: left out of the Canvas CSV: {line}", file=sys.stderr)
        return 0
    emit(reports.render(result, args.format), args.output)
    return 0


def report_folder(args: argparse.Namespace) -> int:
    """`report RESULTS --format html`: the class dashboard and every student's page, rebuilt in RESULTS."""
    from autograder.reports import html

    if args.format != "html" or args.output:
        raise CommandError(
            f"{args.result} is a folder: render a results folder with --format html and no --output "
            "(its pages go into the folder)"
        )
    if not (args.result / "students").is_dir():
        raise CommandError(f"{args.result} has no students/ folder: not a grade-batch results folder")
    print(html.publish(args.result))
    return 0
