"""Probes long enough to see real-epoch bugs: a running loss reset every N batches, as tutorials print it.

11's train_epoch is probed over 2,001 one-sample batches (with lr=0, so the grader knows every batch's
loss): a reset every 5, 10, 100, 200, 1000 or 2000 batches changes the sum; the course's own loop does
not. The probe runs here, in-process, exactly as in the worker.
"""

from __future__ import annotations

import importlib.util
import math

import pytest

from autograder import catalog
from autograder.hidden import test_11_optimizer_step as check
from autograder.worker.probes import optimizer_step as probes

LOOP = (
    "    for inputs, targets in loader:\n        running_loss += train_step(model, inputs, targets, loss_fn, "
    "optimizer)\n"
)


def train_epoch_resetting_every(period: int | None):
    """The reference's module, its train_epoch printing and resetting running_loss every `period` batches."""
    text = catalog.get("11_optimizer_step").solution_file.read_text(encoding="utf-8")
    if period is not None:
        text = text.replace(
            LOOP,
            f"    for i, (inputs, targets) in enumerate(loader):\n"
            f"        running_loss += train_step(model, inputs, targets, loss_fn, optimizer)\n"
            f"        if i % {period} == {period - 1}:\n"
            f"            print(running_loss / {period})\n"
            f"            running_loss = 0.0\n",
        )
    spec = importlib.util.spec_from_loader(f"resetting_{period}", loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(text, "optim_step.py", "exec"), module.__dict__)
    return module


def long_sum(module) -> float:
    return probes.long_epoch(module, 6, check.LONG_INPUTS, check.LONG_CLASSES)["returned"]


def test_the_course_loop_adds_up_every_batch_of_a_long_epoch():
    assert math.isclose(long_sum(train_epoch_resetting_every(None)), check.long_epoch_sum(6), rel_tol=1e-6)


@pytest.mark.parametrize("period", [5, 10, 100, 200, 1000, 2000])
def test_a_running_loss_reset_every_period_batches_is_seen(period, capsys):
    got = long_sum(train_epoch_resetting_every(period))
    assert not math.isclose(got, check.long_epoch_sum(6), rel_tol=1e-3, abs_tol=1e-3)
    capsys.readouterr()
