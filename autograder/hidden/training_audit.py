"""Judging a training run on the run itself: the weights measured must come from the loop's own steps.

The worker records the model's state each time the audited training loader hands out a batch
(`autograder.worker.trajectory`). Here, in the grader, `fetch` reads the run back, and `audit` checks
it: the first state is the start the grader chose; between passes nothing changes; every change
while a batch is out is one optimizer step on that batch, replayed by the grader with the
reference's network (`SGDSteps`: the last step, the two largest and three chosen at random after
the run, since a CIFAR-10 step costs as much to replay as to take; `AdamSteps`: every step, in
order, since Adam's moments carry over and an MLP step is cheap); the number of steps is the plan's.
A loaded weights file, an extra loop, a learning-rate schedule or training on other data each leave a
state that no single step explains.
"""
from __future__ import annotations

import contextlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from autograder.checking import StudentProblem, Text, fail
from autograder.worker.trajectory import flat_state, load_flat, one_thread

RANDOM_CHECKS = 3
LARGEST_CHECKS = 2


@dataclass
class Record:
    kind: str  # "batch" (the state before this batch), "end" (of a pass), "final" (after the function returned)
    pass_index: int
    batch: int
    indices: list[int] | None


@dataclass
class Run:
    """One audited training run as the grader holds it."""

    returned: Any  # what the student's function returned (a history, a list of losses)
    records: list[Record]
    states: torch.Tensor  # (len(records), parameters), float32
    overflow: bool
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def final(self) -> torch.Tensor:
        return self.states[-1]


class Misfit(Exception):
    """The student's network does not hold the parameters the grader chose (its layout differs)."""


def fetch(proxy, train_probe, states_probe, *args: Any, returned_key: str, **kwargs: Any) -> Run:
    """Run `train_probe` through `proxy` and read the whole run back (fetching states in chunks)."""
    result = proxy.probe(train_probe, *args, **kwargs)
    if not isinstance(result, dict):
        raise _unreadable()
    if "misfit" in result:
        raise Misfit(result["misfit"])
    records, count = result.get("records"), result.get("count")
    if not isinstance(records, list) or type(count) is not int or count != len(records) or count < 1:
        raise _unreadable()
    blocks, position = [], 0
    chunk = result
    while True:
        block, following = chunk.get("states"), chunk.get("next")
        if not isinstance(block, torch.Tensor) or block.dim() != 2 or type(following) is not int:
            raise _unreadable()
        if following != position + block.shape[0] or following <= position or following > count:
            raise _unreadable()
        blocks.append(block.to(torch.float32))
        position = following
        if position == count:
            break
        chunk = proxy.probe(states_probe, position)
        if not isinstance(chunk, dict):
            raise _unreadable()
    extra = {key: value for key, value in result.items() if key not in ("states", "records", "next", "count")}
    return Run(result.get(returned_key), [_record(r) for r in records], torch.cat(blocks),
               bool(result.get("overflow")), extra)


def _record(raw: Any) -> Record:
    if not (isinstance(raw, list) and len(raw) == 4 and raw[0] in ("batch", "end", "final")
            and type(raw[1]) is int and type(raw[2]) is int):
        raise _unreadable()
    indices = raw[3]
    if indices is not None and not (isinstance(indices, list) and all(type(i) is int for i in indices)):
        raise _unreadable()
    return Record(raw[0], raw[1], raw[2], indices)


def _unreadable() -> StudentProblem:
    return StudentProblem(Text("the training run could not be read back from the worker (was the kit's loader or "
                               "recording changed?)",
                               "无法从工作进程读回这次训练（是否改动了评分工具的数据加载器或记录？）"))


class Steps:
    """Replays one optimizer step of the reference's network, from a state, on a batch of the training data."""

    sequential = False
    small = False  # a network small enough that one thread replays it fastest

    def __init__(self, model: nn.Module, inputs: Callable[[list[int]], torch.Tensor], labels: torch.Tensor,
                 loss: nn.Module, optimizer: torch.optim.Optimizer, atol: float) -> None:
        self.model, self.inputs, self.labels, self.loss = model, inputs, labels, loss
        self.optimizer, self.atol = optimizer, atol

    def step(self, state: torch.Tensor, indices: list[int]) -> torch.Tensor:
        load_flat(self.model, state)
        self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        self.loss(self.model(self.inputs(indices)), self.labels[indices]).backward()
        self.optimizer.step()
        return flat_state(self.model)

    def matches(self, got: torch.Tensor, expected: torch.Tensor) -> bool:
        return bool(torch.allclose(got, expected, atol=self.atol, rtol=1e-4))


class SGDSteps(Steps):
    """Plain SGD with cross-entropy (14): a step depends only on the state before it, so steps are sampled."""

    name = "SGD"


class AdamSteps(Steps):
    """Adam with NLLLoss (18): the moments carry over, so every step is replayed, in order. Adam's first steps
    are about lr * sign(gradient), so one entry in a thousand may differ by a whole step (a last-bit
    difference in a gradient that is nearly zero)."""

    name = "Adam"
    sequential = True
    small = True

    def __init__(self, *args: Any, layout: list[list[int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sizes = [math.prod(shape) for shape in layout]

    def matches(self, got: torch.Tensor, expected: torch.Tensor) -> bool:
        wrong = ~torch.isclose(got, expected, atol=self.atol, rtol=1e-4)
        return all(int(part.sum()) <= part.numel() // 1000 for part in torch.split(wrong, self.sizes))


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
    the passes they fell in, the state at the end of each training epoch, and what changed where it must not."""

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
        return _stop(Text(f"train() went over train_loader far more often than epochs={epochs} asks",
                          f"train() 遍历 train_loader 的次数远多于 epochs={epochs} 的要求"), 0, [])
    if run.records[-1].kind != "final" or not torch.equal(run.states[0], start):
        return _stop(Text("when train_loader handed out its first batch, the model no longer held the parameters it "
                          "was given: train the model passed in, from where it starts",
                          "train_loader 交出第一个 batch 时，模型的参数已不是传入时的参数：请从传入模型的初始参数开始训练它"),
                     0, [])
    shape = shape_of(run)
    transitions = shape.transitions
    if shape.problem is not None:
        return _stop(shape.problem, len(transitions), shape.epoch_states)
    if len(transitions) != plan_steps:
        return _stop(Text(f"train() made {len(transitions)} optimizer steps; {epochs} epoch(s) over train_loader make "
                          f"{plan_steps}, one per batch", f"train() 共做了 {len(transitions)} 次优化步；{epochs} 个 epoch "
                          f"遍历 train_loader 应做 {plan_steps} 次，每个 batch 一次"), len(transitions), shape.epoch_states)
    chosen = transitions if steps.sequential else _sample(transitions, run.states)
    with one_thread() if steps.small else contextlib.nullcontext():
        for i in chosen:
            record = run.records[i]
            expected = steps.step(run.states[i], record.indices or [])
            if not steps.matches(run.states[i + 1], expected):
                epoch = shape.passes.index(record.pass_index) + 1
                return _stop(_wrong_step(run.states[i], run.states[i + 1], expected, record.batch, epoch, steps.name,
                                         lr), len(transitions), shape.epoch_states)
    return Audit(None, len(transitions), len(chosen), shape.epoch_states)


def _stop(reason: Text, steps: int, epoch_states: list[int]) -> Audit:
    return Audit(reason, steps, 0, epoch_states)


def _sample(transitions: list[int], states: torch.Tensor) -> list[int]:
    """The last step, the LARGEST_CHECKS largest others, and RANDOM_CHECKS more chosen now, after the run."""
    sizes = {i: float((states[i + 1] - states[i]).norm()) for i in transitions[:-1]}
    chosen = {transitions[-1], *sorted(sizes, key=sizes.get, reverse=True)[:LARGEST_CHECKS]}
    rest = [i for i in transitions if i not in chosen]
    chosen.update(random.SystemRandom().sample(rest, min(RANDOM_CHECKS, len(rest))))
    return sorted(chosen)


def _changed_outside(following: Record) -> Text:
    """Why a change where no batch was out is wrong (`following` is the record after the change)."""
    if following.kind != "final":
        return Text("after a pass over train_loader ended, the parameters changed before the next batch was handed out: "
                    "no weights may be loaded or changed outside the training steps",
                    "一轮遍历 train_loader 结束后、下一个 batch 交出之前，参数发生了变化：训练步之外不能加载或修改权重")
    return Text("the parameters changed between the last batch and the end of train(): no weights may be loaded or "
                "changed outside the training steps",
                "最后一个 batch 之后到 train() 结束之间，参数发生了变化：训练步之外不能加载或修改权重")


def _wrong_step(before: torch.Tensor, after: torch.Tensor, expected: torch.Tensor, batch: int, epoch: int,
                optimizer: str, lr: float) -> Text:
    """Why one step is not the step it should be, with a scale factor when it points the right way."""
    made, wanted = after - before, expected - before
    scale = float(made @ wanted) / max(float(wanted @ wanted), 1e-30)
    aligned = float((made - scale * wanted).norm()) <= 1e-3 * float(made.norm())
    where_en, where_zh = f"at batch {batch + 1} of epoch {epoch}", f"第 {epoch} 个 epoch 的第 {batch + 1} 个 batch"
    if aligned and abs(scale - 1) > 1e-3:
        return Text(f"{where_en} the parameters moved {scale:.3g} times as far as one {optimizer} step with lr={lr} "
                    f"(is the learning rate changed during training?)",
                    f"{where_zh}：参数移动的距离是 lr={lr} 的一步 {optimizer} 的 {scale:.3g} 倍（训练中改动了学习率吗？）")
    return Text(f"{where_en} the parameters changed by something other than one {optimizer} step with lr={lr} on that "
                f"batch", f"{where_zh}：参数的变化不是在该 batch 上用 lr={lr} 做一步 {optimizer} 的结果")


def expect_fits(error: Misfit, class_name: str, expected: list[list[int]]) -> None:
    """Fail: the student's network cannot hold the course's parameters."""
    fail(f"{class_name}() has parameters of shapes {error.args[0]}; the course's layers have {expected}",
         f"{class_name}() 的参数形状为 {error.args[0]}；课程中的层应为 {expected}")
