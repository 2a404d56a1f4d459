"""Probes for 14_cifar10_training: train or evaluate the student's network on data the grader sends.

Images arrive as uint8 (N, 32, 32, 3) arrays and become normalised tensors
here (ToTensor, then Normalize(0.5, 0.5)). A forward pre-hook records, for
every forward call, whether the model was in training mode, whether autograd
was on, and which devices the input and the parameters were on: behaviour
the numbers alone cannot show.
"""
from __future__ import annotations

from typing import Any

import torch
from torch.utils.data import DataLoader, TensorDataset

from autograder.worker.probes import probe


def to_inputs(images: Any) -> torch.Tensor:
    """uint8 (N, 32, 32, 3) -> float32 (N, 3, 32, 32) normalised to [-1, 1]."""
    pixels = torch.as_tensor(images).permute(0, 3, 1, 2).to(torch.float32) / 255
    return (pixels - 0.5) / 0.5


def make_loader(images: Any, labels: Any, batch_size: int, shuffle: bool, seed: int,
                pin_memory: bool = False) -> DataLoader:
    dataset = TensorDataset(to_inputs(images), torch.as_tensor(labels, dtype=torch.int64))
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, pin_memory=pin_memory,
                      generator=torch.Generator().manual_seed(seed))


class ForwardRecorder:
    """Forward pre-hook noting (training, grad enabled, input device, parameter devices)."""

    def __init__(self, model: torch.nn.Module) -> None:
        self.calls: set[tuple] = set()
        model.register_forward_pre_hook(self)

    def __call__(self, module: torch.nn.Module, inputs: tuple) -> None:
        device = str(inputs[0].device) if inputs and isinstance(inputs[0], torch.Tensor) else "?"
        parameters = tuple(sorted({str(p.device) for p in module.parameters()}))
        self.calls.add((module.training, torch.is_grad_enabled(), device, parameters))

    def summary(self) -> dict[str, list]:
        return {
            "training": sorted({call[0] for call in self.calls}),
            "grad_enabled": sorted({call[1] for call in self.calls}),
            "input_devices": sorted({call[2] for call in self.calls}),
            "parameter_devices": sorted({device for call in self.calls for device in call[3]}),
        }


def cpu_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {name: value.detach().to("cpu").clone() for name, value in model.state_dict().items()}


@probe
def evaluate(module, images: Any, labels: Any, batch_size: int, seed: int, device: str) -> dict[str, Any]:
    """evaluate(a seeded CIFAR10Net, a loader of these images, CrossEntropyLoss(), device)."""
    torch.manual_seed(seed)
    model = module.CIFAR10Net()
    model.train()
    recorder = ForwardRecorder(model)
    loader = make_loader(images, labels, batch_size, shuffle=False, seed=seed)
    returned = module.evaluate(model.to(device), loader, torch.nn.CrossEntropyLoss(), device)
    return {"returned": returned, "calls": recorder.summary()}


@probe
def train(module, images: Any, labels: Any, val_images: Any, val_labels: Any, *, epochs: int, lr: float,
          batch_size: int, seed: int, device: str, device_as_object: bool = False,
          shuffle: bool = True, pin_memory: bool = False) -> dict[str, Any]:
    """train(a seeded CIFAR10Net, train and test loaders, epochs, lr, device); the model afterwards.

    With pin_memory the loaders hand out page-locked batches, as a GPU course's loaders do, so a
    `.to(device, non_blocking=True)` copy really is asynchronous."""
    torch.manual_seed(seed)
    model = module.CIFAR10Net()
    initial = cpu_state(model)
    recorder = ForwardRecorder(model)
    train_loader = make_loader(images, labels, batch_size, shuffle=shuffle, seed=seed, pin_memory=pin_memory)
    test_loader = make_loader(val_images, val_labels, batch_size, shuffle=False, seed=seed, pin_memory=pin_memory)
    history = module.train(model, train_loader, test_loader, epochs=epochs, lr=lr,
                           device=torch.device(device) if device_as_object else device)
    return {"history": history, "initial": initial, "state": cpu_state(model), "calls": recorder.summary()}
