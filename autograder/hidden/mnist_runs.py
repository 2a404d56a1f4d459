"""The training runs 18_mnist's checks share: train_mnist on the kit's networks and on the student's MLP.

Every run is audited (`training_audit`): the grader replays each Adam step itself from the state the
loop was in, so a run is judged step by step against what the grader computes, not against another
run of the worker's. The kit's networks (`autograder.worker.probe_nets`) judge the loop apart from the
student's networks; the student's MLP is trained only for the accuracy check, from the grader's start.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from autograder.checking import StudentProblem, not_judged
from autograder.hidden.step_replays import AdamSteps
from autograder.hidden.training_audit import Audit, Misfit, Run, audit, fetch
from autograder.worker.probe_nets import NETWORKS, seeded
from autograder.worker.probes import mnist as probes
from autograder.worker.trajectory import flat_state, layout, load_flat, one_thread

SEED = 18
EXACT = dict(count=64, epochs=2, lr=0.003, batch_size=32, shuffle=False)  # not Adam's default lr, 0.001
LONG = dict(count=201, epochs=1, lr=0.002, batch_size=1, shuffle=False)  # resets every 5 ... 200 batches show


def atol_on(device: str) -> float:
    return 1e-4 if device.startswith("cuda") else 1e-5


def limit_for(count: int, epochs: int, batch_size: int) -> int:
    return 4 * epochs * (-(-count // batch_size) + 1) + 16


def run_kit(
    proxy,
    network: str,
    digits: tuple,
    device: str,
    *,
    count: int,
    epochs: int,
    lr: float,
    batch_size: int,
    shuffle: bool,
    record: bool = False,
) -> Run | StudentProblem:
    """train_mnist on the kit's seeded `network` over the first `count` digits; the problem it hit, if any."""
    images, labels = digits
    try:
        return fetch(
            proxy,
            probes.train_kit,
            probes.states,
            network,
            images[:count],
            labels[:count],
            epochs=epochs,
            lr=lr,
            batch_size=batch_size,
            seed=SEED,
            device=device,
            shuffle=shuffle,
            record=record,
            limit=limit_for(count, epochs, batch_size),
            returned_key="returned",
        )
    except StudentProblem as problem:
        return problem


def kit_model(network: str) -> nn.Module:
    return seeded(NETWORKS[network], SEED)


def kit_audit(
    run: Run,
    network: str,
    digits: tuple,
    lr: float,
    epochs: int,
    steps: int,
    device: str,
    loss: nn.Module | None = None,
) -> Audit:
    """The audit of a run on the kit's `network`: every step replayed as Adam(lr) with `loss` (NLLLoss)."""
    model = kit_model(network)
    return audit(run, flat_state(model), adam_steps(model, digits, lr, device, loss), steps, epochs, lr)


def adam_steps(
    model: nn.Module, digits: tuple, lr: float, device: str, loss: nn.Module | None = None
) -> AdamSteps:
    images, labels = digits
    return AdamSteps(
        model,
        lambda chosen: probes.to_inputs(images[chosen]),
        torch.as_tensor(labels),
        loss or nn.NLLLoss(),
        torch.optim.Adam(model.parameters(), lr=lr),
        atol_on(device),
        layout=layout(model),
    )


def batch_losses(run: Run, network: str, digits: tuple) -> list[list[float]]:
    """The NLL loss of each batch, per epoch, computed here from the state the loop was in when it took it."""
    images, labels = digits
    model = kit_model(network).eval()
    epochs: dict[int, list[float]] = {}
    with one_thread(), torch.no_grad():
        for state, record in zip(run.states, run.records):
            if record.kind != "batch" or not record.indices:
                continue
            load_flat(model, state)
            value = nn.functional.nll_loss(
                model(probes.to_inputs(images[record.indices])), torch.as_tensor(labels[record.indices])
            )
            epochs.setdefault(record.pass_index, []).append(float(value))
    return [epochs[key] for key in sorted(epochs)]


def kit_outcome(run: Run | StudentProblem) -> Run:
    if isinstance(run, StudentProblem):
        raise run
    return run


def blocked_by_exact(
    run: Run | StudentProblem, verdict: Audit | None, more_en: str = "", more_zh: str = ""
) -> None:
    """Not judged when the loop's step is already wrong on the MLP (the exact check charges it)."""
    if isinstance(run, StudentProblem) or verdict is None or not verdict.ok:
        not_judged(
            "train_mnist",
            "train_mnist's steps are already wrong on the course's MLP "
            f"(training_makes_exactly_the_reference_adam_steps charges this){more_en}",
            "train_mnist 在课程的 MLP 上的训练步已经不对（由 training_makes_exactly_the_reference_adam_steps "
            f"扣分）{more_zh}",
        )


def student_run(
    proxy, digits: tuple, plan: Any, start: torch.Tensor, device: str
) -> Run | StudentProblem | Misfit:
    """train_mnist on the student's MLP from `start`, with the plan's settings; only the states where its
    passes start and end are read back (the audit replays every step between them)."""
    images, labels = digits
    try:
        return fetch(
            proxy,
            probes.train,
            probes.states,
            "MLP",
            images[: plan.train],
            labels[: plan.train],
            start=start,
            epochs=plan.epochs,
            lr=plan.lr,
            batch_size=plan.batch_size,
            seed=plan.seed,
            device=device,
            limit=plan.snapshot_limit,
            returned_key="returned",
            boundaries=True,
        )
    except (StudentProblem, Misfit) as problem:
        return problem
