"""A student's report page, from results as the grader writes them: what it shows, in which order and
language, that every plotted number is the result's own, that it needs nothing from the network, and
that no text a student controls can become markup."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest

from autograder.i18n import Text
from autograder.reports import html, render
from autograder.results import GradeResult
from report_samples import HOSTILE, result, training_solved


class Elements(HTMLParser):
    """Every start tag with its attributes, the bodies of <style> and <script>, and the page's text."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.bodies: dict[str, list[str]] = {"style": [], "script": []}
        self.text: list[str] = []
        self._open: str | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._open = tag if tag in self.bodies else None

    def handle_endtag(self, tag):
        self._open = None

    def handle_data(self, data):
        if self._open:
            self.bodies[self._open].append(data)
        else:
            self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


@pytest.fixture
def page() -> str:
    return html.render_result(result("ada"), "en")


def test_checks_that_lost_points_come_first_and_passed_ones_are_folded_away(page):
    maxpool = page[page.index('id="ex-07_maxpool"') : page.index('id="ex-14_cifar10_training"')]
    order = re.findall(r'<li class="check (\w+)"', maxpool)
    assert order == ["failed", "error", "timeout", "not_judged", "skipped", "passed"]
    assert maxpool.index('<details class="passed"') < maxpool.index('<li class="check passed"')


def test_a_failed_check_shows_its_message_and_hint(page):
    failed = page[page.index('data-check="ceil_mode_keeps_a_last_partial_window"') :]
    failed = failed[: failed.index("</li>")]
    assert "ceil_mode keeps a last partial window" in failed and "expected 4, got 3" in failed
    assert "Count the windows that fit." in failed and "0 / 1" in failed


def test_a_not_judged_check_names_what_to_fix_first(page):
    assert "Not judged until MaxPoolNet.forward works: fix that first." in page


def test_totals_and_exercise_scores_are_the_results(page):
    data = result("ada")
    total = Elements(page).find("div", id="total")[0]
    assert (float(total["data-score"]), float(total["data-max"])) == (data["score"], data["max_score"])
    for exercise in data["exercises"]:
        (section,) = Elements(page).find("section", data_exercise=exercise["id"])
        assert (float(section["data-score"]), float(section["data-max"])) == (
            exercise["score"],
            exercise["max_score"],
        )


def test_every_plotted_point_is_a_number_of_the_training_artifact():
    artifact = training_solved()
    page = html.render_result(result("ada", training=artifact), "en")
    plotted = {
        (int(c["data-epoch"]), float(c["data-value"]))
        for c in Elements(page).find("circle")
        if "data-value" in c
    }
    expected = {
        (r["epoch"], r[k])
        for history, keys in (
            ("student_history", ("train_loss", "test_loss", "test_accuracy")),
            ("grader_history", ("heldout_loss", "heldout_accuracy")),
            ("reference_history", ("heldout_loss", "heldout_accuracy")),
        )
        for r in artifact[history]
        for k in keys
    }
    assert plotted == expected


def test_a_points_height_reads_back_as_its_value_on_the_axis():
    page = html.render_result(result("ada", training=training_solved()), "en")
    chart = page[page.index('id="accuracy-14_cifar10_training"') :]
    chart = chart[: chart.index("</figure>")]
    ticks = {
        float(label.rstrip("%")) / 100: float(y) - 4
        for y, label in re.findall(r'<text class="ylabel" x="[\d.]+" y="([\d.]+)">([\d.]+%)</text>', chart)
    }
    zero, one = ticks[0.0], ticks[1.0]
    for y, value in re.findall(r'cy="([\d.]+)" r="4" data-epoch="\d" data-value="([\d.]+)"', chart):
        assert (zero - float(y)) / (zero - one) == pytest.approx(float(value), abs=0.005)


def test_a_loss_that_is_not_a_number_is_said_so_and_flagged_instead_of_plotted(page):
    assert (
        "The held-out loss the grader measured for your model is not a number (NaN or infinite) at epoch 1."
        in page
    )
    assert ">NaN</td>" in page
    chart = page[
        page.index('id="loss-14_cifar10_training"') : page.index('id="accuracy-14_cifar10_training"')
    ]
    grader = chart[chart.index('<g class="series s-grader">') :]
    grader = grader[: grader.index("</g>")]
    assert (
        '<text class="flag"' in grader and 'data-epoch="1">NaN</text>' in grader and "<circle" not in grader
    )


def test_the_confusion_matrix_holds_the_artifacts_counts(page):
    counts = [int(r["data-count"]) for r in Elements(page).find("rect") if "data-count" in r]
    assert counts == [
        n for row in result()["exercises"][2]["artifacts"]["training"]["confusion_matrix"] for n in row
    ]


def test_misclassified_images_show_true_and_predicted_classes(page):
    block = page[page.index('id="misclassified-14_cifar10_training"') :]
    assert block.count('<figure class="thumb">') == 16
    assert "is: automobile" in block and "said: airplane" in block


def test_a_data_check_shows_what_it_expected_beside_what_the_code_produced(page):
    check = page[page.index('data-check="to_tensor_scales_to_0_1"') :]
    check = check[: check.index("</li>")]
    sample = result()["exercises"][0]["artifacts"]["images"][0]
    images = re.findall(r'<img src="([^"]+)" alt="(expected|yours)">', check)
    assert images == [(sample["expected"], "expected"), (sample["got"], "yours")]
    assert "ToTensor of the course&#39;s ants image" in check


def test_the_page_asks_for_nothing_from_the_network(page):
    parsed = Elements(page)
    addresses = [a[key] for _, a in parsed.tags for key in ("src", "href", "action", "poster") if key in a]
    schemes = {re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//|", address).group() for address in addresses}
    assert len(addresses) > 20 and schemes <= {"data:", ""}  # images inline, links within the page
    assert not [t for t, a in parsed.tags if t == "link" and a.get("rel") != "icon"]
    assert not [a for t, a in parsed.tags if t == "script" and "src" in a]


def test_the_content_security_policy_allows_only_the_pages_own_style_and_script(page):
    parsed = Elements(page)
    (policy,) = [
        a["content"] for a in parsed.find("meta") if a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert "default-src 'none'" in policy and "img-src data:" in policy
    for kind, directive in (("style", "style-src"), ("script", "script-src")):
        (body,) = parsed.bodies[kind]
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy


def test_text_a_student_controls_is_shown_as_text():
    page = html.render_result(result(HOSTILE, hostile=True), "en")
    parsed = Elements(page)
    assert len(parsed.find("script")) == 1  # the page's own
    assert not [a for _, a in parsed.tags if any(k.startswith("on") for k in a)]
    assert not [a for a in parsed.find("img") if a.get("src") == "x"]
    text = "".join(parsed.text)
    assert HOSTILE in text and f"RuntimeError: {HOSTILE}" in text and f"submissions/{HOSTILE}" not in text


def test_terminal_codes_and_control_characters_never_reach_the_page(page):
    assert "\x1b" not in page and "[31m" not in page and "red done" in page


def test_a_lone_surrogate_in_a_message_does_not_stop_the_page(tmp_path):
    data = result("ada")
    data["exercises"][1]["checks"][1]["messages"]["en"] = "got \ud800"
    page = html.render_result(data, "en")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    assert "got \ufffd" in page


def test_broken_artifacts_are_left_out_rather_than_shown():
    data = result("ada")
    data["exercises"][0]["artifacts"]["images"] = [
        {
            "check": "x",
            "caption": "?",
            "expected": "javascript:alert(1)",
            "got": "data:image/png;base64,AAAA",
        },
        7,
        None,
    ]
    data["exercises"][2]["artifacts"]["training"] = {
        "plan": "no",
        "grader_history": [{"epoch": "1"}],
        "confusion_matrix": [[1, 2]],
        "misclassified": [{"image": 3}],
    }
    page = html.render_result(data, "en")
    assert "javascript:" not in page and 'class="pair"' not in page and 'class="thumb"' not in page


@pytest.mark.parametrize(
    "lang, present, absent",
    [("en", "Your training run", "你的训练过程"), ("zh", "你的训练过程", "Your training run")],
)
def test_the_page_is_in_the_chosen_language(lang, present, absent):
    page = html.render_result(result("ada"), lang)
    assert present in page and absent not in page
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page
    assert ("期望 4，得到 3" in page) == (lang == "zh") and ("expected 4, got 3" in page) == (lang == "en")


def test_both_languages_give_each_message_whole_in_each():
    page = html.render_result(result("ada"), "both")
    assert '<p class="msg">expected 4, got 3</p><p class="msg zh" lang="zh-CN">期望 4，得到 3</p>' in page


def test_grade_results_render_as_html_through_the_report_formats():
    graded = GradeResult.from_dict(result("ada"))
    page = render(graded, "html")
    assert page.startswith("<!DOCTYPE html>") and "ceil_mode keeps a last partial window" in page


def test_a_missing_template_engine_is_named_in_both_languages(monkeypatch):
    import sys

    from autograder.reports.html import environment

    environment.environment.cache_clear()
    monkeypatch.setitem(sys.modules, "jinja2", None)
    with pytest.raises(environment.MissingJinja, match=r"pip install 'jinja2>=3.1' \| HTML 报告需要 Jinja2"):
        html.render_result(result("ada"), "en")
    environment.environment.cache_clear()


def test_text_labels_fill_each_language_with_its_own_value():
    from autograder.reports.html.environment import fill

    assert fill("{data} here", "{data}在此", {"data": Text("real images", "真实图片"), "n": 1}) == Text(
        "real images here", "真实图片在此"
    )


def test_a_hint_shared_by_several_failed_checks_is_shown_once():
    data = result("ada")
    checks = data["exercises"][1]["checks"]
    checks[2]["hint"] = checks[1]["hint"]
    page = html.render_result(data, "en")
    assert page.count("Count the windows that fit.") == 1 and "Hint: the same as above." in page
