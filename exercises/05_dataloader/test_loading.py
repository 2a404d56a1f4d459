"""Visible tests for exercise 05 (DataLoader). Run: pytest exercises/05_dataloader"""

import torch
from torch.utils.data import DataLoader, TensorDataset


def numbered(n):
    """n items: item i is the tensor [i] with label i, so labels show the order."""
    values = torch.arange(n)
    return TensorDataset(values.float().unsqueeze(1), values)


def order(loader):
    """The labels of one epoch, in the order the loader gave them."""
    return [label for _images, labels in loader for label in labels.tolist()]


def test_batch_count_of_the_cifar10_test_set(loading):
    assert loading.batch_count(10_000, 64, drop_last=False) == 157


def test_batch_count_with_drop_last(loading):
    assert loading.batch_count(10_000, 64, drop_last=True) == 156


def test_batch_count_of_an_exact_multiple(loading):
    assert loading.batch_count(128, 64, drop_last=False) == 2


def test_batch_count_agrees_with_len_of_a_dataloader(loading):
    for n in (1, 7, 63, 64, 65, 200):
        for drop_last in (False, True):
            expected = len(DataLoader(range(n), batch_size=16, drop_last=drop_last))
            assert loading.batch_count(n, 16, drop_last) == expected, (n, drop_last)


def test_the_cifar10_test_set_ends_in_a_batch_of_16(loading):
    loader = loading.make_loader(numbered(10_000), 64, shuffle=True, drop_last=False, seed=0)
    sizes = [len(labels) for _images, labels in loader]
    assert len(sizes) == 157 and sizes[-1] == 16


def test_drop_last_drops_the_batch_of_16(loading):
    loader = loading.make_loader(numbered(10_000), 64, shuffle=True, drop_last=True, seed=0)
    assert {len(labels) for _images, labels in loader} == {64}


def test_without_shuffle_the_items_come_in_order(loading):
    loader = loading.make_loader(numbered(10), 4, shuffle=False, drop_last=False, seed=0)
    assert [labels.tolist() for _images, labels in loader] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_the_same_seed_gives_the_same_order(loading):
    first = loading.make_loader(numbered(50), 8, shuffle=True, drop_last=False, seed=3)
    second = loading.make_loader(numbered(50), 8, shuffle=True, drop_last=False, seed=3)
    assert order(first) == order(second)


def test_a_second_epoch_gives_a_new_order(loading):
    loader = loading.make_loader(numbered(50), 8, shuffle=True, drop_last=False, seed=3)
    first_epoch, second_epoch = order(loader), order(loader)
    assert sorted(first_epoch) == sorted(second_epoch) == list(range(50))
    assert first_epoch != second_epoch


def test_reseeding_the_global_generator_changes_nothing(loading):
    expected = order(loading.make_loader(numbered(50), 8, shuffle=True, drop_last=False, seed=3))
    loader = loading.make_loader(numbered(50), 8, shuffle=True, drop_last=False, seed=3)
    torch.manual_seed(1234)
    assert order(loader) == expected


def test_first_batch_of_batch_size_4_has_the_course_shapes(loading):
    images = torch.rand(10, 3, 32, 32)
    labels = torch.randint(0, 10, (10,))
    batch_images, batch_labels = loading.first_batch(DataLoader(TensorDataset(images, labels), batch_size=4))
    assert batch_images.shape == (4, 3, 32, 32)
    assert batch_labels.shape == (4,)
    assert torch.equal(batch_labels, labels[:4])
