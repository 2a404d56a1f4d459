"""05 written the way the course writes its DataLoader (`DataLoader(dataset=test_set, batch_size=64,
shuffle=True, num_workers=0, drop_last=False)`) with the seed the contract adds given to a generator of
its own; the batch count with `math.ceil`; the first batch taken the way the course reads batches,
`for data in test_loader: imgs, targets = data`."""
import math

import torch
from torch.utils.data import DataLoader


def make_loader(dataset, batch_size, shuffle, drop_last, seed):
    g = torch.Generator()
    g.manual_seed(seed)
    test_loader = DataLoader(dataset=dataset, batch_size=batch_size, shuffle=shuffle, num_workers=0,
                             drop_last=drop_last, generator=g)
    return test_loader


def batch_count(n, batch_size, drop_last):
    if drop_last:
        return n // batch_size
    return math.ceil(n / batch_size)


def first_batch(loader):
    for data in loader:
        imgs, targets = data
        return imgs, targets
