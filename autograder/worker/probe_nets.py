"""Networks the probes hand to a student's function when the check is about the function, not the network.

`ModeRevealingNet` shows, in the numbers it produces, which modes it ran in: in training mode its
logits are rolled by TRAIN_ROLL classes, with autograd on by GRAD_ROLL more. So the loss and accuracy
an `evaluate`/`accuracy` function returns tell the grader whether it called `model.eval()` and
`torch.no_grad()`: the grader recomputes each possibility itself, and nothing the worker says about
its own behaviour is needed. `CourseMLP`/`CourseCNN` are the course's MNIST networks as the kit
builds them, to judge a training loop apart from the student's own networks; `RawLinear` ends
without LogSoftmax, which is what tells NLLLoss and CrossEntropyLoss apart; `TinyNet` is small
enough to record a long epoch of one-image batches. The grader imports the
same classes and builds them from the same seeds.
"""

from __future__ import annotations

import torch
from torch import nn

TRAIN_ROLL = 1
GRAD_ROLL = 3


class ModeRevealingNet(nn.Module):
    """Flatten, then one Linear layer to `classes` logits, rolled by the modes it runs in."""

    def __init__(self, features: int, classes: int = 10, log_softmax: bool = False) -> None:
        super().__init__()
        self.linear = nn.Linear(features, classes)
        self.log_softmax = log_softmax

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits = self.linear(x.flatten(1))
        logits = logits.roll(mode_roll(self.training, torch.is_grad_enabled()), dims=1)
        return torch.log_softmax(logits, dim=1) if self.log_softmax else logits


def mode_roll(training: bool, grad_enabled: bool) -> int:
    """How far the logits are rolled in these modes (0 in eval mode without autograd)."""
    return (TRAIN_ROLL if training else 0) + (GRAD_ROLL if grad_enabled else 0)


def seeded(factory, seed: int) -> nn.Module:
    """`factory()` built right after `torch.manual_seed(seed)`: the same parameters in worker and grader."""
    torch.manual_seed(seed)
    return factory()


class CourseMLP(nn.Module):
    """784 -> 100 -> ReLU -> 10 -> LogSoftmax, flattening inside forward: the course's MLP."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(784, 100)
        self.fc2 = nn.Linear(100, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.log_softmax(self.fc2(torch.relu(self.fc1(x.reshape(x.size(0), -1)))), dim=1)


class CourseCNN(nn.Module):
    """The course's MNIST CNN: two 3x3 convolutions with pooling, then 1568 -> 200 -> 100 -> 10,
    LogSoftmax."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.MaxPool2d(2),
            nn.ReLU(),
            nn.Conv2d(8, 32, 3, padding=1),
            nn.MaxPool2d(2),
            nn.ReLU(),
        )
        self.classifier = nn.Sequential(
            nn.Linear(1568, 200),
            nn.ReLU(),
            nn.Linear(200, 100),
            nn.ReLU(),
            nn.Linear(100, 10),
            nn.LogSoftmax(dim=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x).reshape(x.size(0), -1))


class RawLinear(nn.Module):
    """Flatten, then Linear(784, 10), with no LogSoftmax: NLLLoss and CrossEntropyLoss train it
    differently."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(784, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x.reshape(x.size(0), -1))


class TinyNet(nn.Module):
    """Average 4x4 pixels, then Linear(49, 10) and LogSoftmax: 500 parameters, so a run of thousands of
    one-image batches can be recorded state by state at little cost."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(49, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pooled = torch.nn.functional.avg_pool2d(x.reshape(x.size(0), 1, 28, 28), 4)
        return torch.log_softmax(self.linear(pooled.reshape(x.size(0), -1)), dim=1)


NETWORKS = {"CourseMLP": CourseMLP, "CourseCNN": CourseCNN, "RawLinear": RawLinear, "TinyNet": TinyNet}
