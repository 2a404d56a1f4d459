"""Exercise 06 · Convolution shapes (卷积的输出尺寸).

A convolution slides a kernel over the input; each output value is the sum of
the element-wise product of the kernel and the patch under it, plus a bias.
How large is the output? It depends on the kernel size, stride, padding and
dilation, and it is the first thing to get right when stacking layers.
"""

import torch
import torch.nn.functional as F
from torch import nn

# The course's 5x5 input and 3x3 kernel.
COURSE_INPUT = [
    [1, 2, 0, 3, 1],
    [0, 1, 2, 3, 1],
    [1, 2, 1, 0, 0],
    [5, 2, 3, 1, 1],
    [2, 1, 0, 1, 1],
]
COURSE_KERNEL = [
    [1, 2, 1],
    [0, 1, 0],
    [2, 1, 0],
]


def conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """Output height (or width) of `nn.Conv2d` for an input of height (or width) `size`, as an int.

    Must agree with `nn.Conv2d` for every valid combination of arguments.
    """
    # Hint: Count the positions the kernel can take: padding widens the input, dilation spreads the
    #   kernel, stride skips positions.
    # 提示：数一数卷积核能放在多少个位置：padding 让输入变宽，dilation
    #   让卷积核变大，stride 跳过一些位置。
    # More / 更多: autograder hint 06 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("conv2d_output_size is not written yet / 尚未实现")


def course_example(stride=1, padding=0):
    """`F.conv2d` of COURSE_INPUT with COURSE_KERNEL, both reshaped to (1, 1, H, W).

    Returns the output with shape (1, 1, H, W), of any numeric dtype; stride 1 gives
    [[10, 12, 12], [18, 16, 16], [13, 9, 3]].
    """
    # Hint: Convolve the course's 5x5 input with its 3x3 kernel, both shaped as a batch of one
    #   single-channel image.
    # 提示：用课程的 3×3 卷积核对 5×5 输入做卷积，两者都要整理成「一张单通道图片的
    #   batch」。
    # More / 更多: autograder hint 06 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("course_example is not written yet / 尚未实现")


class ConvNet(nn.Module):
    """One `Conv2d(3, 6, kernel_size=3, stride=1, padding=0)`: [64, 3, 32, 32] in, [64, 6, 30, 30] out."""

    def __init__(self):
        super().__init__()
        # Hint: The layer is created once, in __init__, and stored on self so that forward can use it.
        # 提示：卷积层在 __init__ 里创建一次，存到 self 上，forward 才能用它。
        # More / 更多: autograder hint 06 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("ConvNet.__init__ is not written yet / 尚未实现")

    def forward(self, x):
        # Hint: forward passes x through the layer and must return the result: forgetting `return` is
        #   the course notes' classic bug.
        # 提示：forward 把 x 送进卷积层，并且必须返回结果：忘写 `return`
        #   是课程笔记里最常见的错误。
        # More / 更多: autograder hint 06 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("ConvNet.forward is not written yet / 尚未实现")
