"""What hidden checks are written with: points, comparisons, and messages students can act on.

A hidden check is a pytest test marked with `@points(n)`. It gets its inputs from the fixtures
`student` (the submission, behind a sandboxed worker), `reference` (the solution, in the grader's
process) and `data`, both proxies sharing one interface (`autograder.proxies.ModuleProxy`): `probe`
with a probe function, `call`, `each`. It judges with the `expect_*` helpers below, which raise
`CheckFailed` with one line saying what was expected and what came back, in English and Chinese.
`note` adds a remark shown even when the check passes; `attach` keeps data for the report pages
(a training curve, images), JSON-ready, under a key of the exercise's result.

Everything a hidden check needs is importable from here: the problems a student's call can raise
(`StudentProblem`, `StudentError`, `StudentTimeout`), `Text` and `tr` for bilingual messages.
"""
from __future__ import annotations

import ast
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
import torch

from autograder.i18n import Text, tr
from autograder.problems import NotJudged, StudentError, StudentProblem, StudentTimeout, not_judged
from autograder.worker.wire import Opaque

__all__ = [
    "CheckFailed", "NotJudged", "StudentError", "StudentProblem", "StudentTimeout", "Text", "attach", "call_text",
    "cuda_only", "describe_type", "expect_close", "expect_each_equal", "expect_equal", "expect_tensor", "expect_type",
    "expect_written_by_hand", "fail", "names_in_function", "not_judged", "note", "points", "show", "tr",
]


def points(value: float):
    """Mark a check as worth `value` points."""
    return pytest.mark.points(value)


cuda_only = pytest.mark.cuda
"""Mark a check that only means something on a GPU: collected when grading with --device cuda,
reported as skipped (worth nothing) otherwise."""


class CheckFailed(AssertionError):
    """The student's answer is wrong; `text` says how, in both languages."""

    def __init__(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text.plain(text)
        super().__init__(self.text.render())

    def __str__(self) -> str:
        return self.text.render()


_notes: list[Text] = []
_attachments: dict[str, Any] = {}


def note(en: str, zh: str) -> None:
    """Attach a remark to the running check, shown even when it passes (e.g. a measured accuracy)."""
    _notes.append(Text(en, zh))


def take_notes() -> Text | None:
    """The remarks attached since the last call, joined; clears them."""
    if not _notes:
        return None
    text = Text("; ".join(n.en for n in _notes), "；".join(n.zh for n in _notes))
    _notes.clear()
    return text


def attach(key: str, value: Any) -> None:
    """Keep JSON-ready data (numbers, strings, lists, dicts) for the exercise's report page under `key`."""
    _attachments[key] = value


def take_attachments() -> dict[str, Any]:
    """The data attached since the last call; clears them."""
    taken = dict(_attachments)
    _attachments.clear()
    return taken


def fail(en: str, zh: str) -> None:
    """Fail the check with a bilingual message."""
    raise CheckFailed(Text(en, zh))


# ---------------------------------------------------------------- formatting

REPR_LIMIT = 300


def clip(text: str, limit: int = REPR_LIMIT) -> str:
    """`text` cut to `limit` characters with an ellipsis: no message quotes student data without bound."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show(value: Any, limit: int = 8, zh: bool = False) -> str:
    """A short, readable rendering of a value for messages (in Chinese with `zh`); never longer than
    REPR_LIMIT characters, whatever the value."""
    return clip(_show(value, limit, zh))


def _show(value: Any, limit: int, zh: bool) -> str:
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).removeprefix("torch.")
        if value.is_meta:
            return f"形状为 {tuple(value.shape)} 的 meta tensor" if zh else f"a meta tensor of shape {tuple(value.shape)}"
        if value.numel() <= limit and value.dim() <= 2:
            return f"tensor({_round(value.detach().tolist())}, dtype={dtype})"
        return (f"形状为 {tuple(value.shape)}、dtype 为 {dtype} 的 tensor" if zh
                else f"a tensor of shape {tuple(value.shape)}, dtype {dtype}")
    if isinstance(value, np.ndarray):
        if value.size <= limit:
            return f"array({_round(value.tolist())}, dtype={value.dtype})"
        return (f"形状为 {value.shape}、dtype 为 {value.dtype} 的数组" if zh
                else f"an array of shape {value.shape}, dtype {value.dtype}")
    if isinstance(value, Opaque):
        return f"一个 {value.type} 对象" if zh else f"a {value.type} object"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)) and len(value) > limit:
        kind = type(value).__name__
        return f"包含 {len(value)} 项的 {kind}" if zh else f"a {kind} of {len(value)} items"
    if isinstance(value, str):
        return repr(value if len(value) <= 80 else value[:77] + "...")
    try:
        return repr(value)
    except RecursionError:
        return f"<{type(value).__name__}>"


def _round(items: Any) -> Any:
    if isinstance(items, float):
        return round(items, 4)
    if isinstance(items, list):
        return [_round(item) for item in items]
    return items


def _en(what: str | Text) -> str:
    return what.en if isinstance(what, Text) else what


def _zh(what: str | Text) -> str:
    return what.zh if isinstance(what, Text) else what


TYPE_NAMES_ZH = {"float": "浮点数 float", "int": "整数 int", "str": "字符串 str", "list": "列表 list",
                 "tuple": "元组 tuple", "dict": "字典 dict", "bool": "布尔值 bool"}


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
    """Exact equality (for ints, strings, shapes, lists of those)."""
    if type(got) is bool or type(expected) is bool:
        same = type(got) is type(expected) and got == expected
    else:
        same = _plain_equal(got, expected)
    if not same:
        fail(f"{_en(what)}: expected {show(expected)}, got {show(got)}",
             f"{_zh(what)}：期望 {show(expected, zh=True)}，实际 {show(got, zh=True)}")


def _plain_equal(got: Any, expected: Any) -> bool:
    if isinstance(expected, (torch.Tensor, np.ndarray)) or isinstance(got, (torch.Tensor, np.ndarray)):
        return False
    if isinstance(expected, (list, tuple)):
        return (
            isinstance(got, (list, tuple))
            and len(got) == len(expected)
            and all(_plain_equal(g, e) for g, e in zip(got, expected))
        )
    if isinstance(expected, int) and isinstance(got, int):
        return got == expected
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        return got == expected
    return type(got) is type(expected) and got == expected


def expect_type(got: Any, kinds: type | tuple[type, ...], what: str | Text, advice: str = "", advice_zh: str = "") -> None:
    """`got` is an instance of `kinds` (bool is never accepted as a number)."""
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    ok = isinstance(got, kinds) and not (isinstance(got, bool) and bool not in kinds)
    if not ok:
        fail(f"{_en(what)}: expected a {type_names(kinds)}, got {describe_type(got)}" + (f"; {advice}" if advice else ""),
             f"{_zh(what)}：应为 {type_names(kinds, zh=True)}，实际是 {describe_type(got, zh=True)}"
             + (f"；{advice_zh}" if advice_zh else ""))


def expect_tensor(got: Any, what: str | Text, shape: Sequence[int] | None = None, dtype: torch.dtype | None = None) -> torch.Tensor:
    """`got` is a tensor (with this shape and dtype when given); returns it."""
    if not isinstance(got, torch.Tensor):
        fail(f"{_en(what)}: expected a tensor, got {describe_type(got)}",
             f"{_zh(what)}：应为 tensor，实际是 {describe_type(got, zh=True)}")
    if shape is not None and tuple(got.shape) != tuple(shape):
        fail(f"{_en(what)}: expected shape {tuple(shape)}, got {tuple(got.shape)}",
             f"{_zh(what)}：形状应为 {tuple(shape)}，实际为 {tuple(got.shape)}")
    if dtype is not None and got.dtype != dtype:
        name, got_name = str(dtype).removeprefix("torch."), str(got.dtype).removeprefix("torch.")
        fail(f"{_en(what)}: expected dtype {name}, got {got_name}", f"{_zh(what)}：dtype 应为 {name}，实际为 {got_name}")
    return got


def expect_close(got: Any, expected: Any, what: str | Text, atol: float = 1e-5, rtol: float = 1e-4,
                 check_dtype: bool = False) -> None:
    """Numbers or tensors equal within tolerance, shapes (and dtypes when asked) equal."""
    if isinstance(expected, (torch.Tensor, np.ndarray)):
        expected_t = torch.as_tensor(expected)
        if isinstance(got, np.ndarray) and isinstance(expected, np.ndarray):
            got = torch.as_tensor(got)
        got_t = expect_tensor(got, what, shape=tuple(expected_t.shape),
                              dtype=expected_t.dtype if check_dtype else None)
        _compare_tensors(got_t, expected_t, what, atol, rtol)
        return
    if isinstance(got, torch.Tensor) and got.numel() == 1 and got.dim() == 0:
        got = got.item()
    expect_type(got, (int, float), what)
    if not _close(float(got), float(expected), atol, rtol):
        fail(f"{_en(what)}: expected {show(float(expected))}, got {show(float(got))}",
             f"{_zh(what)}：期望 {show(float(expected), zh=True)}，实际 {show(float(got), zh=True)}")


def _close(got: float, expected: float, atol: float, rtol: float) -> bool:
    if math.isnan(expected):
        return math.isnan(got)
    return math.isclose(got, expected, rel_tol=rtol, abs_tol=atol)


def _compare_tensors(got: torch.Tensor, expected: torch.Tensor, what: str | Text, atol: float, rtol: float) -> None:
    if got.is_meta:
        fail(f"{_en(what)}: got a tensor without data (meta device)", f"{_zh(what)}：返回的 tensor 没有数据（meta 设备）")
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
        f"{_en(what)}: {bad} of {got64.numel()} values differ; at {at or 'the value'} expected "
        f"{exp64[index].item():.6g}, got {got64[index].item():.6g}",
        f"{_zh(what)}：{got64.numel()} 个值中有 {bad} 个不对；位置 {at or ''} 期望 {exp64[index].item():.6g}，"
        f"实际 {got64[index].item():.6g}",
    )


def expect_each_equal(outcomes: Any, expected: list[Any], calls: list[str]) -> None:
    """Judge the outcomes of the `call_each` probe case by case; reports the first wrong case and the count."""
    if not isinstance(outcomes, list) or len(outcomes) != len(expected):
        fail("could not evaluate all cases", "无法完成所有用例")
    errors = [StudentError(o[1]) for o in outcomes if isinstance(o, list) and len(o) == 2 and o[0] == "error"]
    if len(errors) == len(outcomes) and len({str(e) for e in errors}) == 1:
        raise errors[0]
    wrong = []
    for call, outcome, want in zip(calls, outcomes, expected):
        kind, value = outcome if isinstance(outcome, list) and len(outcome) == 2 else ("error", {})
        if kind != "ok":
            raised = StudentError(value)
            wrong.append((call, f"raised {raised}", f"抛出 {raised}", want))
        elif type(value) is bool or not _plain_equal(value, want):
            wrong.append((call, f"got {show(value)}", f"实际 {show(value, zh=True)}", want))
    if wrong:
        call, got_en, got_zh, want = wrong[0]
        fail(f"{len(wrong)} of {len(expected)} cases wrong; first: {call} should be {show(want)}, {got_en}",
             f"{len(expected)} 个用例中有 {len(wrong)} 个错误；例如 {call} 应为 {show(want, zh=True)}，{got_zh}")


def call_text(name: str, kwargs: dict[str, Any]) -> str:
    """'f(a=1, b=2)' for messages."""
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


SOURCE_LIMIT = 1024 * 1024


def names_in_function(source: str | None, function: str) -> set[str] | None:
    """Every name and attribute mentioned in the body of `function` (top level or a method), or
    None when the source is missing, too large, unparsable, or has no such function.

    Used for "write it by hand" requirements; the student's text is parsed, never run."""
    if source is None or len(source) > SOURCE_LIMIT:
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            names = set()
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name):
                    names.add(inner.id)
                elif isinstance(inner, ast.Attribute):
                    names.add(inner.attr)
            return names
    return None


def expect_written_by_hand(source: str | None, function: str, forbidden: set[str], instead: str, instead_zh: str) -> None:
    """Fail when `function`'s body mentions any of `forbidden` (e.g. torchvision's ToTensor)."""
    names = names_in_function(source, function)
    if names is None:
        fail(f"could not find a function named {function} to inspect", f"找不到可检查的函数 {function}")
    used = sorted(names & forbidden)
    if used:
        fail(f"{function} must be written by hand, but it uses {', '.join(used)}; {instead}",
             f"{function} 需要手写实现，但使用了 {', '.join(used)}；{instead_zh}")
