"""Hidden checks for 01_tensors: inferred dtypes, shared memory, like-tensors, cat and stack, * and @,
in-place addition, the course's NumPy steps, and BGR to RGB.

Every expected value is the reference's answer computed here, or a fact the grader fixes itself (the
values it writes into a shared array, the input it keeps a copy of). Shared memory and "the same
object" can only be seen where the call happened: the worker's report of them counts together with
values the grader checks.
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
    points,
)
from autograder.worker.probes import tensors as probes
from autograder.worker.wire import dtype_name


def parts(got: Any, count: int, what: str) -> tuple:
    """`got` as a tuple of `count` results (a list is accepted too); `what` is the call, e.g. 'like(t)'."""
    if not isinstance(got, (tuple, list)) or len(got) != count:
        fail(f"{what}: expected a tuple of {count} results, got {describe_type(got)}",
             f"{what}：应返回包含 {count} 个结果的元组，实际是 {describe_type(got, zh=True)}")
    return tuple(got)


def expect_same_tensor(got: Any, expected: torch.Tensor, what: Text, advice: Text | None = None,
                       atol: float = 0.0) -> None:
    """`got` is a tensor with expected's shape, dtype and values (within atol); a mistake comes with advice."""
    got = expect_tensor(got, what)
    then, then_zh = (f"; {advice.en}", f"；{advice.zh}") if advice else ("", "")
    if tuple(got.shape) != tuple(expected.shape) or got.dtype != expected.dtype:
        want, want_zh = (f"shape {tuple(expected.shape)} and dtype {dtype_name(expected.dtype)}",
                         f"形状 {tuple(expected.shape)}、dtype {dtype_name(expected.dtype)}")
        have, have_zh = (f"shape {tuple(got.shape)} and dtype {dtype_name(got.dtype)}",
                         f"形状 {tuple(got.shape)}、dtype {dtype_name(got.dtype)}")
        fail(f"{what.en}: expected {want}, got {have}{then}", f"{what.zh}：应为{want_zh}，实际为{have_zh}{then_zh}")
    close = torch.isclose(got.detach().double(), expected.double(), rtol=0, atol=atol, equal_nan=True)
    if not bool(close.all()):
        index = tuple(int(i) for i in torch.nonzero(~close)[0])
        bad, total = int((~close).sum()), close.numel()
        at = f"[{', '.join(map(str, index))}]"
        want, have = f"{expected[index].item():.6g}", f"{got[index].item():.6g}"
        fail(f"{what.en}: {bad} of {total} values differ; at {at} expected {want}, got {have}{then}",
             f"{what.zh}：{total} 个值中有 {bad} 个不对；位置 {at} 期望 {want}，实际 {have}{then_zh}")


def expect_same_array(got: Any, expected: np.ndarray, what: Text) -> None:
    """`got` is a NumPy array with expected's shape, dtype and values."""
    expect_type(got, np.ndarray, what, "use NumPy's functions (np.reshape, ...), which return NumPy arrays",
                "请使用 NumPy 的函数（np.reshape 等），它们返回 NumPy 数组")
    expect_equal(tuple(got.shape), tuple(expected.shape), Text(f"the shape of {what.en}", f"{what.zh} 的形状"))
    expect_equal(str(got.dtype), str(expected.dtype), Text(f"the dtype of {what.en}", f"{what.zh} 的 dtype"))
    expect_close(got, expected, what, atol=0, rtol=0)


def array_text(array: np.ndarray) -> Text:
    return Text(f"a {array.dtype} array of shape {array.shape}", f"形状为 {array.shape} 的 {array.dtype} 数组")


def tensor_text(t: torch.Tensor) -> Text:
    return Text(f"a {dtype_name(t.dtype)} tensor of shape {tuple(t.shape)}",
                f"形状为 {tuple(t.shape)} 的 {dtype_name(t.dtype)} tensor")


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
    return any(not part_ok(number, other, got[other]) for number, got in worked
               for other in range(len(got)) if other != index)


def judged_results(found: list[tuple | StudentError], index: int, part_ok) -> list[tuple[int, Any]]:
    """(input number, result `index`) for every call that worked; the calls that raised are raised here
    unless another result's check charges them (see `crash_is_elsewhere`)."""
    errors = [got for got in found if isinstance(got, StudentError)]
    if errors and (len(errors) == len(found) or not crash_is_elsewhere(found, index, part_ok)):
        raise errors[0]
    return [(number, got[index]) for number, got in enumerate(found) if not isinstance(got, StudentError)]


# ---------------------------------------------------------------- from_nested, numpy_view, like

NESTED_KINDS = {"integers": "整数", "floats": "浮点数", "booleans": "布尔值", "integers and floats": "整数和浮点数",
                "three-level integers": "三层的整数"}


def nested_lists(seed: int) -> dict[str, list]:
    rng = np.random.default_rng(seed)
    return {
        "integers": rng.integers(-50, 50, size=(3, 4)).tolist(),
        "floats": np.round(rng.normal(size=(2, 5)), 3).tolist(),
        "booleans": (rng.random(size=(2, 3)) > 0.5).tolist(),
        "integers and floats": [[int(rng.integers(0, 9)), 0.5], [2, float(rng.normal())]],
        "three-level integers": rng.integers(0, 255, size=(2, 2, 3)).tolist(),
    }


@points(2)
def test_from_nested_infers_the_dtype(student, reference):
    """from_nested(nested lists) equals torch.tensor(...): int64 for integers, float32 for floats, bool for booleans.

    中文：from_nested(嵌套列表) 与 torch.tensor(...) 相同：整数得 int64，浮点数得 float32，布尔值得 bool。"""
    for kind, data in nested_lists(1).items():
        expect_same_tensor(student.call("from_nested", data), reference.call("from_nested", data),
                           Text(f"from_nested(nested lists of {kind})", f"from_nested({NESTED_KINDS[kind]}的嵌套列表)"),
                           Text("torch.tensor(data) infers the dtype; torch.Tensor(data) always makes float32",
                                "torch.tensor(data) 会推断 dtype；torch.Tensor(data) 总是得到 float32"))


ARRAYS = [("float32", (2, 3)), ("int64", (7,)), ("float64", (2, 2, 2)), ("int32", (3, 1)), ("uint8", (5, 4))]


def fresh_arrays(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 100, size=shape).astype(dtype) for dtype, shape in ARRAYS]


@points(2)
def test_numpy_view_shares_memory_with_the_array(student):
    """A write to the array shows in the tensor numpy_view returned, and a write to the tensor shows in the array.

    中文：写入数组后，numpy_view 返回的 tensor 随之改变；写入 tensor 后，数组也随之改变。"""
    rng = np.random.default_rng(2)
    for array in fresh_arrays(2):
        array_fill, tensor_fill = (int(value) for value in rng.choice(np.arange(101, 127), 2, replace=False))
        what = f"numpy_view({array_text(array).en})"
        what_zh = f"numpy_view({array_text(array).zh})"
        got = student.probe(probes.view_shares_memory, array, array_fill, tensor_fill)
        if got.get("type") != "Tensor":
            fail(f"{what}: expected a tensor, got a {got.get('type')}", f"{what_zh}：应返回 tensor，实际是 {got.get('type')}")
        expect_tensor(got["tensor_after_array_write"], Text(what, what_zh), shape=array.shape)
        if not bool((got["tensor_after_array_write"] == array_fill).all()):
            fail(f"{what}: after array.fill({array_fill}) the tensor still holds its old values, so it is a copy; "
                 f"torch.from_numpy(array) shares the array's memory (torch.tensor(array) copies it)",
                 f"{what_zh}：执行 array.fill({array_fill}) 后 tensor 仍是旧值，说明它是一份拷贝；"
                 f"torch.from_numpy(array) 与数组共享内存（torch.tensor(array) 会复制）")
        if not bool((got["array_after_tensor_write"] == tensor_fill).all()):
            fail(f"{what}: after tensor.fill_({tensor_fill}) the array did not change; the tensor must share the "
                 f"array's memory",
                 f"{what_zh}：执行 tensor.fill_({tensor_fill}) 后数组没有变化；tensor 必须与数组共享内存")


@points(1)
def test_numpy_view_keeps_the_values_shape_and_dtype(student, reference):
    """numpy_view(array) holds the array's values with its shape and dtype (int32 stays int32).

    中文：numpy_view(array) 保留数组的值、形状和 dtype（int32 仍是 int32）。"""
    for array in fresh_arrays(3):
        text = array_text(array)
        expect_same_tensor(student.call("numpy_view", array), reference.call("numpy_view", array.copy()),
                           Text(f"numpy_view({text.en})", f"numpy_view({text.zh})"))


def like_inputs(seed: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return [torch.randint(-5, 5, (3, 4), generator=generator), torch.randn(2, 5, generator=generator).double(),
            torch.randn(2, 3, 4, generator=generator), torch.randint(0, 9, (40, 50), generator=generator)]


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


@points(1)
def test_like_gives_ones_with_the_shape_and_dtype_of_t(student, reference):
    """like(t)[0] is torch.ones_like(t): ones, with t's shape and dtype (int64 stays int64).

    中文：like(t)[0] 就是 torch.ones_like(t)：全 1，形状和 dtype 与 t 相同（int64 仍是 int64）。"""
    inputs = like_inputs(4)
    found = results(student, "like", [(t,) for t in inputs], 2)
    for number, got in judged_results(found, 0, like_part_ok(inputs, reference)):
        t = inputs[number]
        text = tensor_text(t)
        expect_same_tensor(got, reference.call("like", t)[0], Text(f"like({text.en})[0]", f"like({text.zh})[0]"),
                           Text("torch.ones_like(t) keeps t's shape and dtype", "torch.ones_like(t) 保持 t 的形状和 dtype"))


@points(1)
def test_like_gives_float32_uniform_random_values(student, reference):
    """like(t)[1] is float32 with t's shape, uniform in [0, 1), also when t holds integers.

    中文：like(t)[1] 是形状与 t 相同的 float32，在 [0, 1) 上均匀分布，t 是整数时也一样。"""
    inputs = like_inputs(5)
    found = results(student, "like", [(t,) for t in inputs], 2)
    for number, got in judged_results(found, 1, like_part_ok(inputs, reference)):
        t = inputs[number]
        text = tensor_text(t)
        what, what_zh = f"like({text.en})[1]", f"like({text.zh})[1]"
        got = expect_tensor(got, Text(what, what_zh), shape=tuple(t.shape), dtype=torch.float32)
        if not bool(((got >= 0) & (got < 1)).all()):
            fail(f"{what}: expected values in [0, 1), got values from {got.min().item():.4g} to {got.max().item():.4g}",
                 f"{what_zh}：取值应在 [0, 1) 内，实际从 {got.min().item():.4g} 到 {got.max().item():.4g}")
        if got.numel() >= 1000 and not (0.45 < got.mean().item() < 0.55 and got.std().item() > 0.25):
            fail(f"{what}: expected uniform random values (mean near 0.5), got mean {got.mean().item():.3f} and "
                 f"standard deviation {got.std().item():.3f}; use torch.rand_like(t, dtype=torch.float32)",
                 f"{what_zh}：应为均匀分布的随机数（均值约 0.5），实际均值 {got.mean().item():.3f}、标准差 "
                 f"{got.std().item():.3f}；请用 torch.rand_like(t, dtype=torch.float32)")


# ---------------------------------------------------------------- join, products, add_

def pairs(seed: int, shapes: list[tuple[int, int]]) -> list[tuple[torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(seed)
    made = []
    for index, shape in enumerate(shapes):
        if index % 2:
            made.append((torch.randn(shape, generator=generator), torch.randn(shape, generator=generator)))
        else:
            made.append((torch.randint(-9, 10, shape, generator=generator),
                         torch.randint(-9, 10, shape, generator=generator)))
    return made


JOINS = {
    0: ("torch.cat([a, b], dim=0)", Text("torch.cat joins along the existing dim 0", "torch.cat 沿已有的第 0 维拼接")),
    1: ("torch.cat([a, b], dim=1)", Text("torch.cat joins along the existing dim 1", "torch.cat 沿已有的第 1 维拼接")),
    2: ("torch.stack([a, b], dim=0)", Text("torch.stack adds a new dim 0 (torch.cat does not)",
                                           "torch.stack 会新增第 0 维（torch.cat 不会）")),
}


def judge_join(student, reference, index: int) -> None:
    meaning, advice = JOINS[index]
    for a, b in pairs(20 + index, [(2, 3), (3, 5), (1, 4)]):
        what = Text(f"join(a, b)[{index}] for a and b of shape {tuple(a.shape)} ({meaning})",
                    f"a、b 形状为 {tuple(a.shape)} 时的 join(a, b)[{index}]（{meaning}）")
        got = parts(student.call("join", a, b), 3, "join(a, b)")[index]
        expect_same_tensor(got, reference.call("join", a, b)[index], what, advice)


@points(1)
def test_join_cats_along_dim_0(student, reference):
    """join(a, b)[0] is torch.cat([a, b], dim=0).

    中文：join(a, b)[0] 就是 torch.cat([a, b], dim=0)。"""
    judge_join(student, reference, 0)


@points(1)
def test_join_cats_along_dim_1(student, reference):
    """join(a, b)[1] is torch.cat([a, b], dim=1).

    中文：join(a, b)[1] 就是 torch.cat([a, b], dim=1)。"""
    judge_join(student, reference, 1)


@points(1)
def test_join_stacks_along_a_new_dim_0(student, reference):
    """join(a, b)[2] is torch.stack([a, b], dim=0): a new first dimension of size 2.

    中文：join(a, b)[2] 就是 torch.stack([a, b], dim=0)：新增一个大小为 2 的第 0 维。"""
    judge_join(student, reference, 2)


PRODUCTS = {
    0: ("a * b", Text("`*` multiplies element by element", "`*` 是逐元素相乘")),
    1: ("a @ b.T", Text("`@` multiplies matrices (a @ b.T), `*` does not", "`@` 才是矩阵乘法（a @ b.T），`*` 不是")),
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
        return bool(isinstance(got, torch.Tensor) and got.shape == want.shape
                    and torch.allclose(got.double(), want.double(), atol=1e-5))

    for number, got in judged_results(results(student, "products", inputs, 2), index, part_ok):
        shape = tuple(inputs[number][0].shape)
        what = Text(f"products(a, b)[{index}] for a and b of shape {shape} ({meaning})",
                    f"a、b 形状为 {shape} 时的 products(a, b)[{index}]（{meaning}）")
        expect_same_tensor(got, expected[number][index], what, advice, atol=1e-5)


@points(1)
def test_products_multiplies_element_by_element(student, reference):
    """products(a, b)[0] is a * b, on square and non-square tensors.

    中文：products(a, b)[0] 就是 a * b，方阵和非方阵都要对。"""
    judge_products(student, reference, 0)


@points(1)
def test_products_multiplies_a_by_b_transposed(student, reference):
    """products(a, b)[1] is the matrix product a @ b.T, on square and non-square tensors.

    中文：products(a, b)[1] 是矩阵乘积 a @ b.T，方阵和非方阵都要对。"""
    judge_products(student, reference, 1)


def add_cases(seed: int) -> list[tuple[torch.Tensor, Any]]:
    generator = torch.Generator().manual_seed(seed)
    return [(torch.randn(3, 4, generator=generator), 2.5),
            (torch.randn(2, 4, generator=generator).double(), torch.randn(4, generator=generator).double()),
            (torch.ones(2, 2), torch.ones(2, 2))]


@points(1)
def test_add_in_place_changes_the_tensor_itself(student):
    """After add_(t, value), t itself holds t + value.

    中文：调用 add_(t, value) 之后，t 本身的值变为 t + value。"""
    for t, value in add_cases(40):
        what = Text(f"t after add_(t, value) for t of shape {tuple(t.shape)}",
                    f"调用 add_(t, value) 之后的 t（t 的形状为 {tuple(t.shape)}）")
        got = student.probe(probes.add_in_place, t.clone(), value)
        expect_same_tensor(got["tensor_after"], t + value, what,
                           Text("t.add_(value) changes t itself; t + value makes a new tensor",
                                "t.add_(value) 会修改 t 本身；t + value 会生成新的 tensor"), atol=1e-6)


@points(1)
def test_add_in_place_returns_the_same_tensor(student):
    """add_(t, value) returns t itself (the same object), holding t + value.

    中文：add_(t, value) 返回 t 本身（同一个对象），其值为 t + value。"""
    for t, value in add_cases(41):
        got = student.probe(probes.add_in_place, t.clone(), value)
        if got["same_object"] is not True:
            fail(f"add_(t, value) for t of shape {tuple(t.shape)} returned {describe_type(got['returned'])} that is "
                 f"not t itself; return t (t.add_(value) returns t)",
                 f"add_(t, value)（t 的形状为 {tuple(t.shape)}）返回的 {describe_type(got['returned'], zh=True)} "
                 f"不是 t 本身；请返回 t（t.add_(value) 返回的就是 t）")
        expect_same_tensor(got["returned"], t + value, Text("add_(t, value)", "add_(t, value)"), atol=1e-6)


# ---------------------------------------------------------------- the course's NumPy steps, BGR to RGB

def six_element_arrays(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.permutation(6) + 1, np.round(rng.normal(size=6), 3), rng.permutation(6).astype(np.float32) * 1.5,
            rng.integers(0, 100, size=6).astype(np.int32)]


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


@points(1)
def test_reshape_ops_reshapes_to_2_by_3(student, reference):
    """reshape_ops(array)[0] is np.reshape(array, (2, 3)).

    中文：reshape_ops(array)[0] 就是 np.reshape(array, (2, 3))。"""
    judge_step(student, reference, 0)


@points(1)
def test_reshape_ops_squeezes_the_1_1_1_6_reshape(student, reference):
    """reshape_ops(array)[1] is np.squeeze(np.reshape(array, (1, 1, 1, 6))), of shape (6,).

    中文：reshape_ops(array)[1] 就是 np.squeeze(np.reshape(array, (1, 1, 1, 6)))，形状为 (6,)。"""
    judge_step(student, reference, 1)


@points(1)
def test_reshape_ops_transposes_the_2_by_3_reshape(student, reference):
    """reshape_ops(array)[2] is np.transpose of the (2, 3) reshape with axes (1, 0): rows become columns.

    中文：reshape_ops(array)[2] 是 (2, 3) 的 reshape 按轴 (1, 0) 做 np.transpose：行变成列。"""
    judge_step(student, reference, 2)


def plain_index(value: Any) -> Any:
    """A 0-dim integer array or tensor as the int it holds: the index is judged here, not its type."""
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iu":
        return int(value)
    if isinstance(value, torch.Tensor) and value.dim() == 0 and not (value.is_floating_point() or value.is_complex()
                                                                    or value.dtype == torch.bool):
        return int(value)
    return value


@points(1)
def test_reshape_ops_gives_the_index_of_the_largest_value(student, reference):
    """reshape_ops(array)[3] is np.argmax(array): the index of the largest value, not the value.

    中文：reshape_ops(array)[3] 是 np.argmax(array)：最大值的下标，而不是最大值本身。"""
    for array in six_element_arrays(53):
        got = parts(student.call("reshape_ops", array), 4, "reshape_ops(array)")[3]
        expect_equal(plain_index(got), reference.call("reshape_ops", array)[3], step_text(array, 3))


def bgr_images(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, size=shape, dtype=np.uint8) for shape in [(5, 7, 3), (32, 32, 3), (1, 1, 3)]]


@points(2)
def test_bgr_to_rgb_reverses_the_channel_order(student, reference):
    """bgr_to_rgb(an H x W x 3 uint8 image) is image[:, :, ::-1]: same shape and dtype, channels reversed.

    中文：bgr_to_rgb(H×W×3 的 uint8 图像) 就是 image[:, :, ::-1]：形状和 dtype 不变，通道顺序反转。"""
    for image in bgr_images(60):
        what = Text(f"bgr_to_rgb(a uint8 image of shape {image.shape})", f"bgr_to_rgb(形状为 {image.shape} 的 uint8 图像)")
        got = student.probe(probes.bgr_keeping_input, image)["output"]
        expect_same_array(got, reference.call("bgr_to_rgb", image.copy()), what)


@points(1)
def test_bgr_to_rgb_leaves_the_input_unchanged(student):
    """bgr_to_rgb returns a new array; the image passed in keeps its BGR order.

    中文：bgr_to_rgb 返回新数组；传入的图像保持原来的 BGR 顺序。"""
    for image in bgr_images(61):
        got = student.probe(probes.bgr_keeping_input, image)["input_after"]
        if not isinstance(got, np.ndarray) or not np.array_equal(got, image):
            fail(f"the image passed to bgr_to_rgb (shape {image.shape}) changed; return a new array instead of "
                 f"swapping channels in place",
                 f"传给 bgr_to_rgb 的图像（形状 {image.shape}）被修改了；请返回新数组，不要原地交换通道")
