"""Helpers of 18_mnist's hidden checks: telling NLLLoss from CrossEntropyLoss by the audited steps,
judging the mean loss train_mnist returns per epoch, and accuracy() run on a network that shows its mode in
its outputs (`evaluation_modes`).
"""

from __future__ import annotations

import torch

from autograder.checking import StudentProblem, Text, describe_type, fail
from autograder.hidden import evaluation_modes as modes
from autograder.hidden.numbers import expect_number
from autograder.worker.probe_nets import ModeRevealingNet, seeded
from autograder.worker.probes import mnist as probes
from autograder.worker.probes.mnist import to_inputs

SCORED = 250  # digits in the accuracy() checks


def judge_the_loss(audits: dict, run) -> None:
    """Which loss train_mnist's steps are, from their audits as NLLLoss and as CrossEntropyLoss steps on a
    network without LogSoftmax: passes for NLLLoss, else fails saying what the loop does instead."""
    if audits["nll"].ok:
        return
    if not audits["cross_entropy"].ok:
        fail(
            "on a network that does not end in LogSoftmax, train_mnist's steps are neither NLLLoss nor "
            "CrossEntropyLoss steps: compute the loss as nn.NLLLoss()(model(images), labels)",
            "在不以 LogSoftmax 结尾的网络上，train_mnist 的训练步既不是 NLLLoss 也不是 CrossEntropyLoss 的："
            "请用 nn.NLLLoss()(model(images), labels) 计算损失",
        )
    if "torch.nn.functional.cross_entropy" in (run.extra.get("torch_calls") or []):
        fail(
            "train_mnist uses CrossEntropyLoss, which applies log_softmax itself, on outputs that already "
            "went through LogSoftmax: use nn.NLLLoss() for log-probabilities (here the second log_softmax "
            "happens to change nothing, but after a Softmax or with probabilities it silently trains worse)",
            "train_mnist 在已经过 LogSoftmax 的输出上使用了 CrossEntropyLoss，而它自己会再做一次 "
            "log_softmax：对数概率应配 nn.NLLLoss()（这里第二次 log_softmax 恰好不改变结果，但在 Softmax 之后"
            "或对概率使用时，会悄悄地训练得更差）",
        )
    fail(
        "train_mnist applies a log_softmax of its own to the network's output before the loss (it trains "
        "like CrossEntropyLoss): the networks already end in LogSoftmax, so pass their output straight to "
        "nn.NLLLoss()",
        "train_mnist 在计算损失前又对网络输出做了一次 log_softmax（效果等同于 CrossEntropyLoss）：网络已经以 "
        "LogSoftmax 结尾，请把输出直接交给 nn.NLLLoss()",
    )


def expect_epoch_losses(returned, expected: list[float], what: str, what_zh: str) -> None:
    """train_mnist's returned losses: one per epoch, each the mean of its batches' losses (`expected`)."""
    if not isinstance(returned, list) or len(returned) != len(expected):
        fail(
            f"{what} train_mnist should return a list of {len(expected)} loss(es), one per epoch, got "
            f"{describe_type(returned)}" + (f" of {len(returned)}" if isinstance(returned, list) else ""),
            f"{what_zh}，train_mnist 应返回包含 {len(expected)} 个损失的列表（每个 epoch 一个），实际是 "
            f"{describe_type(returned, zh=True)}"
            + (f"（{len(returned)} 项）" if isinstance(returned, list) else ""),
        )
    for epoch, (value, want) in enumerate(zip(returned, expected), 1):
        have = expect_number(value, Text(f"the loss of epoch {epoch}", f"第 {epoch} 个 epoch 的损失"))
        if abs(have - want) > 1e-4 + 1e-4 * abs(want):
            fail(
                f"{what} the loss of epoch {epoch} should be the mean of its batches' losses, "
                f"{want:.6g}; got {have:.6g}: add every batch's loss.item() to the epoch's total (do not "
                f"reset it every few batches, as a tutorial's print does) and divide by the number of "
                f"batches",
                f"{what_zh}，第 {epoch} 个 epoch 的损失应为各 batch 损失的平均值 {want:.6g}，实际 "
                f"{have:.6g}：把每个 batch 的 loss.item() 加到该 epoch 的总和里（不要像教程里打印时那样每"
                f"隔几个 batch 清零），再除以 batch 数",
            )


def accuracy_on_a_mode_net(student, digits, plan, device: str) -> tuple:
    """accuracy() on a ModeRevealingNet: what it returned (or the problem), and what each mode would give."""
    images = digits[0][-SCORED:]
    net = seeded(lambda: ModeRevealingNet(28 * 28, log_softmax=True), plan.seed)
    labels, found, tolerance = modes.prepare(net, to_inputs(images), 64, torch.nn.NLLLoss(), device)
    try:
        returned = student.probe(
            probes.accuracy, images, labels.numpy(), batch_size=64, seed=plan.seed, device=device
        )["returned"]
    except StudentProblem as problem:
        returned = problem
    return returned, found, tolerance
