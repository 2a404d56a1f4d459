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
    ### BEGIN SOLUTION
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    ### END SOLUTION


def course_example(stride=1, padding=0):
    """`F.conv2d` of COURSE_INPUT with COURSE_KERNEL, both reshaped to (1, 1, H, W).

    Returns the output with shape (1, 1, H, W), of any numeric dtype; stride 1 gives
    [[10, 12, 12], [18, 16, 16], [13, 9, 3]].
    """
    ### BEGIN SOLUTION
    image = torch.tensor(COURSE_INPUT, dtype=torch.float32).reshape(1, 1, 5, 5)
    kernel = torch.tensor(COURSE_KERNEL, dtype=torch.float32).reshape(1, 1, 3, 3)
    return F.conv2d(image, kernel, stride=stride, padding=padding)
    ### END SOLUTION


class ConvNet(nn.Module):
    """One `Conv2d(3, 6, kernel_size=3, stride=1, padding=0)`: [64, 3, 32, 32] in, [64, 6, 30, 30] out."""

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.conv1 = nn.Conv2d(in_channels=3, out_channels=6, kernel_size=3, stride=1, padding=0)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.conv1(x)
        ### END SOLUTION
