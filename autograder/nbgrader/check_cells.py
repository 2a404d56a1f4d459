"""The hidden checks of each exercise as nbgrader test cells: collected once with pytest, each given an
nbgrader-safe grade id, its points and a body that asks `autograder.nbgrader.kernel` to run it.

`autograder.nbgrader.build` puts these cells at the end of each notebook.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.catalog import Exercise
from autograder.nbgrader.layout import NotebookBuildError


@dataclass(frozen=True)
class CheckCell:
    """One hidden check as the notebook shows it."""

    name: str  # the kit's check name, e.g. length_counts_only_image_files[ants]
    grade_id: str
    points: float
    description: str


class _CheckCollector:
    """pytest plugin: the hidden checks as collected, per exercise (CUDA-only checks left out)."""

    def __init__(self) -> None:
        self.items: dict[str, list[tuple[str, float, str]]] = {}

    def pytest_collection_modifyitems(self, items) -> None:
        from autograder.check_collection import exercise_of

        for item in items:
            if item.get_closest_marker("cuda") is not None:
                continue
            marker = item.get_closest_marker("points")
            doc = (item.function.__doc__ or "").strip()
            self.items.setdefault(exercise_of(Path(item.fspath)).id, []).append(
                (
                    item.name.removeprefix("test_"),
                    float(marker.args[0]) if marker else 0.0,
                    doc.splitlines()[0] if doc else "",
                )
            )


def check_cells(exercises: list[Exercise]) -> dict[str, list[CheckCell]]:
    """Each exercise's hidden checks, in file order, with nbgrader-safe grade ids (one pytest collection)."""
    import pytest

    from autograder.check_collection import hidden_check_args

    collector = _CheckCollector()
    files = [str(exercise.hidden_checks) for exercise in exercises]
    with contextlib.redirect_stdout(io.StringIO()):
        code = pytest.main(hidden_check_args(files, "--collect-only"), plugins=[collector])
    cells: dict[str, list[CheckCell]] = {}
    for exercise in exercises:
        items = collector.items.get(exercise.id)
        if code != pytest.ExitCode.OK or not items:
            raise NotebookBuildError(
                f"could not collect the hidden checks {exercise.hidden_checks} (pytest exit code {int(code)})"
            )
        seen: set[str] = set()
        for name, points, description in items:
            grade_id = "check-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")
            if grade_id in seen:
                raise NotebookBuildError(f"two hidden checks of {exercise.id} map to the grade id {grade_id}")
            seen.add(grade_id)
            cells.setdefault(exercise.id, []).append(CheckCell(name, grade_id, points, description))
    return cells


def check_cell_source(exercise: Exercise, check: CheckCell, number: int, count: int) -> str:
    points = f"{check.points:g}"
    return "\n".join(
        [
            f"# 检查 / Check {number} of {count}: {check.name} ({points} 分 / "
            f"point{'s' if check.points != 1 else ''})",
            *([f"# {check.description}"] if check.description else []),
            "### BEGIN HIDDEN TESTS",
            "from autograder.nbgrader.kernel import hidden_check",
            f"hidden_check({exercise.id!r}, {check.name!r}, globals())",
            "### END HIDDEN TESTS",
        ]
    )
