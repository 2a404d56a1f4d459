"""The options `grade` and `grade-batch` share: declared once, with the same defaults, read into one
`GradeOptions`. `--device auto` (the default for both) grades on the GPU when torch sees one."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from autograder import catalog
from autograder.options import ISOLATION_LEVELS, GradeOptions


def add_grade_options(parser: argparse.ArgumentParser) -> None:
    """--exercise, --device, --isolation, --data-root, --time-scale and --threads."""
    parser.add_argument(
        "--exercise",
        action="append",
        default=[],
        metavar="ID",
        help="grade only this exercise (repeatable), e.g. 07_maxpool",
    )
    parser.add_argument(
        "--device",
        default="auto",
        help="auto, cpu, cuda or cuda:N (default: auto, the GPU when torch sees one)",
    )
    parser.add_argument(
        "--isolation",
        default="auto",
        choices=ISOLATION_LEVELS,
        help="sandbox level; a named level refuses to grade with less (default: the best available)",
    )
    parser.add_argument(
        "--data-root",
        type=Path,
        default=None,
        help="folder with real data sets (default: $AUTOGRADER_DATA, else synthetic data)",
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="multiply every time limit by this (e.g. 2 on a slow machine)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads per worker (default: 2 for grade; cores / jobs for grade-batch)",
    )


def grade_options(args: argparse.Namespace, threads: int | None = None) -> GradeOptions:
    """The options as parsed (exercise ids checked), with `threads` when --threads was not given."""
    from autograder.data import default_root

    for exercise_id in args.exercise:
        catalog.get(exercise_id)
    chosen = args.threads or threads or min(2, os.cpu_count() or 1)
    return GradeOptions(
        exercises=list(args.exercise),
        device=args.device,
        threads=max(1, chosen),
        data_root=args.data_root or default_root(),
        time_scale=args.time_scale,
        isolation=args.isolation,
    )
