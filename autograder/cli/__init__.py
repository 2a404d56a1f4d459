"""The `autograder` command line: one module per group of commands, each registering its own.

Exit status: 0 when the command did its job (whatever the score), 1 when a check it was asked for
fails (`sync --check`, `--fail-under`), 2 when the grader itself could not run. Heavy modules
(torch) are imported only inside the commands, after the sandbox's template has been launched,
so the two imports overlap.
"""

from __future__ import annotations

import argparse
import os
import sys

from autograder.cli import authoring, batch, course, grading, platforms, student
from autograder.cli.common import CommandError
from autograder.errors import KitError

__all__ = ["CommandError", "build_parser", "main", "run"]

GROUPS = (grading, batch, course, platforms, student, authoring)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograder", description="PyTorch exercise kit: grading and generation"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KitError as exc:
        print(f"autograder: {exc}", file=sys.stderr)
        return 2


def run() -> None:
    """Console entry point: main(), then leave at once (tearing torch's modules down takes over a second)."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
