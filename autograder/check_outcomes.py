"""What a hidden check's outcome becomes in its result: its title, its status and message, bounded.

`judge.GradingPlugin` calls these for each check it runs or reports unrun.
"""

from __future__ import annotations

import traceback

from autograder import textsafe
from autograder.i18n import Text
from autograder.problems import StudentProblem
from autograder.verdicts import CheckFailed


def bounded(text: Text) -> Text:
    """A check's message as a report can hold it: each language cleaned and cut to a few KB, whatever
    student data a check quoted in it (`autograder.textsafe`)."""
    return Text(
        textsafe.clean(text.en, textsafe.MESSAGE_LIMIT), textsafe.clean(text.zh, textsafe.MESSAGE_LIMIT)
    )


def _first_line(doc: str | None) -> str:
    return doc.strip().splitlines()[0] if doc and doc.strip() else ""


def check_title(doc: str | None) -> Text:
    """A check's title from its docstring: the first line in English, and the first line holding Chinese
    characters (`中文：...` by convention) in Chinese; the English again when there is none."""
    english = _first_line(doc)
    for line in (doc or "").splitlines():
        text = line.strip()
        if any("\u4e00" <= ch <= "\u9fff" for ch in text):
            return Text(english, text.removeprefix("中文：").removeprefix("中文:").strip())
    return Text.plain(english)


def classify(error: BaseException) -> tuple[str, Text, str | None]:
    """A check's status and message from what it raised, and, when that is the grader's own error (a
    defect of the check, not the student's), the error's one-line description."""
    if isinstance(error, StudentProblem):
        return error.status, error.text, None
    if isinstance(error, CheckFailed):
        return "failed", error.text, None
    if isinstance(error, AssertionError):
        return "failed", Text.plain(str(error)) if str(error) else Text("wrong answer", "答案不正确"), None
    detail = "".join(traceback.format_exception_only(type(error), error)).strip()
    return (
        "error",
        Text(
            f"the grader hit an internal error in this check ({detail})",
            f"评分程序在此检查中出错（{detail}）",
        ),
        detail,
    )


CUDA_ONLY = Text("needs a CUDA device; graded with --device cpu", "需要 CUDA 设备；本次用 --device cpu 评分")
