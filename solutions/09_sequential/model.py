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
        ### BEGIN SOLUTION
        self.model = nn.Sequential(
            nn.Conv2d(3, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(64 * 4 * 4, 64),
            nn.Linear(64, 10),
        )
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.model(x)
        ### END SOLUTION


def count_parameters(model: nn.Module) -> int:
    """The number of trainable values in `model`: the elements of every parameter that requires grad."""
    ### BEGIN SOLUTION
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
    ### END SOLUTION


def flatten_linear(images: torch.Tensor) -> torch.Tensor:
    """The course's demo: flatten a (64, 3, 32, 32) batch into one vector, then apply nn.Linear(196608, 10).

    Returns the output of shape (10,).
    """
    ### BEGIN SOLUTION
    linear = nn.Linear(196608, 10)
    return linear(torch.flatten(images))
    ### END SOLUTION
