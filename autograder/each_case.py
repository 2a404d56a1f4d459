"""Judging the outcomes of the `call_each` probe (one call of a student's function per case), case by case.

Check authors import these from `autograder.checking`.
"""

from __future__ import annotations

from typing import Any

from autograder.expectations import expect_int, plain_equal
from autograder.i18n import Text
from autograder.number_types import is_integer
from autograder.problems import StudentError
from autograder.showing import show
from autograder.verdicts import fail, not_judged_because


def _outcomes(outcomes: Any, count: int) -> list[tuple[str, Any]]:
    """The `call_each` outcomes as (kind, value) pairs; fails when they do not cover every case."""
    if not isinstance(outcomes, list) or len(outcomes) != count:
        fail("could not evaluate all cases", "无法完成所有用例")
    return [tuple(o) if isinstance(o, list) and len(o) == 2 else ("error", {}) for o in outcomes]


def expect_each_equal(outcomes: Any, expected: list[Any], calls: list[str]) -> None:
    """Judge the outcomes of the `call_each` probe case by case (numbers by value); reports the first wrong
    case and the count. When every case raised the same error, that error is the verdict."""
    pairs = _outcomes(outcomes, len(expected))
    errors = [StudentError(value) for kind, value in pairs if kind == "error"]
    if len(errors) == len(pairs) and len({str(e) for e in errors}) == 1:
        raise errors[0]
    wrong = []
    for call, (kind, value), want in zip(calls, pairs, expected):
        if kind != "ok":
            raised = StudentError(value)
            wrong.append((call, f"raised {raised}", f"抛出 {raised}", want))
        elif not plain_equal(value, want):
            wrong.append((call, f"got {show(value)}", f"实际 {show(value, zh=True)}", want))
    if wrong:
        call, got_en, got_zh, want = wrong[0]
        fail(
            f"{len(wrong)} of {len(expected)} cases wrong; first: {call} should be {show(want)}, {got_en}",
            f"{len(expected)} 个用例中有 {len(wrong)} 个错误；例如 {call} 应为 "
            f"{show(want, zh=True)}，{got_zh}",
        )


def each_equal(outcomes: Any, expected: list[Any]) -> bool:
    """Whether every `call_each` outcome returned its expected value (for checks judged only after that)."""
    return (
        isinstance(outcomes, list)
        and len(outcomes) == len(expected)
        and all(
            isinstance(o, list) and len(o) == 2 and o[0] == "ok" and plain_equal(o[1], want)
            for o, want in zip(outcomes, expected)
        )
    )


def expect_each_int(
    outcomes: Any, expected: list[Any], calls: list[str], function: str, advice: Text | None = None
) -> None:
    """Every right value the `call_each` probe got back is of an integer type (wrong values and errors are
    the value checks' to judge); not judged when no case gave a right value."""
    pairs = _outcomes(outcomes, len(calls))
    returned = [
        (call, value)
        for call, (kind, value), want in zip(calls, pairs, expected)
        if kind == "ok" and plain_equal(value, want)
    ]
    if not returned:
        not_judged_because(
            function,
            f"no call of {function} gave a right value yet",
            f"{function} 还没有一次调用得到正确的值",
        )
    others = [(call, value) for call, value in returned if not is_integer(value)]
    if others:
        expect_int(others[0][1], others[0][0], advice)


def call_text(name: str, kwargs: dict[str, Any]) -> str:
    """'f(a=1, b=2)' for messages."""
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
