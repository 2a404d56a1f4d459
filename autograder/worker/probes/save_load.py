"""Probes for 13_save_load: round trips through the student's save and load functions.

`TinyNet` lives here so that whole pickled models can be loaded inside the
worker. `saved_as_if_on_cuda` makes torch.save tag every tensor as stored on
`cuda:0`, which is exactly what a GPU machine writes: loading such a file on a
CPU-only machine needs `map_location`.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Any

import torch
import torch.serialization
from torch import nn

from autograder.worker.probes import probe


class TinyNet(nn.Module):
    """A small model with a buffer as well as parameters."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.norm = nn.BatchNorm2d(4)
        self.head = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm(self.conv(x)).mean(dim=(2, 3)))


def make_model(seed: int) -> TinyNet:
    torch.manual_seed(seed)
    model = TinyNet()
    model.norm.running_mean.uniform_(-1, 1)
    return model


def state(model: Any) -> Any:
    if not isinstance(model, nn.Module):
        return {"not a model": type(model).__name__}
    return {name: value.detach().clone() for name, value in model.state_dict().items()}


@contextlib.contextmanager
def saved_as_if_on_cuda(active: bool):
    """While active, torch.save records every storage's location as cuda:0."""
    original = torch.serialization.location_tag
    if active:
        torch.serialization.location_tag = lambda storage: "cuda:0"
    try:
        yield
    finally:
        torch.serialization.location_tag = original


@probe
def full_round_trip(module, seed: int, on_cuda: bool = False) -> dict[str, Any]:
    """save_full then load_full; also what torch.load itself finds in the file."""
    model = make_model(seed)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.pth")
        with saved_as_if_on_cuda(on_cuda):
            module.save_full(model, path)
        with saved_as_if_on_cuda(False):
            in_file = torch.load(path, map_location="cpu", weights_only=False)
        loaded = module.load_full(path)
    return {"file_type": type(in_file).__name__, "in_file": state(in_file), "loaded_type": type(loaded).__name__,
            "loaded": state(loaded), "original": state(model)}


@probe
def load_full_of_saved_model(module, seed: int, on_cuda: bool = False) -> dict[str, Any]:
    """load_full of a file written by torch.save(model) (on a GPU, if on_cuda)."""
    model = make_model(seed)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.pth")
        with saved_as_if_on_cuda(on_cuda):
            torch.save(model, path)
        loaded = module.load_full(path)
    devices = sorted({str(t.device) for t in loaded.state_dict().values()}) if isinstance(loaded, nn.Module) else []
    return {"loaded_type": type(loaded).__name__, "loaded": state(loaded), "original": state(model),
            "devices": devices}


@probe
def state_round_trip(module, seed: int, on_cuda: bool = False) -> dict[str, Any]:
    """save_state, then what the file holds (read with weights_only=True), then load_state into a fresh model."""
    model = make_model(seed)
    fresh = make_model(seed + 1000)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "state.pth")
        with saved_as_if_on_cuda(on_cuda):
            module.save_state(model, path)
        try:
            in_file = torch.load(path, map_location="cpu", weights_only=True)
            keys = sorted(in_file) if isinstance(in_file, dict) else None
        except Exception as exc:
            keys = f"{type(exc).__name__}"
        module.load_state(fresh, path)
    return {"file_keys": keys, "loaded": state(fresh), "original": state(model)}


def _trained(seed: int, device: str = "cpu") -> tuple[TinyNet, torch.optim.Optimizer]:
    model = make_model(seed).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(2):
        optimizer.zero_grad()
        model(torch.randn(4, 3, 6, 6, generator=generator).to(device)).pow(2).mean().backward()
        optimizer.step()
    return model, optimizer


def _momentum(optimizer: torch.optim.Optimizer) -> list[torch.Tensor]:
    return [optimizer.state[p]["momentum_buffer"].to("cpu").clone() if "momentum_buffer" in optimizer.state[p] else None
            for group in optimizer.param_groups for p in group["params"]]


@contextlib.contextmanager
def cuda_hidden(active: bool):
    """While active, torch believes no GPU is present, as on a CPU-only machine."""
    original = torch.cuda.is_available
    if active:
        torch.cuda.is_available = lambda: False
    try:
        yield
    finally:
        torch.cuda.is_available = original


@probe
def checkpoint_round_trip(module, seed: int, on_cuda: bool = False, real_cuda: bool = False) -> dict[str, Any]:
    """save_checkpoint after two momentum steps, load_checkpoint into fresh objects, compare.

    With real_cuda the model and optimizer really live on the GPU when saved, and the file is
    loaded as a CPU-only machine would (torch told no GPU is present)."""
    model, optimizer = _trained(seed, "cuda" if real_cuda else "cpu")
    fresh = make_model(seed + 1000)
    fresh_optimizer = torch.optim.SGD(fresh.parameters(), lr=0.05, momentum=0.9)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pth")
        with saved_as_if_on_cuda(on_cuda):
            module.save_checkpoint(path, model, optimizer, 7, 0.125)
        with cuda_hidden(real_cuda):
            returned = module.load_checkpoint(path, fresh, fresh_optimizer)
    return {"returned": returned, "loaded": state(fresh), "original": {k: v.to("cpu") for k, v in state(model).items()},
            "momentum": _momentum(fresh_optimizer), "original_momentum": _momentum(optimizer)}
