"""Exercise 05 · DataLoader (数据加载).

A DataLoader takes a Dataset and hands out batches: `batch_size` items at a
time, stacked into tensors, in a new shuffled order every epoch when
`shuffle=True`. When the dataset's length is not a multiple of the batch
size the last batch is smaller (the CIFAR-10 test set's 10,000 images in
batches of 64 end in a batch of 16), unless `drop_last=True` drops it.
Shuffling you can reproduce comes from the loader's own seeded
`torch.Generator`: the global `torch.manual_seed` is shared with all other
code, which may reseed it or draw from it at any time.
"""

import torch
from torch.utils.data import DataLoader


def make_loader(dataset, batch_size, shuffle, drop_last, seed):
    """A DataLoader over `dataset` whose shuffling is reproducible from `seed`.

    The loader shuffles with a generator of its own, `torch.Generator().manual_seed(seed)`,
    so its orders are exactly those such a DataLoader gives: two loaders made with the
    same seed give the same order; every new epoch (every new `for` loop over the
    loader) gives the next order; random numbers drawn or seeded elsewhere change nothing.
    """
    ### BEGIN SOLUTION
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(
        dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, generator=generator
    )
    ### END SOLUTION


def batch_count(n, batch_size, drop_last):
    """How many batches a DataLoader makes of `n` items: len(DataLoader(dataset, batch_size, drop_last=...)).

    Course figures: 10,000 images in batches of 64 make 157 batches, the last one of 16; 156 with drop_last.
    """
    ### BEGIN SOLUTION
    if drop_last:
        return n // batch_size
    return (n + batch_size - 1) // batch_size
    ### END SOLUTION


def first_batch(loader):
    """(images, labels) of the first batch `loader` gives: for CIFAR-10 with batch_size=4, shapes
    (4, 3, 32, 32) and (4,)."""
    ### BEGIN SOLUTION
    images, labels = next(iter(loader))
    return images, labels
    ### END SOLUTION
