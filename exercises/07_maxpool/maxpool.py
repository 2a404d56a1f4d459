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
    # Hint: Count the windows that fit: the same count as for a convolution, except that stride
    #   defaults to kernel_size, and ceil mode keeps a last partial window.
    # 提示：数一数能放下多少个窗口：和卷积的算法一样，只是 stride 默认等于
    #   kernel_size，ceil 模式会保留最后一个不完整的窗口。
    # More / 更多: autograder hint 07 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("maxpool2d_output_size is not written yet / 尚未实现")


class MaxPoolNet(nn.Module):
    """The course's network: one `MaxPool2d(kernel_size=3, ceil_mode=True)`.

    `forward` must also accept integer tensors and always return float32. The course hit
    `"max_pool2d" not implemented for 'Long'`; today's torch pools int64 tensors on the CPU, but
    the Conv2d and Linear layers that come after pooling hold float32 weights and refuse int64.
    """

    def __init__(self):
        super().__init__()
        # Hint: Create the course's pooling layer once, in __init__, and keep it on self.
        # 提示：在 __init__ 里创建一次课程的池化层，存在 self 上。
        # More / 更多: autograder hint 07 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("MaxPoolNet.__init__ is not written yet / 尚未实现")

    def forward(self, x):
        # Hint: Pool the input and return a float32 result, whatever the input's dtype: the layers
        #   after pooling hold float32 weights.
        # 提示：对输入做池化，无论输入是什么 dtype 都返回
        #   float32：池化后面的层的权重都是 float32。
        # More / 更多: autograder hint 07 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("MaxPoolNet.forward is not written yet / 尚未实现")


def course_example(ceil_mode):
    """Pool the course's 5x5 input, shaped (1, 1, 5, 5), with kernel_size=3 and the given ceil_mode.

    Returns a tensor of shape (1, 1, H, W): [[2, 3], [5, 1]] with ceil mode, [[2]] without (any numeric
    dtype; the course builds the input with dtype=torch.float32).
    """
    # Hint: Pool the course's 5x5 input shaped as one single-channel image, with kernel 3 and the
    #   ceil_mode you are given.
    # 提示：把课程的 5×5 输入整理成一张单通道图片，用 kernel 3 和给定的
    #   ceil_mode 做池化。
    # More / 更多: autograder hint 07 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("course_example is not written yet / 尚未实现")
