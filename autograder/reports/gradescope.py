"""Gradescope's results.json: one test per check, numbered exercise.check, with our status in the output.

Gradescope knows only "passed" and "failed"; an error or a timeout is a
failed test whose output names it first. Checks skipped on this device
(GPU-only checks on a CPU) are left out: they are worth nothing here.
Outputs are Gradescope's rich output (`output_format: html`, built in
`gradescope_rich`): statuses, messages, hints, and the training plots.
Each test's `visibility` is Gradescope's (visible, hidden, after_due_date,
after_published); a bundle chooses it, and keeps visible the checks named in
`always_visible` (per exercise). Students read the outputs, so every text is
cleaned (`textsafe.clean_tree`, also for callers of `to_dict`) and the sandbox
level is named only with `verbose` (`extra_data` always has it).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping

from autograder.i18n import Text
from autograder.reports import gradescope_rich
from autograder.results import GradeResult
from autograder.textsafe import clean_tree


def to_dict(
    result: GradeResult,
    visibility: str = "visible",
    always_visible: Mapping[str, Collection[str]] | None = None,
    verbose: bool = False,
) -> dict:
    """Gradescope's results.json as a dict, every string cleaned; checks get `visibility` unless listed in
    `always_visible`; the sandbox level in the summary only with `verbose`."""
    always_visible = always_visible or {}
    tests = []
    for exercise_number, exercise in enumerate(result.exercises, start=1):
        graded = [check for check in exercise.checks if check.status != "skipped"]
        for check_number, check in enumerate(graded, start=1):
            tests.append(
                {
                    "name": f"{exercise.id} · {check.name}",
                    "number": f"{exercise_number}.{check_number}",
                    "score": check.score,
                    "max_score": check.max_score,
                    "status": "passed" if check.status == "passed" else "failed",
                    "output": gradescope_rich.check_output(check),
                    "output_format": "html",
                    "visibility": "visible"
                    if check.name in always_visible.get(exercise.id, ())
                    else visibility,
                }
            )
    isolation = result.isolation or {}
    notes = (
        [Text(f"Sandbox: {isolation.get('level')}", f"沙箱：{isolation.get('level')}")]
        if isolation and verbose
        else []
    )
    return clean_tree(
        {
            "score": result.score,
            "execution_time": round(result.duration_s, 3),
            "output": gradescope_rich.summary(result, notes=notes),
            "output_format": "html",
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": tests,
            "extra_data": {"schema": 1, "max_score": result.max_score, "isolation": isolation},
        }
    )


def render(result: GradeResult, verbose: bool = False) -> str:
    return json.dumps(to_dict(result, verbose=verbose), ensure_ascii=False, indent=2) + "\n"
