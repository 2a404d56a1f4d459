"""Hidden checks for 10_losses: values against the built-ins, reductions, stability, gradients, by hand.

Every expected value is computed here with torch.nn.functional's own losses. A loss is a tensor that
training goes on with: the value checks accept a right number in any number-like form, and only the
gradient check asks for a tensor that gradients flow through.
"""

import pytest
import torch
import torch.nn.functional as F

from autograder.checking import (
    TYPE_NAMES_ZH,
    StudentProblem,
    Text,
    agrees,
    expect_close,
    fail,
    not_judged_because,
    points,
)
from autograder.hidden.by_hand import ByHandCase, judge_by_hand
from autograder.worker.probes import generic
from autograder.worker.probes import losses as probes

COURSE_INPUTS = torch.tensor([1.0, 2.0, 3.0])
COURSE_TARGETS = torch.tensor([1.0, 2.0, 5.0])


def pairs(seed: int):
    generator = torch.Generator().manual_seed(seed)
    for shape in [(5,), (4, 3), (2, 3, 4, 5)]:
        yield shape, torch.randn(shape, generator=generator) * 3, torch.randn(shape, generator=generator) * 3


def of_shape(name: str, shape: tuple, reduction: str) -> Text:
    return Text(
        f"{name}(tensors of shape {shape}, reduction={reduction!r})",
        f"{name}（形状为 {shape} 的 tensor，reduction={reduction!r}）",
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@points(1)
def test_l1_loss_equals_the_built_in(student, reduction):
    """l1_loss equals F.l1_loss for every reduction, on 1-D to 4-D tensors.
    中文：每种 reduction 下，l1_loss 在 1 到 4 维的 tensor 上都与 F.l1_loss 相同"""
    for shape, pred, target in pairs(1):
        expect_close(
            student.call("l1_loss", pred, target, reduction=reduction),
            F.l1_loss(pred, target, reduction=reduction),
            of_shape("l1_loss", shape, reduction),
            atol=1e-5,
            check_dtype=True,
        )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@points(1)
def test_mse_loss_equals_the_built_in(student, reduction):
    """mse_loss equals F.mse_loss for every reduction, on 1-D to 4-D tensors.
    中文：每种 reduction 下，mse_loss 在 1 到 4 维的 tensor 上都与 F.mse_loss 相同"""
    for shape, pred, target in pairs(2):
        expect_close(
            student.call("mse_loss", pred, target, reduction=reduction),
            F.mse_loss(pred, target, reduction=reduction),
            of_shape("mse_loss", shape, reduction),
            atol=1e-4,
            check_dtype=True,
        )


def values_right(student, name: str, cases: list[tuple], check: str) -> None:
    """Not judged until `name` gives the built-in's value on `cases` ((args, kwargs) pairs)."""
    try:
        right = all(
            agrees(student.call(name, *args, **kwargs), getattr(F, name)(*args, **kwargs), atol=1e-4)
            for args, kwargs in cases
        )
    except StudentProblem:
        right = False
    if not right:
        not_judged_because(
            name,
            f"{name} does not give the built-in's values yet (see {check})",
            f"{name} 的结果与内置函数还不一致（见 {check}）",
        )


def random_cases(seed: int, reduction: str) -> list[tuple]:
    return [((pred, target), {"reduction": reduction}) for _, pred, target in pairs(seed)]


@points(1)
def test_course_figures_for_l1_and_mse(student):
    """[1, 2, 3] vs [1, 2, 5]: L1 0.6667 (mean), 2.0 (sum); MSE 1.3333.
    中文：[1, 2, 3] 对 [1, 2, 5]：L1 为 0.6667（mean）和 2.0（sum）；MSE 为 1.3333"""
    values_right(
        student, "l1_loss", random_cases(1, "mean") + random_cases(1, "sum"), "l1_loss_equals_the_built_in"
    )
    values_right(student, "mse_loss", random_cases(2, "mean"), "mse_loss_equals_the_built_in")
    expect_close(
        student.call("l1_loss", COURSE_INPUTS, COURSE_TARGETS),
        2 / 3,
        "l1_loss([1, 2, 3], [1, 2, 5])",
        atol=1e-4,
    )
    expect_close(
        student.call("l1_loss", COURSE_INPUTS, COURSE_TARGETS, reduction="sum"),
        2.0,
        "l1_loss([1, 2, 3], [1, 2, 5], reduction='sum')",
        atol=1e-5,
    )
    expect_close(
        student.call("mse_loss", COURSE_INPUTS, COURSE_TARGETS),
        4 / 3,
        "mse_loss([1, 2, 3], [1, 2, 5])",
        atol=1e-4,
    )


@points(1)
def test_cross_entropy_gives_the_course_figure(student):
    """Logits [[0.1, 0.2, 0.3]] and class 1 give 1.1019.
    中文：logits 为 [[0.1, 0.2, 0.3]]、类别为 1 时结果为 1.1019"""
    values_right(
        student,
        "cross_entropy",
        [(batch, {}) for batch in batches()],
        "cross_entropy_equals_the_built_in_on_batches",
    )
    got = student.call("cross_entropy", torch.tensor([[0.1, 0.2, 0.3]]), torch.tensor([1]))
    expect_close(got, 1.1019, "cross_entropy([[0.1, 0.2, 0.3]], [1])", atol=1e-4)


def batches() -> list[tuple[torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(10)
    made = []
    for batch, classes in [(1, 2), (7, 3), (64, 10)]:
        logits = torch.randn(batch, classes, generator=generator) * 4
        made.append((logits, torch.randint(0, classes, (batch,), generator=generator)))
    return made


@pytest.fixture(scope="module")
def cross_entropy_runs(student):
    """cross_entropy on batches of 1 to 64 samples, or the problem its code raised."""
    try:
        return [
            (logits, target, student.call("cross_entropy", logits, target)) for logits, target in batches()
        ]
    except StudentProblem as problem:
        return problem


@points(2)
def test_cross_entropy_equals_the_built_in_on_batches(cross_entropy_runs):
    """cross_entropy equals F.cross_entropy for batches of 1 to 64 samples and 2 to 10 classes.
    中文：样本数 1 到 64、类别数 2 到 10 的批次上，cross_entropy 都与 F.cross_entropy 相同"""
    if isinstance(cross_entropy_runs, StudentProblem):
        raise cross_entropy_runs
    for logits, target, got in cross_entropy_runs:
        shape = tuple(logits.shape)
        expect_close(
            got,
            F.cross_entropy(logits, target),
            Text(
                f"cross_entropy(logits of shape {shape}, targets)",
                f"cross_entropy（形状为 {shape} 的 logits，targets）",
            ),
            atol=1e-5,
            check_dtype=True,
        )


@points(2)
def test_cross_entropy_is_stable_for_logits_of_1e4(student, cross_entropy_runs):
    """Logits of +-1e4 give the same finite value as F.cross_entropy (no exp overflow).
    中文：logits 为 ±1e4 时得到与 F.cross_entropy 相同的有限值（exp 不溢出）"""
    if isinstance(cross_entropy_runs, StudentProblem) or not all(
        agrees(got, F.cross_entropy(logits, target)) for logits, target, got in cross_entropy_runs
    ):
        not_judged_because(
            "cross_entropy",
            "cross_entropy is not right for ordinary logits yet (see "
            "cross_entropy_equals_the_built_in_on_batches)",
            "cross_entropy 对一般的 logits 还不对（见 cross_entropy_equals_the_built_in_on_batches）",
        )
    logits = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3], [1e4, 1e4, -1e4]])
    target = torch.tensor([1, 1, 0])
    expect_close(
        student.call("cross_entropy", logits, target),
        F.cross_entropy(logits, target),
        Text("cross_entropy(logits of +-1e4)", "cross_entropy（±1e4 的 logits）"),
        atol=1e-3,
        rtol=1e-5,
    )


@pytest.mark.parametrize("name", ["l1_loss", "mse_loss", "cross_entropy"])
@points(1)
def test_gradients_flow_like_the_built_in(student, name):
    """The loss is a tensor that backpropagates to the same input gradient as the built-in.
    中文：损失是一个可以反向传播的 tensor，对输入的梯度与内置函数相同"""
    generator = torch.Generator().manual_seed(12)
    if name == "cross_entropy":
        pred, target = torch.randn(6, 4, generator=generator), torch.randint(0, 4, (6,), generator=generator)
        kwargs = {}
    else:
        pred, target = torch.randn(3, 5, generator=generator), torch.randn(3, 5, generator=generator)
        kwargs = {"reduction": "mean"}
    leaf = pred.clone().requires_grad_(True)
    getattr(F, name)(leaf, target, **kwargs).backward()
    values_right(student, name, [((pred, target), kwargs)], f"{name}'s value checks")
    got = student.probe(probes.input_gradient, name, pred, target, **kwargs)
    if got["returned"] != "Tensor":
        kind = Text(f"a {got['returned']}", TYPE_NAMES_ZH.get(got["returned"], got["returned"]))
        fail(
            f"{name} returned {kind.en}, not a tensor: gradients cannot flow through a Python number; "
            f"return the tensor itself (.item() or float(...) cut the gradient)",
            f"{name} 返回的是{kind.zh}而不是 tensor：梯度无法经过 Python 数字传播；"
            f"请直接返回 tensor（.item() 或 float(...) 会切断梯度）",
        )
    if got["gradient"] is None:
        fail(
            f"the tensor {name} returned is not connected to its input, so no gradient flows: do not detach "
            f"it or rebuild it with torch.tensor(...)",
            f"{name} 返回的 tensor 与输入之间没有计算图，梯度无法传回：不要 detach，也不要用 "
            f"torch.tensor(...) 重新构造",
        )
    expect_close(
        got["gradient"],
        leaf.grad,
        Text(f"the gradient of {name} with respect to its input", f"{name} 对输入的梯度"),
        atol=1e-5,
    )


@points(1)
def test_losses_are_written_by_hand(student):
    """The three losses give the built-ins' values with every built-in loss out of reach: torch.nn.functional's
    losses, the nn.*Loss modules, torch._C._nn and torch.ops.aten.
    中文：在所有内置损失（torch.nn.functional 的损失函数、nn.*Loss 模块、torch._C._nn、torch.ops.aten）都不可用时，
    三个损失函数仍得到与内置函数相同的值"""  # noqa: E501
    logits = torch.randn(4, 3, generator=torch.Generator().manual_seed(13))
    target = torch.tensor([0, 2, 1, 1])
    cases = []
    for name, args in [
        ("l1_loss", (COURSE_INPUTS, COURSE_TARGETS)),
        ("mse_loss", (COURSE_INPUTS, COURSE_TARGETS)),
        ("cross_entropy", (logits, target)),
    ]:
        cases.append(
            ByHandCase(
                name,
                lambda name=name, args=args: student.probe(generic.call_by_hand, name, "losses", *args),
                getattr(F, name)(*args),
                atol=1e-4,
            )
        )
    judge_by_hand(
        cases,
        Text(
            "write them with tensor operations (abs, **, logsumexp, gather, mean)",
            "请用 tensor 运算（abs、**、logsumexp、gather、mean）来写",
        ),
    )
