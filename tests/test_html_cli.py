"""The commands that write HTML: `grade --format html`, `grade-batch` (a page per student and index.html
beside gradebook.csv) and `merge`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import catalog
from report_samples import result


def autograder(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(catalog.KIT_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=timeout,
        env=env,
    )


@pytest.mark.slow
def test_grade_writes_a_student_page_in_the_chosen_language(tmp_path):
    page = tmp_path / "report.html"
    run = autograder(
        "grade",
        "solutions",
        "--exercise",
        "07_maxpool",
        "--format",
        "html",
        "--output",
        str(page),
        "--lang",
        "zh",
        "--time-scale",
        "3",
    )
    assert run.returncode == 0, run.stderr
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in text and "评分报告" in text
    score, maximum = re.search(r'id="total" data-score="([\d.]+)" data-max="([\d.]+)"', text).groups()
    assert float(score) == float(maximum) > 0


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """grade-batch over a class whose two submissions are broken zips
    (no grading needed to show the pages)."""
    root = tmp_path_factory.mktemp("batch")
    (root / "class").mkdir()
    for name in ("ada", "bo"):
        (root / "class" / f"{name}.zip").write_bytes(b"not a zip at all")
    run = autograder(
        "grade-batch",
        str(root / "class"),
        "--out",
        str(root / "results"),
        "--jobs",
        "1",
        "--exercise",
        "07_maxpool",
    )
    assert run.returncode == 0, run.stderr
    assert str(root / "results" / "index.html") in run.stdout
    return root / "results"


@pytest.mark.slow
def test_grade_batch_writes_the_dashboard_beside_the_gradebook(batch):
    assert (batch / "gradebook.csv").is_file() and (batch / "index.html").is_file()
    index = (batch / "index.html").read_text(encoding="utf-8")
    assert 'data-students="2" data-errors="2"' in index
    assert 'href="students/ada.html"' in index and 'href="students/bo.html"' in index


@pytest.mark.slow
def test_grade_batch_writes_a_page_per_student_beside_their_result(batch):
    assert sorted(p.name for p in (batch / "students").glob("*.html")) == ["ada.html", "bo.html"]
    page = (batch / "students" / "ada.html").read_text(encoding="utf-8")
    assert 'id="error"' in page and 'href="../index.html"' in page


@pytest.mark.slow
def test_merge_writes_the_pages_of_the_merged_folder(batch, tmp_path):
    run = autograder("merge", str(batch), "--out", str(tmp_path / "merged"))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "merged" / "index.html").is_file() and (
        tmp_path / "merged" / "students" / "bo.html"
    ).is_file()


@pytest.mark.slow
def test_without_jinja2_grade_batch_still_writes_results_and_says_why_there_are_no_pages(batch, tmp_path):
    code = (
        "import sys; sys.modules['jinja2'] = None; from autograder.reports import html; "
        f"print(html.publish(__import__('pathlib').Path({str(batch)!r})))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=120,
        env={**os.environ, "AUTOGRADER_LANG": "both"},
    )
    assert run.returncode == 0 and "no HTML pages" in run.stdout and "未生成 HTML 页面" in run.stdout


def test_report_renders_a_saved_result_as_a_page(tmp_path):
    saved = tmp_path / "result.json"
    saved.write_text(json.dumps(result("ada")), encoding="utf-8")
    run = autograder(
        "report", str(saved), "--format", "html", "--output", str(tmp_path / "page.html"), "--lang", "en"
    )
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert 'data-check="ceil_mode_keeps_a_last_partial_window"' in page and "Your training run" in page
