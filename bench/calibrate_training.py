"""Calibrate a training exercise's accuracy threshold: the reference and broken loops, several seeds and
held-out keys.

Runs the same training probe the hidden check uses, in this process (only the kit's own code runs: the
reference and edits of it from tests/mutants.py), from the same starting parameters, and measures each
trained model on held-out sets drawn with several random keys (the grader's key is random per machine,
so the threshold must hold on every draw). Prints a Markdown table of held-out accuracies, min-max over
seeds x keys. The broken loops never reach the threshold check in grading (the exact-step check and the
audit of the run charge them first); their accuracies show the threshold would still tell them apart.

    python bench/calibrate_training.py --exercise 14_cifar10_training           # synthetic data
    python bench/calibrate_training.py --exercise 18_mnist --seeds 18 19 20 21 22 --keys 5
    python bench/calibrate_training.py --data-root ../shared/data --seeds 14 15 16
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import types
from pathlib import Path

import numpy as np
import torch

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))
sys.path.insert(0, str(KIT / "tests"))

from autograder import catalog  # noqa: E402
from autograder.data import DataStore  # noqa: E402
from autograder.hidden import training_report as report  # noqa: E402
from autograder.hidden.training_audit import fetch  # noqa: E402
from autograder.hidden.training_plans import plan_for  # noqa: E402
from autograder.worker import wire  # noqa: E402
from autograder.worker.probe_nets import seeded  # noqa: E402
from autograder.worker.probes import cifar10_training, mnist  # noqa: E402
from autograder.worker.trajectory import flat_state  # noqa: E402
from mutants import MUTANTS, apply, copy_solution  # noqa: E402

BROKEN = {
    "14_cifar10_training": (
        "training_without_zero_grad",
        "training_without_step",
        "training_ignores_lr",
        "training_shuffles_labels_against_images",
    ),
    "18_mnist": ("train_mnist_without_zero_grad", "train_mnist_with_sgd"),
}


def load(path: Path, name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


def variants(exercise: str, workdir: Path):
    yield "reference", load(catalog.get(exercise).solution_file, "calibration_reference")
    for mutant in MUTANTS:
        if mutant.name in BROKEN[exercise]:
            folder = copy_solution(exercise, workdir / mutant.name)
            apply(mutant, folder)
            yield mutant.name, load(folder / catalog.get(exercise).filename, f"calibration_{mutant.name}")


class InProcess:
    """The probes run here, their results through the wire codec, as the grader's proxies do."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module

    def probe(self, fn, *args, **kwargs):
        return wire.decode(wire.encode(fn(self.module, *args, **kwargs)))


def final_state(
    exercise: str, module, reference, images, labels, plan, seed: int, device: str
) -> torch.Tensor:
    """The parameters `module`'s loop leaves after the plan's run, from the grader's start, as the check runs
    it."""
    proxy, limit = InProcess(module), 10**6
    if exercise == "14_cifar10_training":
        start = flat_state(seeded(reference.CIFAR10Net, seed))
        run = fetch(
            proxy,
            cifar10_training.train,
            cifar10_training.states,
            images[: plan.train],
            labels[: plan.train],
            images[plan.train : plan.train + plan.val],
            labels[plan.train : plan.train + plan.val],
            start=start,
            epochs=plan.epochs,
            lr=plan.lr,
            batch_size=plan.batch_size,
            seed=seed,
            device=device,
            limit=limit,
            returned_key="history",
        )
    else:
        start = flat_state(seeded(reference.MLP, seed))
        run = fetch(
            proxy,
            mnist.train,
            mnist.states,
            "MLP",
            images[: plan.train],
            labels[: plan.train],
            start=start,
            epochs=plan.epochs,
            lr=plan.lr,
            batch_size=plan.batch_size,
            seed=seed,
            device=device,
            limit=limit,
            returned_key="returned",
        )
    return run.final


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", default="14_cifar10_training", choices=sorted(BROKEN))
    parser.add_argument("--data-root", type=Path, default=None)
    parser.add_argument("--seeds", type=int, nargs="+", default=[14, 15, 16])
    parser.add_argument("--keys", type=int, default=5, help="random held-out keys to measure each model on")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N: where the loops train")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    exercise = args.exercise
    cifar = exercise == "14_cifar10_training"
    data = DataStore(args.data_root)
    plan = plan_for(exercise, data)
    train = data.cifar("train") if cifar else data.mnist("train")
    reference = load(catalog.get(exercise).solution_file, "calibration_model")
    keys = [os.urandom(32) for _ in range(args.keys)]
    heldouts = []
    for key in keys:
        store = DataStore(args.data_root, heldout_key=key)
        heldout = store.heldout_cifar(plan.heldout) if cifar else store.heldout_mnist(plan.heldout)
        inputs = cifar10_training.to_inputs(heldout.images) if cifar else mnist.to_inputs(heldout.images)
        heldouts.append((inputs, torch.as_tensor(heldout.labels)))
    gpu = f", {torch.cuda.get_device_name(args.device)}" if args.device.startswith("cuda") else ""
    print(f"Data: {plan.data} ({data.describe()})\nPlan: {plan}")
    print(
        f"Machine: {platform.machine()}{gpu}, {torch.get_num_threads()} torch threads, torch "
        f"{torch.__version__}, load {os.getloadavg()[0]:.1f}\n"
    )
    print(
        f"| loop | held-out accuracy, {len(args.seeds)} seeds x {len(keys)} keys | train s |\n|---|---|---|"
    )
    with tempfile.TemporaryDirectory() as workdir:
        for name, module in variants(exercise, Path(workdir)):
            accuracies, seconds = [], 0.0
            for seed in args.seeds:
                order = np.random.default_rng(seed).permutation(len(train.labels))
                started = time.monotonic()
                state = final_state(
                    exercise,
                    module,
                    reference,
                    train.images[order],
                    train.labels[order],
                    plan,
                    seed,
                    args.device,
                )
                seconds += time.monotonic() - started
                model = reference.CIFAR10Net() if cifar else reference.MLP()
                loss = torch.nn.CrossEntropyLoss() if cifar else torch.nn.NLLLoss()
                accuracies += [
                    report.measure(model, state, inputs, labels, loss).accuracy for inputs, labels in heldouts
                ]
            print(
                f"| {name} | {min(accuracies):.1%}-{max(accuracies):.1%} | {seconds / len(args.seeds):.1f} |",
                flush=True,
            )
    print(f"\nThreshold: {plan.threshold:.0%}")


if __name__ == "__main__":
    main()
