"""Hidden checks for 05_dataloader: batches and the last partial batch, reproducible shuffling from a seed,
the batch count, and the first batch."""
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader

from autograder.checking import (
    Text,
    call_text,
    describe_type,
    expect_close,
    expect_each_equal,
    expect_tensor,
    fail,
    not_judged,
    points,
    show,
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
        fail(f"{what.en}: the loader did not give batches of (images, labels)",
             f"{what.zh}：加载器没有给出 (images, labels) 形式的批次")
    sizes = [len(batch) for batch in got]
    if sizes != want:
        fail(f"{what.en}: expected {len(want)} batches of sizes {compact(want)}, got {len(sizes)} of sizes "
             f"{compact(sizes)}",
             f"{what.zh}：应有 {len(want)} 个批次，大小为 {compact(want)}；实际有 {len(sizes)} 个，大小为 {compact(sizes)}")


def expect_batches(got: Any, expected: list[list[int]], what: Text) -> None:
    """One epoch's batches: the same batch sizes, then the same items in the same order."""
    expect_sizes(got, [len(batch) for batch in expected], what)
    for index, (have, wanted) in enumerate(zip(got, expected)):
        if have != wanted:
            fail(f"{what.en}: batch {index} should hold items {compact(wanted)}, got {compact(have)}",
                 f"{what.zh}：第 {index} 个批次应为 {compact(wanted)}，实际为 {compact(have)}")


def compact(values: list[int]) -> str:
    """[64, 64, ..., 16] for long lists."""
    return str(values) if len(values) <= 8 else f"[{', '.join(map(str, values[:3]))}, ..., {values[-1]}]"


# ---------------------------------------------------------------- batches without shuffling

def in_order_cases() -> list[tuple[int, int]]:
    rng = np.random.default_rng(SEED)
    return [(10, 4), (64, 64), (5, 8)] + [(int(rng.integers(20, 200)), int(rng.integers(3, 33))) for _ in range(3)]


@points(1)
def test_make_loader_without_shuffle_gives_the_items_in_order(student, reference):
    """shuffle=False: items 0, 1, 2, ... in batches of batch_size, the last batch smaller when n does not divide.

    中文：shuffle=False 时按 0, 1, 2, ... 的顺序、每批 batch_size 个给出样本；n 不能整除时最后一批较小。"""
    for n, batch_size in in_order_cases():
        expected = reference.probe(probes.batches, n, batch_size, False, False, SEED)[0]
        got = student.probe(probes.batches, n, batch_size, False, False, SEED)
        expect_batches(got[0], expected, loader_text(n, batch_size, False, False))


@points(1)
def test_make_loader_drops_the_last_partial_batch(student, reference):
    """drop_last=True: the last, smaller batch is left out, and nothing else.

    中文：drop_last=True 时去掉最后那个较小的批次，其他批次不变。"""
    for n, batch_size in in_order_cases():
        expected = reference.probe(probes.batches, n, batch_size, False, True, SEED)[0]
        got = student.probe(probes.batches, n, batch_size, False, True, SEED)[0]
        expect_sizes(got, [len(batch) for batch in expected], loader_text(n, batch_size, False, True))


def sizes_right(student, drop_last: bool) -> bool:
    """Whether the loader's batch sizes are right on the small cases the other checks judge."""
    for n, batch_size in in_order_cases():
        got = student.probe(probes.batches, n, batch_size, False, drop_last, SEED)[0]
        whole, rest = divmod(n, batch_size)
        if [len(batch) for batch in got] != [batch_size] * whole + ([rest] if rest and not drop_last else []):
            return False
    return True


@points(1)
def test_the_cifar10_test_set_in_batches_of_64_ends_in_a_batch_of_16(student):
    """10,000 items, batch_size=64: 156 batches of 64 and a last one of 16; drop_last=True leaves only the 156.

    中文：10,000 个样本、batch_size=64：156 个 64 的批次加最后一个 16 的批次；drop_last=True 时只剩 156 个。"""
    for drop_last in (False, True):
        got = student.probe(probes.batches, 10_000, 64, True, drop_last, SEED)[0]
        want = [64] * 156 + ([] if drop_last else [16])
        if (not isinstance(got, list) or [len(batch) for batch in got] != want) and not sizes_right(student, drop_last):
            charged = "make_loader_drops_the_last_partial_batch" if drop_last else \
                "make_loader_without_shuffle_gives_the_items_in_order"
            not_judged("make_loader", f"not judged: the batch sizes are already wrong on small datasets, which "
                                      f"{charged} charges", f"未评判：在小数据集上批次大小就已经不对，已在 {charged} 中扣分")
        expect_sizes(got, want, loader_text(10_000, 64, True, drop_last))


# ---------------------------------------------------------------- shuffling

def expect_permutation(epoch: Any, n: int, what: Text) -> None:
    """Every item exactly once, in a shuffled order."""
    if not is_permutation(epoch, n):
        fail(f"{what.en}: an epoch should give each of the {n} items exactly once",
             f"{what.zh}：一个 epoch 应该恰好给出 {n} 个样本各一次")
    if flat(epoch) == list(range(n)):
        fail(f"{what.en}: the items came in their original order; shuffle=True should shuffle them",
             f"{what.zh}：样本按原顺序给出；shuffle=True 时应打乱顺序")


def is_permutation(epoch: Any, n: int) -> bool:
    return isinstance(epoch, list) and all(isinstance(batch, list) for batch in epoch) \
        and sorted(flat(epoch)) == list(range(n))


@points(1)
def test_make_loader_shuffles_every_item_once_per_epoch(student):
    """shuffle=True: each epoch gives every item exactly once, in a shuffled order.

    中文：shuffle=True 时，每个 epoch 恰好给出每个样本一次，并且顺序是打乱的。"""
    for n, batch_size in [(50, 8), (97, 10)]:
        what = loader_text(n, batch_size, True, False)
        for epoch in student.probe(probes.batches, n, batch_size, True, False, SEED, epochs=2):
            expect_permutation(epoch, n, what)


GLOBAL_SEED_ADVICE = ("give the DataLoader its own generator, generator=torch.Generator().manual_seed(seed); "
                      "torch.manual_seed(seed) seeds the global generator, which other code shares and draws from")
GLOBAL_SEED_ADVICE_ZH = ("给 DataLoader 一个自己的生成器：generator=torch.Generator().manual_seed(seed)；"
                         "torch.manual_seed(seed) 设置的是全局生成器，其他代码也会共享和使用它")
SEED_ORDER = ("the order a DataLoader shuffled by its own torch.Generator().manual_seed(seed) gives",
              "由 DataLoader 自己的 torch.Generator().manual_seed(seed) 打乱得到的顺序")


def seed_order(reference, n: int, batch_size: int, seed: int, epochs: int = 1) -> list[list[int]]:
    """The order of each epoch of the reference's loader for `seed`, item by item, computed here."""
    return [flat(epoch) for epoch in reference.probe(probes.batches, n, batch_size, True, False, seed, epochs=epochs)]


def follows_the_seed(student, reference, n: int, batch_size: int, seed: int) -> None:
    """Not judged unless a fresh loader's first epoch is the seed's order: make_loader_order_follows_the_seed
    (or make_loader_shuffles_every_item_once_per_epoch) charges that."""
    got = student.probe(probes.batches, n, batch_size, True, False, seed)[0]
    if flat(got) != seed_order(reference, n, batch_size, seed)[0]:
        not_judged("make_loader", "not judged: a loader made with this seed does not give the seed's order at all, "
                                  "which make_loader_order_follows_the_seed already charges",
                   "未评判：用这个 seed 创建的加载器本身就没有给出该 seed 的顺序，已在 make_loader_order_follows_the_seed 中扣分")


@points(2)
def test_make_loader_same_seed_gives_the_same_order(student, reference):
    """Two loaders made with the same seed, both at once, each give the seed's order, epoch by epoch.

    中文：用同一个 seed 同时创建两个加载器，每个 epoch 都各自给出该 seed 的顺序。"""
    for n, batch_size, seed in [(60, 8, SEED), (33, 5, SEED + 100)]:
        follows_the_seed(student, reference, n, batch_size, seed)
        got = student.probe(probes.same_seed_twice, n, batch_size, seed)
        want = seed_order(reference, n, batch_size, seed, epochs=2)
        for which, name, name_zh in (("first", "first", "第一个"), ("second", "second", "第二个")):
            for epoch, (have, expected) in enumerate(zip(got[which], want), start=1):
                if flat(have) != expected:
                    fail(f"two loaders made with seed={seed}, both at once: the {name} gave {compact(flat(have))} "
                         f"in epoch {epoch}, not {SEED_ORDER[0]} ({compact(expected)}); {GLOBAL_SEED_ADVICE}",
                         f"用 seed={seed} 同时创建两个加载器：{name_zh}在第 {epoch} 个 epoch 给出 {compact(flat(have))}，"
                         f"而不是{SEED_ORDER[1]}（{compact(expected)}）；{GLOBAL_SEED_ADVICE_ZH}")


@points(2)
def test_make_loader_order_ignores_the_global_random_state(student, reference):
    """Reseeding or drawing from the global generator after make_loader does not change the loader's order.

    中文：make_loader 之后重新设置或使用全局随机数生成器，不会改变加载器的顺序。"""
    for n, batch_size, global_seed in [(60, 8, 123), (45, 6, 2024)]:
        follows_the_seed(student, reference, n, batch_size, SEED)
        disturbed = flat(student.probe(probes.under_global_reseeding, n, batch_size, SEED, global_seed)["disturbed"][0])
        expected = seed_order(reference, n, batch_size, SEED)[0]
        if disturbed != expected:
            fail(f"after torch.manual_seed({global_seed}) elsewhere, a loader made with seed={SEED} gave "
                 f"{compact(disturbed)} instead of {compact(expected)}; {GLOBAL_SEED_ADVICE}",
                 f"在别处调用 torch.manual_seed({global_seed}) 后，用 seed={SEED} 创建的加载器给出 {compact(disturbed)}，"
                 f"而不是 {compact(expected)}；{GLOBAL_SEED_ADVICE_ZH}")


@points(1)
def test_make_loader_order_follows_the_seed(student, reference):
    """A loader made with seed s gives the order of a DataLoader shuffled by torch.Generator().manual_seed(s).

    中文：用 seed s 创建的加载器，给出由 torch.Generator().manual_seed(s) 打乱的 DataLoader 的顺序。"""
    n, batch_size = 80, 16
    for seed in (SEED, SEED + 1, SEED + 2):
        got = student.probe(probes.batches, n, batch_size, True, False, seed)[0]
        if not is_permutation(got, n) or flat(got) == list(range(n)):
            not_judged("make_loader", "not judged: the loader does not shuffle its items, which "
                                      "make_loader_shuffles_every_item_once_per_epoch already charges",
                       "未评判：加载器没有打乱样本，已在 make_loader_shuffles_every_item_once_per_epoch 中扣分")
        expected = seed_order(reference, n, batch_size, seed)[0]
        if flat(got) != expected:
            what = loader_text(n, batch_size, True, False)
            fail(f"{what.en.replace('...', str(seed))} gave {compact(flat(got))}, "
                 f"not {SEED_ORDER[0]} ({compact(expected)}); give the DataLoader "
                 f"generator=torch.Generator().manual_seed(seed)",
                 f"{what.zh.replace('...', str(seed))} 给出 {compact(flat(got))}，"
                 f"而不是{SEED_ORDER[1]}（{compact(expected)}）；请给 DataLoader 传入 "
                 f"generator=torch.Generator().manual_seed(seed)")


@points(1)
def test_make_loader_second_epoch_gives_a_new_order(student, reference):
    """A second `for` loop over the same loader gives the seed's next order, not the first one again.

    中文：对同一个加载器第二次 `for` 循环，给出该 seed 的下一个顺序，而不是重复第一次的顺序。"""
    n, batch_size = 70, 8
    follows_the_seed(student, reference, n, batch_size, SEED)
    first, second = student.probe(probes.batches, n, batch_size, True, False, SEED, epochs=2)
    expected = seed_order(reference, n, batch_size, SEED, epochs=2)[1]
    if flat(second) != expected:
        again = " (the first epoch's order again)" if flat(first) == flat(second) else ""
        again_zh = "（与第 1 个 epoch 相同）" if flat(first) == flat(second) else ""
        what = loader_text(n, batch_size, True, False)
        fail(f"{what.en} gave {compact(flat(second))} in epoch 2{again}, expected "
             f"{compact(expected)}: each epoch should shuffle anew from the loader's own generator (do not reseed "
             f"for every epoch)",
             f"{what.zh} 第 2 个 epoch 给出 {compact(flat(second))}{again_zh}，应为 "
             f"{compact(expected)}：每个 epoch 都应由加载器自己的生成器重新打乱（不要每个 epoch 重新设种子）")


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


def counts_right(student, cases: list[dict[str, Any]]) -> bool:
    expected = [len(DataLoader(range(case["n"]), batch_size=case["batch_size"], drop_last=case["drop_last"]))
                for case in cases]
    outcomes = [as_number(outcome) for outcome in student.each("batch_count", cases)]
    return all(outcome[0] == "ok" and type(outcome[1]) is not bool and outcome[1] == want
               for outcome, want in zip(outcomes, expected))


def judge_counts(student, cases: list[dict[str, Any]]) -> None:
    expected = [len(DataLoader(range(case["n"]), batch_size=case["batch_size"], drop_last=case["drop_last"]))
                for case in cases]
    outcomes = [as_number(outcome) for outcome in student.each("batch_count", cases)]
    expect_each_equal(outcomes, expected, [call_text("batch_count", case) for case in cases])


@points(1)
def test_batch_count_keeps_the_last_partial_batch(student):
    """drop_last=False and n not a multiple of batch_size: the last, smaller batch counts, as len(DataLoader) says.

    中文：drop_last=False 且 n 不是 batch_size 的倍数时，最后那个较小的批次也要算上，与 len(DataLoader) 一致。"""
    judge_counts(student, count_cases("partial"))


@points(1)
def test_batch_count_drops_the_last_partial_batch(student):
    """drop_last=True and n not a multiple of batch_size: the last, smaller batch does not count.

    中文：drop_last=True 且 n 不是 batch_size 的倍数时，最后那个较小的批次不算。"""
    judge_counts(student, count_cases("drop"))


@points(1)
def test_batch_count_of_an_exact_multiple(student):
    """n a multiple of batch_size: n // batch_size batches, with or without drop_last (no extra batch).

    中文：n 是 batch_size 的倍数时，无论是否 drop_last，都是 n // batch_size 个批次（没有多余的批次）。"""
    judge_counts(student, count_cases("multiple"))


COURSE_COUNTS = [({"n": 10_000, "batch_size": 64, "drop_last": False}, 157, "partial"),
                 ({"n": 10_000, "batch_size": 64, "drop_last": True}, 156, "drop"),
                 ({"n": 10_000, "batch_size": 4, "drop_last": False}, 2500, "multiple")]
COUNT_CHECKS = {"partial": "batch_count_keeps_the_last_partial_batch", "drop": "batch_count_drops_the_last_partial_batch",
                "multiple": "batch_count_of_an_exact_multiple"}


@points(1)
def test_batch_count_gives_the_course_figures(student):
    """The CIFAR-10 test set: 10,000 images in batches of 64 make 157 batches, 156 with drop_last; counts are ints.

    中文：CIFAR-10 测试集 10,000 张图片、每批 64 张，共 157 个批次，drop_last 时 156 个；批次数是 int。"""
    cases = [case for case, _want, _kind in COURSE_COUNTS]
    outcomes = student.each("batch_count", cases)
    for (case, want, kind), outcome in zip(COURSE_COUNTS, outcomes):
        value = as_number(outcome)[1] if outcome[0] == "ok" else None
        if (outcome[0] != "ok" or value != want) and not counts_right(student, count_cases(kind)):
            not_judged("batch_count", f"not judged: batch_count is wrong in general here, which {COUNT_CHECKS[kind]} "
                                      f"already charges",
                       f"未评判：batch_count 在这类情况下本身就不对，已在 {COUNT_CHECKS[kind]} 中扣分")
    expect_each_equal([as_number(outcome) for outcome in outcomes], [want for _case, want, _kind in COURSE_COUNTS],
                      [call_text("batch_count", case) for case in cases])
    for case, outcome in zip(cases, outcomes):
        if type(outcome[1]) is not int:
            fail(f"{call_text('batch_count', case)} returned {show(outcome[1])}, {describe_type(outcome[1])}: a count "
                 f"of batches is an int, as len(DataLoader) is; use // (or int(...))",
                 f"{call_text('batch_count', case)} 返回 {show(outcome[1], zh=True)}，是 {describe_type(outcome[1], zh=True)}："
                 f"批次数应是 int，和 len(DataLoader) 一样；请用 //（或 int(...)）")


# ---------------------------------------------------------------- first_batch

@points(2)
def test_first_batch_gives_the_first_images_and_labels(student, reference):
    """first_batch of a CIFAR-10-like loader with batch_size=4: images (4, 3, 32, 32) and labels (4,), the first
    four, also when called again on the same loader.

    中文：对 batch_size=4 的类 CIFAR-10 加载器，first_batch 返回前四个：images (4, 3, 32, 32) 和 labels (4,)，
    对同一个加载器再调用一次也一样。"""
    generator = torch.Generator().manual_seed(SEED)
    for count, batch_size in [(12, 4), (10, 3)]:
        images = torch.rand(count, 3, 32, 32, generator=generator)
        labels = torch.randint(0, 10, (count,), generator=generator)
        expected = reference.probe(probes.first_batch_twice, images, labels, batch_size)[0]
        for call, got in enumerate(student.probe(probes.first_batch_twice, images, labels, batch_size)):
            again = ("", "") if call == 0 else (", called a second time on the same loader", "，对同一个加载器第二次调用")
            what = Text(f"first_batch(a loader of {count} CIFAR-10-sized images, batch_size={batch_size}){again[0]}",
                        f"first_batch({count} 张 CIFAR-10 大小图片的加载器, batch_size={batch_size}){again[1]}")
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                fail(f"{what.en}: expected (images, labels), got {describe_type(got)}",
                     f"{what.zh}：应返回 (images, labels)，实际是 {describe_type(got, zh=True)}")
            for part, (name, name_zh) in enumerate((("images", "images"), ("labels", "labels"))):
                part_what = Text(f"the {name} of {what.en}", f"{what.zh} 的 {name_zh}")
                expect_tensor(got[part], part_what, shape=tuple(expected[part].shape))
                expect_close(got[part], expected[part], part_what, atol=0, rtol=0)
