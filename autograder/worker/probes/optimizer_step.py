"""Probes for 11_optimizer_step: a seeded model and optimizer, the student's step or epoch, the results."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from autograder.worker.probes import probe


def make_setup(seed: int, optimizer: str, loss: str, lr: float):
    """A small seeded MLP with the named optimizer and loss; the same in worker and grader."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    if optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=lr)
    elif optimizer == "momentum":
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss() if loss == "ce" else nn.MSELoss()
    return model, opt, loss_fn


def snapshot(model: nn.Module) -> dict[str, torch.Tensor]:
    return {name: value.detach().clone() for name, value in model.state_dict().items()}


@probe
def steps(module, seed: int, batches: list, optimizer: str = "sgd", loss: str = "ce", lr: float = 0.1,
          stale_gradients: bool = False) -> dict[str, Any]:
    """Call train_step once per (inputs, targets) batch; optionally leave stale gradients first."""
    model, opt, loss_fn = make_setup(seed, optimizer, loss, lr)
    if stale_gradients:
        for param in model.parameters():
            param.grad = torch.full_like(param, 0.5)
    returned = [module.train_step(model, inputs, targets, loss_fn, opt) for inputs, targets in batches]
    return {"returned": returned, "params": snapshot(model)}


@probe
def epoch(module, seed: int, inputs: torch.Tensor, targets: torch.Tensor, batch_size: int,
          optimizer: str = "sgd", loss: str = "ce", lr: float = 0.1) -> dict[str, Any]:
    """Call train_epoch once over a non-shuffled DataLoader of these tensors."""
    model, opt, loss_fn = make_setup(seed, optimizer, loss, lr)
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=batch_size, shuffle=False)
    returned = module.train_epoch(model, loader, loss_fn, opt)
    return {"returned": returned, "params": snapshot(model)}


@probe
def sgd(module, values: list[torch.Tensor], grads: list[torch.Tensor | None], lr: float) -> dict[str, Any]:
    """Call sgd_update on leaf tensors with these values and gradients; report values and identity."""
    params = [value.clone().requires_grad_(True) for value in values]
    for param, grad in zip(params, grads):
        param.grad = grad
    before = [id(param) for param in params]
    module.sgd_update(params, lr)
    return {
        "values": [param.detach().clone() for param in params],
        "same_objects": [id(param) == identity for param, identity in zip(params, before)],
        "leaves": [param.is_leaf and param.requires_grad and param.grad_fn is None for param in params],
    }


@probe
def sgd_on_model(module, seed: int, lr: float) -> dict[str, Any]:
    """sgd_update(model.parameters(), lr) after one backward pass: a generator, not a list."""
    model, _opt, loss_fn = make_setup(seed, "sgd", "ce", lr)
    inputs = torch.randn(5, 4, generator=torch.Generator().manual_seed(seed))
    targets = torch.tensor([0, 1, 2, 1, 0])
    loss_fn(model(inputs), targets).backward()
    module.sgd_update(model.parameters(), lr)
    return {"params": snapshot(model)}
