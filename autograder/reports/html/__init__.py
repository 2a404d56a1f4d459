"""HTML reports: a self-contained page per student and the class dashboard beside gradebook.csv.

    render(result)             a student's page for `grade --format html`
    render_result(data)        the same from a result as JSON (`report result.json --format html`)
    write_class_pages(out)     a page per students/<key>.json, and index.html (report RESULTS --format html)
    publish(out)               the same, and the line that tells the instructor where (grade-batch, merge)

Pages carry their styles, script and images inline and allow no request (a Content-Security-Policy
says so), so they work offline, from a file or an attachment; their text is in the chosen language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autograder import i18n
from autograder.errors import KitError
from autograder.i18n import Text
from autograder.results import GradeResult


def render_result(data: dict[str, Any], lang: str | None = None) -> str:
    """A student's page from a result as JSON, in `lang` (default: the configured language)."""
    from autograder.reports.html.student import render_student

    return render_student(data, lang or i18n.language())


def render(result: GradeResult) -> str:
    """A student's page for a result just graded."""
    return render_result(result.to_dict())


def write_class_pages(out: Path, lang: str | None = None) -> Path:
    """A page per student and index.html in the results folder `out`; returns index.html's path."""
    from autograder.reports.html.class_pages import write_class_pages as write

    return write(Path(out), lang or i18n.language())


def publish(out: Path) -> str:
    """Write the class pages of the results folder `out`; the line saying where they are, or why there are
    none (the results themselves are written either way)."""
    try:
        index = write_class_pages(out)
    except KitError as exc:
        return Text(f"no HTML pages: {exc}", f"未生成 HTML 页面：{exc}").render()
    return Text(
        f"report pages: {index} (the class), {index.parent / 'students'}/*.html (each student)",
        f"报告页面：{index}（全班），{index.parent / 'students'}/*.html（每名学生）",
    ).render()
