"""Probes for 05_dataloader: which items the student's loaders give, in which batches and order.

The datasets are made here, in the worker: item i of an index dataset is the
tensor [i] with label i, so the labels of each batch show exactly which items
came, and in what order.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.utils.data import DataLoader, TensorDataset

from autograder.worker.probes import probe


def index_dataset(n: int) -> TensorDataset:
    values = torch.arange(n)
    return TensorDataset(values.to(torch.float32).unsqueeze(1), values)


def read(loader: Any, epochs: int) -> list[list[list[int]]]:
    """The labels of every batch, per epoch: one `for` loop over the loader per epoch."""
    return [[labels.tolist() for _images, labels in loader] for _ in range(epochs)]


@probe
def batches(
    module, n: int, batch_size: int, shuffle: bool, drop_last: bool, seed: int, epochs: int = 1
) -> list[list[list[int]]]:
    """The labels of every batch, per epoch, of make_loader(an n-item index dataset, ...)."""
    with torch.random.fork_rng(devices=[]):
        return read(module.make_loader(index_dataset(n), batch_size, shuffle, drop_last, seed), epochs)


@probe
def same_seed_twice(module, n: int, batch_size: int, seed: int) -> dict[str, Any]:
    """Two shuffling loaders made with the same seed before either is read; then each read for two epochs."""
    with torch.random.fork_rng(devices=[]):
        first = module.make_loader(index_dataset(n), batch_size, True, False, seed)
        second = module.make_loader(index_dataset(n), batch_size, True, False, seed)
        return {"first": read(first, 2), "second": read(second, 2)}


@probe
def under_global_reseeding(module, n: int, batch_size: int, seed: int, global_seed: int) -> dict[str, Any]:
    """One shuffling loader read undisturbed; another with the same seed, read after the global RNG is
    reseeded and drawn from."""
    with torch.random.fork_rng(devices=[]):
        undisturbed = read(module.make_loader(index_dataset(n), batch_size, True, False, seed), 1)
        loader = module.make_loader(index_dataset(n), batch_size, True, False, seed)
        torch.manual_seed(global_seed)
        torch.rand(global_seed % 5 + 1)
        return {"undisturbed": undisturbed, "disturbed": read(loader, 1)}


@probe
def first_batch_twice(module, images: torch.Tensor, labels: torch.Tensor, batch_size: int) -> list[Any]:
    """first_batch(loader) twice on one DataLoader(these images and labels, batch_size) made here: a first
    batch kept from an earlier call, or an iterator kept between calls, shows the second time."""
    loader = DataLoader(TensorDataset(images, labels), batch_size=batch_size)
    return [module.first_batch(loader), module.first_batch(loader)]
