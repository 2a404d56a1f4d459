"""Gradescope's rich output: HTML outputs with statuses, messages and hints, and the training
exercises' key plot as an inline PNG with its numbers beside it; student text stays text."""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from PIL import Image

from autograder import i18n
from autograder.reports import gradescope, gradescope_rich
from autograder.results import GradeResult
from report_samples import HOSTILE, result, training_solved


@pytest.fixture
def english():
    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


def gradescope_json(data: dict) -> dict:
    return json.loads(gradescope.render(GradeResult.from_dict(data)))


def test_every_output_is_html(english):
    data = gradescope_json(result("ada"))
    assert data["output_format"] == "html" and all(t["output_format"] == "html" for t in data["tests"])


def test_a_failed_check_gives_its_status_message_and_hint(english):
    tests = {t["name"]: t["output"] for t in gradescope_json(result("ada"))["tests"]}
    output = tests["07_maxpool · ceil_mode_keeps_a_last_partial_window"]
    assert output == (
        "<p><strong>Failed</strong> · 0 / 1</p><p>expected 4, got 3</p>"
        "<p><strong>Hint:</strong> Count the windows that fit.</p>"
    )
    assert tests["07_maxpool · net_output_matches"].startswith("<p><strong>Not judged</strong>")
    assert tests["07_maxpool · output_size_uses_kernel_size_as_default_stride"] == ""


def test_student_text_in_an_output_is_escaped(english):
    tests = gradescope_json(result(HOSTILE, hostile=True))["tests"]
    outputs = "".join(t["output"] for t in tests)
    assert "<script>" not in outputs and "<img src=x" not in outputs
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in outputs


def test_both_languages_give_a_paragraph_each():
    output = gradescope_rich.check_output(GradeResult.from_dict(result("ada")).exercises[1].checks[1], "both")
    assert output == (
        "<p><strong>Failed / 未通过</strong> · 0 / 1</p><p>expected 4, got 3</p><p>期望 4，得到 "
        "3</p><p><strong>Hint:</strong> Count the windows that fit.</p><p><strong>提示：</strong> 数一数能放"
        "下多少个窗口。</p>"
    )


def test_the_summary_embeds_the_key_training_plot_with_its_numbers(english):
    summary = gradescope_json(result("ada", training=training_solved()))["output"]
    (uri,) = re.findall(r'<img src="(data:image/png;base64,[^"]+)"', summary)
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert image.size == (640, 220) and image.format == "PNG"
    rows = re.findall(
        r"<tr><td>(\d)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", summary
    )
    assert rows == [("1", "1.319", "68.6%", "1.32", "68.6%"), ("2", "0.1751", "90.1%", "0.1751", "90.1%")]


def test_the_plot_draws_the_students_curve_in_its_colour():
    artifact = training_solved()
    view = gradescope_rich.training_view(artifact)
    summary = gradescope_rich.training_summary(GradeResult.from_dict(result("ada")).exercises[2], view, "en")
    uri = re.search(r'src="data:image/png;base64,([^"]+)"', summary).group(1)
    colours = {
        colour
        for _, colour in Image.open(io.BytesIO(base64.b64decode(uri))).convert("RGB").getcolors(1 << 16)
    }
    assert {gradescope_rich.YOURS, gradescope_rich.REFERENCE} <= colours


def test_a_summary_without_training_has_no_plot(english):
    data = result("ada")
    del data["exercises"][2]
    summary = gradescope_json(data)["output"]
    assert "<img" not in summary and "<td>07_maxpool</td><td>Max pooling</td><td>2 / 8</td>" in summary
