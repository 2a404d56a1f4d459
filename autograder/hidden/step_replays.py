"""Replaying optimizer steps in the grader, for the training audit (`training_audit`): one step (or a pass
of steps) of the reference's network from a state the student's loop was in, on the batch that was out,
and whether the loop's next state matches it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from autograder.worker.trajectory import flat_state, load_flat


class Steps:
    """Replays one optimizer step of the reference's network, from a state, on a batch of the training
    data."""

    name: str  # the optimizer, as messages name it: each subclass sets it
    sequential = False
    small = False  # a network small enough that one thread replays it fastest

    def __init__(
        self,
        model: nn.Module,
        inputs: Callable[[list[int]], torch.Tensor],
        labels: torch.Tensor,
        loss: nn.Module,
        optimizer: torch.optim.Optimizer,
        atol: float,
    ) -> None:
        self.model, self.inputs, self.labels, self.loss = model, inputs, labels, loss
        self.optimizer, self.atol = optimizer, atol

    def step(self, state: torch.Tensor, indices: list[int]) -> torch.Tensor:
        return self.steps(state, [indices])

    def steps(self, state: torch.Tensor, batches: list[list[int]]) -> torch.Tensor:
        """The state after one step on each batch in turn, from `state`."""
        load_flat(self.model, state)
        self.model.train()
        for indices in batches:
            self.optimizer.zero_grad(set_to_none=True)
            self.loss(self.model(self.inputs(indices)), self.labels[indices]).backward()
            self.optimizer.step()
        return flat_state(self.model)

    def matches(self, got: torch.Tensor, expected: torch.Tensor) -> bool:
        return bool(torch.allclose(got, expected, atol=self.atol, rtol=1e-4))


class SGDSteps(Steps):
    """Plain SGD with cross-entropy (14): a step depends only on the state before it, so steps are sampled."""

    name = "SGD"


class AdamSteps(Steps):
    """Adam with NLLLoss (18): the moments carry over, so every step is replayed, in order. Adam's first steps
    are about lr * sign(gradient), so one entry in a thousand may differ by a whole step (a last-bit
    difference in a gradient that is nearly zero)."""

    name = "Adam"
    sequential = True
    small = True

    def __init__(self, *args: Any, layout: list[list[int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sizes = [math.prod(shape) for shape in layout]

    def matches(self, got: torch.Tensor, expected: torch.Tensor) -> bool:
        wrong = ~torch.isclose(got, expected, atol=self.atol, rtol=1e-4)
        return all(int(part.sum()) <= part.numel() // 1000 for part in torch.split(wrong, self.sizes))
