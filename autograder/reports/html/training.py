"""The training block of a student page, from an exercise's "training" artifact (see COORDINATION.md).

Every number shown comes from the artifact, that is from the same grading run as the scores: the
student's history as their `train` returned it, the grader's own held-out measurement of their model
after each epoch, and the reference loop's curve on the same data and plan. Nothing is recomputed
here; values that are not finite numbers are left out of the charts and shown as a dash.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from autograder.i18n import Text
from autograder.reports.html.charts import Confusion, LineChart, SeriesData, confusion, line_chart

PNG_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/]+={0,2}")
IMAGE_LIMIT = 400_000  # characters of one data URI
DATA = {"synthetic": Text("generated images", "合成图片"), "real": Text("real images", "真实图片")}


def measured(value: Any) -> float | None:
    """An int or float from the artifact as a float (NaN and infinities kept: a loss that blew up is
    worth showing); None for anything else, bools too."""
    return None if isinstance(value, bool) or not isinstance(value, (int, float)) else float(value)


def number(value: Any) -> float | None:
    """A finite number from the artifact as a float, else None: what a chart can plot."""
    found = measured(value)
    return found if found is not None and math.isfinite(found) else None


def png_uri(value: Any) -> str | None:
    """`value` when it is a base64 PNG data URI of a sane length; None otherwise (never shown)."""
    if isinstance(value, str) and len(value) <= IMAGE_LIMIT and PNG_URI.fullmatch(value):
        return value
    return None


@dataclass(frozen=True)
class Plan:
    epochs: int
    lr: float | None
    batch_size: int | None
    train: int | None
    heldout: int | None
    threshold: float | None
    data: Text  # which images: generated or real


@dataclass(frozen=True)
class EpochRow:
    """One epoch in the numbers table: what the student's loop returned, and what the grader measured."""

    epoch: int
    train_loss: float | None
    test_loss: float | None
    test_accuracy: float | None
    heldout_loss: float | None
    heldout_accuracy: float | None
    reference_loss: float | None
    reference_accuracy: float | None


@dataclass(frozen=True)
class Thumb:
    image: str
    true: str
    predicted: str


@dataclass(frozen=True)
class TrainingView:
    plan: Plan
    final_accuracy: float | None  # the grader's held-out accuracy after the last epoch
    reference_accuracy: float | None
    loss: LineChart
    accuracy: LineChart
    rows: list[EpochRow]
    confusion: Confusion | None
    misclassified: list[Thumb]
    not_numbers: list[Text]  # series that hold NaN or an infinity, and at which epochs


RETURNED = Text("your train() returned: ", "你的 train() 返回：")
GRADER = Text("your model on held-out data (measured by the grader)", "你的模型在保留数据上（评分程序测得）")
REFERENCE = Text("reference loop, same data and plan", "参考训练循环（相同数据与设置）")
SERIES = {  # artifact column: (name, style class)
    "train_loss": (RETURNED + Text("training loss", "训练损失"), "s-returned"),
    "test_loss": (RETURNED + Text("test loss", "测试损失"), "s-returned-test"),
    "test_accuracy": (RETURNED + Text("test accuracy", "测试准确率"), "s-returned-test"),
    "heldout_loss": (GRADER, "s-grader"),
    "heldout_accuracy": (GRADER, "s-grader"),
    "reference_loss": (REFERENCE, "s-reference"),
    "reference_accuracy": (REFERENCE, "s-reference"),
}


def _records(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _by_epoch(records: list[dict[str, Any]], key: str) -> dict[int, float | None]:
    table: dict[int, float | None] = {}
    for index, record in enumerate(records, 1):
        epoch = number(record.get("epoch"))
        table[int(epoch) if epoch is not None and epoch == int(epoch) and 0 < epoch < 10_000 else index] = (
            measured(record.get(key))
        )
    return table


def _plan(value: Any, epochs: int) -> Plan:
    plan = value if isinstance(value, dict) else {}

    def whole(key: str) -> int | None:
        found = number(plan.get(key))
        return int(found) if found is not None else None

    return Plan(
        whole("epochs") or epochs,
        number(plan.get("lr")),
        whole("batch_size"),
        whole("train"),
        whole("heldout"),
        number(plan.get("threshold")),
        DATA.get(str(plan.get("data")), Text.plain("–")),
    )


def _matrix(value: Any, classes: int) -> list[list[int]] | None:
    if not isinstance(value, list) or not value or len(value) > 100:
        return None
    rows = [
        [int(c) for c in row] if isinstance(row, list) and all(number(c) is not None for c in row) else None
        for row in value
    ]
    if any(row is None or len(row) != len(value) for row in rows):
        return None
    return rows  # type: ignore[return-value]


def training_view(artifact: Any) -> TrainingView | None:
    """The block's content, or None when the artifact is not a training artifact at all."""
    if not isinstance(artifact, dict):
        return None
    student, grader = _records(artifact.get("student_history")), _records(artifact.get("grader_history"))
    reference = _records(artifact.get("reference_history"))
    columns = {
        "train_loss": _by_epoch(student, "train_loss"),
        "test_loss": _by_epoch(student, "test_loss"),
        "test_accuracy": _by_epoch(student, "test_accuracy"),
        "heldout_loss": _by_epoch(grader, "heldout_loss"),
        "heldout_accuracy": _by_epoch(grader, "heldout_accuracy"),
        "reference_loss": _by_epoch(reference, "heldout_loss"),
        "reference_accuracy": _by_epoch(reference, "heldout_accuracy"),
    }
    epochs = sorted({e for column in columns.values() for e in column})
    if not epochs:
        return None
    plan = _plan(artifact.get("plan"), max(epochs))
    rows = [EpochRow(e, *(columns[key].get(e) for key in columns)) for e in epochs]

    def series(*keys: str) -> list[SeriesData]:
        return [SeriesData(SERIES[k][0], SERIES[k][1], sorted(columns[k].items())) for k in keys]

    span = max(plan.epochs, max(epochs))
    loss = line_chart(
        Text("Loss per epoch", "每轮损失"),
        series("train_loss", "test_loss", "heldout_loss", "reference_loss"),
        span,
    )
    guides = (
        [(plan.threshold, Text("accuracy needed", "需要达到的准确率"))] if plan.threshold is not None else []
    )
    accuracy = line_chart(
        Text("Accuracy per epoch", "每轮准确率"),
        series("test_accuracy", "heldout_accuracy", "reference_accuracy"),
        span,
        True,
        guides,
    )
    classes = (
        [str(c) for c in artifact.get("classes", [])] if isinstance(artifact.get("classes"), list) else []
    )
    matrix = _matrix(artifact.get("confusion_matrix"), len(classes))
    thumbs = []
    for item in _records(artifact.get("misclassified"))[:32]:
        image, true, predicted = (
            png_uri(item.get("image")),
            number(item.get("true")),
            number(item.get("predicted")),
        )
        if image and true is not None and predicted is not None:
            thumbs.append(Thumb(image, _name(classes, int(true)), _name(classes, int(predicted))))
    return TrainingView(
        plan,
        _last(columns["heldout_accuracy"]),
        _last(columns["reference_accuracy"]),
        loss,
        accuracy,
        rows,
        confusion(matrix, classes) if matrix else None,
        thumbs,
        _not_numbers(columns),
    )


SUBJECTS = {  # whose number it is, for the sentence that says it is not a number
    "train_loss": Text("The training loss your train() returned", "你的 train() 返回的训练损失"),
    "test_loss": Text("The test loss your train() returned", "你的 train() 返回的测试损失"),
    "test_accuracy": Text("The test accuracy your train() returned", "你的 train() 返回的测试准确率"),
    "heldout_loss": Text(
        "The held-out loss the grader measured for your model", "评分程序测得的你的模型的保留数据损失"
    ),
    "heldout_accuracy": Text(
        "The held-out accuracy the grader measured for your model", "评分程序测得的你的模型的保留数据准确率"
    ),
    "reference_loss": Text("The reference loop's held-out loss", "参考训练循环的保留数据损失"),
    "reference_accuracy": Text("The reference loop's held-out accuracy", "参考训练循环的保留数据准确率"),
}


def _not_numbers(columns: dict[str, dict[int, float | None]]) -> list[Text]:
    """A sentence for every column holding NaN or an infinity, naming the epochs."""
    notes = []
    for key, column in columns.items():
        epochs = ", ".join(
            str(e) for e, v in sorted(column.items()) if v is not None and not math.isfinite(v)
        )
        if epochs:
            notes.append(
                SUBJECTS[key]
                + Text(
                    f" is not a number (NaN or infinite) at epoch {epochs}.",
                    f"在第 {epochs} 轮不是有限数（NaN 或无穷大）。",
                )
            )
    return notes


def _last(column: dict[int, float | None]) -> float | None:
    """The finite value of the last epoch that has one."""
    found = [value for _, value in sorted(column.items()) if value is not None and math.isfinite(value)]
    return found[-1] if found else None


def _name(classes: list[str], index: int) -> str:
    return classes[index] if 0 <= index < len(classes) else str(index)
