"""What 01_tensors' checks judge answers with: the inputs they draw, the student's tuple results (a call that
raises on some inputs charged to the result that is already wrong), tensors and arrays compared with a
bilingual message that gives advice.
"""

from typing import Any

import numpy as np
import torch

from autograder.checking import (
    StudentError,
    Text,
    describe_type,
    expect_close,
    expect_equal,
    expect_tensor,
    expect_type,
    fail,
)
from autograder.hidden.tensor_inputs import (
    pairs,
    six_element_arrays,
)
from autograder.worker.wire import dtype_name


def parts(got: Any, count: int, what: str) -> tuple:
    """`got` as a tuple of `count` results (a list is accepted too); `what` is the call, e.g. 'like(t)'."""
    if not isinstance(got, (tuple, list)) or len(got) != count:
        fail(
            f"{what}: expected a tuple of {count} results, got {describe_type(got)}",
            f"{what}：应返回包含 {count} 个结果的元组，实际是 {describe_type(got, zh=True)}",
        )
    return tuple(got)


def expect_same_tensor(
    got: Any, expected: torch.Tensor, what: Text, advice: Text | None = None, atol: float = 0.0
) -> None:
    """`got` is a tensor with expected's shape, dtype and values (within atol); mistakes come with advice."""
    got = expect_tensor(got, what)
    then, then_zh = (f"; {advice.en}", f"；{advice.zh}") if advice else ("", "")
    if tuple(got.shape) != tuple(expected.shape) or got.dtype != expected.dtype:
        want, want_zh = (
            f"shape {tuple(expected.shape)} and dtype {dtype_name(expected.dtype)}",
            f"形状 {tuple(expected.shape)}、dtype {dtype_name(expected.dtype)}",
        )
        have, have_zh = (
            f"shape {tuple(got.shape)} and dtype {dtype_name(got.dtype)}",
            f"形状 {tuple(got.shape)}、dtype {dtype_name(got.dtype)}",
        )
        fail(
            f"{what.en}: expected {want}, got {have}{then}",
            f"{what.zh}：应为{want_zh}，实际为{have_zh}{then_zh}",
        )
    close = torch.isclose(got.detach().double(), expected.double(), rtol=0, atol=atol, equal_nan=True)
    if not bool(close.all()):
        index = tuple(int(i) for i in torch.nonzero(~close)[0])
        bad, total = int((~close).sum()), close.numel()
        at = f"[{', '.join(map(str, index))}]"
        want, have = f"{expected[index].item():.6g}", f"{got[index].item():.6g}"
        fail(
            f"{what.en}: {bad} of {total} values differ; at {at} expected {want}, got {have}{then}",
            f"{what.zh}：{total} 个值中有 {bad} 个不对；位置 {at} 期望 {want}，实际 {have}{then_zh}",
        )


def expect_same_array(got: Any, expected: np.ndarray, what: Text) -> None:
    """`got` is a NumPy array with expected's shape, dtype and values."""
    expect_type(
        got,
        np.ndarray,
        what,
        "use NumPy's functions (np.reshape, ...), which return NumPy arrays",
        "请使用 NumPy 的函数（np.reshape 等），它们返回 NumPy 数组",
    )
    expect_equal(
        tuple(got.shape), tuple(expected.shape), Text(f"the shape of {what.en}", f"{what.zh} 的形状")
    )
    expect_equal(str(got.dtype), str(expected.dtype), Text(f"the dtype of {what.en}", f"{what.zh} 的 dtype"))
    expect_close(got, expected, what, atol=0, rtol=0)


def array_text(array: np.ndarray) -> Text:
    return Text(
        f"a {array.dtype} array of shape {array.shape}", f"形状为 {array.shape} 的 {array.dtype} 数组"
    )


def tensor_text(t: torch.Tensor) -> Text:
    return Text(
        f"a {dtype_name(t.dtype)} tensor of shape {tuple(t.shape)}",
        f"形状为 {tuple(t.shape)} 的 {dtype_name(t.dtype)} tensor",
    )


def results(student, function: str, inputs: list[tuple], count: int) -> list[tuple | StudentError]:
    """The student's tuple of `count` results for each input, or the error the call raised."""
    found: list[tuple | StudentError] = []
    for args in inputs:
        try:
            found.append(parts(student.call(function, *args), count, f"{function}(...)"))
        except StudentError as error:
            found.append(error)
    return found


def crash_is_elsewhere(found: list[tuple | StudentError], index: int, part_ok) -> bool:
    """Whether the calls that raised are another result's mistake: on the inputs where the call worked,
    some other result (not `index`) is already wrong, so the check for that result charges the crash."""
    worked = [(number, got) for number, got in enumerate(found) if not isinstance(got, StudentError)]
    return any(
        not part_ok(number, other, got[other])
        for number, got in worked
        for other in range(len(got))
        if other != index
    )


def judged_results(found: list[tuple | StudentError], index: int, part_ok) -> list[tuple[int, Any]]:
    """(input number, result `index`) for every call that worked; the calls that raised are raised here
    unless another result's check charges them (see `crash_is_elsewhere`)."""
    errors = [got for got in found if isinstance(got, StudentError)]
    if errors and (len(errors) == len(found) or not crash_is_elsewhere(found, index, part_ok)):
        raise errors[0]
    return [(number, got[index]) for number, got in enumerate(found) if not isinstance(got, StudentError)]


def plain_index(value: Any) -> Any:
    """A NumPy integer, or a 0-dim integer array or tensor, as the int it holds: the index is judged here,
    not its type."""
    if isinstance(value, np.integer):  # np.argmax's np.int64 arrives as one (the wire keeps NumPy scalars)
        return int(value)
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iu":
        return int(value)
    if (
        isinstance(value, torch.Tensor)
        and value.dim() == 0
        and not (value.is_floating_point() or value.is_complex() or value.dtype == torch.bool)
    ):
        return int(value)
    return value


def like_part_ok(inputs: list[torch.Tensor], reference):
    """Whether result `part` of like(inputs[number]) is right: ones equal the reference's, random values are
    float32 of t's shape in [0, 1)."""

    def ok(number: int, part: int, got: Any) -> bool:
        t = inputs[number]
        if not isinstance(got, torch.Tensor) or tuple(got.shape) != tuple(t.shape):
            return False
        if part == 0:
            return bool(got.dtype == t.dtype and torch.equal(got, reference.call("like", t)[0]))
        return bool(got.dtype == torch.float32 and ((got >= 0) & (got < 1)).all())

    return ok


JOINS = {
    0: (
        "torch.cat([a, b], dim=0)",
        Text("torch.cat joins along the existing dim 0", "torch.cat 沿已有的第 0 维拼接"),
    ),
    1: (
        "torch.cat([a, b], dim=1)",
        Text("torch.cat joins along the existing dim 1", "torch.cat 沿已有的第 1 维拼接"),
    ),
    2: (
        "torch.stack([a, b], dim=0)",
        Text(
            "torch.stack adds a new dim 0 (torch.cat does not)", "torch.stack 会新增第 0 维（torch.cat 不会）"
        ),
    ),
}


def judge_join(student, reference, index: int) -> None:
    meaning, advice = JOINS[index]
    for a, b in pairs(20 + index, [(2, 3), (3, 5), (1, 4)]):
        what = Text(
            f"join(a, b)[{index}] for a and b of shape {tuple(a.shape)} ({meaning})",
            f"a、b 形状为 {tuple(a.shape)} 时的 join(a, b)[{index}]（{meaning}）",
        )
        got = parts(student.call("join", a, b), 3, "join(a, b)")[index]
        expect_same_tensor(got, reference.call("join", a, b)[index], what, advice)


PRODUCTS = {
    0: ("a * b", Text("`*` multiplies element by element", "`*` 是逐元素相乘")),
    1: (
        "a @ b.T",
        Text("`@` multiplies matrices (a @ b.T), `*` does not", "`@` 才是矩阵乘法（a @ b.T），`*` 不是"),
    ),
}


PRODUCT_SHAPES = [(4, 4), (3, 4), (2, 5)]


def judge_products(student, reference, index: int) -> None:
    """products(a, b)[index] on square and non-square tensors. Calls that raise (on non-square tensors,
    typically) while the other product is already wrong are that product's mistake, charged by its check."""
    meaning, advice = PRODUCTS[index]
    inputs = pairs(30 + index, PRODUCT_SHAPES)
    expected = [reference.call("products", a, b) for a, b in inputs]

    def part_ok(number: int, part: int, got: Any) -> bool:
        want = expected[number][part]
        return bool(
            isinstance(got, torch.Tensor)
            and got.shape == want.shape
            and torch.allclose(got.double(), want.double(), atol=1e-5)
        )

    for number, got in judged_results(results(student, "products", inputs, 2), index, part_ok):
        shape = tuple(inputs[number][0].shape)
        what = Text(
            f"products(a, b)[{index}] for a and b of shape {shape} ({meaning})",
            f"a、b 形状为 {shape} 时的 products(a, b)[{index}]（{meaning}）",
        )
        expect_same_tensor(got, expected[number][index], what, advice, atol=1e-5)


STEPS = {
    0: Text("reshaped to (2, 3)", "reshape 成 (2, 3)"),
    1: Text("reshaped to (1, 1, 1, 6) and squeezed", "reshape 成 (1, 1, 1, 6) 再 squeeze"),
    2: Text("reshaped to (2, 3) and transposed with axes (1, 0)", "reshape 成 (2, 3) 再按 (1, 0) 转置"),
    3: Text("np.argmax", "np.argmax"),
}


def step_text(array: np.ndarray, index: int) -> Text:
    call = f"reshape_ops({array.tolist()})[{index}]"
    return Text(f"{call} (the array {STEPS[index].en})", f"{call}（数组{STEPS[index].zh}）")


def judge_step(student, reference, index: int) -> None:
    for array in six_element_arrays(50 + index):
        got = parts(student.call("reshape_ops", array), 4, "reshape_ops(array)")[index]
        expect_same_array(got, reference.call("reshape_ops", array)[index], step_text(array, index))
