"""The report pages in a real browser (Debian's headless Chromium): a class of a solved, a half-done and
a hostile submission, graded for real, plus a training run's page; no console errors, no network
requests, totals that equal the JSON, student text that stays text, tables that sort, links that lead
somewhere. Screenshots go to build/artifacts/html/ (kept by CI as artifacts)."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from autograder import catalog
from autograder.reports import html
from headless_chromium import Chromium, executable
from mutants import MUTANTS, apply
from report_samples import HOSTILE, result, write_class

pytestmark = [
    pytest.mark.slow,  # a real browser: seconds a page
    pytest.mark.skipif(executable() is None, reason="chromium is not installed (apt-get install chromium)"),
]

SCREENSHOTS = catalog.KIT_ROOT / "build" / "artifacts" / "html"
EXERCISES = ["07_maxpool", "08_activations"]
HOSTILE_MODULE = f"""
HOSTILE = {HOSTILE!r}
print(HOSTILE)


def maxpool2d_output_size(*args, **kwargs):
    raise RuntimeError(HOSTILE)


def course_example(ceil_mode):
    raise ValueError(HOSTILE)


class MaxPoolNet:
    def __init__(self, *args, **kwargs):
        raise RuntimeError(HOSTILE)
"""


def submissions(root: Path) -> dict[str, Path]:
    """solved: the solutions; half-done: a mistake in 07 and 08 not started; hostile: HTML in everything."""
    solved = root / "solved"
    half = root / "half-done"
    for exercise in EXERCISES:
        shutil.copytree(catalog.SOLUTIONS_DIR / exercise, solved / exercise)
    shutil.copytree(catalog.SOLUTIONS_DIR / "07_maxpool", half / "07_maxpool")
    apply(next(m for m in MUTANTS if m.name == "pool_size_defaults_stride_to_1"), half / "07_maxpool")
    shutil.copytree(catalog.KIT_ROOT / "exercises" / "08_activations", half / "08_activations")
    hostile = root / "hostile"
    (hostile / "07_maxpool").mkdir(parents=True)
    (hostile / "07_maxpool" / "maxpool.py").write_text(HOSTILE_MODULE, encoding="utf-8")
    return {"solved": solved, "half-done": half, HOSTILE: hostile}


@pytest.fixture(scope="module")
def graded(grade, tmp_path_factory) -> dict[str, dict]:
    """student name -> result JSON, graded for real (and one training page from a recorded run)."""
    results = {}
    for name, path in submissions(tmp_path_factory.mktemp("class")).items():
        data = grade(path, exercises=EXERCISES, time_scale=3).to_dict()
        results[name] = {**data, "student": name, "submission_sha256": "0" * 64, "error": None}
    sample = result("training-without-zero-grad")
    sample.pop("fingerprint")  # graded by this checkout, like the others
    if results["solved"].get("fingerprint"):
        sample["fingerprint"] = results["solved"]["fingerprint"]
    results["training-without-zero-grad"] = sample
    return results


@pytest.fixture(scope="module")
def folder(graded, tmp_path_factory) -> Path:
    keys = {
        "solved": "solved",
        "half-done": "half-done",
        HOSTILE: "%3Cscript%3E",
        "training-without-zero-grad": "training-without-zero-grad",
    }
    out = write_class(tmp_path_factory.mktemp("results"), {keys[name]: data for name, data in graded.items()})
    html.write_class_pages(out, "both")
    return out


@pytest.fixture(scope="module")
def browser():
    chromium = Chromium()
    yield chromium
    chromium.close()


def loaded(browser: Chromium, path: Path, shot: str, width: int = 390):
    tab = browser.open(path.as_uri(), width=width, mobile=width < 600)
    tab.screenshot(SCREENSHOTS / f"{shot}.png")
    return tab


def assert_clean(tab, url: str) -> None:
    """No console error, no exception, and no request but for the page itself and its data: images."""
    assert tab.log.console_errors == [] and tab.log.exceptions == []
    assert [r for r in tab.log.requests if not r.startswith("data:")] == [url]


@pytest.mark.parametrize(
    "student, key",
    [
        ("solved", "solved"),
        ("half-done", "half-done"),
        (HOSTILE, "%3Cscript%3E"),
        ("training-without-zero-grad", "training-without-zero-grad"),
    ],
)
def test_a_student_page_loads_cleanly_and_its_totals_equal_the_json(browser, graded, folder, student, key):
    page = folder / "students" / f"{key}.html"
    tab = loaded(browser, page, f"student-{key.replace('%', '')}")
    assert_clean(tab, page.as_uri())
    shown = tab.evaluate("""({
        total: document.getElementById('total-score').textContent, max: document.getElementById('total-max').textContent,
        exercises: Array.from(document.querySelectorAll('section.exercise'), s =>
            [s.dataset.exercise, s.querySelector('.ex-score').textContent]),
        statuses: Array.from(document.querySelectorAll('section.exercise li.check'), li => li.dataset.status)})""")  # noqa: E501
    data = graded[student]
    assert (shown["total"], shown["max"]) == (f"{data['score']:g}", f"{data['max_score']:g}")
    assert shown["exercises"] == [
        [e["id"], f"{e['score']:g} / {e['max_score']:g}"] for e in data["exercises"]
    ]
    assert Counter(shown["statuses"]) == Counter(c["status"] for e in data["exercises"] for c in e["checks"])


def test_the_solved_submission_has_full_marks_and_the_half_done_one_does_not(graded):
    assert graded["solved"]["score"] == graded["solved"]["max_score"] > 0
    assert 0 < graded["half-done"]["score"] < graded["half-done"]["max_score"]


def test_what_a_hostile_submission_printed_and_raised_stays_text(browser, graded, folder):
    raised = [
        c["message"] for e in graded[HOSTILE]["exercises"] for c in e["checks"] if HOSTILE in c["message"]
    ]
    assert (
        raised and HOSTILE in graded[HOSTILE]["exercises"][0]["output"]
    )  # the grader kept the student's text
    tab = browser.open((folder / "students" / "%3Cscript%3E.html").as_uri())
    tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    state = tab.evaluate("""({pwned: typeof window.__pwned, scripts: document.scripts.length,
        injected: document.querySelectorAll('img[src="x"], [onerror]').length, text: document.body.innerText})""")  # noqa: E501
    assert (state["pwned"], state["scripts"], state["injected"]) == ("undefined", 1, 0)
    assert state["text"].count(HOSTILE) >= 3  # the name, what it printed, what it raised


def test_the_dashboard_loads_cleanly_and_lists_every_student_with_their_total(browser, graded, folder):
    index = folder / "index.html"
    tab = loaded(browser, index, "dashboard", width=1280)
    assert_clean(tab, index.as_uri())
    rows = tab.evaluate(
        "Array.from(document.querySelectorAll('#student-table tbody tr'), r => "
        "[r.dataset.student, Number(r.dataset.score), Number(r.dataset.max)])"
    )
    assert sorted(rows) == sorted([name, d["score"], d["max_score"]] for name, d in graded.items())
    ranked = tab.evaluate(
        "Array.from(document.querySelectorAll('#ranking tbody tr'), r => Number(r.dataset.failed))"
    )
    assert ranked and ranked == sorted(ranked, reverse=True)


def test_the_dashboards_tables_sort_when_a_header_is_clicked(browser, folder):
    tab = browser.open((folder / "index.html").as_uri(), width=1280, mobile=False)
    order = "Array.from(document.querySelectorAll('#student-table tbody tr'), r => Number(r.dataset.score))"
    tab.evaluate("document.querySelectorAll('#student-table th')[1].click()")
    ascending = tab.evaluate(order)
    tab.evaluate("document.querySelectorAll('#student-table th')[1].click()")
    assert ascending == sorted(ascending) and tab.evaluate(order) == sorted(ascending, reverse=True)
    assert tab.log.console_errors == [] and tab.log.exceptions == []


def test_every_link_on_the_dashboard_opens_a_students_page(browser, folder):
    tab = browser.open((folder / "index.html").as_uri(), width=1280, mobile=False)
    links = set(tab.evaluate("Array.from(document.querySelectorAll('a'), a => a.href)"))
    assert len(links) >= 4 and all(Path(unquote(urlparse(link).path)).is_file() for link in links)
    hostile = next(link for link in links if "3Cscript" in link)
    page = browser.open(hostile)
    assert page.evaluate("document.getElementById('submission').textContent") == HOSTILE


@pytest.mark.slow
def test_a_training_loop_without_zero_grad_is_drawn_beside_the_reference(grade, browser, tmp_path):
    """Exercise 14 graded for real with the mutant training_without_zero_grad: its page shows the run."""
    submission = tmp_path / "submission"
    shutil.copytree(catalog.SOLUTIONS_DIR / "14_cifar10_training", submission / "14_cifar10_training")
    apply(
        next(m for m in MUTANTS if m.name == "training_without_zero_grad"), submission / "14_cifar10_training"
    )
    data = grade(submission, exercises=["14_cifar10_training"], time_scale=3).to_dict()
    artifact = data["exercises"][0]["artifacts"]["training"]
    page = tmp_path / "training-without-zero-grad.html"
    page.write_text(html.render_result(data, "en"), encoding="utf-8")
    tab = loaded(browser, page, "student-14-training-without-zero-grad")
    assert_clean(tab, page.as_uri())
    reference = tab.evaluate(
        "Array.from(document.querySelectorAll('#accuracy-14_cifar10_training .s-reference "
        "circle[data-value]'), c => Number(c.dataset.value))"
    )
    assert reference == [r["heldout_accuracy"] for r in artifact["reference_history"]]
    cells = tab.evaluate(
        "Array.from(document.querySelectorAll('#confusion-14_cifar10_training rect'), "
        "r => Number(r.dataset.count))"
    )
    assert cells == [n for row in artifact["confusion_matrix"] for n in row]
