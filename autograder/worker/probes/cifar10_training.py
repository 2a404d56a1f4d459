"""Probes for 14_cifar10_training: train or evaluate with the student's functions, on data the grader sends.

Images arrive as uint8 (N, 32, 32, 3) arrays and become normalised tensors here (ToTensor, then
Normalize(0.5, 0.5)). `train` starts the student's CIFAR10Net from parameters the grader chose and
hands the loop an audited loader (`autograder.worker.trajectory`), so the grader can check that the
weights it measures came from the loop's own steps. `evaluate` hands the student's evaluate a
`ModeRevealingNet`, whose outputs show whether it ran in eval mode without autograd. A forward
pre-hook notes the devices of batches and parameters, for the GPU-only check.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.utils.data import DataLoader, TensorDataset

from autograder.worker import trajectory
from autograder.worker.probe_nets import ModeRevealingNet, seeded
from autograder.worker.probes import probe
from autograder.worker.trajectory import AuditedLoader, Trajectory


def to_inputs(images: Any) -> torch.Tensor:
    """uint8 (N, 32, 32, 3) -> float32 (N, 3, 32, 32) normalised to [-1, 1]."""
    pixels = torch.as_tensor(images).permute(0, 3, 1, 2).to(torch.float32) / 255
    return (pixels - 0.5) / 0.5


def dataset(images: Any, labels: Any) -> TensorDataset:
    return TensorDataset(to_inputs(images), torch.as_tensor(labels, dtype=torch.int64))


def make_loader(
    images: Any, labels: Any, batch_size: int, shuffle: bool, seed: int, pin_memory: bool = False
) -> DataLoader:
    return DataLoader(
        dataset(images, labels),
        batch_size=batch_size,
        shuffle=shuffle,
        pin_memory=pin_memory,
        generator=torch.Generator().manual_seed(seed),
    )


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


def start_from(model: torch.nn.Module, start: torch.Tensor) -> list[list[int]] | None:
    """Give `model` the grader's starting parameters; its layout instead when they do not fit."""
    if trajectory.flat_state(model).numel() != start.numel():
        return trajectory.layout(model)
    trajectory.load_flat(model, start)
    return None


@probe
def evaluate(module, images: Any, labels: Any, batch_size: int, seed: int, device: str) -> dict[str, Any]:
    """evaluate(a seeded ModeRevealingNet left in training mode, a loader of these images, CrossEntropyLoss(),
    device)."""
    model = seeded(lambda: ModeRevealingNet(3 * 32 * 32), seed)
    model.train()
    loader = make_loader(images, labels, batch_size, shuffle=False, seed=seed)
    with trajectory.one_thread():  # a one-layer network: one thread is fastest
        return {"returned": module.evaluate(model.to(device), loader, torch.nn.CrossEntropyLoss(), device)}


@probe
def train(
    module,
    images: Any,
    labels: Any,
    val_images: Any,
    val_labels: Any,
    *,
    start: torch.Tensor,
    epochs: int,
    lr: float,
    batch_size: int,
    seed: int,
    device: str,
    limit: int,
    device_as_object: bool = False,
    shuffle: bool = True,
    pin_memory: bool = False,
) -> dict[str, Any]:
    """train(the student's CIFAR10Net holding `start`, an audited train loader, a test loader, epochs, lr,
    device).

    Returns what train returned, the run's records and (when small) its states; larger runs are fetched
    with `states`. With pin_memory the loaders hand out page-locked batches (not audited), as a GPU
    course's loaders do, so a `.to(device, non_blocking=True)` copy really is asynchronous."""
    torch.manual_seed(seed)
    model = module.CIFAR10Net()
    misfit = start_from(model, start)
    if misfit is not None:
        return {"misfit": misfit}
    run = Trajectory(model, limit)
    recorder = ForwardRecorder(model)
    if pin_memory:
        train_loader = make_loader(images, labels, batch_size, shuffle, seed, pin_memory=True)
    else:
        train_loader = AuditedLoader(
            dataset(images, labels), run, batch_size=batch_size, shuffle=shuffle, seed=seed
        )
    test_loader = make_loader(val_images, val_labels, batch_size, False, seed, pin_memory=pin_memory)
    history = module.train(
        model,
        train_loader,
        test_loader,
        epochs=epochs,
        lr=lr,
        device=torch.device(device) if device_as_object else device,
    )
    run.record("final", -1, -1, None)
    trajectory.keep(run)
    return {"history": history, "calls": recorder.summary(), **run.summary(), **trajectory.chunk(0)}


@probe
def states(module, start: int) -> dict[str, Any]:
    """The next chunk of the last run's states, from `start`."""
    return trajectory.chunk(start)
