"""Probes for 17_regression: run the student's fits, noting the Linear layer's starting parameters.

A global forward pre-hook records the weight and bias of the first
nn.Linear at its first forward call: the initial values. Given `start`, it
first sets them to those values, so the reference can be replayed from the
student's own initialisation, step by step. The fits run on one thread (a
1-by-1 layer: more threads only wait on each other). The logistic model is
evaluated here, on x values the grader chooses, since a model cannot cross
the wire.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from autograder.worker.probes import probe
from autograder.worker.trajectory import one_thread


class FirstLinear:
    """Forward pre-hook on every module: the first nn.Linear's sizes and parameters when it first runs
    (after setting them to `start`, when given)."""

    def __init__(self, start: dict[str, Any] | None = None) -> None:
        self.start = start
        self.seen: dict[str, Any] | None = None

    def __call__(self, layer: nn.Module, inputs: tuple) -> None:
        if self.seen is None and isinstance(layer, nn.Linear):
            if self.start is not None:
                with torch.no_grad():
                    layer.weight.copy_(self.start["weight"])
                    layer.bias.copy_(self.start["bias"])
            self.seen = {
                "in": layer.in_features,
                "out": layer.out_features,
                "weight": layer.weight.detach().clone(),
                "bias": None if layer.bias is None else layer.bias.detach().clone(),
            }

    def __enter__(self) -> FirstLinear:
        self.handle = nn.modules.module.register_module_forward_pre_hook(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.handle.remove()


@probe
def fit_line(module, x: Any, y: Any, epochs: int, lr: float, start: dict | None = None) -> dict[str, Any]:
    """fit_line(x, y, epochs, lr), and the initial parameters of the Linear it trained."""
    with FirstLinear(start) as first, one_thread():
        returned = module.fit_line(x, y, epochs, lr)
    return {"returned": returned, "initial": first.seen}


@probe
def fit_logistic(
    module, x: Any, y: Any, epochs: int, lr: float, at: torch.Tensor, start: dict | None = None
) -> dict[str, Any]:
    """fit_logistic(x, y, epochs, lr); the returned model's output on the column `at`; the initial
    parameters."""
    with FirstLinear(start) as first, one_thread():
        model = module.fit_logistic(x, y, epochs, lr)
    if not isinstance(model, nn.Module):
        return {"kind": type(model).__name__, "initial": first.seen}
    with torch.no_grad():
        output = model(at.clone())
    return {"kind": "model", "output": output, "initial": first.seen}
