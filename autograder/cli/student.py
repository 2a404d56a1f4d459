"""The student's commands in the kit's `autograder` (`status`, `check`, `hint`, `watch`, `reset`, `next`,
the same as in a release) and the instructor's `release`, which makes that student repository."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.learning import commands


def register(sub) -> None:
    commands.register(sub)
    release = sub.add_parser(
        "release", help="write a student repository: stubs, visible tests, READMEs, no solutions"
    )
    release.add_argument("out", type=Path, help="the folder to write (must be new or empty)")
    release.add_argument(
        "--exercise",
        action="append",
        default=[],
        metavar="ID",
        help="release only this exercise (repeatable; default: all)",
    )
    release.set_defaults(handler=cmd_release)


def cmd_release(args: argparse.Namespace) -> int:
    from autograder import release

    written = release.build(args.out, args.exercise)
    print(f"wrote a student repository with {len(written.exercises)} exercises to {args.out}")
    print(f"  {len(written.files)} files; students start with its README.md")
    return 0
