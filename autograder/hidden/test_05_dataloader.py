"""Hidden checks for 05_dataloader: batches and the last partial batch, reproducible shuffling from a seed,
the batch count, and the first batch."""

import torch

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
from autograder.hidden.loader_batches import (
    COUNT_CHECKS,
    COURSE_COUNTS,
    GLOBAL_SEED_ADVICE,
    GLOBAL_SEED_ADVICE_ZH,
    SEED,
    SEED_ORDER,
    as_number,
    compact,
    count_cases,
    counts_right,
    expect_batches,
    expect_permutation,
    expect_sizes,
    flat,
    follows_the_seed,
    in_order_cases,
    is_permutation,
    judge_counts,
    loader_text,
    seed_order,
    sizes_right,
)
from autograder.worker.probes import dataloader as probes

# ---------------------------------------------------------------- batches without shuffling


@points(1)
def test_make_loader_without_shuffle_gives_the_items_in_order(student, reference):
    """shuffle=False: items 0, 1, 2, ... in batches of batch_size, the last smaller when n does not divide.

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


@points(1)
def test_the_cifar10_test_set_in_batches_of_64_ends_in_a_batch_of_16(student):
    """10,000 items, batch_size=64: 156 batches of 64 and a last one of 16; drop_last=True leaves the 156.

    中文：10,000 个样本、batch_size=64：156 个 64 的批次加最后一个 16 的批次；drop_last=True 时只剩 156 个。"""  # noqa: E501
    for drop_last in (False, True):
        got = student.probe(probes.batches, 10_000, 64, True, drop_last, SEED)[0]
        want = [64] * 156 + ([] if drop_last else [16])
        if (not isinstance(got, list) or [len(batch) for batch in got] != want) and not sizes_right(
            student, drop_last
        ):
            charged = (
                "make_loader_drops_the_last_partial_batch"
                if drop_last
                else "make_loader_without_shuffle_gives_the_items_in_order"
            )
            not_judged(
                "make_loader",
                f"not judged: the batch sizes are already wrong on small datasets, which {charged} charges",
                f"未评判：在小数据集上批次大小就已经不对，已在 {charged} 中扣分",
            )
        expect_sizes(got, want, loader_text(10_000, 64, True, drop_last))


# ---------------------------------------------------------------- shuffling


@points(1)
def test_make_loader_shuffles_every_item_once_per_epoch(student):
    """shuffle=True: each epoch gives every item exactly once, in a shuffled order.

    中文：shuffle=True 时，每个 epoch 恰好给出每个样本一次，并且顺序是打乱的。"""
    for n, batch_size in [(50, 8), (97, 10)]:
        what = loader_text(n, batch_size, True, False)
        for epoch in student.probe(probes.batches, n, batch_size, True, False, SEED, epochs=2):
            expect_permutation(epoch, n, what)


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
                    fail(
                        f"two loaders made with seed={seed}, both at once: "
                        f"the {name} gave {compact(flat(have))} "
                        f"in epoch {epoch}, not {SEED_ORDER[0]} ({compact(expected)}); {GLOBAL_SEED_ADVICE}",
                        f"用 seed={seed} 同时创建两个加载器：{name_zh}在第 {epoch} 个 epoch 给出 "
                        f"{compact(flat(have))}，而不"
                        f"是{SEED_ORDER[1]}（{compact(expected)}）；{GLOBAL_SEED_ADVICE_ZH}",
                    )


@points(2)
def test_make_loader_order_ignores_the_global_random_state(student, reference):
    """Reseeding or drawing from the global generator after make_loader does not change the loader's order.

    中文：make_loader 之后重新设置或使用全局随机数生成器，不会改变加载器的顺序。"""
    for n, batch_size, global_seed in [(60, 8, 123), (45, 6, 2024)]:
        follows_the_seed(student, reference, n, batch_size, SEED)
        disturbed = flat(
            student.probe(probes.under_global_reseeding, n, batch_size, SEED, global_seed)["disturbed"][0]
        )
        expected = seed_order(reference, n, batch_size, SEED)[0]
        if disturbed != expected:
            fail(
                f"after torch.manual_seed({global_seed}) elsewhere, a loader made with seed={SEED} gave "
                f"{compact(disturbed)} instead of {compact(expected)}; {GLOBAL_SEED_ADVICE}",
                f"在别处调用 torch.manual_seed({global_seed}) 后，用 seed={SEED} 创建的加载器给出 "
                f"{compact(disturbed)}，而不是 {compact(expected)}；{GLOBAL_SEED_ADVICE_ZH}",
            )


@points(1)
def test_make_loader_order_follows_the_seed(student, reference):
    """A loader made with seed s gives the order of a DataLoader shuffled by torch.Generator().manual_seed(s).

    中文：用 seed s 创建的加载器，给出由 torch.Generator().manual_seed(s) 打乱的 DataLoader 的顺序。"""
    n, batch_size = 80, 16
    for seed in (SEED, SEED + 1, SEED + 2):
        got = student.probe(probes.batches, n, batch_size, True, False, seed)[0]
        if not is_permutation(got, n) or flat(got) == list(range(n)):
            not_judged(
                "make_loader",
                "not judged: the loader does not shuffle its items, which "
                "make_loader_shuffles_every_item_once_per_epoch already charges",
                "未评判：加载器没有打乱样本，已在 make_loader_shuffles_every_item_once_per_epoch 中扣分",
            )
        expected = seed_order(reference, n, batch_size, seed)[0]
        if flat(got) != expected:
            what = loader_text(n, batch_size, True, False)
            fail(
                f"{what.en.replace('...', str(seed))} gave {compact(flat(got))}, "
                f"not {SEED_ORDER[0]} ({compact(expected)}); give the DataLoader "
                f"generator=torch.Generator().manual_seed(seed)",
                f"{what.zh.replace('...', str(seed))} 给出 {compact(flat(got))}，"
                f"而不是{SEED_ORDER[1]}（{compact(expected)}）；请给 DataLoader 传入 "
                f"generator=torch.Generator().manual_seed(seed)",
            )


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
        fail(
            f"{what.en} gave {compact(flat(second))} in epoch 2{again}, expected "
            f"{compact(expected)}: each epoch should shuffle anew from the loader's own generator "
            f"(do not reseed "
            f"for every epoch)",
            f"{what.zh} 第 2 个 epoch 给出 {compact(flat(second))}{again_zh}，应为 "
            f"{compact(expected)}：每个 epoch 都应由加载器自己的生成器重新打乱（不要每个 epoch 重新设种子）",
        )


# ---------------------------------------------------------------- batch_count


@points(1)
def test_batch_count_keeps_the_last_partial_batch(student):
    """drop_last=False, n not a multiple of batch_size: the last, smaller batch counts, as in len(DataLoader).

    中文：drop_last=False 且 n 不是 batch_size 的倍数时，最后那个较小的批次也要算上，与 len(DataLoader) 一致。"""  # noqa: E501
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


@points(1)
def test_batch_count_gives_the_course_figures(student):
    """The CIFAR-10 test set: 10,000 images in batches of 64 make 157 batches, 156 with drop_last, as ints.

    中文：CIFAR-10 测试集 10,000 张图片、每批 64 张，共 157 个批次，drop_last 时 156 个；批次数是 int。"""
    cases = [case for case, _want, _kind in COURSE_COUNTS]
    outcomes = student.each("batch_count", cases)
    for (case, want, kind), outcome in zip(COURSE_COUNTS, outcomes):
        value = as_number(outcome)[1] if outcome[0] == "ok" else None
        if (outcome[0] != "ok" or value != want) and not counts_right(student, count_cases(kind)):
            not_judged(
                "batch_count",
                f"not judged: batch_count is wrong in general here, which {COUNT_CHECKS[kind]} "
                f"already charges",
                f"未评判：batch_count 在这类情况下本身就不对，已在 {COUNT_CHECKS[kind]} 中扣分",
            )
    expect_each_equal(
        [as_number(outcome) for outcome in outcomes],
        [want for _case, want, _kind in COURSE_COUNTS],
        [call_text("batch_count", case) for case in cases],
    )
    for case, outcome in zip(cases, outcomes):
        if type(outcome[1]) is not int:
            fail(
                f"{call_text('batch_count', case)} returned {show(outcome[1])}, "
                f"{describe_type(outcome[1])}: a count "
                f"of batches is an int, as len(DataLoader) is; use // (or int(...))",
                f"{call_text('batch_count', case)} 返回 {show(outcome[1], zh=True)}，"
                f"是 {describe_type(outcome[1], zh=True)}："
                f"批次数应是 int，和 len(DataLoader) 一样；请用 //（或 int(...)）",
            )


# ---------------------------------------------------------------- first_batch


@points(2)
def test_first_batch_gives_the_first_images_and_labels(student, reference):
    """first_batch of a CIFAR-10-like loader, batch_size=4: images (4, 3, 32, 32) and labels (4,), the first
    four, also when called again on the same loader.

    中文：对 batch_size=4 的类 CIFAR-10 加载器，first_batch 返回前四个：images (4, 3, 32, 32) 和 labels (4,)，
    对同一个加载器再调用一次也一样。"""
    generator = torch.Generator().manual_seed(SEED)
    for count, batch_size in [(12, 4), (10, 3)]:
        images = torch.rand(count, 3, 32, 32, generator=generator)
        labels = torch.randint(0, 10, (count,), generator=generator)
        expected = reference.probe(probes.first_batch_twice, images, labels, batch_size)[0]
        for call, got in enumerate(student.probe(probes.first_batch_twice, images, labels, batch_size)):
            again = (
                ("", "")
                if call == 0
                else (", called a second time on the same loader", "，对同一个加载器第二次调用")
            )
            what = Text(
                f"first_batch(a loader of {count} CIFAR-10-sized images, batch_size={batch_size}){again[0]}",
                f"first_batch({count} 张 CIFAR-10 大小图片的加载器, batch_size={batch_size}){again[1]}",
            )
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                fail(
                    f"{what.en}: expected (images, labels), got {describe_type(got)}",
                    f"{what.zh}：应返回 (images, labels)，实际是 {describe_type(got, zh=True)}",
                )
            for part, (name, name_zh) in enumerate((("images", "images"), ("labels", "labels"))):
                part_what = Text(f"the {name} of {what.en}", f"{what.zh} 的 {name_zh}")
                expect_tensor(got[part], part_what, shape=tuple(expected[part].shape))
                expect_close(got[part], expected[part], part_what, atol=0, rtol=0)
