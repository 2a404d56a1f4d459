"""Probes for 18_mnist: train networks with the student's loop, or measure accuracy, on digits the grader
sends.

Images arrive as uint8 (N, 28, 28) arrays and become normalised (N, 1, 28, 28) tensors here
(ToTensor, then Normalize(0.1307, 0.3081), as the course does). Every training run gets an audited
loader (`autograder.worker.trajectory`) and starts from parameters the grader chose, so the grader
can replay each step itself. `train` trains one of the student's networks; `train_kit` trains one
of the kit's (`autograder.worker.probe_nets`), to judge the loop apart from the student's networks.
"""

from __future__ import annotations

import contextlib
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from autograder.worker import trajectory
from autograder.worker.probe_nets import NETWORKS, ModeRevealingNet, seeded
from autograder.worker.probes import probe
from autograder.worker.probes.cifar10_training import start_from
from autograder.worker.probes.generic import CallRecorder
from autograder.worker.trajectory import AuditedLoader, Trajectory

MEAN, STD = 0.1307, 0.3081


def to_inputs(images: Any) -> torch.Tensor:
    """uint8 (N, 28, 28) -> float32 (N, 1, 28, 28), normalised with MNIST's mean and std."""
    pixels = torch.as_tensor(images).unsqueeze(1).to(torch.float32) / 255
    return (pixels - MEAN) / STD


def dataset(images: Any, labels: Any) -> TensorDataset:
    return TensorDataset(to_inputs(images), torch.as_tensor(labels, dtype=torch.int64))


def parameters(model: nn.Module) -> list[torch.Tensor]:
    """The model's parameters in registration order, on the CPU."""
    return [p.detach().to("cpu").clone() for p in model.parameters()]


@probe
def layers(module, class_name: str) -> list[tuple[int, ...]]:
    """The parameter shapes of `<class_name>()`, in registration order."""
    return [tuple(p.shape) for p in getattr(module, class_name)().parameters()]


def run_loop(
    train_mnist,
    model: nn.Module,
    images: Any,
    labels: Any,
    *,
    start: torch.Tensor | None,
    epochs: int,
    lr: float,
    batch_size: int,
    seed: int,
    device: str,
    limit: int,
    shuffle: bool,
    record: bool,
    hold_states: bool = False,
) -> dict[str, Any]:
    """train_mnist(model, an audited loader of these digits, epochs, lr, device), recorded for the grader
    (with `hold_states`, the states wait here until the grader asks for the ones it chose).
    These networks are small: one thread trains them fastest (see `trajectory.one_thread`)."""
    misfit = None if start is None else start_from(model, start)
    if misfit is not None:
        return {"misfit": misfit}
    run = Trajectory(model, limit)
    loader = AuditedLoader(dataset(images, labels), run, batch_size=batch_size, shuffle=shuffle, seed=seed)
    recorder = CallRecorder()
    with recorder if record else contextlib.nullcontext(), trajectory.one_thread():
        returned = train_mnist(model, loader, epochs, lr, device)
    run.record("final", -1, -1, None)
    trajectory.keep(run)
    held = {"states": torch.zeros(0), "next": 0} if hold_states else trajectory.chunk(0)
    return {"returned": returned, "torch_calls": sorted(recorder.names), **run.summary(), **held}


@probe
def train(
    module,
    class_name: str,
    images: Any,
    labels: Any,
    *,
    start: torch.Tensor,
    epochs: int,
    lr: float,
    batch_size: int,
    seed: int,
    device: str,
    limit: int,
    shuffle: bool = True,
    hold_states: bool = False,
) -> dict[str, Any]:
    """train_mnist on the student's `<class_name>()`, started from the grader's parameters `start`."""
    torch.manual_seed(seed)
    model = getattr(module, class_name)()
    return run_loop(
        module.train_mnist,
        model,
        images,
        labels,
        start=start,
        epochs=epochs,
        lr=lr,
        batch_size=batch_size,
        seed=seed,
        device=device,
        limit=limit,
        shuffle=shuffle,
        record=False,
        hold_states=hold_states,
    )


@probe
def train_kit(
    module,
    network: str,
    images: Any,
    labels: Any,
    *,
    epochs: int,
    lr: float,
    batch_size: int,
    seed: int,
    device: str,
    limit: int,
    shuffle: bool = True,
    record: bool = False,
) -> dict[str, Any]:
    """train_mnist on the kit's seeded `<network>` (CourseMLP, CourseCNN, RawLinear); with `record`, the
    names of the torch functions the loop called (they only refine a message)."""
    model = seeded(NETWORKS[network], seed)
    return run_loop(
        module.train_mnist,
        model,
        images,
        labels,
        start=None,
        epochs=epochs,
        lr=lr,
        batch_size=batch_size,
        seed=seed,
        device=device,
        limit=limit,
        shuffle=shuffle,
        record=record,
    )


@probe
def states(module, start: int, chosen: list[int] | None = None) -> dict[str, Any]:
    """The next chunk of the last run's states, from `start`; or the states `chosen`."""
    return trajectory.chunk(start, chosen)


@probe
def accuracy(module, images: Any, labels: Any, *, batch_size: int, seed: int, device: str) -> dict[str, Any]:
    """accuracy(a seeded ModeRevealingNet left in training mode, a loader of these digits, device)."""
    model = seeded(lambda: ModeRevealingNet(28 * 28, log_softmax=True), seed).to(device)
    model.train()
    loader = DataLoader(dataset(images, labels), batch_size=batch_size, shuffle=False)
    with trajectory.one_thread():  # a one-layer network: one thread is fastest
        return {"returned": module.accuracy(model, loader, device)}
