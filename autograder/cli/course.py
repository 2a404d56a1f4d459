"""Commands for the instructor's checkout: `sync` (stubs), `nbgrader build`, `data`, `doctor`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder import catalog
from autograder.cli.common import CommandError


def register(sub) -> None:
    sync = sub.add_parser("sync", help="regenerate exercises/ stubs from solutions/")
    sync.add_argument("--check", action="store_true", help="only check; exit 1 if a stub is stale or missing")
    sync.set_defaults(handler=cmd_sync)
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
    build.set_defaults(handler=cmd_nbgrader)
    data = sub.add_parser("data", help="show which data the grader will use; --real downloads the real sets")
    data.add_argument("--real", action="store_true", help="download real CIFAR-10 and ants/bees (needs a network)")
    data.add_argument("--data-root", type=Path, default=None, help="where real data lives or is downloaded to")
    data.set_defaults(handler=cmd_data)
    doctor = sub.add_parser("doctor", help="what this machine offers for sandboxing, and how to add what is missing")
    doctor.set_defaults(handler=cmd_doctor)


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


def cmd_doctor(args: argparse.Namespace) -> int:
    from autograder import doctor

    sys.stdout.write(doctor.report())
    return 0
