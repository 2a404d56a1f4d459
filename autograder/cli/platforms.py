"""Commands that set the kit up on other platforms: `gradescope-bundle` (and `gradescope-run`, what the
bundle runs on Gradescope), `ci-template`, and `collect` (students' repositories at a deadline)."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder import i18n

VISIBILITIES = ["visible", "after_due_date", "after_published", "hidden"]


def register(sub) -> None:
    ci = sub.add_parser("ci-template", help="write a CI set-up: the students' repository or the instructor's")
    ci.add_argument(
        "kind",
        choices=["student", "instructor", "shell"],
        help="student: visible tests only, no secrets; instructor: collect and grade the class "
        "(private repository); shell: a script that grades one submission, for any CI",
    )
    ci.add_argument(
        "--gpu",
        action="store_true",
        help="instructor: grade on a self-hosted GPU runner (student code still only in the sandbox)",
    )
    ci.add_argument(
        "--schedule",
        default=None,
        metavar="CRON",
        help="instructor: also grade on this schedule (e.g. '0 16 * * 5'), besides by hand",
    )
    ci.add_argument("--out", type=Path, default=Path("."), help="the repository's root (default: here)")
    ci.set_defaults(handler=cmd_ci_template)

    bundle = sub.add_parser(
        "gradescope-bundle", help="write a Gradescope autograder zip (setup.sh, run_autograder)"
    )
    bundle.add_argument("out", type=Path, help="the zip to write, e.g. autograder.zip")
    bundle.add_argument(
        "--exercise",
        action="append",
        default=[],
        metavar="ID",
        help="grade and count only this exercise (repeatable; default: all): one assignment each",
    )
    bundle.add_argument(
        "--visibility",
        default="after_due_date",
        choices=VISIBILITIES,
        help="when students see the hidden checks' results (default: after_due_date); checks "
        "with a same-named visible test stay visible",
    )
    bundle.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="multiply every time limit by this (default 1: measured to fit half a vCPU)",
    )
    bundle.add_argument(
        "--allow-minimal-isolation",
        action="store_true",
        help="grade even where only rlimits isolate student code (it could read the hidden checks)",
    )
    bundle.add_argument("--lang", default="both", choices=i18n.LANGUAGES, help="language of feedback")
    bundle.set_defaults(handler=cmd_gradescope_bundle)

    run = sub.add_parser("gradescope-run", help="what a bundle's run_autograder runs on Gradescope")
    run.add_argument(
        "--root", type=Path, default=Path("/autograder"), help="Gradescope's folder (default /autograder)"
    )
    run.set_defaults(handler=cmd_gradescope_run)

    collect = sub.add_parser(
        "collect",
        help="clone or update each student's repository at its last commit "
        "before a deadline, for grade-batch",
    )
    collect.add_argument(
        "roster", type=Path, help="CSV with columns student, repository (and optionally branch)"
    )
    collect.add_argument(
        "--out", type=Path, required=True, help="the submissions folder to fill (one per student)"
    )
    collect.add_argument(
        "--deadline",
        default=None,
        metavar="TIME",
        help="ISO 8601 time, e.g. 2026-11-30T23:59+08:00 (default: now); no zone means UTC",
    )
    collect.set_defaults(handler=cmd_collect)


def cmd_ci_template(args: argparse.Namespace) -> int:
    from autograder import ci_templates

    for path in ci_templates.write(args.kind, args.out, gpu=args.gpu, schedule=args.schedule):
        print(f"wrote {path}")
    return 0


def cmd_gradescope_bundle(args: argparse.Namespace) -> int:
    from autograder import bundles

    bundle = bundles.gradescope_bundle(
        args.out, args.exercise, args.visibility, args.time_scale, args.allow_minimal_isolation, args.lang
    )
    print(
        f"wrote {bundle.path}: upload it as the assignment's autograder "
        f"({', '.join(bundle.config.exercises)}; extras: {', '.join(bundle.extras) or 'none'})"
    )
    for line in bundle.advice.lines():
        print(line)
    return 0


def cmd_gradescope_run(args: argparse.Namespace) -> int:
    from autograder import gradescope_run

    return gradescope_run.run(args.root)


def cmd_collect(args: argparse.Namespace) -> int:
    from autograder import collect

    report = collect.collect(args.roster, args.out, collect.parse_deadline(args.deadline))
    for row in report.rows:
        where = f"{row.commit[:12]} ({row.committed})" if row.commit else row.error
        print(f"{row.student}: {row.status}: {where}")
    print(f"{report.collected} collected, {report.failed} failed; record: {report.record}")
    return 0
