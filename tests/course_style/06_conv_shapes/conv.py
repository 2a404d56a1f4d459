"""06 written the way the course writes it: the 5x5 input and 3x3 kernel built with torch.tensor and no
dtype (so int64, as in the course, whose F.conv2d printed integer results), torch.reshape to (1, 1, H, W),
`Model1`'s `self.conv1 = Conv2d(in_channels=3, out_channels=6, ...)` with `super(ConvNet, self)`, and
the output-size formula from the PyTorch documentation with math.floor."""
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn import Conv2d

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
    return math.floor((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1)


def course_example(stride=1, padding=0):
    input = torch.tensor(COURSE_INPUT)
    kernel = torch.tensor(COURSE_KERNEL)
    input = torch.reshape(input, (1, 1, 5, 5))
    kernel = torch.reshape(kernel, (1, 1, 3, 3))
    output = F.conv2d(input, kernel, stride=stride, padding=padding)
    return output


class ConvNet(nn.Module):
    def __init__(self):
        super(ConvNet, self).__init__()
        self.conv1 = Conv2d(in_channels=3, out_channels=6, kernel_size=3, stride=1, padding=0)

    def forward(self, x):
        x = self.conv1(x)
        return x
