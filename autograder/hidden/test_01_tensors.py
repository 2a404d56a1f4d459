"""Hidden checks for 01_tensors: inferred dtypes, shared memory, like-tensors, cat and stack, * and @,
in-place addition, the course's NumPy steps, and BGR to RGB."""
from typing import Any

import numpy as np
import torch

from autograder.checking import (
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
    """`got` as a tuple of `count` results (a list is accepted too)."""
    if not isinstance(got, (tuple, list)) or len(got) != count:
        fail(f"{what}: expected a tuple of {count} results, got {describe_type(got)}",
             f"{what}：应返回包含 {count} 个结果的元组，实际是 {describe_type(got)}")
    return tuple(got)


def expect_same_tensor(got: Any, expected: torch.Tensor, what: str, advice: str = "", advice_zh: str = "",
                       atol: float = 0.0) -> None:
    """`got` is a tensor with expected's shape, dtype and values (within atol); a mistake comes with advice."""
    got = expect_tensor(got, what)
    then, then_zh = (f"; {advice}" if advice else ""), (f"；{advice_zh}" if advice_zh else "")
    if tuple(got.shape) != tuple(expected.shape) or got.dtype != expected.dtype:
        want = f"shape {tuple(expected.shape)} and dtype {dtype_name(expected.dtype)}"
        have = f"shape {tuple(got.shape)} and dtype {dtype_name(got.dtype)}"
        fail(f"{what}: expected {want}, got {have}{then}", f"{what}：应为 {want}，实际为 {have}{then_zh}")
    close = torch.isclose(got.detach().double(), expected.double(), rtol=0, atol=atol, equal_nan=True)
    if not bool(close.all()):
        index = tuple(int(i) for i in torch.nonzero(~close)[0])
        bad, total = int((~close).sum()), close.numel()
        at = f"[{', '.join(map(str, index))}]"
        want, have = f"{expected[index].item():.6g}", f"{got[index].item():.6g}"
        fail(f"{what}: {bad} of {total} values differ; at {at} expected {want}, got {have}{then}",
             f"{what}：{total} 个值中有 {bad} 个不对；位置 {at} 期望 {want}，实际 {have}{then_zh}")


def expect_same_array(got: Any, expected: np.ndarray, what: str) -> None:
    """`got` is a NumPy array with expected's shape, dtype and values."""
    expect_type(got, np.ndarray, what, "use NumPy's functions (np.reshape, ...), which return NumPy arrays",
                "请使用 NumPy 的函数（np.reshape 等），它们返回 NumPy 数组")
    expect_equal(tuple(got.shape), tuple(expected.shape), f"the shape of {what}")
    expect_equal(str(got.dtype), str(expected.dtype), f"the dtype of {what}")
    expect_close(got, expected, what, atol=0, rtol=0)


# ---------------------------------------------------------------- from_nested, numpy_view, like

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
    """from_nested(nested lists) equals torch.tensor(...): int64 for integers, float32 for floats, bool for booleans."""
    for kind, data in nested_lists(1).items():
        expect_same_tensor(student.call("from_nested", data), reference.call("from_nested", data),
                           f"from_nested(nested lists of {kind})",
                           "torch.tensor(data) infers the dtype; torch.Tensor(data) always makes float32",
                           "torch.tensor(data) 会推断 dtype；torch.Tensor(data) 总是得到 float32")


ARRAYS = [("float32", (2, 3)), ("int64", (7,)), ("float64", (2, 2, 2)), ("int32", (3, 1)), ("uint8", (5, 4))]


def fresh_arrays(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 100, size=shape).astype(dtype) for dtype, shape in ARRAYS]


@points(2)
def test_numpy_view_shares_memory_with_the_array(student):
    """A write to the array shows in the tensor numpy_view returned, and a write to the tensor shows in the array."""
    for array in fresh_arrays(2):
        what = f"numpy_view(a {array.dtype} array of shape {array.shape})"
        got = student.probe(probes.view_shares_memory, array)
        if got.get("type") != "Tensor":
            fail(f"{what}: expected a tensor, got a {got.get('type')}", f"{what}：应返回 tensor，实际是 {got.get('type')}")
        if not bool((got["tensor_after_array_write"] == 3).all()):
            fail(f"{what}: after array.fill(3) the tensor still holds its old values, so it is a copy; "
                 f"torch.from_numpy(array) shares the array's memory (torch.tensor(array) copies it)",
                 f"{what}：执行 array.fill(3) 后 tensor 仍是旧值，说明它是一份拷贝；"
                 f"torch.from_numpy(array) 与数组共享内存（torch.tensor(array) 会复制）")
        if not bool((got["array_after_tensor_write"] == 7).all()):
            fail(f"{what}: after tensor.fill_(7) the array did not change; the tensor must share the array's memory",
                 f"{what}：执行 tensor.fill_(7) 后数组没有变化；tensor 必须与数组共享内存")


@points(1)
def test_numpy_view_keeps_the_values_shape_and_dtype(student, reference):
    """numpy_view(array) holds the array's values with its shape and dtype (int32 stays int32)."""
    for array in fresh_arrays(3):
        expect_same_tensor(student.call("numpy_view", array), reference.call("numpy_view", array.copy()),
                           f"numpy_view(a {array.dtype} array of shape {array.shape})")


def like_inputs(seed: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return [torch.randint(-5, 5, (3, 4), generator=generator), torch.randn(2, 5, generator=generator).double(),
            torch.randn(2, 3, 4, generator=generator), torch.randint(0, 9, (40, 50), generator=generator)]


@points(1)
def test_like_gives_ones_with_the_shape_and_dtype_of_t(student, reference):
    """like(t)[0] is torch.ones_like(t): ones, with t's shape and dtype (int64 stays int64)."""
    for t in like_inputs(4):
        what = f"like(a {dtype_name(t.dtype)} tensor of shape {tuple(t.shape)})[0]"
        got = parts(student.call("like", t), 2, "like(t)")[0]
        expect_same_tensor(got, parts(reference.call("like", t), 2, "like(t)")[0], what,
                           "torch.ones_like(t) keeps t's shape and dtype", "torch.ones_like(t) 保持 t 的形状和 dtype")


@points(1)
def test_like_gives_float32_uniform_random_values(student):
    """like(t)[1] is float32 with t's shape, uniform in [0, 1), also when t holds integers."""
    for t in like_inputs(5):
        what = f"like(a {dtype_name(t.dtype)} tensor of shape {tuple(t.shape)})[1]"
        got = expect_tensor(parts(student.call("like", t), 2, "like(t)")[1], what, shape=tuple(t.shape),
                            dtype=torch.float32)
        if not bool(((got >= 0) & (got < 1)).all()):
            fail(f"{what}: expected values in [0, 1), got values from {got.min().item():.4g} to {got.max().item():.4g}",
                 f"{what}：取值应在 [0, 1) 内，实际从 {got.min().item():.4g} 到 {got.max().item():.4g}")
        if got.numel() >= 1000 and not (0.45 < got.mean().item() < 0.55 and got.std().item() > 0.25):
            fail(f"{what}: expected uniform random values (mean near 0.5), got mean {got.mean().item():.3f} and "
                 f"standard deviation {got.std().item():.3f}; use torch.rand_like(t, dtype=torch.float32)",
                 f"{what}：应为均匀分布的随机数（均值约 0.5），实际均值 {got.mean().item():.3f}、标准差 "
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
    0: ("torch.cat([a, b], dim=0)", "torch.cat joins along the existing dim 0", "torch.cat 沿已有的第 0 维拼接"),
    1: ("torch.cat([a, b], dim=1)", "torch.cat joins along the existing dim 1", "torch.cat 沿已有的第 1 维拼接"),
    2: ("torch.stack([a, b], dim=0)", "torch.stack adds a new dim 0 (torch.cat does not)",
        "torch.stack 会新增第 0 维（torch.cat 不会）"),
}


def judge_join(student, reference, index: int) -> None:
    meaning, advice, advice_zh = JOINS[index]
    for a, b in pairs(20 + index, [(2, 3), (3, 5), (1, 4)]):
        what = f"join(a, b)[{index}] for a and b of shape {tuple(a.shape)} ({meaning})"
        got = parts(student.call("join", a, b), 3, "join(a, b)")[index]
        expect_same_tensor(got, reference.call("join", a, b)[index], what, advice, advice_zh)


@points(1)
def test_join_cats_along_dim_0(student, reference):
    """join(a, b)[0] is torch.cat([a, b], dim=0)."""
    judge_join(student, reference, 0)


@points(1)
def test_join_cats_along_dim_1(student, reference):
    """join(a, b)[1] is torch.cat([a, b], dim=1)."""
    judge_join(student, reference, 1)


@points(1)
def test_join_stacks_along_a_new_dim_0(student, reference):
    """join(a, b)[2] is torch.stack([a, b], dim=0): a new first dimension of size 2."""
    judge_join(student, reference, 2)


PRODUCTS = {
    0: ("a * b", "`*` multiplies element by element", "`*` 是逐元素相乘"),
    1: ("a @ b.T", "`@` multiplies matrices (a @ b.T), `*` does not", "`@` 才是矩阵乘法（a @ b.T），`*` 不是"),
}


def judge_products(student, reference, index: int) -> None:
    meaning, advice, advice_zh = PRODUCTS[index]
    for a, b in pairs(30 + index, [(4, 4), (3, 4), (2, 5)]):
        what = f"products(a, b)[{index}] for a and b of shape {tuple(a.shape)} ({meaning})"
        got = parts(student.call("products", a, b), 2, "products(a, b)")[index]
        expect_same_tensor(got, reference.call("products", a, b)[index], what, advice, advice_zh, atol=1e-5)


@points(1)
def test_products_multiplies_element_by_element(student, reference):
    """products(a, b)[0] is a * b, on square and non-square tensors."""
    judge_products(student, reference, 0)


@points(1)
def test_products_multiplies_a_by_b_transposed(student, reference):
    """products(a, b)[1] is the matrix product a @ b.T, on square and non-square tensors."""
    judge_products(student, reference, 1)


def add_cases(seed: int) -> list[tuple[torch.Tensor, Any]]:
    generator = torch.Generator().manual_seed(seed)
    return [(torch.randn(3, 4, generator=generator), 2.5),
            (torch.randn(2, 4, generator=generator).double(), torch.randn(4, generator=generator).double()),
            (torch.ones(2, 2), torch.ones(2, 2))]


@points(1)
def test_add_in_place_changes_the_tensor_itself(student):
    """After add_(t, value), t itself holds t + value."""
    for t, value in add_cases(40):
        what = f"t after add_(t, value) for t of shape {tuple(t.shape)}"
        got = student.probe(probes.add_in_place, t.clone(), value)
        expect_same_tensor(got["tensor_after"], t + value, what,
                           "t.add_(value) changes t itself; t + value makes a new tensor",
                           "t.add_(value) 会修改 t 本身；t + value 会生成新的 tensor", atol=1e-6)


@points(1)
def test_add_in_place_returns_the_same_tensor(student):
    """add_(t, value) returns t itself (the same object), holding t + value."""
    for t, value in add_cases(41):
        got = student.probe(probes.add_in_place, t.clone(), value)
        if got["same_object"] is not True:
            fail(f"add_(t, value) for t of shape {tuple(t.shape)} returned {describe_type(got['returned'])} that is "
                 f"not t itself; return t (t.add_(value) returns t)",
                 f"add_(t, value)（t 的形状为 {tuple(t.shape)}）返回的 {describe_type(got['returned'])} 不是 t 本身；"
                 f"请返回 t（t.add_(value) 返回的就是 t）")
        expect_same_tensor(got["returned"], t + value, "add_(t, value)", atol=1e-6)


# ---------------------------------------------------------------- the course's NumPy steps, BGR to RGB

def six_element_arrays(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.permutation(6) + 1, np.round(rng.normal(size=6), 3), rng.permutation(6).astype(np.float32) * 1.5,
            rng.integers(0, 100, size=6).astype(np.int32)]


STEPS = {
    0: "reshaped to (2, 3)",
    1: "reshaped to (1, 1, 1, 6) and squeezed",
    2: "reshaped to (2, 3) and transposed with axes (1, 0)",
}


def judge_step(student, reference, index: int) -> None:
    for array in six_element_arrays(50 + index):
        what = f"reshape_ops({array.tolist()})[{index}] (the array {STEPS[index]})"
        got = parts(student.call("reshape_ops", array), 4, "reshape_ops(array)")[index]
        expect_same_array(got, reference.call("reshape_ops", array)[index], what)


@points(1)
def test_reshape_ops_reshapes_to_2_by_3(student, reference):
    """reshape_ops(array)[0] is np.reshape(array, (2, 3))."""
    judge_step(student, reference, 0)


@points(1)
def test_reshape_ops_squeezes_the_1_1_1_6_reshape(student, reference):
    """reshape_ops(array)[1] is np.squeeze(np.reshape(array, (1, 1, 1, 6))), of shape (6,)."""
    judge_step(student, reference, 1)


@points(1)
def test_reshape_ops_transposes_the_2_by_3_reshape(student, reference):
    """reshape_ops(array)[2] is np.transpose of the (2, 3) reshape with axes (1, 0): rows become columns."""
    judge_step(student, reference, 2)


@points(1)
def test_reshape_ops_gives_the_index_of_the_largest_value(student, reference):
    """reshape_ops(array)[3] is np.argmax(array): the index of the largest value, not the value."""
    for array in six_element_arrays(53):
        got = parts(student.call("reshape_ops", array), 4, "reshape_ops(array)")[3]
        if isinstance(got, np.ndarray) and got.shape == ():
            got = got.item()
        expect_equal(got, reference.call("reshape_ops", array)[3], f"reshape_ops({array.tolist()})[3] (np.argmax)")


def bgr_images(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, size=shape, dtype=np.uint8) for shape in [(5, 7, 3), (32, 32, 3), (1, 1, 3)]]


@points(2)
def test_bgr_to_rgb_reverses_the_channel_order(student, reference):
    """bgr_to_rgb(an H x W x 3 uint8 image) is image[:, :, ::-1]: same shape and dtype, channels reversed."""
    for image in bgr_images(60):
        what = f"bgr_to_rgb(a uint8 image of shape {image.shape})"
        got = student.probe(probes.bgr_keeping_input, image)["output"]
        expect_same_array(got, reference.call("bgr_to_rgb", image.copy()), what)


@points(1)
def test_bgr_to_rgb_leaves_the_input_unchanged(student):
    """bgr_to_rgb returns a new array; the image passed in keeps its BGR order."""
    for image in bgr_images(61):
        got = student.probe(probes.bgr_keeping_input, image)["input_after"]
        if not isinstance(got, np.ndarray) or not np.array_equal(got, image):
            fail(f"the image passed to bgr_to_rgb (shape {image.shape}) changed; return a new array instead of "
                 f"swapping channels in place",
                 f"传给 bgr_to_rgb 的图像（形状 {image.shape}）被修改了；请返回新数组，不要原地交换通道")

