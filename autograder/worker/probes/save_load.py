"""Probes for 13_save_load: the student's save and load functions, each judged on its own.

A save is judged by what its file holds: the probe returns the file's bytes, and the grader has them
opened in a sandboxed worker of its own that holds only the reference (`read_file`, with
`weights_only=True`: a whole model is rebuilt only from the kit's own classes), then compares the
contents with values it computed itself. A load is judged on a file the grader wrote from a seed the
worker is never told (a checkpoint in the student's own layout once its save was judged right): the
probe reports what the model and optimizer hold afterwards. `TinyNet` lives here so that whole pickled models
can be rebuilt in every process; `saved_as_if_on_cuda` makes torch.save tag every tensor as stored on
`cuda:0`, exactly what a GPU machine writes.
"""

from __future__ import annotations

import collections
import contextlib
import io
import os
import tempfile
from collections.abc import Callable
from typing import Any, cast

import torch
import torch.serialization
from torch import nn

from autograder.worker.probes import probe

FILE_CAP = 8 * 1024 * 1024
EPOCH, LOSS = 7, 0.125


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
    """The same model in every process for the same seed (the grader builds it too)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = TinyNet()
        cast(torch.Tensor, model.norm.running_mean).uniform_(-1, 1)  # tracked by default: never None
    return model


def trained(seed: int, device: str = "cpu") -> tuple[TinyNet, torch.optim.Optimizer]:
    """A model and its SGD optimizer after two momentum steps: the same in every process for a seed."""
    model = make_model(seed).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(2):
        optimizer.zero_grad()
        model(torch.randn(4, 3, 6, 6, generator=generator).to(device)).pow(2).mean().backward()
        optimizer.step()
    return model, optimizer


def state(model: Any) -> Any:
    """The model's state_dict as CPU tensors, or what it is when it is no model."""
    if not isinstance(model, nn.Module):
        return {"not a model": type(model).__name__}
    return {name: value.detach().to("cpu").clone() for name, value in model.state_dict().items()}


def momentum(optimizer: torch.optim.Optimizer) -> list[Any]:
    """The optimizer's momentum buffers, in parameter order (None where it has none)."""
    return [
        optimizer.state[p]["momentum_buffer"].to("cpu").clone()
        if "momentum_buffer" in optimizer.state[p]
        else None
        for group in optimizer.param_groups
        for p in group["params"]
    ]


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


def file_bytes(path: str) -> bytes | None:
    """What the student's code wrote at `path` (None when nothing), never more than FILE_CAP bytes."""
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as handle:
        return handle.read(FILE_CAP + 1)


REFERENCE_LAYOUT = {
    "epoch": "epoch",
    "loss": "loss",
    "model": "model_state_dict",
    "optimizer": "optimizer_state_dict",
}


def saved_bytes(
    seed: int,
    what: str,
    on_cuda: bool = False,
    layout: dict[str, str] | None = None,
    epoch: int = EPOCH,
    loss: float = LOSS,
) -> bytes:
    """A file the grader writes itself: torch.save of the trained model of `seed`, its state_dict, or a
    checkpoint (under the keys of `layout`, the reference's by default, holding `epoch` and `loss`)."""
    buffer = io.BytesIO()
    model, optimizer = trained(seed)
    keys = layout or REFERENCE_LAYOUT
    content: Any = {
        "model": model,
        "state": model.state_dict(),
        "checkpoint": {
            keys["epoch"]: epoch,
            keys["loss"]: loss,
            keys["model"]: model.state_dict(),
            keys["optimizer"]: optimizer.state_dict(),
        },
    }[what]
    with saved_as_if_on_cuda(on_cuda):
        torch.save(content, buffer)
    return buffer.getvalue()


@probe
def save_with(module, function: str, seed: int, on_cuda: bool = False) -> bytes | None:
    """The bytes save_full or save_state wrote for the trained model of `seed`, or save_checkpoint for it,
    its optimizer, epoch 7 and loss 0.125 (with every tensor tagged cuda:0 when `on_cuda`)."""
    model, optimizer = trained(seed)
    path = os.path.join(tempfile.mkdtemp(dir=os.getcwd()), "saved.pth")
    with saved_as_if_on_cuda(on_cuda):
        if function == "save_checkpoint":
            module.save_checkpoint(path, model, optimizer, EPOCH, LOSS)
        else:
            getattr(module, function)(model, path)
    return file_bytes(path)


@probe
def read_file(module, data: bytes) -> dict[str, Any]:
    """Open bytes a student's save wrote, in the runner: torch.load with weights_only=True, the kit's
    TinyNet and its layers allowed. Describes what was found: a model's state, a dict's entries, a value."""
    allowed: list[Callable[..., Any] | tuple[Callable[..., Any], str]] = [
        TinyNet,
        nn.Conv2d,
        nn.BatchNorm2d,
        nn.Linear,
        collections.OrderedDict,
    ]
    try:
        with torch.serialization.safe_globals(allowed):
            loaded = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:  # an unreadable file is the student's mistake, reported as such
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"}
    return {"type": type(loaded).__name__, "content": _plain(loaded)}


def _plain(value: Any, depth: int = 0) -> Any:
    """Loaded content as plain data: a model becomes its state, dicts and lists are kept (a few levels)."""
    if isinstance(value, nn.Module):
        return {"$model": type(value).__name__, "state": state(value)}
    if depth < 4 and isinstance(value, dict):
        return {str(key): _plain(item, depth + 1) for key, item in list(value.items())[:64]}
    if depth < 4 and isinstance(value, (list, tuple)):
        return [_plain(item, depth + 1) for item in list(value)[:64]]
    if isinstance(value, (torch.Tensor, int, float, str, bool)) or value is None:
        return value
    return repr(value)[:100]


FRESH_SEED = 1000


@probe
def load_with(module, function: str, data: bytes, real_cuda: bool = False) -> dict[str, Any]:
    """load_full(path), load_state(fresh model, path) or load_checkpoint(path, fresh model, fresh optimizer)
    on a file holding `data`; what the function returned, and the state it left. The fresh model and
    optimizer come from a seed of their own: what the file holds can only be learnt by reading it."""
    path = os.path.join(tempfile.mkdtemp(dir=os.getcwd()), "given.pth")
    with open(path, "wb") as handle:
        handle.write(data)
    fresh = make_model(FRESH_SEED)
    fresh_optimizer = torch.optim.SGD(fresh.parameters(), lr=0.05, momentum=0.9)
    with cuda_hidden(real_cuda):
        if function == "load_full":
            returned = module.load_full(path)
            return {"type": type(returned).__name__, "state": state(returned)}
        if function == "load_state":
            returned = module.load_state(fresh, path)
            return {
                "state": state(fresh),
                "returned_is_model": returned is fresh,
                "returned": type(returned).__name__,
            }
        returned = module.load_checkpoint(path, fresh, fresh_optimizer)
    return {"state": state(fresh), "momentum": momentum(fresh_optimizer), "returned": _plain(returned)}


@probe
def checkpoint_on_real_gpu(module, seed: int) -> bytes | None:
    """save_checkpoint while the model and optimizer of `seed` really live on the GPU; the file's bytes."""
    model, optimizer = trained(seed, "cuda")
    path = os.path.join(tempfile.mkdtemp(dir=os.getcwd()), "gpu.pth")
    module.save_checkpoint(path, model, optimizer, EPOCH, LOSS)
    return file_bytes(path)
