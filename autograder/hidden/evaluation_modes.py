"""Judging an evaluation function (14's evaluate, 18's accuracy) by the numbers it returns, in the grader.

The probe hands the student's function a `ModeRevealingNet` left in training mode, whose logits are
rolled by the modes it runs in. The grader builds the same network, takes its eval-mode predictions
and chooses the labels so that each combination of modes gives its own accuracy: 56% in eval mode
without autograd, 22% in training mode, 14% with autograd on, 8% with both. From the accuracy the
student's function returns (as a fraction, or by mistake as a percentage or a count) the grader
reads which modes it ran in, and it knows the loss each combination gives. Nothing the worker says
about its own behaviour is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import torch
from torch import nn

from autograder.checking import Text, describe_type, fail, not_judged
from autograder.hidden.numbers import as_number, expect_number
from autograder.worker.probe_nets import GRAD_ROLL, TRAIN_ROLL, mode_roll

COUNT = 250
# (roll, images): each combination's accuracy, as a fraction, a percentage or a count, matches no other's
SHARES = ((0, 140), (TRAIN_ROLL, 55), (GRAD_ROLL, 35), (TRAIN_ROLL + GRAD_ROLL, 20))
MODES = [(training, grad) for training in (False, True) for grad in (False, True)]


@dataclass(frozen=True)
class Outcome:
    """What an evaluation in one combination of modes returns: the accuracy, and the mean loss per image
    or (equally accepted) the mean of the batches' mean losses."""

    training: bool
    grad: bool
    accuracy: float
    losses: tuple[float, ...]


@dataclass(frozen=True)
class Reading:
    """The combination of modes a returned accuracy shows, and its form
    ("fraction", "percentage", "count")."""

    outcome: Outcome
    form: str


def labels_for(net: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    """Labels that make each combination of modes score differently (see the module's docstring)."""
    net.eval()
    with torch.no_grad():
        predictions = net(inputs).argmax(dim=1)
    rolls = torch.cat([torch.full((count,), roll) for roll, count in SHARES])
    return (predictions + rolls) % 10


def outcomes(
    net: nn.Module, inputs: torch.Tensor, labels: torch.Tensor, batch_size: int, loss: nn.Module
) -> list[Outcome]:
    """The accuracy and mean losses in each combination of modes, computed here."""
    net.eval()
    with torch.no_grad():
        logits = cast(nn.Linear, net.linear)(inputs.flatten(1))  # torch types a submodule as Tensor | Module
    found = []
    for training, grad in MODES:
        rolled = logits.roll(mode_roll(training, grad), dims=1)
        if getattr(net, "log_softmax", False):
            rolled = torch.log_softmax(rolled, dim=1)
        per_image = float(loss(rolled, labels))
        batches = [
            float(loss(rolled[i : i + batch_size], labels[i : i + batch_size]))
            for i in range(0, len(labels), batch_size)
        ]
        accuracy = float((rolled.argmax(dim=1) == labels).double().mean())
        found.append(Outcome(training, grad, accuracy, (per_image, float(np.mean(batches)))))
    return found


def read(value: Any, found: list[Outcome], tolerance: float) -> Reading | None:
    """The combination and form a returned accuracy matches, or None (a wrong value, or no number)."""
    number = as_number(value)
    if number is None:
        return None
    for form, scale in (("fraction", 1.0), ("percentage", 100.0), ("count", float(COUNT))):
        for outcome in found:
            if abs(number - scale * outcome.accuracy) <= scale * tolerance:
                return Reading(outcome, form)
    return None


def loss_matches(value: Any, outcome: Outcome, atol: float = 1e-4) -> bool:
    number = as_number(value)
    return number is not None and any(
        abs(number - want) <= atol + 1e-4 * abs(want) for want in outcome.losses
    )


def split_pair(returned: Any, found: list[Outcome], tolerance: float) -> tuple[Any, Any, bool] | None:
    """(mean loss, accuracy, swapped) from what 14's evaluate returned; None when it is not a pair."""
    if not isinstance(returned, (tuple, list)) or len(returned) != 2:
        return None
    first, second = returned
    if (
        read(second, found, tolerance) is None
        and read(first, found, tolerance) is not None
        and (number := as_number(second)) is not None
        and number > 1
    ):
        return second, first, True
    return first, second, False


def expect_reading(value: Any, found: list[Outcome], tolerance: float, function: str) -> Reading:
    """The reading of an accuracy, or not judged: a wrong value is the value check's to charge."""
    reading = read(value, found, tolerance)
    if reading is None:
        not_judged(
            function,
            f"{function}'s accuracy is not right in any mode (another check charges this), so "
            f"its modes cannot be read from it",
            f"{function} 的准确率在任何模式下都不对（由另一项检查扣分），因此无法据此判断它的模式",
        )
    return reading


def expect_mode(reading: Reading, mode: str, function: str) -> None:
    """Fail when the numbers show training mode (`mode` "training") or autograd on (`mode` "grad")."""
    if mode == "training" and reading.outcome.training:
        fail(
            f"{function} ran the model in training mode (its numbers are those of model.train()); call "
            f"model.eval() first",
            f"{function} 在训练模式下运行模型（结果与 model.train() 时相同）；请先调用 model.eval()",
        )
    if mode == "grad" and reading.outcome.grad:
        fail(
            f"{function} ran the model with autograd on; wrap the loop in `with torch.no_grad():`",
            f"{function} 运行模型时自动求导仍开启；请把循环放进 `with torch.no_grad():`",
        )


def expect_fraction(value: Any, found: list[Outcome], tolerance: float, function: str) -> None:
    """Fail when the accuracy is a percentage or a count of correct images, or no fraction at all."""
    reading = read(value, found, tolerance)
    if reading is not None and reading.form == "percentage":
        fail(
            f"{function} returned the accuracy as a percentage; return a fraction in [0, 1]",
            f"{function} 返回的准确率是百分数；请返回 [0, 1] 之间的比例",
        )
    if reading is not None and reading.form == "count":
        fail(
            f"{function} returned the number of correct images; divide by the number of images",
            f"{function} 返回的是预测正确的图片数量；请除以图片总数",
        )
    number = as_number(value)
    if number is not None and not 0.0 <= number <= 1.0:
        fail(
            f"{function} returned an accuracy of {number:.6g}: it should be a fraction in [0, 1] (correct / "
            f"total)",
            f"{function} 的准确率为 {number:.6g}：应是 [0, 1] 之间的比例（正确数 / 总数）",
        )


def prepare(
    net: nn.Module, inputs: torch.Tensor, batch_size: int, loss: nn.Module, device: str
) -> tuple[torch.Tensor, list[Outcome], float]:
    """(labels to send, the outcome of each combination of modes, the accuracy tolerance on `device`): a GPU
    may break a near tie differently, so it gets two images' worth of slack."""
    labels = labels_for(net, inputs)
    tolerance = (2.5 if device.startswith("cuda") else 0.5) / len(labels)
    return labels, outcomes(net, inputs, labels, batch_size, loss), tolerance


def accuracy_of_pair(returned: Any, found: list[Outcome], tolerance: float) -> Any:
    """The accuracy 14's evaluate returned; not judged when it returned no pair
    (the value check charges that)."""
    pair = None if isinstance(returned, Exception) else split_pair(returned, found, tolerance)
    if pair is None:
        not_judged(
            "evaluate",
            "evaluate did not return (mean_loss, accuracy) (another check charges this)",
            "evaluate 没有返回 (mean_loss, accuracy)（由另一项检查扣分）",
        )
    return pair[1]


def expect_pair(returned: Any, found: list[Outcome], tolerance: float) -> None:
    """14's evaluate: a pair (mean loss, accuracy), each one number, right for the modes it ran in (the modes
    and the accuracy's form are charged by their own checks)."""
    pair = split_pair(returned, found, tolerance)
    if pair is None:
        fail(
            f"evaluate should return a pair (mean_loss, accuracy), got {describe_type(returned)}",
            f"evaluate 应返回 (mean_loss, accuracy) 两个值，实际是 {describe_type(returned, zh=True)}",
        )
    loss, accuracy, swapped = pair
    if swapped:
        fail(
            "evaluate returned (accuracy, mean_loss): return them in the order (mean_loss, accuracy)",
            "evaluate 返回的是 (accuracy, mean_loss)：请按 (mean_loss, accuracy) 的顺序返回",
        )
    loss_value = expect_number(loss, Text("evaluate's mean loss", "evaluate 的平均损失"))
    value = expect_number(
        accuracy, Text("evaluate's accuracy", "evaluate 的准确率"), "correct / total", "正确数 / 总数"
    )
    reading = read(accuracy, found, tolerance)
    if reading is None:
        fail(
            f"evaluate's accuracy: expected {found[0].accuracy:.6g} (correct / total), got {value:.6g}",
            f"evaluate 的准确率：期望 {found[0].accuracy:.6g}（正确数 / 总数），实际 {value:.6g}",
        )
    if not loss_matches(loss, reading.outcome):
        fail(
            f"evaluate's mean loss: expected {reading.outcome.losses[0]:.6g} (the loss per image, averaged "
            f"over the {COUNT} images), got {loss_value:.6g}",
            f"evaluate 的平均损失：期望 {reading.outcome.losses[0]:.6g}（{COUNT} 张图片每张损失的平均），"
            f"实际 {loss_value:.6g}",
        )
