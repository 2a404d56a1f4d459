"""Calibrate the training exercise's accuracy threshold: the reference and each broken loop, several seeds.

Runs the same training probe and held-out measurement the hidden check uses, in
this process (only the kit's own code runs: the reference and edits of it from
tests/mutants.py), and prints a Markdown table of held-out accuracies.

    python bench/calibrate_training.py                      # synthetic data
    python bench/calibrate_training.py --data-root ../shared/data --seeds 14 15 16
"""
from __future__ import annotations

import argparse
import importlib.util
import platform
import sys
import tempfile
import time
from pathlib import Path

import torch

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))
sys.path.insert(0, str(KIT / "tests"))

from autograder import catalog  # noqa: E402
from autograder.data import DataStore  # noqa: E402
from autograder.hidden import test_14_cifar10_training as check  # noqa: E402
from autograder.worker import probes  # noqa: E402
from mutants import MUTANTS, apply, copy_solution  # noqa: E402

BROKEN = ("training_without_zero_grad", "training_without_step", "training_ignores_lr",
          "training_shuffles_labels_against_images")


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def variants(workdir: Path):
    yield "reference", load(catalog.get("14_cifar10_training").solution_file, "calibration_reference")
    for mutant in MUTANTS:
        if mutant.name in BROKEN:
            folder = copy_solution(mutant.exercise, workdir / mutant.name)
            apply(mutant, folder)
            yield mutant.name, load(folder / "train.py", f"calibration_{mutant.name}")


class Reference:
    """What heldout_accuracy needs of the `reference` fixture."""

    def __init__(self, module) -> None:
        self.module = module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", type=Path, default=None)
    parser.add_argument("--seeds", type=int, nargs="+", default=[14, 15, 16])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N: where the loops train")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = DataStore(args.data_root)
    kind, plan = check.plan_for(data)
    train = probes.lookup("cifar10_training.train")
    images, labels = data.cifar("train").images, data.cifar("train").labels
    print(f"Data: {kind} ({data.describe()})")
    print(f"Plan: {plan}")
    gpu = f", {torch.cuda.get_device_name(args.device)}" if args.device.startswith("cuda") else ""
    print(f"Machine: {platform.machine()}{gpu}, {torch.get_num_threads()} torch threads, torch {torch.__version__}\n")
    print("| loop | " + " | ".join(f"seed {s}" for s in args.seeds) + " | train s |")
    print("|---|" + "---|" * (len(args.seeds) + 1))
    with tempfile.TemporaryDirectory() as workdir:
        for name, module in variants(Path(workdir)):
            accuracies, seconds = [], 0.0
            for seed in args.seeds:
                import numpy as np

                order = np.random.default_rng(seed).permutation(len(labels))
                shuffled_images, shuffled_labels = images[order], labels[order]
                started = time.monotonic()
                result = train(module, shuffled_images[:plan.train], shuffled_labels[:plan.train],
                               shuffled_images[plan.train:plan.train + plan.val],
                               shuffled_labels[plan.train:plan.train + plan.val], epochs=plan.epochs, lr=plan.lr,
                               batch_size=plan.batch_size, seed=seed, device=args.device)
                seconds += time.monotonic() - started
                accuracies.append(check.heldout_accuracy(Reference(module), data, result["state"], plan.heldout))
            cells = " | ".join(f"{a:.1%}" for a in accuracies)
            print(f"| {name} | {cells} | {seconds / len(args.seeds):.1f} |", flush=True)
    print(f"\nThreshold: {plan.threshold:.0%}")


if __name__ == "__main__":
    main()
