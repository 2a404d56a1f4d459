"""Hidden checks for 07_maxpool: output sizes on a grid, ceil-mode edges, the course example and the network.

Sizes come from real nn.MaxPool2d layers (`layer_grids`), the course example and the network's output
from the reference run here. The grid is asked in one call; each check judges its own part of it, so a
wrong stride default, a missing ceil-mode rule or a float size is charged once.
"""

import pytest
import torch

from autograder.checking import (
    StudentProblem,
    Text,
    agrees,
    call_text,
    each_equal,
    expect_close,
    expect_each_equal,
    expect_each_int,
    expect_tensor,
    fail,
    not_judged_because,
    points,
)
from autograder.hidden.layer_grids import is_ceil_edge, pooling_cases
from autograder.worker.probes import generic

INT_ADVICE = Text(
    "an output size is a whole number that becomes the next layer's argument: use // "
    "(floor division) or math.floor/math.ceil, which return an int",
    "输出尺寸是整数，还会用作下一层的参数：请用 //（整除）或 math.floor/math.ceil（它们返回 int）",
)
RANDOM_SHAPES = [(1, 1, 5, 5), (4, 3, 10, 7), (2, 6, 32, 32), (1, 2, 4, 13)]
LONG_IMAGE = torch.randint(-50, 50, (2, 3, 6, 9), generator=torch.Generator().manual_seed(7))


def group_of(kwargs: dict, expected: int) -> str:
    """Which check judges a case: the stride default, floor mode, ceil mode, or ceil mode's last window."""
    if is_ceil_edge(kwargs, expected):
        return "edge" if kwargs["stride"] is not None else "unjudged"
    if kwargs["stride"] is None:
        return "default"
    return "ceil" if kwargs["ceil_mode"] else "floor"


def as_called(kwargs: dict) -> dict:
    """The call as the grader makes it: stride left out where it is None, to test its default."""
    return {key: value for key, value in kwargs.items() if not (key == "stride" and value is None)}


@pytest.fixture(scope="module")
def grid(student):
    """Every case of both modes, asked in one call: (kwargs as called, expected, group, outcome)."""
    cases = [
        (as_called(kwargs), expected, group_of(kwargs, expected))
        for ceil_mode in (False, True)
        for kwargs, expected in pooling_cases(ceil_mode)
    ]
    outcomes = student.each("maxpool2d_output_size", [kwargs for kwargs, _, _ in cases])
    if not isinstance(outcomes, list) or len(outcomes) != len(cases):
        fail("could not evaluate all cases", "无法完成所有用例")
    return [(*case, outcome) for case, outcome in zip(cases, outcomes)]


def judge_group(grid, group: str) -> None:
    chosen = [row for row in grid if row[2] == group]
    expect_each_equal(
        [row[3] for row in chosen],
        [row[1] for row in chosen],
        [call_text("maxpool2d_output_size", row[0]) for row in chosen],
    )


@points(1)
def test_output_size_defaults_stride_to_kernel_size(grid):
    """Leaving out stride means stride = kernel_size, as nn.MaxPool2d does (in both modes).
    中文：省略 stride 时 stride = kernel_size，与 nn.MaxPool2d 一致（两种模式下都如此）"""
    judge_group(grid, "default")


@points(2)
def test_output_size_matches_nn_maxpool2d_in_floor_mode(grid):
    """Every valid size/kernel/stride/padding/dilation combination, ceil_mode=False.
    中文：ceil_mode=False 时，每一种合法的 size/kernel/stride/padding/dilation 组合都与 nn.MaxPool2d 一致"""
    judge_group(grid, "floor")


@points(2)
def test_output_size_matches_nn_maxpool2d_in_ceil_mode(grid):
    """Every valid combination with ceil_mode=True, apart from the last-window cases judged below.
    中文：ceil_mode=True 时每一种合法组合都一致（最后一个窗口的情形由下一项检查评判）"""
    judge_group(grid, "ceil")


@points(1)
def test_ceil_mode_drops_a_window_that_starts_in_the_padding(grid):
    """Ceil mode never keeps a last window that would start past the input (in the right padding or beyond).
    中文：ceil 模式下，若最后一个窗口的起点已超出输入（落在右侧填充或更远处），就不保留这个窗口"""
    judge_group(grid, "edge")


@points(1)
def test_output_size_is_an_int(grid):
    """maxpool2d_output_size returns an integer, as layers need for a size (not a float, even a whole one); judged
    once the floor-mode sizes are right.
    中文：maxpool2d_output_size 返回整数，层的尺寸参数需要整数（不能是 float，即使是整数值）；floor 模式的尺寸全对之后才评判"""  # noqa: E501
    floor = [row for row in grid if row[2] == "floor"]
    if not each_equal([row[3] for row in floor], [row[1] for row in floor]):
        not_judged_because(
            "maxpool2d_output_size",
            "its floor-mode sizes are not all right yet (see output_size_matches_nn_maxpool2d_in_floor_mode)",
            "它在 floor 模式下的尺寸还不全对（见 output_size_matches_nn_maxpool2d_in_floor_mode）",
        )
    expect_each_int(
        [row[3] for row in grid],
        [row[1] for row in grid],
        [call_text("maxpool2d_output_size", row[0]) for row in grid],
        "maxpool2d_output_size",
        INT_ADVICE,
    )


@points(1)
def test_course_example_with_ceil_mode(student, reference):
    """course_example(True) on the course's 5x5 input gives [[2, 3], [5, 1]], shaped (1, 1, 2, 2); any dtype.
    中文：course_example(True) 对课程中的 5×5 输入得到 [[2, 3], [5, 1]]，形状 (1, 1, 2, 2)；dtype 不限"""
    expect_close(
        student.call("course_example", True),
        reference.call("course_example", True),
        "course_example(ceil_mode=True)",
    )


@points(1)
def test_course_example_without_ceil_mode(student, reference):
    """course_example(False) gives [[2]], shaped (1, 1, 1, 1).
    中文：course_example(False) 得到 [[2]]，形状 (1, 1, 1, 1)"""
    expect_close(
        student.call("course_example", False),
        reference.call("course_example", False),
        "course_example(ceil_mode=False)",
    )


def random_images() -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(11)
    return [torch.randn(shape, generator=generator) for shape in RANDOM_SHAPES]


def shaped(shape: tuple) -> Text:
    return Text(
        f"MaxPoolNet()(a float tensor of shape {shape})", f"MaxPoolNet()（形状为 {shape} 的浮点 tensor）"
    )


@pytest.fixture(scope="module")
def float_runs(student):
    """MaxPoolNet's outputs on the random float images, or the problem its code raised."""
    try:
        return [
            (image, student.probe(generic.model_output, "MaxPoolNet", image)) for image in random_images()
        ]
    except StudentProblem as problem:
        return problem


@points(2)
def test_net_matches_maxpool_3_with_ceil_mode_on_random_inputs(reference, float_runs):
    """MaxPoolNet on float inputs whose sides do not divide by 3 (where ceil mode matters), float32 out.
    中文：MaxPoolNet 处理边长不能被 3 整除的浮点输入（此时 ceil 模式有影响），输出 float32"""
    if isinstance(float_runs, StudentProblem):
        raise float_runs
    for image, got in float_runs:
        if got is None:
            fail(
                "MaxPoolNet()(x) returned None: forward() must `return` the pooled tensor",
                "MaxPoolNet()(x) 返回了 None：forward() 里要 `return` 池化后的 tensor",
            )
        expect_close(
            got,
            reference.probe(generic.model_output, "MaxPoolNet", image),
            shaped(tuple(image.shape)),
            check_dtype=True,
        )


@points(1)
def test_net_pools_long_tensors_into_float32(student, reference, float_runs):
    """MaxPoolNet accepts an int64 (Long) tensor and returns float32, the dtype the layers after it need.
    中文：MaxPoolNet 接受 int64（Long）tensor 并返回 float32，即后续层需要的类型"""
    if isinstance(float_runs, StudentProblem) or any(
        not agrees(got, reference.probe(generic.model_output, "MaxPoolNet", image))
        for image, got in float_runs
    ):
        not_judged_because(
            "MaxPoolNet",
            "MaxPoolNet does not pool float inputs right yet (see "
            "net_matches_maxpool_3_with_ceil_mode_on_random_inputs)",
            "MaxPoolNet 对浮点输入的池化还不对（见 net_matches_maxpool_3_with_ceil_mode_on_random_inputs）",
        )
    what = Text(
        "MaxPoolNet()(an int64 tensor of shape (2, 3, 6, 9))",
        "MaxPoolNet()（形状为 (2, 3, 6, 9) 的 int64 tensor）",
    )
    got = expect_tensor(student.probe(generic.model_output, "MaxPoolNet", LONG_IMAGE), what)
    if got.dtype != torch.float32:
        dtype = str(got.dtype).removeprefix("torch.")
        fail(
            f"{what.en} returned {dtype}, not float32: convert the input first (x.float()). The course hit "
            f"\"max_pool2d\" not implemented for 'Long'; today's torch pools int64 on the CPU, but the "
            f"Conv2d and Linear layers that follow pooling hold float32 weights and refuse an int64 input",
            f"{what.zh} 返回的是 {dtype} 而不是 float32：请先转换输入（x.float()）。课程里遇到过 "
            f"\"max_pool2d\" not implemented for 'Long'；如今的 torch 在 CPU 上可以池化 int64，但池化之后的 "
            f"Conv2d 和 Linear 层的权重是 float32，不接受 int64 输入",
        )
    expect_close(got, reference.probe(generic.model_output, "MaxPoolNet", LONG_IMAGE), what)
