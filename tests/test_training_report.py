"""The "training" artifact: the shape COORDINATION.md promises, numbers only from the grading run, images
small.

The pieces are tested here on their own; one grading run of 18_mnist checks the artifact a real grading
attaches (the same run's numbers as its checks), and 14's is checked in the slow tier.
"""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import pytest
import torch
from PIL import Image

from autograder import catalog
from autograder.hidden import training_report as report
from autograder.hidden.training_plans import PLANS

PLAN = PLANS[("18_mnist", "synthetic")]


def decode(uri: str) -> Image.Image:
    assert uri.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def test_the_student_history_keeps_numbers_and_nothing_else():
    returned = [
        {
            "epoch": 1,
            "train_loss": torch.tensor(0.5),
            "test_loss": 0.25,
            "test_accuracy": torch.tensor(0.9),
            "note": "<script>",
        },
        {"epoch": torch.tensor(2), "train_loss": float("nan"), "test_loss": [1, 2], "test_accuracy": "high"},
    ]
    assert report.student_history(returned, 2) == [
        {"epoch": 1, "train_loss": 0.5, "test_loss": 0.25, "test_accuracy": pytest.approx(0.9)},
        {"epoch": 2, "train_loss": None, "test_loss": None, "test_accuracy": None},
    ]
    assert report.student_history([0.7, torch.tensor(0.3)], 2) == [
        {"epoch": 1, "train_loss": 0.7, "test_loss": None, "test_accuracy": None},
        {"epoch": 2, "train_loss": pytest.approx(0.3), "test_loss": None, "test_accuracy": None},
    ]
    assert len(report.student_history(list(range(1000)), 2)) == 4
    assert report.student_history("not a list", 2) == []


def test_confusion_matrix_rows_are_true_classes():
    labels, predictions = torch.tensor([0, 0, 1, 2, 2, 2]), torch.tensor([0, 1, 1, 2, 0, 2])
    assert report.confusion_matrix(predictions, labels, 3) == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_at_most_sixteen_misclassified_images_as_small_pngs():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(40, 28, 28), dtype=np.uint8)
    labels, predictions = torch.zeros(40, dtype=torch.int64), torch.ones(40, dtype=torch.int64)
    predictions[3] = 0
    wrong = report.misclassified(images, labels, predictions)
    assert len(wrong) == report.MISCLASSIFIED == 16
    assert [w["true"] for w in wrong] == [0] * 16 and [w["predicted"] for w in wrong] == [1] * 16
    first = decode(wrong[0]["image"])
    assert first.size == (28, 28) and first.mode == "L"
    assert np.array_equal(np.asarray(first), images[0])
    colour = decode(report.png_uri(rng.integers(0, 256, size=(32, 32, 3), dtype=np.uint8)))
    assert colour.size == (32, 32) and colour.mode == "RGB"


def test_the_reference_curve_is_computed_once_per_machine(tmp_path):
    class Data:
        cache = tmp_path

        def describe(self) -> str:
            return "synthetic"

    class Heldout:
        images, labels = np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.int64)

    calls = []

    def compute():
        calls.append(1)
        return [{"epoch": 1, "heldout_loss": 0.5, "heldout_accuracy": 0.9}]

    curve = report.reference_curve(Data(), PLAN, Heldout(), "source", compute)
    report._memory.clear()  # a new grading process: only the file on disk is left
    again = report.reference_curve(Data(), PLAN, Heldout(), "source", compute)
    assert curve == again and len(calls) == 1
    assert len(list((tmp_path / "reference-curves").glob("*.json"))) == 1
    report.reference_curve(Data(), PLAN, Heldout(), "changed source", compute)
    assert len(calls) == 2


def check_artifact(artifact: dict, plan, classes: int) -> None:
    assert set(artifact) == {
        "plan",
        "student_history",
        "grader_history",
        "reference_history",
        "classes",
        "confusion_matrix",
        "misclassified",
    }
    assert artifact["plan"] == plan.artifact()
    assert set(artifact["plan"]) == {"epochs", "lr", "batch_size", "train", "heldout", "threshold", "data"}
    for history in ("grader_history", "reference_history"):
        assert [r["epoch"] for r in artifact[history]] == list(range(1, plan.epochs + 1))
        assert all(set(r) == {"epoch", "heldout_loss", "heldout_accuracy"} for r in artifact[history])
        assert all(
            0 <= r["heldout_accuracy"] <= 1 and math.isfinite(r["heldout_loss"]) for r in artifact[history]
        )
    assert all(
        set(r) == {"epoch", "train_loss", "test_loss", "test_accuracy"} for r in artifact["student_history"]
    )
    assert len(artifact["classes"]) == classes
    matrix = artifact["confusion_matrix"]
    assert len(matrix) == classes and all(len(row) == classes for row in matrix)
    assert sum(map(sum, matrix)) == plan.heldout
    correct = sum(matrix[i][i] for i in range(classes))
    assert correct / plan.heldout == pytest.approx(artifact["grader_history"][-1]["heldout_accuracy"])
    wrong = artifact["misclassified"]
    assert len(wrong) == min(report.MISCLASSIFIED, plan.heldout - correct)
    assert all(w["true"] != w["predicted"] and matrix[w["true"]][w["predicted"]] > 0 for w in wrong)


def test_grading_18_attaches_the_training_artifact_of_that_run(grade):
    (exercise,) = grade(catalog.SOLUTIONS_DIR, exercises=["18_mnist"]).exercises
    artifact = exercise.artifacts["training"]
    check_artifact(artifact, PLAN, 10)
    accuracy = next(c for c in exercise.checks if c.name == "trained_mlp_reaches_the_accuracy_threshold")
    assert f"{artifact['grader_history'][-1]['heldout_accuracy']:.1%}" in accuracy.message
    assert [r["train_loss"] is not None for r in artifact["student_history"]] == [True] * PLAN.epochs


@pytest.mark.slow
def test_grading_14_attaches_the_training_artifact_of_that_run(grade):
    (exercise,) = grade(catalog.SOLUTIONS_DIR, exercises=["14_cifar10_training"], time_scale=3).exercises
    plan = PLANS[("14_cifar10_training", "synthetic")]
    check_artifact(exercise.artifacts["training"], plan, 10)
    assert exercise.artifacts["training"]["classes"][0] == "airplane"
    assert exercise.score == exercise.max_score
