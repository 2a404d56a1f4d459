"""Exercise 08 · Non-linear activations (非线性激活).

Without a non-linear activation, a stack of linear layers is one linear map.
ReLU keeps positive values and sets the rest to 0; sigmoid squeezes any
number into (0, 1). Written by hand, sigmoid must not overflow: exp(100) is
already beyond float32, so compute with exp(-|x|), which never exceeds 1.
Functions and methods whose names end in `_` (and `nn.ReLU(inplace=True)`)
change their input in place and return that same tensor.
"""

import torch
from torch import nn


def relu(x):
    """max(x, 0) element by element, as a new tensor of x's dtype; `x` is left unchanged.

    Written by hand: no torch.relu, x.relu() or torch.nn.functional.
    """
    # Hint: Keep each positive value, put 0 everywhere else, in a new tensor of the same dtype.
    # 提示：正数保留，其余位置放 0，结果是同 dtype 的新张量。
    # More / 更多: autograder hint 08 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("relu is not written yet / 尚未实现")


def sigmoid(x):
    """1 / (1 + exp(-x)) element by element, of x's dtype, finite and exact for x = -100 and 100.

    Written by hand: no torch.sigmoid, x.sigmoid() or torch.nn.functional.
    """
    # Hint: 1 / (1 + exp(-x)) overflows for large negative x (exp(100) is beyond float32): rewrite it
    #   so exp only ever sees a number <= 0.
    # 提示：1 / (1 + exp(-x)) 在 x 很负时会溢出（exp(100) 超出
    #   float32）：改写成 exp 只会收到 ≤ 0 的数。
    # More / 更多: autograder hint 08 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("sigmoid is not written yet / 尚未实现")


def relu_(x):
    """ReLU in place: set the negative values of `x` to 0 and return `x` itself, the same object."""
    # Hint: Change x itself and return the same object: callers keep using their tensor.
    # 提示：直接修改 x 并返回同一个对象：调用者继续用他们的张量。
    # More / 更多: autograder hint 08 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("relu_ is not written yet / 尚未实现")


class ActivationNet(nn.Module):
    """The course's activation network: an `nn.ReLU()` followed by an `nn.Sigmoid()`.

    Works on any shape, e.g. the course's [[1, -0.5], [-1, 3]] reshaped to (-1, 1, 2, 2), and leaves
    its input unchanged (keep ReLU's default inplace=False).
    """

    def __init__(self):
        super().__init__()
        # Hint: Create the course's two layers once, in __init__: a ReLU then a Sigmoid.
        # 提示：在 __init__ 里创建一次课程的两层：先 ReLU，再 Sigmoid。
        # More / 更多: autograder hint 08 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("ActivationNet.__init__ is not written yet / 尚未实现")

    def forward(self, x):
        # Hint: Apply the ReLU, then the Sigmoid to its output, and return the result.
        # 提示：先过 ReLU，再把结果送进 Sigmoid，返回输出。
        # More / 更多: autograder hint 08 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("ActivationNet.forward is not written yet / 尚未实现")
