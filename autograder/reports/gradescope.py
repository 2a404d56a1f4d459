"""Gradescope's results.json: one test per check, numbered exercise.check, with our status in the output.

Gradescope knows only "passed" and "failed"; an error or a timeout is a
failure whose output starts with that word. Checks skipped on this device
(GPU-only checks on a CPU) are left out: they are worth nothing here. Students
read the outputs, so every text is cleaned (`textsafe`) and the sandbox level
is named only with `verbose` (the instructor's `extra_data` always has it).
"""
from __future__ import annotations

import json

from autograder.results import GradeResult
from autograder.textsafe import clean_tree


def to_dict(result: GradeResult, verbose: bool = False) -> dict:
    tests = []
    for exercise_number, exercise in enumerate(result.exercises, start=1):
        graded = [check for check in exercise.checks if check.status != "skipped"]
        for check_number, check in enumerate(graded, start=1):
            output = check.message if check.status in ("passed", "failed") else f"{check.status}: {check.message}"
            tests.append({
                "name": f"{exercise.id} · {check.name}",
                "number": f"{exercise_number}.{check_number}",
                "score": check.score,
                "max_score": check.max_score,
                "status": "passed" if check.status == "passed" else "failed",
                "output": output,
                "visibility": "visible",
            })
    isolation = result.isolation or {}
    summary = f"{result.score:g} / {result.max_score:g} points"
    if isolation and verbose:
        summary += f"; sandbox: {isolation.get('level')}"
    return {
        "score": result.score,
        "execution_time": round(result.duration_s, 3),
        "output": summary,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"schema": 1, "max_score": result.max_score, "isolation": isolation},
    }


def render(result: GradeResult, verbose: bool = False) -> str:
    return json.dumps(clean_tree(to_dict(result, verbose)), ensure_ascii=False, indent=2) + "\n"
