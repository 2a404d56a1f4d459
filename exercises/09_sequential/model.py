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
        # Hint: after three MaxPool2d(2) a 32x32 image is 4x4, so Flatten gives 64 * 4 * 4 = 1024 features.
        # YOUR CODE HERE
        raise NotImplementedError('CIFAR10Net.__init__ is not written yet / 尚未实现')

    def forward(self, x):
        # YOUR CODE HERE
        raise NotImplementedError('CIFAR10Net.forward is not written yet / 尚未实现')


def count_parameters(model: nn.Module) -> int:
    """The number of trainable values in `model`: the elements of every parameter that requires grad."""
    # Hint: sum p.numel() over model.parameters(), skipping frozen ones (p.requires_grad is False).
    # YOUR CODE HERE
    raise NotImplementedError('count_parameters is not written yet / 尚未实现')


def flatten_linear(images: torch.Tensor) -> torch.Tensor:
    """The course's demo: flatten a (64, 3, 32, 32) batch into one vector, then apply nn.Linear(196608, 10).

    Returns the output of shape (10,).
    """
    # Hint: torch.flatten(images) turns the whole batch into one vector of 64 * 3 * 32 * 32 = 196608 values.
    # YOUR CODE HERE
    raise NotImplementedError('flatten_linear is not written yet / 尚未实现')
