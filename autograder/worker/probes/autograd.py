"""Probes for 16_autograd: the student's gradients on leaf inputs, and numerical gradients of random
functions.

Every returned gradient is cloned at once, so a later call that accumulates
into the same `.grad` cannot change what was already reported. Functions
cannot cross the wire, so `numerical` builds one from a spec of coefficients
with `random_function`, which the grader also uses to get autograd's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from autograder.worker.probes import probe

GRADIENT_FUNCTIONS = ("matmul_chain_grads", "cubic_grads")


def snapshot(value: Any) -> Any:
    """A detached copy of what came back: tensors cloned, tuples and lists as lists."""
    if isinstance(value, (tuple, list)):
        return [snapshot(item) for item in value]
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    return value


@probe
def grads(
    module, function: str, inputs: list[torch.Tensor], requires_grad: bool = False, calls: int = 1
) -> list[Any]:
    """Call matmul_chain_grads or cubic_grads `calls` times on the same leaf inputs; one result per call."""
    if function not in GRADIENT_FUNCTIONS:
        raise ValueError(f"unknown function {function!r}")
    leaves = [tensor.detach().clone().requires_grad_(requires_grad) for tensor in inputs]
    return [snapshot(getattr(module, function)(*leaves)) for _ in range(calls)]


def random_function(spec: dict[str, torch.Tensor]) -> Callable[[torch.Tensor], torch.Tensor]:
    """f(x) = Σ a·sin(w·x) + Σ c·x³ + xᵀQx over the flattened x: smooth, coupled, with real curvature."""
    a, w, c, q = spec["a"], spec["w"], spec["c"], spec["q"]

    def f(x: torch.Tensor) -> torch.Tensor:
        flat = x.reshape(-1)
        return (a * torch.sin(w * flat)).sum() + (c * flat**3).sum() + flat @ q @ flat

    return f


@probe
def numerical(
    module, spec: dict[str, torch.Tensor], x: torch.Tensor, eps: float | None = None
) -> dict[str, Any]:
    """numerical_grad(f, x) (or with eps) for the function built from `spec`; also x afterwards."""
    f = random_function(spec)
    point = x.clone()
    grad = module.numerical_grad(f, point) if eps is None else module.numerical_grad(f, point, eps=eps)
    return {"grad": snapshot(grad), "x_after": point.clone()}
