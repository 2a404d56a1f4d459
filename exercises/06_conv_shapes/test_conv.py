"""Visible tests for exercise 06 (convolution shapes). Run: pytest exercises/06_conv_shapes"""

import torch
from torch import nn


def test_output_size_of_the_course_example(conv):
    assert conv.conv2d_output_size(5, 3) == 3


def test_output_size_with_stride_2(conv):
    assert conv.conv2d_output_size(5, 3, stride=2) == 2


def test_output_size_with_padding_1(conv):
    assert conv.conv2d_output_size(5, 3, padding=1) == 5


def test_output_size_agrees_with_nn_conv2d(conv):
    for size in (5, 8, 32):
        for stride, padding, dilation in [(1, 0, 1), (2, 1, 1), (1, 2, 2), (3, 0, 1)]:
            layer = nn.Conv2d(1, 1, 3, stride=stride, padding=padding, dilation=dilation)
            expected = layer(torch.zeros(1, 1, size, size)).shape[-1]
            got = conv.conv2d_output_size(size, 3, stride=stride, padding=padding, dilation=dilation)
            assert got == expected, f"size={size}, stride={stride}, padding={padding}, dilation={dilation}"


def test_course_example_with_stride_1(conv):
    out = conv.course_example(stride=1)
    assert out.shape == (1, 1, 3, 3)
    assert out.reshape(3, 3).tolist() == [[10, 12, 12], [18, 16, 16], [13, 9, 3]]


def test_course_example_with_stride_2(conv):
    assert conv.course_example(stride=2).reshape(2, 2).tolist() == [[10, 12], [13, 3]]


def test_course_example_with_padding_1_keeps_the_size(conv):
    assert conv.course_example(padding=1).shape == (1, 1, 5, 5)


def test_conv_net_returns_the_convolution_output(conv):
    out = conv.ConvNet()(torch.rand(64, 3, 32, 32))
    assert out is not None, "forward() returned None: did you forget `return`?"
    assert out.shape == (64, 6, 30, 30)
