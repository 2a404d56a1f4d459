"""A plain-text table: score per exercise, then each check that lost points and why."""
from __future__ import annotations

import textwrap

from autograder.results import CheckResult, ExerciseResult, GradeResult

MARKS = {"failed": "✗", "error": "!", "timeout": "⏱", "skipped": "–"}
WIDTH = 110


def _score(score: float, max_score: float) -> str:
    return f"{score:g} / {max_score:g}"


def _wrap(first: str, text: str, indent: int = 8) -> list[str]:
    """`first` then the message, wrapped at WIDTH; at most four lines."""
    lines = textwrap.wrap(" ".join(text.split()), WIDTH - indent, initial_indent=" " * (len(first) - indent))
    lines = lines or [""]
    if len(lines) > 4:
        lines = lines[:4]
        lines[-1] = lines[-1][: WIDTH - indent - 1] + "…"
    body = [first + lines[0].lstrip()] + [" " * indent + line for line in lines[1:]]
    return body


def _problems(exercise: ExerciseResult) -> list[str]:
    """Notes of passed checks, then lost checks grouped by identical message (one import error, printed once)."""
    groups: dict[str, list[CheckResult]] = {}
    for check in exercise.checks:
        if check.status != "passed":
            groups.setdefault(check.message, []).append(check)
    lines = []
    for check in exercise.checks:
        if check.status == "passed" and check.message:
            lines.extend(_wrap(f"    · {check.name}: ", check.message))
    for message, checks in groups.items():
        mark = MARKS.get(checks[0].status, "✗")
        if len(checks) == len(exercise.checks) > 1:
            lines.append(f"    {mark} all {len(checks)} checks")
        else:
            lost = sum(check.max_score for check in checks)
            lines.extend(_wrap(f"    {mark} ", f"{', '.join(check.name for check in checks)} (-{lost:g})"))
        lines.extend(_wrap(" " * 8, message))
    return lines


def render(result: GradeResult) -> str:
    lines = []
    if result.submission:
        lines.append(f"Submission: {result.submission}")
    if result.isolation:
        lines.extend(_wrap("Isolation: ", f"{result.isolation['level']} ({', '.join(result.isolation['layers'])})", 2))
        for note in result.isolation.get("notes", []):
            lines.extend(_wrap("  note: ", note, 8))
    lines.append(f"  {'Exercise':<28}{'Score':>14}{'Time':>10}")
    for exercise in result.exercises:
        lines.append(f"  {exercise.id:<28}{_score(exercise.score, exercise.max_score):>14}"
                     f"{exercise.duration_s:>9.1f}s")
        lines.extend(_problems(exercise))
    lines.append(f"  {'Total':<28}{_score(result.score, result.max_score):>14}{result.duration_s:>9.1f}s")
    return "\n".join(lines) + "\n"
