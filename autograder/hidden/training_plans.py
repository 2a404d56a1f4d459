"""How much the training exercises train, on what, and the held-out accuracy a correct loop must reach.

One plan type for every exercise that trains (14 and 18 today), chosen by the data in use (synthetic or
real) and the same on every device: only the speed differs. The thresholds were calibrated with
`bench/calibrate_training.py` over several held-out keys (docs/calibration.md): the reference clears
them with margin on every draw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TrainingPlan:
    """One exercise's training run: `train` images in batches of `batch_size` for `epochs` epochs with
    learning rate `lr`; `val` more images handed to the student's loop as its test loader (0: none);
    accuracy measured by the grader on `heldout` images it never sends, against `threshold`."""

    exercise: str
    data: str  # "synthetic" or "real"
    train: int
    val: int
    heldout: int
    epochs: int
    lr: float
    batch_size: int
    threshold: float
    seed: int

    @property
    def batches(self) -> int:
        """Batches in one epoch (the last one may be smaller)."""
        return math.ceil(self.train / self.batch_size)

    @property
    def steps(self) -> int:
        """Optimizer steps a correct loop makes: one per batch, every epoch."""
        return self.epochs * self.batches

    @property
    def snapshot_limit(self) -> int:
        """How many states a run may record before the audit calls it too long (four times a correct run)."""
        return 4 * (self.steps + self.epochs) + 16

    def artifact(self) -> dict[str, Any]:
        """The plan as the "training" artifact shows it."""
        return {
            "epochs": self.epochs,
            "lr": self.lr,
            "batch_size": self.batch_size,
            "train": self.train,
            "heldout": self.heldout,
            "threshold": self.threshold,
            "data": self.data,
        }


PLANS = {
    ("14_cifar10_training", "synthetic"): TrainingPlan(
        "14_cifar10_training",
        "synthetic",
        train=2000,
        val=500,
        heldout=1000,
        epochs=2,
        lr=0.03,
        batch_size=64,
        threshold=0.80,
        seed=14,
    ),
    ("14_cifar10_training", "real"): TrainingPlan(
        "14_cifar10_training",
        "real",
        train=20000,
        val=1000,
        heldout=2000,
        epochs=1,
        lr=0.04,
        batch_size=64,
        threshold=0.33,
        seed=14,
    ),
    ("18_mnist", "synthetic"): TrainingPlan(
        "18_mnist",
        "synthetic",
        train=2000,
        val=0,
        heldout=1000,
        epochs=2,
        lr=0.002,
        batch_size=64,
        threshold=0.80,
        seed=18,
    ),
    ("18_mnist", "real"): TrainingPlan(
        "18_mnist",
        "real",
        train=6000,
        val=0,
        heldout=2000,
        epochs=1,
        lr=0.002,
        batch_size=64,
        threshold=0.85,
        seed=18,
    ),
}


def plan_for(exercise: str, data: Any) -> TrainingPlan:
    """The plan of `exercise` for the data store `data` (real CIFAR-10 / MNIST when it has them)."""
    real = data.uses_real_cifar if exercise == "14_cifar10_training" else data.uses_real_mnist
    return PLANS[(exercise, "real" if real else "synthetic")]
