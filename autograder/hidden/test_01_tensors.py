"""Hidden checks for 01_tensors: inferred dtypes, shared memory, like-tensors, cat and stack, * and @,
in-place addition, the course's NumPy steps, and BGR to RGB. Expected values are the reference's answers
computed here, or facts the grader fixes itself (the values it writes into a shared array, the input it
keeps a copy of); the worker's word on shared memory and "the same object" counts only with them.
"""

import numpy as np
import torch

from autograder.checking import (
    Text,
    describe_type,
    expect_equal,
    expect_tensor,
    fail,
    points,
)
from autograder.hidden import tensor_inputs as cases
from autograder.hidden.tensor_answers import (
    array_text,
    expect_same_array,
    expect_same_tensor,
    judge_join,
    judge_products,
    judge_step,
    judged_results,
    like_part_ok,
    parts,
    plain_index,
    results,
    step_text,
    tensor_text,
)
from autograder.worker.probes import tensors as probes


@points(2)
def test_from_nested_infers_the_dtype(student, reference):
    """from_nested(nested lists) equals torch.tensor(...): int64, float32 or bool as the numbers are.

    中文：from_nested(嵌套列表) 与 torch.tensor(...) 相同：整数得 int64，浮点数得 float32，布尔值得 bool。"""
    for kind, data in cases.nested_lists(1).items():
        expect_same_tensor(
            student.call("from_nested", data),
            reference.call("from_nested", data),
            Text(
                f"from_nested(nested lists of {kind})", f"from_nested({cases.NESTED_KINDS[kind]}的嵌套列表)"
            ),
            Text(
                "torch.tensor(data) infers the dtype; torch.Tensor(data) always makes float32",
                "torch.tensor(data) 会推断 dtype；torch.Tensor(data) 总是得到 float32",
            ),
        )


@points(2)
def test_numpy_view_shares_memory_with_the_array(student):
    """A write to the array shows in the tensor numpy_view returned, and a write to the tensor in the array.

    中文：写入数组后，numpy_view 返回的 tensor 随之改变；写入 tensor 后，数组也随之改变。"""
    rng = np.random.default_rng(2)
    for array in cases.fresh_arrays(2):
        array_fill, tensor_fill = (int(value) for value in rng.choice(np.arange(101, 127), 2, replace=False))
        what = f"numpy_view({array_text(array).en})"
        what_zh = f"numpy_view({array_text(array).zh})"
        got = student.probe(probes.view_shares_memory, array, array_fill, tensor_fill)
        if got.get("type") != "Tensor":
            fail(
                f"{what}: expected a tensor, got a {got.get('type')}",
                f"{what_zh}：应返回 tensor，实际是 {got.get('type')}",
            )
        expect_tensor(got["tensor_after_array_write"], Text(what, what_zh), shape=array.shape)
        if not bool((got["tensor_after_array_write"] == array_fill).all()):
            fail(
                f"{what}: after array.fill({array_fill}) the tensor still holds its old values, "
                f"so it is a copy; "
                f"torch.from_numpy(array) shares the array's memory (torch.tensor(array) copies it)",
                f"{what_zh}：执行 array.fill({array_fill}) 后 tensor 仍是旧值，说明它是一份拷贝；"
                f"torch.from_numpy(array) 与数组共享内存（torch.tensor(array) 会复制）",
            )
        if not bool((got["array_after_tensor_write"] == tensor_fill).all()):
            fail(
                f"{what}: after tensor.fill_({tensor_fill}) the array did not change; "
                f"the tensor must share the "
                f"array's memory",
                f"{what_zh}：执行 tensor.fill_({tensor_fill}) 后数组没有变化；tensor 必须与数组共享内存",
            )


@points(1)
def test_numpy_view_keeps_the_values_shape_and_dtype(student, reference):
    """numpy_view(array) holds the array's values with its shape and dtype (int32 stays int32).

    中文：numpy_view(array) 保留数组的值、形状和 dtype（int32 仍是 int32）。"""
    for array in cases.fresh_arrays(3):
        text = array_text(array)
        expect_same_tensor(
            student.call("numpy_view", array),
            reference.call("numpy_view", array.copy()),
            Text(f"numpy_view({text.en})", f"numpy_view({text.zh})"),
        )


@points(1)
def test_like_gives_ones_with_the_shape_and_dtype_of_t(student, reference):
    """like(t)[0] is torch.ones_like(t): ones, with t's shape and dtype (int64 stays int64).

    中文：like(t)[0] 就是 torch.ones_like(t)：全 1，形状和 dtype 与 t 相同（int64 仍是 int64）。"""
    inputs = cases.like_inputs(4)
    found = results(student, "like", [(t,) for t in inputs], 2)
    for number, got in judged_results(found, 0, like_part_ok(inputs, reference)):
        t = inputs[number]
        text = tensor_text(t)
        expect_same_tensor(
            got,
            reference.call("like", t)[0],
            Text(f"like({text.en})[0]", f"like({text.zh})[0]"),
            Text("torch.ones_like(t) keeps t's shape and dtype", "torch.ones_like(t) 保持 t 的形状和 dtype"),
        )


@points(1)
def test_like_gives_float32_uniform_random_values(student, reference):
    """like(t)[1] is float32 with t's shape, uniform in [0, 1), also when t holds integers.

    中文：like(t)[1] 是形状与 t 相同的 float32，在 [0, 1) 上均匀分布，t 是整数时也一样。"""
    inputs = cases.like_inputs(5)
    found = results(student, "like", [(t,) for t in inputs], 2)
    for number, got in judged_results(found, 1, like_part_ok(inputs, reference)):
        t = inputs[number]
        text = tensor_text(t)
        what, what_zh = f"like({text.en})[1]", f"like({text.zh})[1]"
        got = expect_tensor(got, Text(what, what_zh), shape=tuple(t.shape), dtype=torch.float32)
        if not bool(((got >= 0) & (got < 1)).all()):
            fail(
                f"{what}: expected values in [0, 1), "
                f"got values from {got.min().item():.4g} to {got.max().item():.4g}",
                f"{what_zh}：取值应在 [0, 1) 内，实际从 {got.min().item():.4g} 到 {got.max().item():.4g}",
            )
        if got.numel() >= 1000 and not (0.45 < got.mean().item() < 0.55 and got.std().item() > 0.25):
            fail(
                f"{what}: expected uniform random values (mean near 0.5), "
                f"got mean {got.mean().item():.3f} and "
                f"standard deviation {got.std().item():.3f}; use torch.rand_like(t, dtype=torch.float32)",
                f"{what_zh}：应为均匀分布的随机数（均值约 0.5），实际均值 {got.mean().item():.3f}、标准差 "
                f"{got.std().item():.3f}；请用 torch.rand_like(t, dtype=torch.float32)",
            )


# ---------------------------------------------------------------- join, products, add_


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


@points(1)
def test_add_in_place_changes_the_tensor_itself(student):
    """After add_(t, value), t itself holds t + value.

    中文：调用 add_(t, value) 之后，t 本身的值变为 t + value。"""
    for t, value in cases.add_cases(40):
        what = Text(
            f"t after add_(t, value) for t of shape {tuple(t.shape)}",
            f"调用 add_(t, value) 之后的 t（t 的形状为 {tuple(t.shape)}）",
        )
        got = student.probe(probes.add_in_place, t.clone(), value)
        expect_same_tensor(
            got["tensor_after"],
            t + value,
            what,
            Text(
                "t.add_(value) changes t itself; t + value makes a new tensor",
                "t.add_(value) 会修改 t 本身；t + value 会生成新的 tensor",
            ),
            atol=1e-6,
        )


@points(1)
def test_add_in_place_returns_the_same_tensor(student):
    """add_(t, value) returns t itself (the same object), holding t + value.

    中文：add_(t, value) 返回 t 本身（同一个对象），其值为 t + value。"""
    for t, value in cases.add_cases(41):
        got = student.probe(probes.add_in_place, t.clone(), value)
        if got["same_object"] is not True:
            fail(
                f"add_(t, value) for t of shape {tuple(t.shape)} "
                f"returned {describe_type(got['returned'])} that is "
                f"not t itself; return t (t.add_(value) returns t)",
                f"add_(t, value)（t 的形状为 {tuple(t.shape)}）返回的 "
                f"{describe_type(got['returned'], zh=True)} 不是 t 本身；请返回 t（t.add_(value) 返回的就是 "
                f"t）",
            )
        expect_same_tensor(got["returned"], t + value, Text("add_(t, value)", "add_(t, value)"), atol=1e-6)


# ---------------------------------------------------------------- the course's NumPy steps, BGR to RGB


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


@points(1)
def test_reshape_ops_gives_the_index_of_the_largest_value(student, reference):
    """reshape_ops(array)[3] is np.argmax(array): the index of the largest value, not the value.

    中文：reshape_ops(array)[3] 是 np.argmax(array)：最大值的下标，而不是最大值本身。"""
    for array in cases.six_element_arrays(53):
        got = parts(student.call("reshape_ops", array), 4, "reshape_ops(array)")[3]
        expect_equal(plain_index(got), reference.call("reshape_ops", array)[3], step_text(array, 3))


@points(2)
def test_bgr_to_rgb_reverses_the_channel_order(student, reference):
    """bgr_to_rgb(an H x W x 3 uint8 image) is image[:, :, ::-1]: same shape and dtype, channels reversed.

    中文：bgr_to_rgb(H×W×3 的 uint8 图像) 就是 image[:, :, ::-1]：形状和 dtype 不变，通道顺序反转。"""
    for image in cases.bgr_images(60):
        what = Text(
            f"bgr_to_rgb(a uint8 image of shape {image.shape})",
            f"bgr_to_rgb(形状为 {image.shape} 的 uint8 图像)",
        )
        got = student.probe(probes.bgr_keeping_input, image)["output"]
        expect_same_array(got, reference.call("bgr_to_rgb", image.copy()), what)


@points(1)
def test_bgr_to_rgb_leaves_the_input_unchanged(student):
    """bgr_to_rgb returns a new array; the image passed in keeps its BGR order.

    中文：bgr_to_rgb 返回新数组；传入的图像保持原来的 BGR 顺序。"""
    for image in cases.bgr_images(61):
        got = student.probe(probes.bgr_keeping_input, image)["input_after"]
        if not isinstance(got, np.ndarray) or not np.array_equal(got, image):
            fail(
                f"the image passed to bgr_to_rgb (shape {image.shape}) changed; "
                f"return a new array instead of "
                f"swapping channels in place",
                f"传给 bgr_to_rgb 的图像（形状 {image.shape}）被修改了；请返回新数组，不要原地交换通道",
            )
