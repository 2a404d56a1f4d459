"""Exercise 09 · nn.Sequential (搭建网络与 Sequential 的使用).

`nn.Sequential` chains layers so that `forward` is one call. The course
builds its CIFAR-10 network this way: three 5x5 convolutions (padding 2
keeps 32x32), each followed by a 2x2 max pooling (32 -> 16 -> 8 -> 4), then
Flatten (64 channels * 4 * 4 = 1024 features) and two Linear layers.
Before that, it shows why Flatten matters: a Linear(196608, 10) applied to
a whole batch of 64 images flattened into one vector of 64*3*32*32 values.
"""

import torch
from torch import nn


class CIFAR10Net(nn.Module):
    """The course's network, held in one `nn.Sequential` attribute (any name: the course calls it `model1`).

    Conv2d(3, 32, 5, padding=2), MaxPool2d(2), Conv2d(32, 32, 5, padding=2), MaxPool2d(2),
    Conv2d(32, 64, 5, padding=2), MaxPool2d(2), Flatten(), Linear(1024, 64), Linear(64, 10):
    145,578 parameters, (N, 3, 32, 32) -> (N, 10).
    """

    def __init__(self):
        super().__init__()
        # Hint: Nine layers in one nn.Sequential attribute: three 5x5 convolutions each followed by
        #   2x2 pooling, Flatten, two Linear layers. Any attribute name will do (the course's is
        #   model1).
        # 提示：九层放进一个 nn.Sequential 属性：三个 5×5 卷积各接一个 2×2
        #   池化，Flatten，两个 Linear。属性名随意（课程里叫 model1）。
        # More / 更多: autograder hint 09 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("CIFAR10Net.__init__ is not written yet / 尚未实现")

    def forward(self, x):
        # Hint: The Sequential already chains the layers: forward is one call, and it must return the
        #   result.
        # 提示：Sequential 已经把各层串好了：forward 只要调用一次，并且要返回结果。
        # More / 更多: autograder hint 09 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("CIFAR10Net.forward is not written yet / 尚未实现")


def count_parameters(model: nn.Module) -> int:
    """The number of trainable values in `model`: the elements of every parameter that requires grad."""
    # Hint: Add up the number of values in every parameter that training would change (frozen ones do
    #   not count).
    # 提示：把训练会改动的每个参数的元素个数加起来（冻结的参数不算）。
    # More / 更多: autograder hint 09 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("count_parameters is not written yet / 尚未实现")


def flatten_linear(images: torch.Tensor) -> torch.Tensor:
    """The course's demo: flatten a (64, 3, 32, 32) batch into one vector, then apply nn.Linear(196608, 10).

    Returns the output of shape (10,).
    """
    # Hint: The course's demo: the whole batch becomes one long vector, which one Linear layer maps to
    #   10 numbers.
    # 提示：课程的演示：整个 batch 展平成一个长向量，用一个 Linear 层映射成 10
    #   个数。
    # More / 更多: autograder hint 09 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("flatten_linear is not written yet / 尚未实现")
