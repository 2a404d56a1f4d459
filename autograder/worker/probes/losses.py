"""Probes for 10_losses: a loss's gradient with respect to its input, and what kind of value it returned."""

from __future__ import annotations

from typing import Any

import torch

from autograder.worker.probes import probe


@probe
def input_gradient(
    module, name: str, pred: torch.Tensor, target: torch.Tensor, **kwargs: Any
) -> dict[str, Any]:
    """d(sum of module.<name>(pred, target, **kwargs)) / d(pred): `returned` names the loss's type ("Tensor"
    for a tensor), `gradient` is None when no gradient reached the input."""
    pred = pred.clone().requires_grad_(True)
    loss = getattr(module, name)(pred, target, **kwargs)
    if not isinstance(loss, torch.Tensor):
        return {"returned": type(loss).__name__, "gradient": None}
    if loss.requires_grad:
        loss.sum().backward()
    return {"returned": "Tensor", "gradient": pred.grad}
