"""The class dashboard (index.html beside gradebook.csv) and the student pages beside their results:
the checks a class fails, ranked; who could not be graded; how the results were made; links that
lead to each student's page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from autograder import catalog
from autograder.reports import html
from report_samples import HOSTILE, check, result, training_solved, write_class


def solved() -> dict:
    data = result("bo", training=training_solved())
    for exercise in data["exercises"]:
        for item in exercise["checks"]:
            if item["status"] != "skipped":
                item.update(
                    status="passed", score=item["max_score"], message="", messages={"en": "", "zh": ""}
                )
        exercise["score"] = exercise["max_score"]
    data["score"] = data["max_score"]
    return data


def not_graded(student: str, error: str) -> dict:
    return {
        "schema": 1,
        "score": 0.0,
        "max_score": 38.0,
        "duration_s": 0.0,
        "exercises": [],
        "student": student,
        "submission_sha256": "1" * 64,
        "error": error,
    }


@pytest.fixture
def folder(tmp_path) -> Path:
    timeout = result("cy")
    timeout["exercises"][1]["checks"][3].update(
        message="took longer than 30 s", messages={"en": "took longer than 30 s", "zh": "超过 30 秒"}
    )
    return write_class(
        tmp_path / "results",
        {
            "ada": result("ada"),
            "bo": solved(),
            "cy": timeout,
            "%3Cb%3E": result(HOSTILE, hostile=True),
            "dan": not_graded("dan", "bad.zip is not a zip file"),
            "eve": not_graded("eve", "the grader's sandbox failed: worker died"),
        },
    )


@pytest.fixture
def index(folder) -> str:
    return html.write_class_pages(folder, "en").read_text(encoding="utf-8")


def ranking(page: str) -> list[tuple[str, int]]:
    return [
        (name, int(failed))
        for name, failed in re.findall(
            r'<tr data-check="([^"]+)" data-checks="\d+" data-failed="(\d+)">', page
        )
    ]


def test_every_student_gets_a_page_beside_their_result(folder, index):
    pages = sorted(p.stem for p in (folder / "students").glob("*.html"))
    assert pages == sorted(p.stem for p in (folder / "students").glob("*.json"))
    assert "../index.html" in (folder / "students" / "ada.html").read_text(encoding="utf-8")


def test_checks_are_ranked_by_how_many_students_lost_points_on_them(index):
    ranked = ranking(index)
    assert ranked[:2] == [
        ("04_transforms::to_tensor_scales_to_0_1", 3),
        ("07_maxpool::ceil_mode_keeps_a_last_partial_window", 3),
    ]
    assert [failed for _, failed in ranked] == sorted((failed for _, failed in ranked), reverse=True)
    assert {name for name, _ in ranked}.isdisjoint(
        {
            "07_maxpool::net_output_matches",
            "07_maxpool::runs_on_the_gpu",
            "07_maxpool::output_size_uses_kernel_size_as_default_stride",
        }
    )


def test_a_ranked_check_shows_its_most_frequent_message_and_who_failed_it(index):
    row = index[index.index('data-check="07_maxpool::ceil_mode_keeps_a_last_partial_window"') :]
    row = row[: row.index("</tr>")]
    assert (
        row.index("expected 4, got 3")
        < row.index("2 of these 3 students")
        < row.index("1 of these 3 students")
    )
    assert "3 / 4" in row  # of the four students graded on it
    assert re.findall(r'<a href="([^"]+)">', row) == [
        "students/%253Cb%253E.html",
        "students/ada.html",
        "students/cy.html",
    ]


def test_every_link_leads_to_an_existing_page(folder, index):
    links = set(re.findall(r'href="(students/[^"]+)"', index))
    assert len(links) == 6
    assert all((folder / unquote(link)).is_file() for link in links)


def test_students_with_errors_timeouts_or_sandbox_failures_are_listed(index):
    problems = index[index.index('id="problems"') : index.index('id="students"')]
    for expected in (
        "bad.zip is not a zip file",
        "sandbox failure",
        "the grader&#39;s sandbox failed: worker died",
        "code raised in 1 check, timed out in 1 check",
        "07_maxpool · pooling_a_large_batch_finishes: took longer than 30 s",
    ):
        assert expected in problems
    assert (
        problems.count("<tr>") == 6
    )  # one row per student: ada, cy, the hostile one, dan, eve (and the header)


def test_the_class_summary_and_score_distributions_count_every_student(index):
    assert 'data-students="6" data-errors="2"' in index
    total = index[index.index('data-exercise="total"') :]
    total = total[: total.index("</figure>")]
    assert sum(int(n) for n in re.findall(r'data-count="(\d+)"', total)) == 6
    maxpool = index[index.index('<figure class="card" data-exercise="07_maxpool"') :]
    assert sum(int(n) for n in re.findall(r'data-count="(\d+)"', maxpool[: maxpool.index("</figure>")])) == 4


def test_the_sandbox_level_and_grader_fingerprint_are_shown(index):
    footer = index[index.index('id="provenance"') :]
    assert "<code>strict</code> (4)" in footer and "<code>0.1.0+abc123</code> (4)" in footer
    assert "different graders" not in index


def test_results_from_different_graders_are_pointed_out(folder):
    data = json.loads((folder / "students" / "ada.json").read_text())
    data["fingerprint"] = "0.2.0+def456"
    (folder / "students" / "ada.json").write_text(json.dumps(data))
    assert "These results come from 2 different graders" in html.write_class_pages(folder, "en").read_text()


def test_checks_lost_by_the_same_students_with_the_same_message_are_one_row(folder):
    for key in ("ada", "cy", "%3Cb%3E"):
        data = json.loads((folder / "students" / f"{key}.json").read_text())
        for item in data["exercises"][1]["checks"]:
            item.update(
                status="error",
                score=0,
                messages={"en": "07_maxpool/maxpool.py was not found", "zh": "找不到"},
            )
        (folder / "students" / f"{key}.json").write_text(json.dumps(data))
    page = html.write_class_pages(folder, "en").read_text()
    row = page[page.index('data-checks="6"') :]
    row = row[: row.index("</tr>")]
    assert "6 checks of Max pooling, lost by the same students with the same messages" in row
    assert row.count("<li>") == 6 + 3 and "runs_on_the_gpu" in row  # the six checks, then the three students


def test_a_students_name_is_text_on_the_dashboard(index):
    assert HOSTILE not in index and "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in index


def test_an_unreadable_result_file_is_left_out(folder):
    (folder / "students" / "zed.json").write_text("{not json")
    html.write_class_pages(folder, "en")
    assert not (folder / "students" / "zed.html").exists()


def test_the_dashboard_is_in_the_chosen_language(folder):
    page = html.write_class_pages(folder, "zh").read_text(encoding="utf-8")
    assert "全班常犯的错误" in page and "The mistakes your class makes" not in page


def test_report_rebuilds_the_pages_of_a_results_folder(folder):
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "report", str(folder), "--format", "html", "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert str(folder / "index.html") in run.stdout
    assert (folder / "index.html").is_file() and (folder / "students" / "dan.html").is_file()


def test_report_refuses_a_folder_in_any_other_format(folder):
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "report", str(folder), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=120,
    )
    assert run.returncode == 2 and "--format html" in run.stderr


def test_a_check_only_one_student_lost_is_ranked_too(folder):
    data = json.loads((folder / "students" / "bo.json").read_text())
    data["exercises"][1]["checks"].append(check("new_check", "failed", 0, 1, "x"))
    (folder / "students" / "bo.json").write_text(json.dumps(data))
    assert ("07_maxpool::new_check", 1) in ranking(html.write_class_pages(folder, "both").read_text())
