"""Helpers of 14_cifar10_training's hidden checks: judging the history train() returns, the verdict of its
short runs' SGD steps, where its batches and parameters lived on a GPU, and evaluate() run on a network that
shows its mode in its outputs (`evaluation_modes`).
"""

from __future__ import annotations

import torch

from autograder.checking import StudentProblem, Text, describe_type, fail, not_judged
from autograder.hidden import evaluation_modes as modes
from autograder.hidden import training_report as report
from autograder.hidden.cifar10_runs import EXACT
from autograder.hidden.numbers import as_number, expect_number
from autograder.worker.probe_nets import ModeRevealingNet, seeded
from autograder.worker.probes import cifar10_training as probes

EVAL_BATCH = 64  # 250 images: three full batches and one of 58


def expect_history(history, epochs: int) -> None:
    """train()'s history: a list of one dict per epoch, each with its epoch number and one number per
    `report.HISTORY_KEYS` entry."""
    if not isinstance(history, list):
        fail(
            f"train() should return a list with one dict per epoch, got {describe_type(history)}",
            f"train() 应返回每个 epoch 一个字典组成的列表，实际是 {describe_type(history, zh=True)}",
        )
    if len(history) != epochs:
        fail(
            f"train(..., epochs={epochs}) returned {len(history)} records; expected one per epoch",
            f"train(..., epochs={epochs}) 返回了 {len(history)} 条记录；应每个 epoch 一条",
        )
    for index, record in enumerate(history):
        if not isinstance(record, dict):
            fail(
                f"record {index} of the history is {describe_type(record)}, not a dict",
                f"历史记录的第 {index} 条是 {describe_type(record, zh=True)}，不是字典",
            )
        missing = [key for key in ("epoch", *report.HISTORY_KEYS) if key not in record]
        if missing:
            fail(
                f"record {index} of the history has no {', '.join(missing)}",
                f"历史记录的第 {index} 条缺少 {'、'.join(missing)}",
            )
        for key in report.HISTORY_KEYS:
            expect_number(record[key], Text(f"record {index}['{key}']", f"第 {index} 条记录的 '{key}'"))
    numbers = [as_number(record["epoch"]) for record in history]
    if numbers not in (list(range(1, epochs + 1)), list(range(epochs))):
        fail(
            f"the epoch numbers are {numbers}; expected 1..{epochs} (or 0..{epochs - 1})",
            f"epoch 编号为 {numbers}；应为 1..{epochs}（或 0..{epochs - 1}）",
        )


def judge_step_verdict(verdict: str) -> None:
    """The short runs' verdict on train()'s SGD steps: not judged when another check charges it (the
    parameters unchanged, lr ignored), failed when the steps are wrong."""
    if verdict == "unchanged":
        not_judged(
            "train",
            "train() left the parameters unchanged (model_is_trained_in_place charges this)",
            "train() 没有改变参数（由 model_is_trained_in_place 扣分）",
        )
    if verdict == "lr":
        not_judged(
            "train",
            "train() does not use the given lr (the_given_learning_rate_is_used charges this)",
            "train() 没有使用给定的 lr（由 the_given_learning_rate_is_used 扣分）",
        )
    if verdict == "wrong":
        fail(
            f"after one epoch of two batches the parameters differ from two SGD steps with lr={EXACT['lr']}; "
            "each batch needs zero_grad, forward, CrossEntropyLoss, backward and SGD(lr=lr).step()",
            f"训练两个 batch 的一个 epoch 后，参数与 lr={EXACT['lr']} 的两步 SGD 不同；每个 batch 都要 "
            f"zero_grad、前向、CrossEntropyLoss、backward 和 SGD(lr=lr).step()",
        )


def evaluate_on_a_mode_net(student, splits, plan, device: str) -> tuple:
    """evaluate() on a ModeRevealingNet: what it returned (or the problem), and what each mode would give."""
    images = splits[0][: modes.COUNT]
    net = seeded(lambda: ModeRevealingNet(3 * 32 * 32), plan.seed)
    labels, found, tolerance = modes.prepare(
        net, probes.to_inputs(images), EVAL_BATCH, torch.nn.CrossEntropyLoss(), device
    )
    try:
        returned = student.probe(probes.evaluate, images, labels.numpy(), EVAL_BATCH, plan.seed, device)[
            "returned"
        ]
    except StudentProblem as problem:
        returned = problem
    return returned, found, tolerance


def expect_on_the_gpu(calls: dict, device: str) -> None:
    """Every training batch and every parameter was on the GPU, as forward() saw them."""
    for what, zh, devices in (
        ("the batches", "batch", calls.get("input_devices")),
        ("the parameters", "参数", calls.get("parameter_devices")),
    ):
        if not devices or not all(str(d).startswith("cuda") for d in devices):
            fail(
                f"{what} were on {devices} during training with device={device!r}: move the model once with "
                f"model.to(device) and each batch with images.to(device), labels.to(device)",
                f"用 device={device!r} 训练时{zh}位于 {devices}：用 model.to(device) 移动模型，"
                f"每个 batch 用 images.to(device)、labels.to(device)",
            )
