"""The training runs 14_cifar10_training's checks share, and who charges a run that fails.

A run is started through a proxy (the student's worker, or the reference in the grader) from the
start the grader chose, and read back whole (`training_audit.fetch`). A run that raised is kept as
its problem: only the check that owns the run reports it; the others are "not judged" (`blocked`).
The short runs (one epoch over two fixed batches) are compared with the reference's, and
`step_verdict` names what is wrong with the student's step, so that each check charges only its own.
"""

from __future__ import annotations

from typing import Any

import torch

from autograder.checking import StudentProblem, fail, not_judged
from autograder.hidden.step_replays import SGDSteps
from autograder.hidden.training_audit import Audit, Misfit, Run, audit, fetch
from autograder.hidden.training_plans import TrainingPlan
from autograder.worker.probes import cifar10_training as probes

EXACT = dict(count=64, val=64, epochs=1, lr=0.05, batch_size=32, shuffle=False)
GPU_ATOL = 1e-4  # cuDNN's convolution algorithms differ from the CPU's in the last bits


def atol_on(device: str) -> float:
    return GPU_ATOL if device.startswith("cuda") else 1e-5


def run_train(
    proxy,
    splits: tuple,
    plan: TrainingPlan,
    start: torch.Tensor,
    device: str,
    count: int,
    val: int,
    **settings: Any,
) -> Run:
    """train() through `proxy` on the first `count` training images (the next `val` as its test loader)."""
    images, labels = splits
    arguments = {"epochs": plan.epochs, "lr": plan.lr, "batch_size": plan.batch_size, **settings}
    batches = -(-count // arguments["batch_size"])
    limit = 4 * (arguments["epochs"] * (batches + 1)) + 16
    return fetch(
        proxy,
        probes.train,
        probes.states,
        images[:count],
        labels[:count],
        images[plan.train : plan.train + val],
        labels[plan.train : plan.train + val],
        start=start,
        seed=plan.seed,
        device=device,
        limit=limit,
        returned_key="history",
        **arguments,
    )


def attempt(proxy, *args: Any, **kwargs: Any) -> Run | StudentProblem | Misfit:
    """The run, or the problem it hit (kept, so that only the check that owns the run reports it)."""
    try:
        return run_train(proxy, *args, **kwargs)
    except (StudentProblem, Misfit) as problem:
        return problem


def outcome(run: Run | StudentProblem | Misfit) -> Run:
    """The run, for the check that owns it: its problem is that check's verdict."""
    if isinstance(run, Misfit):
        fail(
            f"the model's parameters have shapes {run.args[0]}, which do not fit the given CIFAR10Net: "
            f"keep the given class as it is",
            f"模型参数的形状为 {run.args[0]}，与给定的 CIFAR10Net 不符：请不要修改给定的网络",
        )
    if isinstance(run, StudentProblem):
        raise run
    return run


def blocked(run: Run | StudentProblem | Misfit, what_en: str, what_zh: str) -> None:
    """Not judged when the run this check needs did not complete: the check that owns that run charges it."""
    if not isinstance(run, Run):
        not_judged(
            "train",
            f"train() did not complete {what_en}, which another check charges",
            f"train() 没能完成{what_zh}，由另一项检查扣分",
        )


def same(run: Run, expected: torch.Tensor, device: str) -> bool:
    return bool(torch.allclose(run.final, expected, atol=atol_on(device), rtol=1e-4))


def step_verdict(short_runs: dict[str, Any], start: torch.Tensor, device: str) -> str:
    """What the student's short run shows: "right", "error", "unchanged" (nothing trained), "lr" (lr ignored:
    the lr=0 run moved too) or "wrong" (anything else about the step)."""
    run, frozen = short_runs["student"], short_runs["frozen"]
    if not isinstance(run, Run):
        return "error"
    if same(run, short_runs["reference"].final, device):
        return "right"
    if torch.equal(run.final, start):
        return "unchanged"
    if isinstance(frozen, Run) and not torch.equal(frozen.final, start):
        return "lr"
    return "wrong"


def audit_run(
    run: Any, model: torch.nn.Module, splits: tuple, plan: TrainingPlan, start: torch.Tensor, device: str
) -> Audit | None:
    """The audit of a completed full run (None for a run that did not complete), replayed with `model`."""
    if not isinstance(run, Run):
        return None
    images, labels = splits
    steps = SGDSteps(
        model,
        lambda chosen: probes.to_inputs(images[chosen]),
        torch.as_tensor(labels),
        torch.nn.CrossEntropyLoss(),
        torch.optim.SGD(model.parameters(), lr=plan.lr),
        atol_on(device),
    )
    return audit(run, start, steps, plan.steps, plan.epochs, plan.lr)


WHY_NOT_RIGHT = {
    "error": (
        "train() raised an error on one epoch of two batches "
        "(one_epoch_makes_exactly_the_reference_sgd_steps reports it)",
        "train() 在两个 batch 的一个 epoch 上出错（由 one_epoch_makes_exactly_the_reference_sgd_steps 报告）",
    ),
    "unchanged": (
        "train() leaves the parameters unchanged (model_is_trained_in_place charges this)",
        "train() 没有改变参数（由 model_is_trained_in_place 扣分）",
    ),
    "lr": (
        "train() does not use the given lr (the_given_learning_rate_is_used charges this)",
        "train() 没有使用给定的 lr（由 the_given_learning_rate_is_used 扣分）",
    ),
    "wrong": (
        "train()'s steps are not plain SGD steps (one_epoch_makes_exactly_the_reference_sgd_steps charges "
        "this)",
        "train() 的训练步不是普通 SGD（由 one_epoch_makes_exactly_the_reference_sgd_steps 扣分）",
    ),
}


def blocked_by_steps(verdict: str, consequence_en: str, consequence_zh: str) -> None:
    """Not judged when the short run already shows what is wrong with train()'s step
    (its own check charges it)."""
    if verdict != "right":
        en, zh = WHY_NOT_RIGHT[verdict]
        not_judged("train", f"{en}, so {consequence_en}", f"{zh}，因此{consequence_zh}")
