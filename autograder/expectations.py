"""Comparing one value a student's code gave with the one the grader computed: the `expect_*` helpers.

Each raises `CheckFailed` (through `verdicts.fail`) with one line, in English and Chinese, saying what was
expected and what came back; numbers compare by the number they stand for (`number_types`), as
`autograder.checking` describes. Check authors import these from `autograder.checking`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from autograder.i18n import Text
from autograder.number_types import is_integer, number_kind, number_value
from autograder.showing import clip, show
from autograder.verdicts import CheckFailed, fail
from autograder.worker.wire import Opaque

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
    return f"{_article(name)} {clip(name, 100)}"


def type_names(kinds: tuple[type, ...], zh: bool = False) -> str:
    """'float or int' / '浮点数 float 或 整数 int'."""
    if zh:
        return " 或 ".join(TYPE_NAMES_ZH.get(k.__name__, k.__name__) for k in kinds)
    return " or ".join(k.__name__ for k in kinds)


# ---------------------------------------------------------------- comparisons


def expect_equal(got: Any, expected: Any, what: str | Text) -> None:
    """Exact equality (for ints, strings, shapes, lists of those); numbers compare by value (see above)."""
    if not plain_equal(got, expected):
        fail(
            f"{english(what)}: expected {show(expected)}, got {show(got)}",
            f"{chinese(what)}：期望 {show(expected, zh=True)}，实际 {show(got, zh=True)}",
        )


def plain_equal(got: Any, expected: Any) -> bool:
    if isinstance(expected, (list, tuple)):
        return (
            isinstance(got, (list, tuple))
            and len(got) == len(expected)
            and all(plain_equal(g, e) for g, e in zip(got, expected))
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


def _article(words: str) -> str:
    return "an" if words[:1].lower() in "aeiou" else "a"


def expect_type(
    got: Any, kinds: type | tuple[type, ...], what: str | Text, advice: str = "", advice_zh: str = ""
) -> None:
    """`got` is an instance of `kinds` (bool is never accepted as a number)."""
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    ok = isinstance(got, kinds) and not (isinstance(got, bool) and bool not in kinds)
    if not ok:
        fail(
            f"{english(what)}: expected {_article(type_names(kinds))} {type_names(kinds)}, "
            f"got {describe_type(got)}" + (f"; {advice}" if advice else ""),
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
        if isinstance(got, torch.Tensor) and got.is_meta:
            _compare_tensors(got, torch.as_tensor(want), what, atol, rtol)
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
    # complex on either side: both complex, so a real value never stands for a complex one by losing its
    # imaginary part
    common = torch.complex128 if got.is_complex() or expected.is_complex() else torch.float64
    got64, exp64 = got.detach().to(common), expected.detach().to(common)
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
