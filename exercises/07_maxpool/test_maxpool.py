"""Visible tests for exercise 07 (max pooling). Run: pytest exercises/07_maxpool"""

import torch
from torch import nn

from autograder.i18n import tr


def test_output_size_uses_kernel_size_as_default_stride(maxpool):
    assert maxpool.maxpool2d_output_size(5, 3) == 1


def test_output_size_of_the_course_example_in_ceil_mode(maxpool):
    assert maxpool.maxpool2d_output_size(5, 3, ceil_mode=True) == 2


def test_output_size_with_stride_and_padding(maxpool):
    assert maxpool.maxpool2d_output_size(32, 3, stride=2, padding=1) == 16


def test_output_size_agrees_with_nn_maxpool2d(maxpool):
    for size in range(3, 12):
        for ceil_mode in (False, True):
            layer = nn.MaxPool2d(kernel_size=3, stride=2, padding=1, ceil_mode=ceil_mode)
            expected = layer(torch.zeros(1, 1, size, size)).shape[-1]
            got = maxpool.maxpool2d_output_size(size, 3, stride=2, padding=1, ceil_mode=ceil_mode)
            assert got == expected, f"size={size}, ceil_mode={ceil_mode}: expected {expected}, got {got}"


def test_course_example_with_ceil_mode(maxpool):
    out = maxpool.course_example(ceil_mode=True)
    assert out.tolist() == [[[[2.0, 3.0], [5.0, 1.0]]]]


def test_course_example_without_ceil_mode(maxpool):
    assert maxpool.course_example(ceil_mode=False).tolist() == [[[[2.0]]]]


def test_net_pools_a_long_tensor_and_returns_float32(maxpool):
    image = torch.tensor(maxpool.COURSE_INPUT).reshape(1, 1, 5, 5)  # dtype is int64 (Long)
    out = maxpool.MaxPoolNet()(image)
    assert out.dtype == torch.float32, tr(
        f"forward returned {out.dtype} for an int64 input: convert it with x.to(torch.float32) (or "
        f"x.float()) before pooling; the Conv2d and Linear layers after pooling hold float32 weights and "
        f"refuse int64",
        f"输入是 int64 时 forward 返回了 {out.dtype}：池化前用 x.to(torch.float32)（或 x.float()）转换；"
        "池化后面的 Conv2d、Linear 层的权重是 float32，不接受 int64",
    )
    assert out.tolist() == [[[[2.0, 3.0], [5.0, 1.0]]]]


def test_net_keeps_batch_and_channels(maxpool):
    out = maxpool.MaxPoolNet()(torch.rand(64, 3, 32, 32))
    assert out.shape == (64, 3, 11, 11)


def test_ceil_mode_drops_a_last_window_that_starts_in_the_padding(maxpool):
    layer = nn.MaxPool2d(kernel_size=2, stride=2, padding=1, ceil_mode=True)
    expected = layer(torch.zeros(1, 1, 5, 5)).shape[-1]  # 3: a 4th window would start inside the padding
    got = maxpool.maxpool2d_output_size(5, 2, stride=2, padding=1, ceil_mode=True)
    assert got == expected, tr(
        f"size 5, kernel 2, stride 2, padding 1, ceil mode: expected {expected}, got {got}. In ceil mode, "
        f"drop a last window that would start inside the right padding",
        f"size 5、kernel 2、stride 2、padding 1、ceil 模式：应为 {expected}，得到 {got}。ceil 模式下，"
        "要去掉从右侧填充里开始的最后一个窗口",
    )
