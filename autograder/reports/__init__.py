"""Reports: turn a GradeResult into what people and machines read.

Each format lives in its own module with one `render(result) -> str`; every writer passes the text it
writes through `autograder.textsafe`, so no text a student's code produced can stop a report.
`verbose` adds isolation details to the formats students read (table, Gradescope). The class-level
CSV exports (`gradebook`, `canvas`) take many results and live beside them.
"""

from __future__ import annotations

from collections.abc import Callable

from autograder.reports import gradescope, json_report, junit, table
from autograder.results import GradeResult


def _html(result: GradeResult) -> str:
    """The student's report page (imported only when asked for: it needs the template engine)."""
    from autograder.reports import html

    return html.render(result)


FORMATS = {
    "table": table.render,
    "json": json_report.render,
    "gradescope": gradescope.render,
    "junit": junit.render,
    "html": _html,
}
FOR_STUDENTS = ("table", "gradescope")  # formats that hide isolation details unless verbose
VERBOSE_FORMATS: dict[str, Callable[[GradeResult, bool], str]] = {
    "table": table.render,
    "gradescope": gradescope.render,
}


def render(result: GradeResult, fmt: str, verbose: bool = False) -> str:
    """The result in format `fmt`; ValueError naming the known formats otherwise."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in FOR_STUDENTS:
        return VERBOSE_FORMATS[fmt](result, verbose)
    return FORMATS[fmt](result)
