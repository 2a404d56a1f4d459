"""Hidden checks for 05_dataloader: batches and the last partial batch, reproducible shuffling from a seed,
the batch count, and the first batch."""
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader

from autograder.checking import (
    call_text,
    describe_type,
    expect_close,
    expect_each_equal,
    expect_tensor,
    fail,
    points,
)
from autograder.worker.probes import dataloader as probes

SEED = 5


def loader_text(n: int, batch_size: int, shuffle: bool, drop_last: bool) -> str:
    return (f"make_loader(a {n}-item dataset, batch_size={batch_size}, shuffle={shuffle}, "
            f"drop_last={drop_last}, seed=...)")


def flat(epoch: list[list[int]]) -> list[int]:
    return [label for batch in epoch for label in batch]


def expect_sizes(got: Any, want: list[int], what: str) -> None:
    """One epoch's batches (lists of labels) have these sizes."""
    if not isinstance(got, list) or not all(isinstance(batch, list) for batch in got):
        fail(f"{what}: the loader did not give batches of (images, labels)",
             f"{what}：加载器没有给出 (images, labels) 形式的批次")
    sizes = [len(batch) for batch in got]
    if sizes != want:
        fail(f"{what}: expected {len(want)} batches of sizes {compact(want)}, got {len(sizes)} of sizes {compact(sizes)}",
             f"{what}：应有 {len(want)} 个批次，大小为 {compact(want)}；实际有 {len(sizes)} 个，大小为 {compact(sizes)}")


def expect_batches(got: Any, expected: list[list[int]], what: str) -> None:
    """One epoch's batches: the same batch sizes, then the same items in the same order."""
    expect_sizes(got, [len(batch) for batch in expected], what)
    for index, (have, wanted) in enumerate(zip(got, expected)):
        if have != wanted:
            fail(f"{what}: batch {index} should hold items {compact(wanted)}, got {compact(have)}",
                 f"{what}：第 {index} 个批次应为 {compact(wanted)}，实际为 {compact(have)}")


def compact(values: list[int]) -> str:
    """[64, 64, ..., 16] for long lists."""
    return str(values) if len(values) <= 8 else f"[{', '.join(map(str, values[:3]))}, ..., {values[-1]}]"


# ---------------------------------------------------------------- batches without shuffling

def in_order_cases() -> list[tuple[int, int]]:
    rng = np.random.default_rng(SEED)
    return [(10, 4), (64, 64), (5, 8)] + [(int(rng.integers(20, 200)), int(rng.integers(3, 33))) for _ in range(3)]


@points(1)
def test_make_loader_without_shuffle_gives_the_items_in_order(student, reference):
    """shuffle=False: items 0, 1, 2, ... in batches of batch_size, the last batch smaller when n does not divide."""
    for n, batch_size in in_order_cases():
        expected = reference.probe(probes.batches, n, batch_size, False, False, SEED)[0]
        got = student.probe(probes.batches, n, batch_size, False, False, SEED)
        expect_batches(got[0], expected, loader_text(n, batch_size, False, False))


@points(1)
def test_make_loader_drops_the_last_partial_batch(student, reference):
    """drop_last=True: the last, smaller batch is left out, and nothing else."""
    for n, batch_size in in_order_cases():
        expected = reference.probe(probes.batches, n, batch_size, False, True, SEED)[0]
        got = student.probe(probes.batches, n, batch_size, False, True, SEED)[0]
        expect_batches(got, expected, loader_text(n, batch_size, False, True))


@points(1)
def test_the_cifar10_test_set_in_batches_of_64_ends_in_a_batch_of_16(student):
    """10,000 items, batch_size=64: 156 batches of 64 and a last one of 16; drop_last=True leaves only the 156."""
    for drop_last in (False, True):
        got = student.probe(probes.batches, 10_000, 64, True, drop_last, SEED)[0]
        expect_sizes(got, [64] * 156 + ([] if drop_last else [16]), loader_text(10_000, 64, True, drop_last))


# ---------------------------------------------------------------- shuffling

def expect_permutation(epoch: Any, n: int, what: str) -> None:
    """Every item exactly once, in a shuffled order."""
    if not isinstance(epoch, list) or sorted(flat(epoch)) != list(range(n)):
        fail(f"{what}: an epoch should give each of the {n} items exactly once",
             f"{what}：一个 epoch 应该恰好给出 {n} 个样本各一次")
    if flat(epoch) == list(range(n)):
        fail(f"{what}: the items came in their original order; shuffle=True should shuffle them",
             f"{what}：样本按原顺序给出；shuffle=True 时应打乱顺序")


@points(1)
def test_make_loader_shuffles_every_item_once_per_epoch(student):
    """shuffle=True: each epoch gives every item exactly once, in a shuffled order."""
    for n, batch_size in [(50, 8), (97, 10)]:
        what = loader_text(n, batch_size, True, False)
        for epoch in student.probe(probes.batches, n, batch_size, True, False, SEED, epochs=2):
            expect_permutation(epoch, n, what)


GLOBAL_SEED_ADVICE = ("give the DataLoader its own generator, generator=torch.Generator().manual_seed(seed); "
                      "torch.manual_seed(seed) seeds the global generator, which other code shares and draws from")
GLOBAL_SEED_ADVICE_ZH = ("给 DataLoader 一个自己的生成器：generator=torch.Generator().manual_seed(seed)；"
                         "torch.manual_seed(seed) 设置的是全局生成器，其他代码也会共享和使用它")


@points(2)
def test_make_loader_same_seed_gives_the_same_order(student):
    """Two loaders made with the same seed give the same orders, epoch by epoch, even when both exist at once."""
    for n, batch_size, seed in [(60, 8, SEED), (33, 5, SEED + 100)]:
        got = student.probe(probes.same_seed_twice, n, batch_size, seed)
        for epoch, (first, second) in enumerate(zip(got["first"], got["second"]), start=1):
            if flat(first) != flat(second):
                fail(f"two loaders made with seed={seed} gave different orders in epoch {epoch}: "
                     f"{compact(flat(first))} and {compact(flat(second))}; {GLOBAL_SEED_ADVICE}",
                     f"用 seed={seed} 创建的两个加载器在第 {epoch} 个 epoch 给出了不同的顺序："
                     f"{compact(flat(first))} 和 {compact(flat(second))}；{GLOBAL_SEED_ADVICE_ZH}")


@points(2)
def test_make_loader_order_ignores_the_global_random_state(student):
    """Reseeding or drawing from the global generator after make_loader does not change the loader's order."""
    for n, batch_size, global_seed in [(60, 8, 123), (45, 6, 2024)]:
        got = student.probe(probes.under_global_reseeding, n, batch_size, SEED, global_seed)
        undisturbed, disturbed = flat(got["undisturbed"][0]), flat(got["disturbed"][0])
        if undisturbed != disturbed:
            fail(f"after torch.manual_seed({global_seed}) elsewhere, a loader made with seed={SEED} gave "
                 f"{compact(disturbed)} instead of {compact(undisturbed)}; {GLOBAL_SEED_ADVICE}",
                 f"在别处调用 torch.manual_seed({global_seed}) 后，用 seed={SEED} 创建的加载器给出 {compact(disturbed)}，"
                 f"而不是 {compact(undisturbed)}；{GLOBAL_SEED_ADVICE_ZH}")


@points(1)
def test_make_loader_different_seeds_give_different_orders(student):
    """Loaders made with different seeds shuffle differently."""
    n, batch_size = 80, 16
    orders = {seed: flat(student.probe(probes.batches, n, batch_size, True, False, seed)[0])
              for seed in (SEED, SEED + 1, SEED + 2)}
    if len({tuple(order) for order in orders.values()}) < len(orders):
        fail(f"loaders made with seeds {sorted(orders)} gave the same order; the seed should decide the order",
             f"用 seed {sorted(orders)} 创建的加载器给出了相同的顺序；顺序应由 seed 决定")


@points(1)
def test_make_loader_second_epoch_gives_a_new_order(student):
    """A second `for` loop over the same loader gives a new order."""
    n, batch_size = 70, 8
    first, second = student.probe(probes.batches, n, batch_size, True, False, SEED, epochs=2)
    if flat(first) == flat(second):
        fail(f"{loader_text(n, batch_size, True, False)} gave the same order in epochs 1 and 2; each epoch should "
             f"shuffle anew (do not reseed for every epoch)",
             f"{loader_text(n, batch_size, True, False)} 第 1 和第 2 个 epoch 顺序相同；每个 epoch 都应重新打乱"
             f"（不要每个 epoch 重新设种子）")


# ---------------------------------------------------------------- batch_count

def count_cases(kind: str) -> list[dict[str, Any]]:
    rng = np.random.default_rng({"partial": 1, "drop": 2, "multiple": 3}[kind] + SEED)
    cases = []
    while len(cases) < 30:
        batch_size = int(rng.integers(2, 129))
        if kind == "multiple":
            n = batch_size * int(rng.integers(1, 80))
        else:
            n = int(rng.integers(1, 20_000))
            if n % batch_size == 0:
                continue
        for drop_last in ((False, True) if kind == "multiple" else ((kind == "drop"),)):
            cases.append({"n": n, "batch_size": batch_size, "drop_last": drop_last})
    return cases


def judge_counts(student, cases: list[dict[str, Any]]) -> None:
    expected = [len(DataLoader(range(case["n"]), batch_size=case["batch_size"], drop_last=case["drop_last"]))
                for case in cases]
    outcomes = student.each("batch_count", cases)
    expect_each_equal(outcomes, expected, [call_text("batch_count", case) for case in cases])


@points(1)
def test_batch_count_keeps_the_last_partial_batch(student):
    """drop_last=False and n not a multiple of batch_size: the last, smaller batch counts, as len(DataLoader) says."""
    judge_counts(student, count_cases("partial"))


@points(1)
def test_batch_count_drops_the_last_partial_batch(student):
    """drop_last=True and n not a multiple of batch_size: the last, smaller batch does not count."""
    judge_counts(student, count_cases("drop"))


@points(1)
def test_batch_count_of_an_exact_multiple(student):
    """n a multiple of batch_size: n // batch_size batches, with or without drop_last (no extra batch)."""
    judge_counts(student, count_cases("multiple"))


@points(1)
def test_batch_count_gives_the_course_figures(student):
    """The CIFAR-10 test set: 10,000 images in batches of 64 make 157 batches, 156 with drop_last."""
    cases = [{"n": 10_000, "batch_size": 64, "drop_last": False}, {"n": 10_000, "batch_size": 64, "drop_last": True},
             {"n": 10_000, "batch_size": 4, "drop_last": False}]
    expect_each_equal(student.each("batch_count", cases), [157, 156, 2500],
                      [call_text("batch_count", case) for case in cases])


# ---------------------------------------------------------------- first_batch

@points(2)
def test_first_batch_gives_the_first_images_and_labels(student, reference):
    """first_batch of a CIFAR-10-like loader with batch_size=4: images (4, 3, 32, 32) and labels (4,), the first four."""
    generator = torch.Generator().manual_seed(SEED)
    for count, batch_size in [(12, 4), (10, 3)]:
        images = torch.rand(count, 3, 32, 32, generator=generator)
        labels = torch.randint(0, 10, (count,), generator=generator)
        expected = reference.probe(probes.first_batch_of, images, labels, batch_size)
        got = student.probe(probes.first_batch_of, images, labels, batch_size)
        what = f"first_batch(a loader of {count} CIFAR-10-sized images, batch_size={batch_size})"
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            fail(f"{what}: expected (images, labels), got {describe_type(got)}",
                 f"{what}：应返回 (images, labels)，实际是 {describe_type(got)}")
        expect_tensor(got[0], f"the images of {what}", shape=tuple(expected[0].shape))
        expect_tensor(got[1], f"the labels of {what}", shape=tuple(expected[1].shape))
        expect_close(got[0], expected[0], f"the images of {what}", atol=0, rtol=0)
        expect_close(got[1], expected[1], f"the labels of {what}", atol=0, rtol=0)
