"""A training run as the grader audits it: the model's state each time the training loader hands out a batch.

The probes of the training exercises give the student's loop an `AuditedLoader`. Each time it hands
out a batch, and when a pass over it ends, it records the model's state (flattened, float32, on the
CPU) and the dataset indices of the batch. The grader then checks, in its own process, that each
state follows from the one before by exactly one optimizer step on that batch
(`autograder.hidden.training_audit`): weights that appear from anywhere else (a file, an extra
loop, a learning-rate schedule) show up as a state that no step explains. The recording stays here,
in the worker, until the grader has fetched it in chunks (`chunk`); only the latest run is kept.
"""

from __future__ import annotations

import contextlib
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

CHUNK_BYTES = 16 * 1024 * 1024


class Trajectory:
    """The states of one model during one training run, and what happened between them."""

    def __init__(self, model: nn.Module, limit: int) -> None:
        self.model = model
        self.limit = limit
        self.states: list[torch.Tensor] = []
        self.records: list[list[Any]] = []  # [kind, pass, batch, indices]: kind is "batch", "end" or "final"
        self.passes = 0
        self.overflow = False

    def new_pass(self) -> int:
        self.passes += 1
        return self.passes - 1

    def record(self, kind: str, pass_index: int, batch_index: int, indices: list[int] | None) -> None:
        """Keep the model's state now (the state before the batch `indices` is trained on, for "batch")."""
        if len(self.states) >= self.limit:
            self.overflow = True
            return
        self.states.append(flat_state(self.model))
        self.records.append([kind, pass_index, batch_index, indices])

    def summary(self) -> dict[str, Any]:
        """What the grader needs besides the states themselves."""
        return {
            "records": self.records,
            "layout": layout(self.model),
            "count": len(self.states),
            "overflow": self.overflow,
        }


def flat_state(model: nn.Module) -> torch.Tensor:
    """Every tensor of the model's state_dict, flattened in order into one float32 CPU vector."""
    values = [value.detach().reshape(-1).to("cpu", torch.float32) for value in model.state_dict().values()]
    return torch.cat(values) if values else torch.zeros(0)


def layout(model: nn.Module) -> list[list[int]]:
    """The shapes of the model's state_dict tensors, in order: how to cut a flat state back up."""
    return [list(value.shape) for value in model.state_dict().values()]


def load_flat(model: nn.Module, flat: torch.Tensor) -> None:
    """Copy a flat state (see `flat_state`) into the model's state_dict tensors, in order."""
    offset = 0
    with torch.no_grad():
        for value in model.state_dict().values():
            count = value.numel()
            value.copy_(flat[offset : offset + count].reshape(value.shape).to(value.dtype))
            offset += count


_kept: Trajectory | None = None


def keep(trajectory: Trajectory) -> None:
    """Hold on to `trajectory` until the grader has fetched it (replacing any earlier one)."""
    global _kept
    _kept = trajectory


def chunk(start: int, chosen: list[int] | None = None) -> dict[str, Any]:
    """States `start`, `start + 1`, ... of the kept run, as many as fit in CHUNK_BYTES, stacked into one
    tensor; or, with `chosen`, those states (the grader's choice, made after the run)."""
    if _kept is None:
        return {"states": torch.zeros(0), "next": start}
    states = _kept.states
    if chosen is not None:
        picked = [states[i] for i in chosen if isinstance(i, int) and 0 <= i < len(states)]
        return {"states": torch.stack(picked) if picked else torch.zeros(0), "next": start}
    size = max(1, states[0].numel() * 4) if states else 1
    stop = min(len(states), start + max(1, CHUNK_BYTES // size))
    block = torch.stack(states[start:stop]) if stop > start else torch.zeros(0)
    return {"states": block, "next": stop}


class AuditedLoader(DataLoader):
    """A DataLoader (it is one: `len`, `.dataset`, `.batch_size` all work) that records `trajectory`'s
    model state before each batch it hands out, and at the end of each pass."""

    def __init__(
        self, dataset: Dataset, trajectory: Trajectory, *, batch_size: int, shuffle: bool, seed: int
    ) -> None:
        super().__init__(
            dataset, batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed)
        )
        self.trajectory = trajectory

    def __iter__(self):
        trajectory = self.trajectory
        pass_index = trajectory.new_pass()
        for batch_index, indices in enumerate(self.batch_sampler):
            indices = [int(i) for i in indices]
            trajectory.record("batch", pass_index, batch_index, indices)
            yield self.collate_fn([self.dataset[i] for i in indices])
        trajectory.record("end", pass_index, -1, None)


@contextlib.contextmanager
def one_thread():
    """Run tiny steps on one thread: with several, each small op waits on the thread pool, and on a loaded
    2-core machine 2,001 one-image steps took 61 s instead of 7 s."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
