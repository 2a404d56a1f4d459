"""Exercise 07 · Max pooling (最大池化).

Max pooling slides a window over the input and keeps the largest value of
each window. It shrinks the feature map while keeping the strongest signal.
`ceil_mode=True` keeps a last, partial window that `ceil_mode=False` drops.
"""

import torch
from torch import nn

# The course's 5x5 input.
COURSE_INPUT = [
    [1, 2, 0, 3, 1],
    [0, 1, 2, 3, 1],
    [1, 2, 1, 0, 0],
    [5, 2, 3, 1, 1],
    [2, 1, 0, 1, 1],
]


def maxpool2d_output_size(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Output height (or width) of `nn.MaxPool2d` for an input of height (or width) `size`, as an int.

    Must agree with `nn.MaxPool2d` for every valid combination of arguments.
    """
    ### BEGIN SOLUTION
    if stride is None:
        stride = kernel_size
    span = size + 2 * padding - dilation * (kernel_size - 1) - 1
    if ceil_mode:
        out = -(-span // stride) + 1
        if (out - 1) * stride >= size + padding:
            out -= 1
    else:
        out = span // stride + 1
    return out
    ### END SOLUTION


class MaxPoolNet(nn.Module):
    """The course's network: one `MaxPool2d(kernel_size=3, ceil_mode=True)`.

    `forward` must also accept integer tensors and always return float32. The course hit
    `"max_pool2d" not implemented for 'Long'`; today's torch pools int64 tensors on the CPU, but
    the Conv2d and Linear layers that come after pooling hold float32 weights and refuse int64.
    """

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.maxpool1 = nn.MaxPool2d(kernel_size=3, ceil_mode=True)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.maxpool1(x.to(torch.float32))
        ### END SOLUTION


def course_example(ceil_mode):
    """Pool the course's 5x5 input, shaped (1, 1, 5, 5), with kernel_size=3 and the given ceil_mode.

    Returns a tensor of shape (1, 1, H, W): [[2, 3], [5, 1]] with ceil mode, [[2]] without (any numeric
    dtype; the course builds the input with dtype=torch.float32).
    """
    ### BEGIN SOLUTION
    image = torch.tensor(COURSE_INPUT, dtype=torch.float32).reshape(1, 1, 5, 5)
    return nn.MaxPool2d(kernel_size=3, ceil_mode=ceil_mode)(image)
    ### END SOLUTION
