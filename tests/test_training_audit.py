"""Training is judged on the run: the audit finds every way weights can appear without the loop's own steps.

The probes and the audit run here, in-process, on small runs of the reference loop and of edits of it
(the probes' results still go through the wire codec, as from a worker): the honest loops pass,
including one that also evaluates on the training loader; each way of getting weights from elsewhere
is named.
"""

from __future__ import annotations

import importlib.util
import itertools

import pytest
import torch

from autograder import catalog
from autograder.hidden import cifar10_runs, mnist_runs
from autograder.hidden.training_audit import audit_passes, shape_of
from autograder.hidden.training_plans import TrainingPlan
from autograder.synthetic_data import synthetic_cifar, synthetic_digits
from autograder.worker import trajectory, wire
from autograder.worker.probe_nets import seeded
from autograder.worker.trajectory import flat_state

PLAN = TrainingPlan(
    "14_cifar10_training",
    "synthetic",
    train=128,
    val=32,
    heldout=100,
    epochs=2,
    lr=0.03,
    batch_size=32,
    threshold=0.5,
    seed=14,
)
_names = itertools.count()


class InProcess:
    """What a check's proxy does, here: run a probe on a module, and pass its result through the wire
    codec."""

    def __init__(self, module) -> None:
        self.module = module

    def probe(self, fn, *args, **kwargs):
        return wire.decode(wire.encode(fn(self.module, *args, **kwargs)))


def load(exercise: str, edits: tuple[tuple[str, str], ...] = ()) -> InProcess:
    """The reference solution of `exercise`, with `edits` applied to its text, imported under a fresh name."""
    path = catalog.get(exercise).solution_file
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    spec = importlib.util.spec_from_loader(f"audited_{next(_names)}", loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(text, str(path), "exec"), module.__dict__)
    return InProcess(module)


@pytest.fixture(scope="module")
def splits():
    data = synthetic_cifar(200, 5)
    return data.images, data.labels


def audit_of(proxy: InProcess, splits):
    start = flat_state(seeded(load("14_cifar10_training").module.CIFAR10Net, PLAN.seed))
    run = cifar10_runs.run_train(proxy, splits, PLAN, start, "cpu", PLAN.train, PLAN.val)
    model = load("14_cifar10_training").module.CIFAR10Net()
    return cifar10_runs.audit_run(run, model, splits, PLAN, start, "cpu")


AFTER_EPOCH = "        test_loss, test_accuracy = evaluate(model, test_loader, loss_fn, device)\n"
END_OF_TRAIN = "    return history\n    ### END SOLUTION"


def test_the_reference_loop_passes_the_audit(splits):
    audit = audit_of(load("14_cifar10_training"), splits)
    assert audit.ok, audit.reason
    assert audit.steps == PLAN.steps == 8
    assert audit.replayed == 6  # the last step, the two largest, three at random
    assert len(audit.epoch_states) == PLAN.epochs


def test_a_loop_that_also_evaluates_on_the_training_loader_passes(splits):
    audit = audit_of(
        load(
            "14_cifar10_training",
            ((AFTER_EPOCH, AFTER_EPOCH + "        evaluate(model, train_loader, loss_fn, device)\n"),),
        ),
        splits,
    )
    assert audit.ok, audit.reason
    assert len(audit.epoch_states) == PLAN.epochs


def test_weights_loaded_after_the_loop_are_found(splits):
    loads = (
        "    with torch.no_grad():\n        for p in model.parameters():\n            p.mul_(1.5)\n"
        + END_OF_TRAIN
    )
    audit = audit_of(load("14_cifar10_training", ((END_OF_TRAIN, loads),)), splits)
    assert not audit.ok and "between the last batch and the end of train()" in audit.reason.en


def test_weights_changed_between_epochs_are_found(splits):
    changes = AFTER_EPOCH + "        with torch.no_grad():\n            model.model[0].bias.add_(0.1)\n"
    audit = audit_of(load("14_cifar10_training", ((AFTER_EPOCH, changes),)), splits)
    assert not audit.ok and "after a pass over train_loader ended" in audit.reason.en


def test_an_extra_epoch_is_counted(splits):
    audit = audit_of(load("14_cifar10_training", (("range(1, epochs + 1)", "range(1, epochs + 2)"),)), splits)
    assert not audit.ok and "made 12 optimizer steps" in audit.reason.en and "make 8" in audit.reason.en


def test_a_learning_rate_schedule_is_named_with_its_factor(splits):
    halves = AFTER_EPOCH + '        for group in optimizer.param_groups:\n            group["lr"] *= 0.5\n'
    audit = audit_of(load("14_cifar10_training", ((AFTER_EPOCH, halves),)), splits)
    assert not audit.ok and "0.5 times as far" in audit.reason.en and "epoch 2" in audit.reason.en


def test_one_swap_in_the_middle_of_the_run_is_found(splits):
    """A single large jump (weights swapped in once, then honest steps) is among the largest, always
    replayed."""
    swap = (
        "            optimizer.step()\n",
        "            optimizer.step()\n            if epoch == 2 and seen == 32:\n                with "
        "torch.no_grad():\n                    for p in model.parameters():\n                        "
        "p.mul_(-1.0)\n",
    )
    audit = audit_of(load("14_cifar10_training", (swap,)), splits)
    assert not audit.ok and "something other than one SGD step" in audit.reason.en


def test_training_on_other_labels_is_found(splits):
    other = (
        "            loss = loss_fn(model(images), targets)\n",
        "            loss = loss_fn(model(images), (targets + 1) % 10)\n",
    )
    audit = audit_of(load("14_cifar10_training", (other,)), splits)
    assert not audit.ok and "something other than one SGD step" in audit.reason.en


def test_a_run_that_goes_over_the_loader_far_too_often_is_stopped(splits):
    many = (
        AFTER_EPOCH
        + "        for _ in range(10):\n            evaluate(model, train_loader, loss_fn, device)\n"
    )
    audit = audit_of(load("14_cifar10_training", ((AFTER_EPOCH, many),)), splits)
    assert not audit.ok and "far more often" in audit.reason.en


def test_states_read_back_in_chunks_are_the_states_recorded(splits, monkeypatch):
    start = flat_state(seeded(load("14_cifar10_training").module.CIFAR10Net, PLAN.seed))
    whole = cifar10_runs.run_train(load("14_cifar10_training"), splits, PLAN, start, "cpu", 64, 32)
    monkeypatch.setattr(trajectory, "CHUNK_BYTES", 3 * start.numel() * 4)
    chunked = cifar10_runs.run_train(load("14_cifar10_training"), splits, PLAN, start, "cpu", 64, 32)
    assert chunked.states.shape == whole.states.shape == (len(whole.records), start.numel())
    assert torch.equal(chunked.states, whole.states)
    assert len(shape_of(chunked).transitions) == 2 * PLAN.epochs  # two batches of 32 each epoch


@pytest.fixture(scope="module")
def digits():
    data = synthetic_digits(200, 7)
    return data.images, data.labels


def mnist_audit(proxy: InProcess, digits):
    settings = dict(count=128, epochs=2, lr=0.003, batch_size=32, shuffle=True)
    run = mnist_runs.run_kit(proxy, "CourseMLP", digits, "cpu", **settings)
    return mnist_runs.kit_audit(run, "CourseMLP", digits, settings["lr"], 2, 8, "cpu")


def test_every_adam_step_of_the_reference_mnist_loop_is_replayed(digits):
    audit = mnist_audit(load("18_mnist"), digits)
    assert audit.ok, audit.reason
    assert audit.replayed == audit.steps == 8


def test_sgd_in_place_of_adam_is_found(digits):
    sgd = (
        "    optimizer = torch.optim.Adam(model.parameters(), lr=lr)\n    losses = []",
        "    optimizer = torch.optim.SGD(model.parameters(), lr=lr)\n    losses = []",
    )
    audit = mnist_audit(load("18_mnist", (sgd,)), digits)
    assert not audit.ok and "one Adam step" in audit.reason.en


MNIST_PLAN = TrainingPlan(
    "18_mnist",
    "synthetic",
    train=128,
    val=0,
    heldout=100,
    epochs=2,
    lr=0.003,
    batch_size=32,
    threshold=0.5,
    seed=18,
)
EPOCH_END = "        losses.append(total / count)\n"


def pass_audit(proxy: InProcess, digits):
    """18's accuracy run: only the passes' boundary states are read back, every step is replayed between
    them."""
    start = flat_state(seeded(load("18_mnist").module.MLP, MNIST_PLAN.seed))
    run = mnist_runs.student_run(proxy, digits, MNIST_PLAN, start, "cpu")
    assert torch.isnan(run.states).any(), "only the boundary states were read back"
    steps = mnist_runs.adam_steps(load("18_mnist").module.MLP(), digits, MNIST_PLAN.lr, "cpu")
    return audit_passes(run, start, steps, MNIST_PLAN.steps, MNIST_PLAN.epochs, MNIST_PLAN.lr)


def test_a_pass_by_pass_audit_replays_every_step_of_the_reference_mnist_loop(digits):
    audit = pass_audit(load("18_mnist"), digits)
    assert audit.ok, audit.reason
    assert audit.replayed == audit.steps == MNIST_PLAN.steps == 8 and len(audit.epoch_states) == 2


def test_a_pass_by_pass_audit_allows_evaluating_on_the_training_loader(digits):
    evaluates = EPOCH_END + "        accuracy(model, loader, device)\n"
    audit = pass_audit(load("18_mnist", ((EPOCH_END, evaluates),)), digits)
    assert audit.ok, audit.reason


def test_a_pass_by_pass_audit_finds_a_wrong_epoch_and_loaded_weights(digits):
    sgd = (
        "    optimizer = torch.optim.Adam(model.parameters(), lr=lr)\n    losses = []",
        "    optimizer = torch.optim.SGD(model.parameters(), lr=lr)\n    losses = []",
    )
    audit = pass_audit(load("18_mnist", (sgd,)), digits)
    assert not audit.ok and "epoch 1 did not end where 4 Adam steps" in audit.reason.en
    loads = (
        "    return losses\n",
        "    with torch.no_grad():\n        for p in model.parameters():\n"
        "            p.mul_(1.01)\n    return losses\n",
    )
    audit = pass_audit(load("18_mnist", (loads,)), digits)
    assert not audit.ok and "between the last batch and the end" in audit.reason.en
