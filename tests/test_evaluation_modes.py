"""evaluate()/accuracy() are judged from the numbers they return: each combination of modes scores
differently.

The ModeRevealingNet and the labels the grader chooses make the four combinations of (training mode,
autograd on) give four different accuracies, so a returned accuracy names the modes it ran in, as a
fraction, a percentage or a count. Nothing the worker says about itself is needed.
"""

from __future__ import annotations

import torch

from autograder.hidden import evaluation_modes as modes
from autograder.synthetic_data import synthetic_cifar
from autograder.worker.probe_nets import ModeRevealingNet, seeded
from autograder.worker.probes.cifar10_training import to_inputs


def setup():
    net = seeded(lambda: ModeRevealingNet(3 * 32 * 32), 14)
    inputs = to_inputs(synthetic_cifar(modes.COUNT, 3).images)
    labels, found, tolerance = modes.prepare(net, inputs, 64, torch.nn.CrossEntropyLoss(), "cpu")
    return net, inputs, labels, found, tolerance


def evaluate_in(net, inputs, labels, training: bool, grad: bool) -> float:
    """What an evaluate() that left the model in these modes would return as its accuracy."""
    net.train(training)
    with torch.set_grad_enabled(grad):
        return float((net(inputs).argmax(dim=1) == labels).double().mean())


def test_each_combination_of_modes_gives_its_own_accuracy():
    net, inputs, labels, found, _tolerance = setup()
    accuracies = [outcome.accuracy for outcome in found]
    assert accuracies == [0.56, 0.14, 0.22, 0.08]  # eval/no_grad, eval/grad, train/no_grad, train/grad
    for outcome in found:
        assert evaluate_in(net, inputs, labels, outcome.training, outcome.grad) == outcome.accuracy


def test_a_returned_accuracy_names_its_modes_and_its_form():
    net, inputs, labels, found, tolerance = setup()
    for outcome in found:
        value = evaluate_in(net, inputs, labels, outcome.training, outcome.grad)
        for form, scale in (("fraction", 1), ("percentage", 100), ("count", modes.COUNT)):
            reading = modes.read(value * scale, found, tolerance)
            assert (reading.outcome, reading.form) == (outcome, form)
        assert (
            modes.read(torch.tensor(value), found, tolerance).outcome == outcome
        )  # a 0-dim tensor is a number
    assert modes.read(0.57, found, tolerance) is None
    assert modes.read(torch.tensor([0.56, 0.56]), found, tolerance) is None


def test_the_mean_loss_may_be_per_image_or_per_batch():
    _net, _inputs, _labels, found, _tolerance = setup()
    right = found[0]
    per_image, per_batch = right.losses
    assert per_image != per_batch  # 250 images in batches of 64: the last batch has 58
    assert modes.loss_matches(per_image, right) and modes.loss_matches(per_batch, right)
    assert not modes.loss_matches(per_image * modes.COUNT, right)
