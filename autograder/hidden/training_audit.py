"""Judging a training run on the run itself: the weights measured must come from the loop's own steps.

The worker records the model's state each time the audited training loader hands out a batch
(`autograder.worker.trajectory`). Here, in the grader, `fetch` reads the run back, and `audit` checks
it: the first state is the start the grader chose; between passes nothing changes; every change
while a batch is out is one optimizer step on that batch, replayed by the grader with the
reference's network (`step_replays`. `SGDSteps`: the last step, the two largest and three chosen at
random after the run, since a CIFAR-10 step costs as much to replay as to take; `AdamSteps`: every step, in
order, since Adam's moments carry over and an MLP step is cheap); the number of steps is the plan's.
A loaded weights file, an extra loop, a learning-rate schedule or training on other data each leave a
state that no single step explains.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass

import torch

from autograder.checking import Text
from autograder.hidden.step_replays import Steps
from autograder.hidden.training_runs import Misfit, Record, Run, boundary_indices, fetch  # noqa: F401
from autograder.worker.trajectory import one_thread

RANDOM_CHECKS = 3
LARGEST_CHECKS = 2


@dataclass
class Audit:
    """What the audit found: `reason` (None when the run is the loop's own), the steps seen and replayed, and
    the state at the end of each training epoch."""

    reason: Text | None
    steps: int
    replayed: int
    epoch_states: list[int]

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass
class Shape:
    """How a run went: the transitions that changed the parameters while a batch was out (by state index),
    the passes they fell in, the state at the end of each training epoch, and what changed where it must
    not."""

    transitions: list[int]
    passes: list[int]
    epoch_states: list[int]
    problem: Text | None


def shape_of(run: Run) -> Shape:
    """Walk the run's records: steps while a batch is out; nothing may change anywhere else."""
    states, records = run.states, run.records
    changed = (states[1:] != states[:-1]).any(dim=1).tolist() if len(records) > 1 else []
    transitions: list[int] = []
    passes: list[int] = []
    epoch_states: list[int] = []
    for i, record in enumerate(records[:-1]):
        if record.kind != "batch":
            if changed[i]:
                return Shape(transitions, passes, epoch_states, _changed_outside(records[i + 1]))
            if record.kind == "end" and passes and passes[-1] == record.pass_index:
                epoch_states.append(i)
            continue
        if not changed[i]:
            continue
        transitions.append(i)
        if not passes or passes[-1] != record.pass_index:
            passes.append(record.pass_index)
    if passes and (not epoch_states or records[epoch_states[-1]].pass_index != passes[-1]):
        epoch_states.append(len(records) - 1)
    return Shape(transitions, passes, epoch_states, None)


def audit(run: Run, start: torch.Tensor, steps: Steps, plan_steps: int, epochs: int, lr: float) -> Audit:
    """Check that `run` is `plan_steps` optimizer steps from `start`, each on the batch that was out."""
    if run.overflow:
        return _stop(
            Text(
                f"train() went over train_loader far more often than epochs={epochs} asks",
                f"train() 遍历 train_loader 的次数远多于 epochs={epochs} 的要求",
            ),
            0,
            [],
        )
    if run.records[-1].kind != "final" or not torch.equal(run.states[0], start):
        return _stop(
            Text(
                "when train_loader handed out its first batch, the model no longer held the parameters it "
                "was given: train the model passed in, from where it starts",
                "train_loader 交出第一个 batch 时，模型的参数已不是传入时的参数：请从传入模型的初始参数开始训"
                "练它",
            ),
            0,
            [],
        )
    shape = shape_of(run)
    transitions = shape.transitions
    if shape.problem is not None:
        return _stop(shape.problem, len(transitions), shape.epoch_states)
    if len(transitions) != plan_steps:
        return _stop(
            Text(
                f"train() made {len(transitions)} optimizer steps; {epochs} epoch(s) over train_loader make "
                f"{plan_steps}, one per batch",
                f"train() 共做了 {len(transitions)} 次优化步；{epochs} 个 epoch "
                f"遍历 train_loader 应做 {plan_steps} 次，每个 batch 一次",
            ),
            len(transitions),
            shape.epoch_states,
        )
    chosen = transitions if steps.sequential else _sample(transitions, run.states)
    with one_thread() if steps.small else contextlib.nullcontext():
        for i in chosen:
            record = run.records[i]
            expected = steps.step(run.states[i], record.indices or [])
            if not steps.matches(run.states[i + 1], expected):
                epoch = shape.passes.index(record.pass_index) + 1
                return _stop(
                    _wrong_step(
                        run.states[i], run.states[i + 1], expected, record.batch, epoch, steps.name, lr
                    ),
                    len(transitions),
                    shape.epoch_states,
                )
    return Audit(None, len(transitions), len(chosen), shape.epoch_states)


def _stop(reason: Text, steps: int, epoch_states: list[int]) -> Audit:
    return Audit(reason, steps, 0, epoch_states)


def _sample(transitions: list[int], states: torch.Tensor) -> list[int]:
    """The last step, the LARGEST_CHECKS largest others, and RANDOM_CHECKS more chosen now, after the run."""
    sizes = {i: float((states[i + 1] - states[i]).norm()) for i in transitions[:-1]}
    chosen = {transitions[-1], *sorted(sizes, key=lambda i: sizes[i], reverse=True)[:LARGEST_CHECKS]}
    rest = [i for i in transitions if i not in chosen]
    chosen.update(random.SystemRandom().sample(rest, min(RANDOM_CHECKS, len(rest))))
    return sorted(chosen)


def _changed_outside(following: Record) -> Text:
    """Why a change where no batch was out is wrong (`following` is the record after the change)."""
    if following.kind != "final":
        return Text(
            "after a pass over train_loader ended, the parameters changed before the next batch was handed "
            "out: no weights may be loaded or changed outside the training steps",
            "一轮遍历 train_loader 结束后、下一个 batch 交出之前，参数发生了变化：训练步之外不能加载或修改权"
            "重",
        )
    return Text(
        "the parameters changed between the last batch and the end of train(): no weights may be loaded or "
        "changed outside the training steps",
        "最后一个 batch 之后到 train() 结束之间，参数发生了变化：训练步之外不能加载或修改权重",
    )


def _wrong_step(
    before: torch.Tensor,
    after: torch.Tensor,
    expected: torch.Tensor,
    batch: int,
    epoch: int,
    optimizer: str,
    lr: float,
) -> Text:
    """Why one step is not the step it should be, with a scale factor when it points the right way."""
    made, wanted = after - before, expected - before
    scale = float(made @ wanted) / max(float(wanted @ wanted), 1e-30)
    aligned = float((made - scale * wanted).norm()) <= 1e-3 * float(made.norm())
    where_en, where_zh = (
        f"at batch {batch + 1} of epoch {epoch}",
        f"第 {epoch} 个 epoch 的第 {batch + 1} 个 batch",
    )
    if aligned and abs(scale - 1) > 1e-3:
        return Text(
            f"{where_en} the parameters moved {scale:.3g} times as far as one {optimizer} step with lr={lr} "
            f"(is the learning rate changed during training?)",
            f"{where_zh}：参数移动的距离是 lr={lr} 的一步 {optimizer} 的 {scale:.3g} 倍（训练中改动了学习率"
            f"吗？）",
        )
    return Text(
        f"{where_en} the parameters changed by something other than one {optimizer} step with lr={lr} on "
        f"that batch",
        f"{where_zh}：参数的变化不是在该 batch 上用 lr={lr} 做一步 {optimizer} 的结果",
    )


def audit_passes(
    run: Run, start: torch.Tensor, steps: Steps, plan_steps: int, epochs: int, lr: float
) -> Audit:
    """Like `audit`, for a run read back with `boundaries`: each pass that changed the parameters is replayed
    whole, step by step, from the state it started in, and must end in the state the loop left; nothing may
    change between passes. Cheaper to read back, and every step still counts (18's MLP)."""
    records, states = run.records, run.states
    if run.overflow:
        return _stop(
            Text(
                f"train_mnist went over the loader far more often than epochs={epochs} asks",
                f"train_mnist 遍历数据的次数远多于 epochs={epochs} 的要求",
            ),
            0,
            [],
        )
    bounds = boundary_indices(records)
    if records[-1].kind != "final" or not torch.equal(states[bounds[0]], start):
        return _stop(
            Text(
                "when the loader handed out its first batch, the model no longer held the parameters it "
                "was given: train the model passed in, from where it starts",
                "数据加载器交出第一个 batch 时，模型的参数已不是传入时的参数：请从传入模型的初始参数开始训练"
                "它",
            ),
            0,
            [],
        )
    made, epoch_states = 0, list[int]()
    for first, last in zip(bounds, bounds[1:]):
        if (
            records[first].kind != "batch"
        ):  # from a pass's end to the next pass, or to the end of the function
            if not torch.equal(states[first], states[last]):
                return _stop(_changed_outside(records[last]), made, epoch_states)
            continue
        if torch.equal(states[first], states[last]):
            continue  # a pass that trained nothing (an evaluation over the training loader)
        batches = [r.indices or [] for r in records[first:last] if r.kind == "batch"]
        with one_thread() if steps.small else contextlib.nullcontext():
            right = steps.matches(states[last], steps.steps(states[first], batches))
        made += len(batches)
        epoch_states.append(last)
        if not right:
            return _stop(
                Text(
                    f"epoch {len(epoch_states)} did not end where {len(batches)} {steps.name} steps with "
                    f"lr={lr}, one per batch, take the parameters from where it started",
                    f"第 {len(epoch_states)} 个 epoch 结束时的参数，不是从该 epoch 开始时的参数出发、每个 "
                    f"batch 一步、用 lr={lr} 做 {len(batches)} 步 {steps.name} 的结果",
                ),
                made,
                epoch_states,
            )
    if made != plan_steps:
        return _stop(
            Text(
                f"the loop made {made} optimizer steps; {epochs} epoch(s) make {plan_steps}, one per batch",
                f"训练循环共做了 {made} 次优化步；{epochs} 个 epoch 应做 {plan_steps} 次，每个 batch 一次",
            ),
            made,
            epoch_states,
        )
    return Audit(None, made, made, epoch_states)


def epoch_ends(run: Run) -> list[int]:
    """The state at the end of each pass that changed the parameters (a training epoch), for any run read back
    (whole, or with `boundaries`): what the curves are measured from for a run that needs no audit."""
    bounds = boundary_indices(run.records)
    return [
        last
        for first, last in zip(bounds, bounds[1:])
        if run.records[first].kind == "batch" and not torch.equal(run.states[first], run.states[last])
    ]
