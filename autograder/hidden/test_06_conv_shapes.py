"""Hidden checks for 06_conv_shapes: output sizes on a grid, the course example, the network.

Every expected value is computed here: sizes by real nn.Conv2d layers (`layer_grids`), the course
example by the reference, and the network's output by F.conv2d with weights the grader made and
installed in the student's ConvNet.
"""

import pytest
import torch
import torch.nn.functional as F

from autograder.checking import (
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
from autograder.hidden.layer_grids import conv_cases
from autograder.worker.probes import generic

IMAGES = torch.randn(64, 3, 32, 32, generator=torch.Generator().manual_seed(6))
OTHER_IMAGES = torch.randn(2, 3, 10, 7, generator=torch.Generator().manual_seed(60))
WEIGHT = torch.randn(6, 3, 3, 3, generator=torch.Generator().manual_seed(61)) * 0.3
BIAS = torch.randn(6, generator=torch.Generator().manual_seed(62))
INT_ADVICE = Text(
    "an output size is a whole number that becomes a layer's argument: use // (floor division), "
    "not /, or int(...)",
    "输出尺寸是整数，还会用作层的参数：请用 //（整除）而不是 /，或用 int(...)",
)


def judge_sizes(outcomes, cases) -> None:
    expect_each_equal(
        outcomes,
        [expected for _, expected in cases],
        [call_text("conv2d_output_size", kwargs) for kwargs, _ in cases],
    )


@pytest.fixture(scope="module")
def grid(student):
    """The student's answers on the whole grid, asked once for the checks that judge them."""
    cases = conv_cases()
    return cases, student.each("conv2d_output_size", [kwargs for kwargs, _ in cases])


@points(1)
def test_output_size_defaults_to_stride_1_padding_0_dilation_1(student):
    """Leaving out stride, padding and dilation means 1, 0 and 1, as nn.Conv2d does.
    中文：省略 stride、padding、dilation 时取 1、0、1，与 nn.Conv2d 一致"""
    cases = [
        ({"size": k["size"], "kernel_size": k["kernel_size"]}, e)
        for k, e in conv_cases()
        if (k["stride"], k["padding"], k["dilation"]) == (1, 0, 1)
    ]
    judge_sizes(student.each("conv2d_output_size", [kwargs for kwargs, _ in cases]), cases)


@points(3)
def test_output_size_matches_nn_conv2d_on_a_grid(grid):
    """Every valid size/kernel/stride/padding/dilation combination on a small grid.
    中文：小网格上每一种合法的 size/kernel/stride/padding/dilation 组合都与 nn.Conv2d 一致"""
    cases, outcomes = grid
    judge_sizes(outcomes, cases)


@points(1)
def test_output_size_is_an_int(grid):
    """conv2d_output_size returns an integer, as layers need for a size (not a float, even a whole one); judged
    once every size on the grid is right.
    中文：conv2d_output_size 返回整数，层的尺寸参数需要整数（不能是 float，即使是整数值）；网格上的尺寸全对之后才评判"""  # noqa: E501
    cases, outcomes = grid
    if not each_equal(outcomes, [expected for _, expected in cases]):
        not_judged_because(
            "conv2d_output_size",
            "its sizes are not all right yet (see output_size_matches_nn_conv2d_on_a_grid)",
            "它的尺寸还不全对（见 output_size_matches_nn_conv2d_on_a_grid）",
        )
    expect_each_int(
        outcomes,
        [expected for _, expected in cases],
        [call_text("conv2d_output_size", kwargs) for kwargs, _ in cases],
        "conv2d_output_size",
        INT_ADVICE,
    )


def judge_course_example(student, reference, **kwargs) -> None:
    what = call_text("course_example", kwargs)
    expect_close(student.call("course_example", **kwargs), reference.call("course_example", **kwargs), what)


@points(1)
def test_course_example_with_stride_1(student, reference):
    """[[10, 12, 12], [18, 16, 16], [13, 9, 3]], shaped (1, 1, 3, 3); any numeric dtype.
    中文：stride=1 时为 [[10, 12, 12], [18, 16, 16], [13, 9, 3]]，形状 (1, 1, 3, 3)；dtype 不限"""
    judge_course_example(student, reference)


@points(1)
def test_course_example_with_stride_2(student, reference):
    """[[10, 12], [13, 3]], shaped (1, 1, 2, 2).
    中文：stride=2 时为 [[10, 12], [13, 3]]，形状 (1, 1, 2, 2)"""
    judge_course_example(student, reference, stride=2)


@points(1)
def test_course_example_with_padding_1(student, reference):
    """Padding 1 keeps the 5x5 size.
    中文：padding=1 时输出保持 5×5"""
    judge_course_example(student, reference, padding=1)


@pytest.fixture(scope="module")
def network(student):
    """ConvNet() with the grader's weight and bias installed, run on 64 images of 32x32."""
    return student.probe(generic.model_with_parameters, "ConvNet", [WEIGHT, BIAS], IMAGES)


def expect_installed(run: dict) -> None:
    if not run["installed"]:
        shapes = [tuple(shape) for shape in run["shapes"]]
        fail(
            f"ConvNet should hold exactly one Conv2d(3, 6, kernel_size=3) (weight (6, 3, 3, 3), bias (6,)); "
            f"its parameters have the shapes {shapes}",
            f"ConvNet 应只包含一个 Conv2d(3, 6, kernel_size=3)（weight (6, 3, 3, 3)，bias (6,)）；"
            f"实际参数的形状为 {shapes}",
        )


def returned_something(run: dict) -> None:
    if run["output"] is None:
        not_judged_because(
            "ConvNet.forward",
            "ConvNet()(x) returned None (forward_returns_the_convolution_output charges it)",
            "ConvNet()(x) 返回了 None（已由 forward_returns_the_convolution_output 扣分）",
        )


@points(2)
def test_forward_returns_the_convolution_output(network):
    """ConvNet()(x) returns the convolution's output, not None (the course's classic bug); judged once the
    output is the right one.
    中文：ConvNet()(x) 返回卷积的输出，而不是 None（课程中的经典错误）；输出正确时才评判"""
    if network["output"] is None:
        fail(
            "ConvNet()(x) returned None: forward() must `return` the convolution's output",
            "ConvNet()(x) 返回了 None：forward() 里要 `return` 卷积的输出",
        )
    expect_tensor(network["output"], Text("ConvNet()(x)", "ConvNet()(x)"))
    computes_the_convolution(network)


@points(2)
def test_forward_computes_a_3_to_6_channel_3x3_convolution(network):
    """With the grader's weight and bias, ConvNet()(x) of shape (64, 3, 32, 32) equals F.conv2d(x, weight, bias).
    中文：装入评分程序的 weight 和 bias 后，形状为 (64, 3, 32, 32) 的 x 经 ConvNet()(x) 等于 F.conv2d(x, weight, bias)"""  # noqa: E501
    returned_something(network)
    expect_installed(network)
    expect_close(
        network["output"],
        F.conv2d(IMAGES, WEIGHT, BIAS),
        Text("ConvNet()(x) for x of shape (64, 3, 32, 32)", "形状为 (64, 3, 32, 32) 的 x 经 ConvNet()(x)"),
        atol=1e-4,
        rtol=1e-4,
    )


def computes_the_convolution(network: dict) -> None:
    """Not judged until ConvNet, with the grader's weights, gives F.conv2d's output."""
    if not network["installed"] or not agrees(network["output"], F.conv2d(IMAGES, WEIGHT, BIAS), atol=1e-4):
        not_judged_because(
            "ConvNet",
            "ConvNet does not compute the course's convolution yet (see "
            "forward_computes_a_3_to_6_channel_3x3_convolution)",
            "ConvNet 还没有算出课程中的卷积（见 forward_computes_a_3_to_6_channel_3x3_convolution）",
        )


@points(1)
def test_net_works_for_other_batch_and_image_sizes(student, network):
    """The network is not tied to 64 images of 32x32: (2, 3, 10, 7) gives F.conv2d's (2, 6, 8, 5).
    中文：网络不限于 64 张 32×32 的图片：(2, 3, 10, 7) 的输入得到与 F.conv2d 相同的 (2, 6, 8, 5)"""
    returned_something(network)
    computes_the_convolution(network)
    run = student.probe(generic.model_with_parameters, "ConvNet", [WEIGHT, BIAS], OTHER_IMAGES)
    expect_close(
        run["output"],
        F.conv2d(OTHER_IMAGES, WEIGHT, BIAS),
        Text("ConvNet()(x) for x of shape (2, 3, 10, 7)", "形状为 (2, 3, 10, 7) 的 x 经 ConvNet()(x)"),
        atol=1e-4,
        rtol=1e-4,
    )
