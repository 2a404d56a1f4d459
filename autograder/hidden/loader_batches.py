"""What 05_dataloader's checks judge loaders with: the datasets' sizes they use, batches read as lists of
item labels, the orders the reference's loader gives for a seed (computed here), and batch counts.
"""

from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader

from autograder.checking import (
    Text,
    call_text,
    expect_each_equal,
    fail,
    not_judged,
)
from autograder.worker.probes import dataloader as probes

SEED = 5


def loader_text(n: int, batch_size: int, shuffle: bool, drop_last: bool) -> Text:
    call = f"batch_size={batch_size}, shuffle={shuffle}, drop_last={drop_last}, seed=..."
    return Text(f"make_loader(a {n}-item dataset, {call})", f"make_loader({n} 个样本的数据集, {call})")


def flat(epoch: list[list[int]]) -> list[int]:
    return [label for batch in epoch for label in batch]


def expect_sizes(got: Any, want: list[int], what: Text) -> None:
    """One epoch's batches (lists of labels) have these sizes."""
    if not isinstance(got, list) or not all(isinstance(batch, list) for batch in got):
        fail(
            f"{what.en}: the loader did not give batches of (images, labels)",
            f"{what.zh}：加载器没有给出 (images, labels) 形式的批次",
        )
    sizes = [len(batch) for batch in got]
    if sizes != want:
        fail(
            f"{what.en}: expected {len(want)} batches of sizes {compact(want)}, got {len(sizes)} of sizes "
            f"{compact(sizes)}",
            f"{what.zh}：应有 {len(want)} 个批次，大小为 {compact(want)}；实际有 {len(sizes)} 个，大小为 "
            f"{compact(sizes)}",
        )


def expect_batches(got: Any, expected: list[list[int]], what: Text) -> None:
    """One epoch's batches: the same batch sizes, then the same items in the same order."""
    expect_sizes(got, [len(batch) for batch in expected], what)
    for index, (have, wanted) in enumerate(zip(got, expected)):
        if have != wanted:
            fail(
                f"{what.en}: batch {index} should hold items {compact(wanted)}, got {compact(have)}",
                f"{what.zh}：第 {index} 个批次应为 {compact(wanted)}，实际为 {compact(have)}",
            )


def compact(values: list[int]) -> str:
    """[64, 64, ..., 16] for long lists."""
    return str(values) if len(values) <= 8 else f"[{', '.join(map(str, values[:3]))}, ..., {values[-1]}]"


def in_order_cases() -> list[tuple[int, int]]:
    rng = np.random.default_rng(SEED)
    return [(10, 4), (64, 64), (5, 8)] + [
        (int(rng.integers(20, 200)), int(rng.integers(3, 33))) for _ in range(3)
    ]


def sizes_right(student, drop_last: bool) -> bool:
    """Whether the loader's batch sizes are right on the small cases the other checks judge."""
    for n, batch_size in in_order_cases():
        got = student.probe(probes.batches, n, batch_size, False, drop_last, SEED)[0]
        whole, rest = divmod(n, batch_size)
        if [len(batch) for batch in got] != [batch_size] * whole + ([rest] if rest and not drop_last else []):
            return False
    return True


def expect_permutation(epoch: Any, n: int, what: Text) -> None:
    """Every item exactly once, in a shuffled order."""
    if not is_permutation(epoch, n):
        fail(
            f"{what.en}: an epoch should give each of the {n} items exactly once",
            f"{what.zh}：一个 epoch 应该恰好给出 {n} 个样本各一次",
        )
    if flat(epoch) == list(range(n)):
        fail(
            f"{what.en}: the items came in their original order; shuffle=True should shuffle them",
            f"{what.zh}：样本按原顺序给出；shuffle=True 时应打乱顺序",
        )


def is_permutation(epoch: Any, n: int) -> bool:
    return (
        isinstance(epoch, list)
        and all(isinstance(batch, list) for batch in epoch)
        and sorted(flat(epoch)) == list(range(n))
    )


GLOBAL_SEED_ADVICE = (
    "give the DataLoader its own generator, generator=torch.Generator().manual_seed(seed); "
    "torch.manual_seed(seed) seeds the global generator, which other code shares and draws from"
)
GLOBAL_SEED_ADVICE_ZH = (
    "给 DataLoader 一个自己的生成器：generator=torch.Generator().manual_seed(seed)；"
    "torch.manual_seed(seed) 设置的是全局生成器，其他代码也会共享和使用它"
)
SEED_ORDER = (
    "the order a DataLoader shuffled by its own torch.Generator().manual_seed(seed) gives",
    "由 DataLoader 自己的 torch.Generator().manual_seed(seed) 打乱得到的顺序",
)


def seed_order(reference, n: int, batch_size: int, seed: int, epochs: int = 1) -> list[list[int]]:
    """The order of each epoch of the reference's loader for `seed`, item by item, computed here."""
    return [
        flat(epoch)
        for epoch in reference.probe(probes.batches, n, batch_size, True, False, seed, epochs=epochs)
    ]


def follows_the_seed(student, reference, n: int, batch_size: int, seed: int) -> None:
    """Not judged unless a fresh loader's first epoch is the seed's order: make_loader_order_follows_the_seed
    (or make_loader_shuffles_every_item_once_per_epoch) charges that."""
    got = student.probe(probes.batches, n, batch_size, True, False, seed)[0]
    if flat(got) != seed_order(reference, n, batch_size, seed)[0]:
        not_judged(
            "make_loader",
            "not judged: a loader made with this seed does not give the seed's order at all, "
            "which make_loader_order_follows_the_seed already charges",
            "未评判：用这个 seed 创建的加载器本身就没有给出该 seed 的顺序，已在 "
            "make_loader_order_follows_the_seed 中扣分",
        )


def count_cases(kind: str) -> list[dict[str, Any]]:
    rng = np.random.default_rng({"partial": 1, "drop": 2, "multiple": 3}[kind] + SEED)
    cases: list[dict[str, Any]] = []
    while len(cases) < 30:
        batch_size = int(rng.integers(2, 129))
        if kind == "multiple":
            n = batch_size * int(rng.integers(1, 80))
        else:
            n = int(rng.integers(1, 20_000))
            if n % batch_size == 0:
                continue
        for drop_last in (False, True) if kind == "multiple" else ((kind == "drop"),):
            cases.append({"n": n, "batch_size": batch_size, "drop_last": drop_last})
    return cases


def as_number(outcome: Any) -> Any:
    """An outcome ["ok", value] with a 0-dim tensor or array value turned into the number it holds: the count
    is judged here; its type is judged once, by batch_count_gives_the_course_figures."""
    if isinstance(outcome, list) and len(outcome) == 2 and outcome[0] == "ok":
        value = outcome[1]
        if isinstance(value, torch.Tensor) and value.dim() == 0 and value.dtype != torch.bool:
            return ["ok", value.item()]
        if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf":
            return ["ok", value.item()]
    return outcome


def reference_count(case: dict[str, Any]) -> int:
    """len(DataLoader(...)) for the case: how many batches torch itself makes of `n` samples."""
    # torch annotates the dataset as a Dataset, but any sequence with __len__ and __getitem__ serves as one
    indices = range(case["n"])
    return len(DataLoader(indices, batch_size=case["batch_size"], drop_last=case["drop_last"]))  # type: ignore[arg-type]


def counts_right(student, cases: list[dict[str, Any]]) -> bool:
    expected = [reference_count(case) for case in cases]
    outcomes = [as_number(outcome) for outcome in student.each("batch_count", cases)]
    return all(
        outcome[0] == "ok" and type(outcome[1]) is not bool and outcome[1] == want
        for outcome, want in zip(outcomes, expected)
    )


def judge_counts(student, cases: list[dict[str, Any]]) -> None:
    expected = [reference_count(case) for case in cases]
    outcomes = [as_number(outcome) for outcome in student.each("batch_count", cases)]
    expect_each_equal(outcomes, expected, [call_text("batch_count", case) for case in cases])


COURSE_COUNTS = [
    ({"n": 10_000, "batch_size": 64, "drop_last": False}, 157, "partial"),
    ({"n": 10_000, "batch_size": 64, "drop_last": True}, 156, "drop"),
    ({"n": 10_000, "batch_size": 4, "drop_last": False}, 2500, "multiple"),
]
COUNT_CHECKS = {
    "partial": "batch_count_keeps_the_last_partial_batch",
    "drop": "batch_count_drops_the_last_partial_batch",
    "multiple": "batch_count_of_an_exact_multiple",
}
