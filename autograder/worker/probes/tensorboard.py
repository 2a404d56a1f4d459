"""Probes for 03_tensorboard: call the student's logging functions, noting the SummaryWriters left open.

The event files are read by the grader, not here: a probe runs next to student
code, which could change what it reports. What only the worker can see is
whether each SummaryWriter created during the call was closed. Writers left
open are closed afterwards, so that every event reaches the file and the other
checks judge the values alone, the same way on every run.
"""
from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

import torch
from torch.utils.tensorboard import SummaryWriter

from autograder.worker.probes import probe
from autograder.worker.probes.inference import CourseNet


@contextlib.contextmanager
def watched_writers() -> Iterator[list[SummaryWriter]]:
    """While active, every SummaryWriter created is appended to the yielded list."""
    created: list[SummaryWriter] = []
    original = SummaryWriter.__init__

    @functools.wraps(original)
    def init(self, *args: Any, **kwargs: Any) -> None:
        created.append(self)
        original(self, *args, **kwargs)

    SummaryWriter.__init__ = init
    try:
        yield created
    finally:
        SummaryWriter.__init__ = original


def logged(call: Callable[[], Any]) -> dict[str, int]:
    """Run `call`; how many SummaryWriters it created and how many of those it left open."""
    with watched_writers() as created:
        try:
            call()
        finally:
            unclosed = [writer for writer in created if getattr(writer, "all_writers", None) is not None]
            for writer in unclosed:
                with contextlib.suppress(Exception):
                    writer.close()
    return {"writers": len(created), "unclosed": len(unclosed)}


@probe
def line(module, log_dir: str, **kwargs: Any) -> dict[str, int]:
    """log_line(log_dir, **kwargs)."""
    return logged(lambda: module.log_line(log_dir, **kwargs))


@probe
def images(module, log_dir: str, tag: str, batches: list[torch.Tensor]) -> dict[str, int]:
    """log_images(log_dir, tag, batches)."""
    return logged(lambda: module.log_images(log_dir, tag, batches))


@probe
def graph(module, log_dir: str, seed: int, batch_size: int) -> dict[str, int]:
    """log_graph(log_dir, a seeded CourseNet, a random (batch_size, 3, 32, 32) input)."""
    torch.manual_seed(seed)
    model = CourseNet()
    example = torch.rand(batch_size, 3, 32, 32, generator=torch.Generator().manual_seed(seed))
    return logged(lambda: module.log_graph(log_dir, model, example))
