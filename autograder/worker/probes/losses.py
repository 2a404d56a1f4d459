"""Probes for 10_losses: a loss's gradient with respect to its input."""
from __future__ import annotations

from typing import Any

import torch

from autograder.worker.probes import probe


@probe
def input_gradient(module, name: str, pred: torch.Tensor, target: torch.Tensor, **kwargs: Any) -> Any:
    """d(sum of module.<name>(pred, target, **kwargs)) / d(pred)."""
    pred = pred.clone().requires_grad_(True)
    module_loss = getattr(module, name)(pred, target, **kwargs)
    module_loss.sum().backward()
    return pred.grad
