"""The HTML side of a results folder: students/<key>.html beside each students/<key>.json, and
index.html (the class dashboard) beside gradebook.csv.

Called by `grade-batch` and `merge` when they finish and by `report RESULTS --format html`; it reads
only the per-student files, so it rebuilds the same pages from the same results at any time. A
result file that cannot be read is left out, as gradebook.csv leaves it out.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from autograder.reports.html.dashboard import Entry, render_dashboard
from autograder.reports.html.student import render_student


def write_page(path: Path, text: str) -> None:
    """Write via a temporary file and a rename, so a reader never sees half a page."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(text, encoding="utf-8", errors="replace")
    os.replace(partial, path)


def load_entries(out: Path) -> list[tuple[Path, Entry]]:
    """Every readable students/*.json with the address of its page from index.html."""
    entries = []
    for path in sorted((out / "students").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            entries.append((path.with_suffix(".html"), Entry(data, "students/" + quote(path.stem + ".html"))))
    return entries


def write_class_pages(out: Path, lang: str) -> Path:
    """Every student's page and index.html, in `lang`; returns index.html's path."""
    out = Path(out)
    entries = load_entries(out)
    for page, entry in entries:
        write_page(page, render_student(entry.data, lang, index="../index.html"))
    index = out / "index.html"
    write_page(index, render_dashboard([entry for _, entry in entries], out.resolve().name, lang))
    return index
