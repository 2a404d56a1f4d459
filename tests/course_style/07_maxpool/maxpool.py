"""07 written the way the course writes it: `self.MaxPool1`, `input` as the argument's name, the
5x5 tensor built with `dtype=torch.float32` (the course's fix for "max_pool2d" not implemented
for 'Long'), and the output size from the formula in the PyTorch documentation, with math.floor
and math.ceil."""
import math

import torch
from torch import nn

COURSE_INPUT = [
    [1, 2, 0, 3, 1],
    [0, 1, 2, 3, 1],
    [1, 2, 1, 0, 0],
    [5, 2, 3, 1, 1],
    [2, 1, 0, 1, 1],
]


def maxpool2d_output_size(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    if stride is None:
        stride = kernel_size
    value = (size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1
    if ceil_mode:
        out = math.ceil(value)
        if (out - 1) * stride >= size + padding:
            out = out - 1
        return out
    return math.floor(value)


class MaxPoolNet(nn.Module):
    def __init__(self):
        super(MaxPoolNet, self).__init__()
        self.MaxPool1 = torch.nn.MaxPool2d(kernel_size=3, ceil_mode=True)

    def forward(self, input):
        output = self.MaxPool1(input.float())
        return output


def course_example(ceil_mode):
    input = torch.tensor(COURSE_INPUT, dtype=torch.float32)
    input = torch.reshape(input, (-1, 1, 5, 5))
    maxpool = nn.MaxPool2d(kernel_size=3, ceil_mode=ceil_mode)
    output = maxpool(input)
    return output
