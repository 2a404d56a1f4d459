"""Collecting hidden checks without running them: the exercise a check file is for, the pytest arguments
every run of `autograder/hidden/` takes, and the points each exercise is worth.

`judge.run_checks` runs the checks with these arguments; `max_points` and nbgrader's check cells only
collect them.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from autograder import catalog
from autograder.catalog import Exercise

PYTEST_ARGS = ("-p", "no:cacheprovider", "-p", "no:terminal", "--import-mode=importlib")


def exercise_of(path: Path) -> Exercise:
    """The exercise a hidden-check file belongs to: `test_07_maxpool.py` -> 07_maxpool."""
    return catalog.get(path.stem.removeprefix("test_"))


def hidden_check_args(files: list[str], *extra: str) -> list[str]:
    """pytest's arguments for running (or, with `--collect-only` in `extra`, collecting) the hidden-check
    `files`, with `autograder/hidden/` as the root and its pytest.ini."""
    return [
        *PYTEST_ARGS,
        *extra,
        "--rootdir",
        str(catalog.HIDDEN_DIR),
        "-c",
        str(catalog.HIDDEN_DIR / "pytest.ini"),
        *files,
    ]


class _PointCounter:
    """pytest plugin: sums the points of the collected hidden checks per exercise."""

    def __init__(self, cuda: bool) -> None:
        self.points: dict[str, float] = {}
        self.cuda = cuda

    def pytest_collection_modifyitems(self, items) -> None:
        for item in items:
            if item.get_closest_marker("cuda") is not None and not self.cuda:
                continue
            marker = item.get_closest_marker("points")
            exercise = exercise_of(Path(item.fspath)).id
            self.points[exercise] = self.points.get(exercise, 0.0) + (
                float(marker.args[0]) if marker else 0.0
            )


def max_points(exercises: list[Exercise], device: str = "cpu") -> dict[str, float]:
    """Points each exercise is worth on `device`, from collecting (not running) its hidden checks."""
    counter = _PointCounter(cuda=device.startswith("cuda"))
    files = [str(exercise.hidden_checks) for exercise in exercises]
    with contextlib.redirect_stdout(io.StringIO()):
        pytest.main(hidden_check_args(files, "--collect-only"), plugins=[counter])
    return counter.points
