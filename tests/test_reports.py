"""The formats graders read: the table, Gradescope's results.json, JUnit XML (valid against Jenkins' schema);
every writer writes any text, in the language asked for (the bundle: test_gradescope_bundle.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import junitparser
import pytest

from autograder import catalog, i18n
from autograder.i18n import Text
from autograder.reports import columns, render, table
from autograder.results import CheckResult, ExerciseResult, GradeResult


@pytest.fixture
def result():
    checks = [
        CheckResult("sizes", 2, 2, "passed"),
        CheckResult("ceil", 0, 1, "failed", "expected 3, got 2"),
        CheckResult("net", 0, 2, "error", "NotImplementedError"),
        CheckResult("loop", 0, 1, "timeout", "slow"),
    ]
    return GradeResult(
        [
            ExerciseResult("07_maxpool", "Max pooling", checks, 1.5),
            ExerciseResult("10_losses", "Losses", [CheckResult("l1", 1, 1, "passed")], 0.2),
        ],
        2.0,
        {"level": "strict", "layers": ["bubblewrap"], "notes": []},
    )


def test_gradescope_results_have_one_numbered_test_per_check(result):
    data = json.loads(render(result, "gradescope"))
    assert data["score"] == 3 and data["execution_time"] == 2.0
    assert [t["number"] for t in data["tests"]] == ["1.1", "1.2", "1.3", "1.4", "2.1"]
    assert [t["status"] for t in data["tests"]] == ["passed", "failed", "failed", "failed", "passed"]
    assert (
        data["tests"][2]["output"].startswith("<p><strong>Error")
        and "NotImplementedError" in data["tests"][2]["output"]
    )
    assert all(t["visibility"] == "visible" and "max_score" in t and "name" in t for t in data["tests"])


def test_junit_groups_checks_per_exercise_and_parses(result, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(render(result, "junit"))
    xml = junitparser.JUnitXml.fromfile(str(path))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"07_maxpool", "10_losses"}
    maxpool = suites["07_maxpool"]
    assert (maxpool.tests, maxpool.failures, maxpool.errors) == (4, 1, 2)
    outcomes = {case.name: [type(r).__name__ for r in case.result] for case in maxpool}
    assert outcomes == {"sizes": [], "ceil": ["Failure"], "net": ["Error"], "loop": ["Error"]}


@pytest.fixture
def with_a_gpu_check(result):
    result.exercises[1].checks.append(CheckResult("on_gpu", 0, 0, "skipped", "needs a CUDA device"))
    return result


def test_junit_reports_a_gpu_only_check_as_skipped(with_a_gpu_check, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(render(with_a_gpu_check, "junit"))
    suite = {suite.name: suite for suite in junitparser.JUnitXml.fromfile(str(path))}["10_losses"]
    case = next(case for case in suite if case.name == "on_gpu")
    assert suite.skipped == 1 and isinstance(case.result[0], junitparser.Skipped)


def test_gradescope_leaves_out_checks_skipped_on_this_device(with_a_gpu_check):
    data = json.loads(render(with_a_gpu_check, "gradescope"))
    assert not any("on_gpu" in t["name"] for t in data["tests"])


def test_a_json_result_renders_again_in_every_format(result, tmp_path):
    saved = tmp_path / "result.json"
    saved.write_text(render(result, "json"))
    for fmt in ("table", "junit", "gradescope", "json"):
        run = subprocess.run(
            [sys.executable, "-m", "autograder", "report", str(saved), "--format", fmt],
            capture_output=True,
            text=True,
            cwd=catalog.KIT_ROOT,
            timeout=120,
        )
        assert run.returncode == 0 and run.stdout == render(result, fmt), (fmt, run.stderr)


def test_report_names_a_file_that_is_not_a_result(tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text("[1, 2]")
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "report", str(bad)],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=120,
    )
    assert run.returncode == 2 and "notes.json" in run.stderr


def test_an_unknown_format_is_refused(result):
    with pytest.raises(ValueError, match="gradescope"):
        render(result, "yaml")


# ---------------------------------------------------------------- JUnit against the Jenkins schema

SHARED = Path(os.environ.get("AUTOGRADER_SHARED") or catalog.KIT_ROOT.parent / "shared")
JUNIT_XSD = SHARED / "schemas" / "junit-10.xsd"


@pytest.fixture(scope="module")
def junit_schema():
    if not JUNIT_XSD.is_file():
        pytest.skip(
            f"the Jenkins JUnit schema is not at {JUNIT_XSD} (../shared beside the checkout, or "
            f"$AUTOGRADER_SHARED)"
        )
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(JUNIT_XSD)))


def assert_valid_junit(text: str, schema) -> None:
    from lxml import etree

    document = etree.fromstring(text.encode("utf-8"))
    assert schema.validate(document), schema.error_log


def test_junit_validates_against_the_jenkins_schema(with_a_gpu_check, junit_schema):
    assert_valid_junit(render(with_a_gpu_check, "junit"), junit_schema)


def test_junit_keeps_each_checks_points_in_its_suites_properties(result, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(render(result, "junit"))
    suite = {suite.name: suite for suite in junitparser.JUnitXml.fromfile(str(path))}["07_maxpool"]
    properties = {p.name: p.value for p in suite.properties()}
    assert properties["score.sizes"] == "2" and properties["max_score.ceil"] == "1"
    assert (properties["score"], properties["max_score"]) == ("2", "6")


def test_junit_of_hostile_text_still_validates(result, junit_schema):
    result.exercises[0].checks[1].text = Text.plain("bad\x00\x01\x1b[31m\ud800\ufffe text")
    text = render(result, "junit")
    assert_valid_junit(text, junit_schema)
    assert "\x1b" not in text and "bad" in text


# ---------------------------------------------------------------- every writer writes any text

HOSTILE = 'ValueError: \ud800 \x1b[1mbold\x1b[0m \x00\x07 =HYPERLINK("x")'


@pytest.mark.parametrize("fmt", ["table", "json", "gradescope", "junit", "html"])
def test_every_format_writes_lone_surrogates_and_escape_codes(result, fmt):
    result.exercises[0].checks[2].text = Text(HOSTILE, HOSTILE)
    result.exercises[0].output = HOSTILE
    text = render(result, fmt)
    assert text.encode("utf-8") and "\x1b" not in text and "\x00" not in text
    assert "bold" in text


def test_a_long_message_is_cut_with_an_ellipsis_in_the_table(result):
    result.exercises[0].checks[1].text = Text("x " * 5000, "长" * 5000)
    lines = render(result, "table").splitlines()
    assert max(columns.width(line) for line in lines) <= table.WIDTH and any(
        line.endswith("…") for line in lines
    )


def test_a_message_under_a_title_too_long_to_share_its_line_starts_below_it_whole(result):
    """A note on a long check title (14 and 18 say their measured accuracy) once came out a letter a line."""
    check = result.exercises[0].checks[0]
    check.description = Text(
        "After training, the accuracy measured by the grader clears the threshold. " * 2, "中"
    )
    check.text = Text("held-out accuracy 94.2% (threshold 80%)", "准确率 94.2%")
    lines = with_language("en", lambda: render(result, "table")).splitlines()
    assert "        held-out accuracy 94.2% (threshold 80%)" in lines


# ---------------------------------------------------------------- one language, or both, throughout


@pytest.fixture
def bilingual():
    titled = Text("Ceil mode keeps the last window", "ceil 模式保留最后一个窗口")
    checks = [
        CheckResult("sizes", 2, 2, "passed", description=Text("Sizes match", "尺寸一致")),
        CheckResult("ceil", 0, 1, "failed", Text("expected 3, got 2", "期望 3，实际 2"), titled),
        CheckResult(
            "net",
            0,
            2,
            "error",
            Text.plain("NotImplementedError: net (maxpool.py, line 3)"),
            Text("The network runs", "网络可以运行"),
        ),
        CheckResult(
            "after",
            0,
            1,
            "not_judged",
            Text("not judged", "未评判"),
            Text("Later", "之后"),
            blocked_by="maxpool2d_output_size",
        ),
    ]
    return GradeResult(
        [ExerciseResult("07_maxpool", "Max pooling", checks, 1.5, title_zh="最大池化")],
        2.0,
        {"level": "strict", "layers": ["bubblewrap"], "notes": ["uid 65534 cannot read this Python"]},
    )


def with_language(lang, fn):
    before = i18n.language()
    i18n.set_language(lang)
    try:
        return fn()
    finally:
        i18n.set_language(before)


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_table_in_chinese_has_chinese_headers_statuses_titles_and_messages(bilingual):
    text = with_language("zh", lambda: render(bilingual, "table"))
    for word in (
        "练习",
        "得分",
        "用时",
        "总分",
        "未通过",
        "出错",
        "未评判",
        "ceil 模式保留最后一个窗口",
        "期望 3，实际 2",
    ):
        assert word in text, word
    for word in ("Exercise", "Score", "Total", "failed", "error", "Ceil mode", "expected", "ceil (-1)"):
        assert word not in text, word


def test_the_table_in_english_has_no_chinese(bilingual):
    text = with_language("en", lambda: render(bilingual, "table"))
    assert not has_cjk(text) and "Ceil mode keeps the last window" in text and "expected 3, got 2" in text


@pytest.mark.parametrize("fmt", ["junit", "gradescope", "html"])
def test_other_formats_are_monolingual_too(bilingual, fmt):
    assert not has_cjk(with_language("en", lambda: render(bilingual, fmt)))


def test_both_languages_give_each_message_whole(bilingual):
    long_en, long_zh = (
        "the output size is wrong for this case " * 6 + "END",
        "这个用例的输出尺寸不对，" * 12 + "结尾",
    )
    bilingual.exercises[0].checks[1].text = Text(long_en, long_zh)
    text = "".join(with_language("both", lambda: render(bilingual, "table")).split())
    assert text.count("END") == 1 and text.count("结尾") == 1


def test_not_judged_is_neutral_and_names_what_blocked_it(bilingual):
    line = next(
        line
        for line in with_language("en", lambda: render(bilingual, "table")).splitlines()
        if "Later" in line
    )
    assert line.lstrip().startswith("–") and "maxpool2d_output_size" in line and "(-" not in line


def test_isolation_details_only_with_verbose(bilingual):
    quiet = with_language("en", lambda: render(bilingual, "table"))
    loud = with_language("en", lambda: render(bilingual, "table", verbose=True))
    assert "uid 65534" not in quiet and "bubblewrap" not in quiet
    assert "uid 65534" in loud and "bubblewrap" in loud
    assert "strict" not in json.loads(render(bilingual, "gradescope"))["output"]


def test_the_file_location_is_printed_once_for_a_syntax_error():
    from autograder.problems import StudentError

    error = StudentError(
        {
            "type": "SyntaxError",
            "message": "unmatched ')' (maxpool.py, line 53)",
            "file": "maxpool.py",
            "line": 53,
        }
    )
    assert str(error).count("(maxpool.py, line 53)") == 1


def test_report_lang_en_is_monolingual_from_the_command_line(bilingual, tmp_path):
    saved = tmp_path / "result.json"
    saved.write_text(render(bilingual, "json"))
    for fmt in ("table", "junit", "gradescope"):
        run = subprocess.run(
            [sys.executable, "-m", "autograder", "report", str(saved), "--format", fmt, "--lang", "en"],
            capture_output=True,
            text=True,
            cwd=catalog.KIT_ROOT,
            timeout=120,
        )
        assert run.returncode == 0 and run.stdout and not has_cjk(run.stdout), (fmt, run.stderr)


def test_an_exercise_not_started_is_one_line_naming_what_is_left_to_write():
    stub = "NotImplementedError: {} is not written yet / 尚未实现 (maxpool.py, line {})"
    checks = [
        CheckResult(f"c{i}", 0, 1, "error", stub.format(name, i))
        for i, name in enumerate(["maxpool2d_output_size", "maxpool2d_output_size", "MaxPoolNet.forward"])
    ]
    text = render(GradeResult([ExerciseResult("07_maxpool", "Max pooling", checks, 0.1)], 0.1), "table")
    body = [line for line in text.splitlines() if line.startswith("    ")]
    assert "not started" in text and "maxpool2d_output_size, MaxPoolNet.forward" in text
    assert "NotImplementedError" not in text and len(body) <= 3
