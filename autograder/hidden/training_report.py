"""The "training" artifact of the exercises that train (14, 18): curves, a confusion matrix, images gotten
wrong.

Everything in it comes from the grading run that gives the points: the student's history as their
function returned it; the grader's own held-out loss and accuracy, measured from the states the
audited run recorded at the end of each epoch; the reference loop's curve on the same data and plan
(trained once per machine and cached, since it is the same for every student); the held-out
confusion matrix of the final state; and up to MISCLASSIFIED held-out images it gets wrong, as
small PNG data URIs. The shape is the contract in COORDINATION.md.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import nn

from autograder.checking import attach
from autograder.hidden.numbers import as_number
from autograder.hidden.training_audit import epoch_ends
from autograder.hidden.training_plans import TrainingPlan
from autograder.worker.trajectory import load_flat

MISCLASSIFIED = 16
BATCH = 500
HISTORY_KEYS = ("train_loss", "test_loss", "test_accuracy")


@dataclass
class Measurement:
    """A state's loss and accuracy on the held-out set, and its predictions there."""

    loss: float
    accuracy: float
    predictions: torch.Tensor


def measure(
    model: nn.Module, state: torch.Tensor, inputs: torch.Tensor, labels: torch.Tensor, loss: nn.Module
) -> Measurement:
    """Load `state` into `model` and evaluate it on `inputs`, in eval mode without autograd, in the grader."""
    load_flat(model, state)
    model.eval()
    outputs = []
    with torch.no_grad():
        for begin in range(0, len(inputs), BATCH):
            outputs.append(model(inputs[begin : begin + BATCH]))
        logits = torch.cat(outputs)
        mean_loss = float(loss(logits, labels))
    predictions = logits.argmax(dim=1)
    return Measurement(mean_loss, float((predictions == labels).double().mean()), predictions)


def grader_history(measurements: list[Measurement]) -> list[dict[str, Any]]:
    return [
        {"epoch": epoch, "heldout_loss": m.loss, "heldout_accuracy": m.accuracy}
        for epoch, m in enumerate(measurements, 1)
    ]


def _plain(value: Any) -> float | None:
    """A finite number for the JSON artifact, or None."""
    number = as_number(value)
    return number if number is not None and math.isfinite(number) else None


def student_history(returned: Any, epochs: int) -> list[dict[str, Any]]:
    """The student's per-epoch records as plain numbers (None where a value is not one number), at most
    `epochs` + 2 of them: a list of dicts (14's history) or a list of losses (18's train_mnist)."""
    if not isinstance(returned, list):
        return []
    history = []
    for index, item in enumerate(returned[: epochs + 2], 1):
        record: dict[str, float | None]
        if isinstance(item, dict):
            epoch = _plain(item.get("epoch"))
            record = {"epoch": int(epoch) if epoch is not None else index}
            record.update({key: _plain(item.get(key)) for key in HISTORY_KEYS})
        else:
            record = {"epoch": index, "train_loss": _plain(item), "test_loss": None, "test_accuracy": None}
        history.append(record)
    return history


def confusion_matrix(predictions: torch.Tensor, labels: torch.Tensor, classes: int) -> list[list[int]]:
    """Rows are the true classes, columns the predicted ones."""
    counts = torch.bincount(labels * classes + predictions, minlength=classes * classes)
    return counts.reshape(classes, classes).tolist()


def png_uri(pixels: np.ndarray) -> str:
    """A uint8 (H, W) or (H, W, 3) image as a PNG data URI."""
    image = Image.fromarray(np.ascontiguousarray(pixels), "L" if pixels.ndim == 2 else "RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def misclassified(
    images: np.ndarray, labels: torch.Tensor, predictions: torch.Tensor
) -> list[dict[str, Any]]:
    """Up to MISCLASSIFIED held-out images the model gets wrong, in held-out order, with both labels."""
    wrong = torch.nonzero(predictions != labels).reshape(-1)[:MISCLASSIFIED].tolist()
    return [
        {"image": png_uri(images[i]), "true": int(labels[i]), "predicted": int(predictions[i])} for i in wrong
    ]


def artifact(
    plan: TrainingPlan,
    returned: Any,
    measurements: list[Measurement],
    reference: list[dict[str, Any]],
    classes: list[str],
    images: np.ndarray,
    labels: torch.Tensor,
) -> dict[str, Any]:
    """The "training" artifact of one run (see the module's docstring)."""
    final = measurements[-1].predictions if measurements else None
    return {
        "plan": plan.artifact(),
        "student_history": student_history(returned, plan.epochs),
        "grader_history": grader_history(measurements),
        "reference_history": reference,
        "classes": list(classes),
        "confusion_matrix": confusion_matrix(final, labels, len(classes)) if final is not None else [],
        "misclassified": misclassified(images, labels, final) if final is not None else [],
    }


_memory: dict[str, list[dict[str, Any]]] = {}


def reference_curve(
    data: Any,
    plan: TrainingPlan,
    heldout: Any,
    reference_source: str,
    compute: Callable[[], list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """The reference loop's held-out curve for this plan, data and held-out draw: from this process, else from
    `<cache>/reference-curves/`, else `compute()`d (a full reference run, once per machine) and stored
    there."""
    digest = hashlib.sha256(heldout.labels.tobytes() + heldout.images.tobytes()).hexdigest()
    identity = {
        "plan": plan.artifact(),
        "data": data.describe(),
        "heldout": digest,
        "torch": torch.__version__,
        "reference": hashlib.sha256(reference_source.encode()).hexdigest(),
    }
    key = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:24]
    if key in _memory:
        return _memory[key]
    path = Path(data.cache) / "reference-curves" / f"{key}.json"
    try:
        curve = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        curve = compute()
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(json.dumps(curve), encoding="utf-8")
        os.replace(partial, path)
    _memory[key] = curve
    return curve


def record_run(
    plan: TrainingPlan,
    data: Any,
    heldout: Any,
    inputs: torch.Tensor,
    run: Any,
    epoch_states: list[int],
    model: nn.Module,
    loss: nn.Module,
    classes: list[str],
    reference_source: str,
    reference_run: Callable[[], Any],
) -> float:
    """Measure the run's epochs on the held-out set (`inputs`, `heldout.labels`), attach the "training"
    artifact with the reference's curve (`reference_run()` runs the reference loop when no curve is cached),
    and return the final held-out accuracy."""
    labels = torch.as_tensor(heldout.labels)
    measured = [measure(model, run.states[i], inputs, labels, loss) for i in epoch_states]
    measured = measured or [measure(model, run.final, inputs, labels, loss)]

    def reference_epochs() -> list[dict[str, Any]]:
        ran = reference_run()
        return grader_history([measure(model, ran.states[i], inputs, labels, loss) for i in epoch_ends(ran)])

    curve = reference_curve(data, plan, heldout, reference_source, reference_epochs)
    attach("training", artifact(plan, run.returned, measured, curve, classes, heldout.images, labels))
    return measured[-1].accuracy
