"""Probes for 11_optimizer_step: a seeded model and optimizer, the student's step or epoch, the results.

Every model here is tiny, so the student's code runs on one thread (`trajectory.one_thread`: with
several, each small op waits on the thread pool). The epoch probes run the student's train_epoch with the
kit's own train_step in the module (restored afterwards), so that an epoch is judged apart from the step: a
step that forgets zero_grad, or returns a tensor, is charged by the step's checks alone. `long_epoch` runs
2,001 one-sample batches with lr=0 (the model stays as it was, so the grader knows every batch's loss): a
running loss reset every 5, 10, ..., 2000 batches, as tutorials print it, shows in the sum.
"""

from __future__ import annotations

import contextlib
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from autograder.worker.probes import probe
from autograder.worker.trajectory import one_thread


def make_setup(seed: int, optimizer: str, loss: str, lr: float):
    """A small seeded MLP with the named optimizer and loss; the same in worker and grader."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    opt: torch.optim.Optimizer
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


def kit_train_step(model, inputs, targets, loss_fn, optimizer) -> float:
    """A correct train_step, put in the student's module while its train_epoch is judged."""
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    return loss.item()


@contextlib.contextmanager
def kit_step_in(module):
    had, previous = hasattr(module, "train_step"), getattr(module, "train_step", None)
    module.train_step = kit_train_step
    try:
        yield
    finally:
        if had:
            module.train_step = previous
        else:
            del module.train_step


@probe
def steps(
    module,
    seed: int,
    batches: list,
    optimizer: str = "sgd",
    loss: str = "ce",
    lr: float = 0.1,
    stale_gradients: bool = False,
    fresh_gradients: bool = False,
) -> dict[str, Any]:
    """Call train_step once per (inputs, targets) batch; optionally leave stale gradients first, or clear the
    gradients before each call (so that a step is judged apart from zero_grad)."""
    model, opt, loss_fn = make_setup(seed, optimizer, loss, lr)
    if stale_gradients:
        for param in model.parameters():
            param.grad = torch.full_like(param, 0.5)
    returned = []
    with one_thread():
        for inputs, targets in batches:
            if fresh_gradients:
                opt.zero_grad(set_to_none=True)
            returned.append(module.train_step(model, inputs, targets, loss_fn, opt))
    return {"returned": returned, "params": snapshot(model)}


@probe
def epoch(
    module,
    seed: int,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    batch_size: int,
    optimizer: str = "sgd",
    loss: str = "ce",
    lr: float = 0.1,
) -> dict[str, Any]:
    """Call train_epoch once over a non-shuffled DataLoader of these tensors (with the kit's train_step)."""
    model, opt, loss_fn = make_setup(seed, optimizer, loss, lr)
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=batch_size, shuffle=False)
    with kit_step_in(module), one_thread():
        returned = module.train_epoch(model, loader, loss_fn, opt)
    return {"returned": returned, "params": snapshot(model)}


@probe
def long_epoch(module, seed: int, inputs: torch.Tensor, targets: torch.Tensor) -> dict[str, Any]:
    """train_epoch over one-sample batches of these tensors with SGD(lr=0), on one thread
    (the kit's train_step)."""
    model, opt, loss_fn = make_setup(seed, "sgd", "ce", 0.0)
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=1, shuffle=False)
    with kit_step_in(module), one_thread():
        returned = module.train_epoch(model, loader, loss_fn, opt)
    return {"returned": returned}


@probe
def sgd(module, values: list[torch.Tensor], grads: list[torch.Tensor | None], lr: float) -> dict[str, Any]:
    """Call sgd_update on a list of leaf tensors with these values and gradients: the values of the tensors
    passed in, and of what the list holds afterwards."""
    params = [value.clone().requires_grad_(True) for value in values]
    for param, grad in zip(params, grads):
        param.grad = grad
    originals = list(params)
    module.sgd_update(params, lr)
    return {
        "values": [param.detach().clone() for param in originals],
        "listed": [p.detach().clone() if isinstance(p, torch.Tensor) else None for p in list(params)],
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
