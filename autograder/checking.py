"""What hidden checks are written with: points, comparisons, and messages students can act on.

A hidden check is a pytest test marked with `@points(n)`. It gets its inputs from the fixtures
`student` (the submission, behind a sandboxed worker), `reference` (the solution, in the grader's
process) and `data`, both proxies sharing one interface (`autograder.proxies.ModuleProxy`): `probe`
with a probe function, `call`, `each`. It judges with the `expect_*` helpers below, which raise
`CheckFailed` with one line saying what was expected and what came back, in English and Chinese.
A check that needs another of the student's functions, already wrong and charged by its own check,
calls `not_judged_because(...)` (or `not_judged(...)` with its own wording): status `not_judged`, worth
0, not a failure; one bug, one charge.
`note` adds a remark shown even when the check passes; `attach` keeps data for the report pages
(a training curve, images), JSON-ready, under a key of the exercise's result.

Number-like values. A right value of a number-like type (a 0-dim tensor, a NumPy scalar, a float
holding a whole number) is a type problem, said in one short line, never a wrong value or structure.
Value checks (`expect_equal`, `expect_each_equal`, `expect_close` against a number or a 0-dim tensor)
compare the number it stands for (`number_types.number_value`; bool is never a number). Each contract
says which of three kinds a returned number is:
- a size that code uses as a size (`conv2d_output_size`, `maxpool2d_output_size`): an integer type,
  what layers accept (int, a NumPy integer, a 0-dim integer tensor); a float of any kind, even a whole
  one, is refused (`nn.Linear(1024.0, 64)` raises), charged once by the exercise's "... is an int"
  check (`expect_int`, `expect_each_int`) and nowhere else;
- a number a learner would print (a course figure, a parameter count, an accuracy, a checkpoint's
  epoch and loss): any number-like value of the right value is accepted, 0-dim tensors included;
- a tensor that training goes on with (a loss): a tensor; a Python float is charged once, by the check
  that needs the tensor (the gradient check), with the reason (`.item()` cuts the gradient).
A tensor of several values where one number is asked is a wrong shape ("reduce it, e.g. .mean()").

Everything a hidden check needs is importable from here: the problems a student's call can raise
(`StudentProblem`, `StudentError`, `StudentTimeout`), `Text` and `tr` for bilingual messages, and
the verdicts of `autograder.verdicts`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from autograder.i18n import Text, tr
from autograder.number_types import is_integer, number_kind, number_value
from autograder.problems import NotJudged, StudentError, StudentProblem, StudentTimeout, not_judged
from autograder.showing import clip, show
from autograder.verdicts import CheckFailed, attach, cuda_only, fail, not_judged_because, note, points
from autograder.worker.wire import Opaque

__all__ = [
    "CheckFailed",
    "NotJudged",
    "StudentError",
    "StudentProblem",
    "StudentTimeout",
    "Text",
    "agrees",
    "attach",
    "call_text",
    "clip",
    "cuda_only",
    "describe_type",
    "each_equal",
    "expect_close",
    "expect_each_equal",
    "expect_each_int",
    "expect_equal",
    "expect_int",
    "expect_tensor",
    "expect_type",
    "fail",
    "not_judged",
    "not_judged_because",
    "note",
    "number_value",
    "points",
    "show",
    "tr",
]


# ---------------------------------------------------------------- naming values


def english(what: str | Text) -> str:
    """The English of a message part (a plain string reads the same in both languages)."""
    return what.en if isinstance(what, Text) else what


def chinese(what: str | Text) -> str:
    """The Chinese of a message part."""
    return what.zh if isinstance(what, Text) else what


TYPE_NAMES_ZH = {
    "float": "浮点数 float",
    "int": "整数 int",
    "str": "字符串 str",
    "list": "列表 list",
    "tuple": "元组 tuple",
    "dict": "字典 dict",
    "bool": "布尔值 bool",
    "Tensor": "tensor",
    "ndarray": "NumPy 数组",
}


def describe_type(value: Any, zh: bool = False) -> str:
    """'a float', 'a Tensor', 'None', ...: the kind of value for messages (in Chinese with `zh`)."""
    if value is None:
        return "None"
    name = value.type if isinstance(value, Opaque) else type(value).__name__
    if zh:
        return TYPE_NAMES_ZH.get(name, name)
    return f"a {clip(name, 100)}"


def type_names(kinds: tuple[type, ...], zh: bool = False) -> str:
    """'float or int' / '浮点数 float 或 整数 int'."""
    if zh:
        return " 或 ".join(TYPE_NAMES_ZH.get(k.__name__, k.__name__) for k in kinds)
    return " or ".join(k.__name__ for k in kinds)


# ---------------------------------------------------------------- comparisons


def expect_equal(got: Any, expected: Any, what: str | Text) -> None:
    """Exact equality (for ints, strings, shapes, lists of those); numbers compare by value (see above)."""
    if not _plain_equal(got, expected):
        fail(
            f"{english(what)}: expected {show(expected)}, got {show(got)}",
            f"{chinese(what)}：期望 {show(expected, zh=True)}，实际 {show(got, zh=True)}",
        )


def _plain_equal(got: Any, expected: Any) -> bool:
    if isinstance(expected, (list, tuple)):
        return (
            isinstance(got, (list, tuple))
            and len(got) == len(expected)
            and all(_plain_equal(g, e) for g, e in zip(got, expected))
        )
    if isinstance(got, bool) or isinstance(expected, bool):
        return type(got) is type(expected) and got == expected
    if isinstance(got, (int, float)) and isinstance(expected, (int, float)):
        return got == expected
    got_number, expected_number = number_value(got), number_value(expected)
    if got_number is not None and expected_number is not None:
        return got_number == expected_number
    if isinstance(expected, (torch.Tensor, np.ndarray)) or isinstance(got, (torch.Tensor, np.ndarray)):
        return False
    return type(got) is type(expected) and got == expected


def expect_type(
    got: Any, kinds: type | tuple[type, ...], what: str | Text, advice: str = "", advice_zh: str = ""
) -> None:
    """`got` is an instance of `kinds` (bool is never accepted as a number)."""
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    ok = isinstance(got, kinds) and not (isinstance(got, bool) and bool not in kinds)
    if not ok:
        fail(
            f"{english(what)}: expected a {type_names(kinds)}, got {describe_type(got)}"
            + (f"; {advice}" if advice else ""),
            f"{chinese(what)}：应为 {type_names(kinds, zh=True)}，实际是 {describe_type(got, zh=True)}"
            + (f"；{advice_zh}" if advice_zh else ""),
        )


def expect_int(got: Any, what: str | Text, advice: Text | None = None) -> None:
    """`got` is of an integer type (a size's contract: what layers accept); a float, even a whole one, is said
    to be a type problem in one line."""
    if is_integer(got):
        return
    value = number_value(got)
    advice = advice or Text("return an int", "请返回整数 int")
    if value is None:
        fail(
            f"{english(what)}: expected an int, got {describe_type(got)}; {advice.en}",
            f"{chinese(what)}：应为整数 int，实际是 {describe_type(got, zh=True)}；{advice.zh}",
        )
    kind = number_kind(got)
    fail(
        f"{english(what)} returned {show(value)} as {kind.en}, not an int; {advice.en}",
        f"{chinese(what)} 返回的 {show(value, zh=True)} 是{kind.zh}，不是整数 int；{advice.zh}",
    )


def expect_tensor(
    got: Any, what: str | Text, shape: Sequence[int] | None = None, dtype: torch.dtype | None = None
) -> torch.Tensor:
    """`got` is a tensor (with this shape and dtype when given); returns it."""
    if not isinstance(got, torch.Tensor):
        fail(
            f"{english(what)}: expected a tensor, got {describe_type(got)}",
            f"{chinese(what)}：应为 tensor，实际是 {describe_type(got, zh=True)}",
        )
    if shape is not None and tuple(got.shape) != tuple(shape):
        fail(
            f"{english(what)}: expected shape {tuple(shape)}, got {tuple(got.shape)}",
            f"{chinese(what)}：形状应为 {tuple(shape)}，实际为 {tuple(got.shape)}",
        )
    if dtype is not None and got.dtype != dtype:
        name, got_name = str(dtype).removeprefix("torch."), str(got.dtype).removeprefix("torch.")
        fail(
            f"{english(what)}: expected dtype {name}, got {got_name}",
            f"{chinese(what)}：dtype 应为 {name}，实际为 {got_name}",
        )
    return got


def expect_close(
    got: Any,
    expected: Any,
    what: str | Text,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    check_dtype: bool = False,
) -> None:
    """Numbers or tensors equal within tolerance, shapes (and dtypes when asked) equal. Against a number or
    a 0-dim tensor, any number-like value is compared by the number it stands for."""
    if isinstance(expected, (torch.Tensor, np.ndarray)) and expected.ndim > 0:
        expected_t = torch.as_tensor(expected)
        if isinstance(got, np.ndarray) and isinstance(expected, np.ndarray):
            got = torch.as_tensor(got)
        got_t = expect_tensor(
            got, what, shape=tuple(expected_t.shape), dtype=expected_t.dtype if check_dtype else None
        )
        _compare_tensors(got_t, expected_t, what, atol, rtol)
        return
    if isinstance(got, (torch.Tensor, np.ndarray)) and got.ndim > 0:
        shape = tuple(got.shape)
        fail(
            f"{english(what)}: expected one number, got a tensor of shape {shape}: reduce it to one value "
            f"(e.g. with .mean() or .sum())",
            f"{chinese(what)}：应为一个数，实际是形状为 {shape} 的 tensor：请把它归约成一个值（例如 .mean() "
            f"或 .sum()）",
        )
    if check_dtype and isinstance(got, torch.Tensor) and isinstance(expected, torch.Tensor):
        expect_tensor(got, what, dtype=expected.dtype)
    value, reference = number_value(got), number_value(expected)
    if reference is None:
        raise TypeError(f"the expected value {expected!r} is not a number")
    want = float(reference)
    if value is None:
        expect_type(got, (int, float), what)
    assert value is not None  # expect_type fails for anything number_value cannot read
    if not _close(float(value), want, atol, rtol):
        fail(
            f"{english(what)}: expected {show(want)}, got {show(float(value))}",
            f"{chinese(what)}：期望 {show(want, zh=True)}，实际 {show(float(value), zh=True)}",
        )


def agrees(got: Any, expected: Any, atol: float = 1e-5, rtol: float = 1e-4) -> bool:
    """Whether `expect_close` would pass: for a check judged only once another behaviour is right."""
    try:
        expect_close(got, expected, "", atol=atol, rtol=rtol)
    except CheckFailed:
        return False
    return True


def _close(got: float, expected: float, atol: float, rtol: float) -> bool:
    if math.isnan(expected):
        return math.isnan(got)
    return math.isclose(got, expected, rel_tol=rtol, abs_tol=atol)


def _compare_tensors(
    got: torch.Tensor, expected: torch.Tensor, what: str | Text, atol: float, rtol: float
) -> None:
    if got.is_meta:
        fail(
            f"{english(what)}: got a tensor without data (meta device)",
            f"{chinese(what)}：返回的 tensor 没有数据（meta 设备）",
        )
    got64 = got.detach().to(torch.float64) if not got.is_complex() else got.detach()
    exp64 = expected.detach().to(got64.dtype)
    if got64.numel() == 0:
        return
    close = torch.isclose(got64, exp64, rtol=rtol, atol=atol, equal_nan=True)
    if bool(close.all()):
        return
    bad = int((~close).sum())
    index = tuple(int(i) for i in torch.nonzero(~close)[0])
    at = f"[{', '.join(map(str, index))}]" if index else ""
    fail(
        f"{english(what)}: {bad} of {got64.numel()} values differ; at {at or 'the value'} expected "
        f"{exp64[index].item():.6g}, got {got64[index].item():.6g}",
        f"{chinese(what)}：{got64.numel()} 个值中有 {bad} 个不对；位置 {at or ''} 期望 "
        f"{exp64[index].item():.6g}，实际 {got64[index].item():.6g}",
    )


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
        elif not _plain_equal(value, want):
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
            isinstance(o, list) and len(o) == 2 and o[0] == "ok" and _plain_equal(o[1], want)
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
        if kind == "ok" and _plain_equal(value, want)
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
