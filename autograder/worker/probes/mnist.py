"""Probes for 18_mnist: train the student's networks, or measure accuracy, on digits the grader sends.

Images arrive as uint8 (N, 28, 28) arrays and become normalised (N, 1, 28, 28)
tensors here (ToTensor, then Normalize(0.1307, 0.3081), as the course does).
Parameters go back as a list in registration order, so the grader can load
them into the reference's network whatever the student named the layers.
"""
from __future__ import annotations

import contextlib
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from autograder.worker.probes import probe
from autograder.worker.probes.cifar10_training import ForwardRecorder
from autograder.worker.probes.generic import CallRecorder

MEAN, STD = 0.1307, 0.3081


def to_inputs(images: Any) -> torch.Tensor:
    """uint8 (N, 28, 28) -> float32 (N, 1, 28, 28), normalised with MNIST's mean and std."""
    pixels = torch.as_tensor(images).unsqueeze(1).to(torch.float32) / 255
    return (pixels - MEAN) / STD


def make_loader(images: Any, labels: Any, batch_size: int, shuffle: bool, seed: int) -> DataLoader:
    dataset = TensorDataset(to_inputs(images), torch.as_tensor(labels, dtype=torch.int64))
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))


def parameters(model: nn.Module) -> list[torch.Tensor]:
    """The model's parameters in registration order, on the CPU."""
    return [p.detach().to("cpu").clone() for p in model.parameters()]


@probe
def layers(module, class_name: str) -> list[tuple[int, ...]]:
    """The parameter shapes of `<class_name>()`, in registration order."""
    return [tuple(p.shape) for p in getattr(module, class_name)().parameters()]


@probe
def train(module, class_name: str, images: Any, labels: Any, *, epochs: int, lr: float, batch_size: int,
          seed: int, device: str, shuffle: bool = True, record: bool = False) -> dict[str, Any]:
    """train_mnist(a seeded `<class_name>()`, a loader of these digits, epochs, lr, device).

    Returns what train_mnist returned, the parameters before and after, and (with `record`) the
    names of the torch functions it called, which shows the loss function used."""
    torch.manual_seed(seed)
    model = getattr(module, class_name)()
    initial = parameters(model)
    loader = make_loader(images, labels, batch_size, shuffle, seed)
    recorder = CallRecorder()
    with recorder if record else contextlib.nullcontext():
        returned = module.train_mnist(model, loader, epochs, lr, device)
    return {"returned": returned, "initial": initial, "parameters": parameters(model),
            "torch_calls": sorted(recorder.names)}


def scoring_net(seed: int) -> nn.Module:
    """A seeded network with dropout, for judging `accuracy` apart from the student's own networks."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 10),
                         nn.LogSoftmax(dim=1))


@probe
def accuracy(module, images: Any, labels: Any, *, batch_size: int, seed: int, device: str) -> dict[str, Any]:
    """accuracy(a seeded scoring network in training mode, a loader of these digits, device)."""
    model = scoring_net(seed).to(device)
    model.train()
    recorder = ForwardRecorder(model)
    returned = module.accuracy(model, make_loader(images, labels, batch_size, False, seed), device)
    return {"returned": returned, "calls": recorder.summary()}
