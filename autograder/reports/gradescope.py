"""Gradescope's results.json: one test per check, numbered exercise.check, with our status in the output.

Gradescope knows only "passed" and "failed"; an error or a timeout is a
failed test whose output names it first. Checks skipped on this device
(GPU-only checks on a CPU) are left out: they are worth nothing here.
Outputs are Gradescope's rich output (`output_format: html`, built in
`gradescope_rich`): statuses, messages, hints, and the training plots.
Each test's `visibility` is Gradescope's (visible, hidden, after_due_date,
after_published); a bundle chooses it, and keeps visible the checks named in
`always_visible` (per exercise).
"""
from __future__ import annotations

import json
from collections.abc import Collection, Mapping

from autograder.reports import gradescope_rich
from autograder.results import GradeResult


def to_dict(result: GradeResult, visibility: str = "visible",
            always_visible: Mapping[str, Collection[str]] | None = None) -> dict:
    """Gradescope's results.json as a dict; checks get `visibility` unless listed in `always_visible`."""
    always_visible = always_visible or {}
    tests = []
    for exercise_number, exercise in enumerate(result.exercises, start=1):
        graded = [check for check in exercise.checks if check.status != "skipped"]
        for check_number, check in enumerate(graded, start=1):
            tests.append({
                "name": f"{exercise.id} · {check.name}",
                "number": f"{exercise_number}.{check_number}",
                "score": check.score,
                "max_score": check.max_score,
                "status": "passed" if check.status == "passed" else "failed",
                "output": gradescope_rich.check_output(check),
                "output_format": "html",
                "visibility": "visible" if check.name in always_visible.get(exercise.id, ()) else visibility,
            })
    isolation = result.isolation or {}
    return {
        "score": result.score,
        "execution_time": round(result.duration_s, 3),
        "output": gradescope_rich.summary(result),
        "output_format": "html",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"schema": 1, "max_score": result.max_score, "isolation": isolation},
    }


def render(result: GradeResult) -> str:
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"
