"""Visible tests for exercise 14 (CIFAR-10 training). Run: pytest exercises/14_cifar10_training

These use tiny random data, so they check the loop's mechanics, not accuracy;
the grader trains on a real (or synthetic) CIFAR-10 set and measures accuracy
on images your code never sees.
"""

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from autograder.i18n import tr


@pytest.fixture
def loaders():
    generator = torch.Generator().manual_seed(0)
    images, labels = (
        torch.randn(64, 3, 32, 32, generator=generator),
        torch.randint(0, 10, (64,), generator=generator),
    )
    data = TensorDataset(images, labels)
    return DataLoader(data, batch_size=16, shuffle=True), DataLoader(data, batch_size=16)


def test_evaluate_returns_a_loss_and_a_fraction(train, loaders):
    loss, accuracy = train.evaluate(train.CIFAR10Net(), loaders[1], nn.CrossEntropyLoss(), "cpu")
    assert loss > 0
    assert 0.0 <= accuracy <= 1.0


def test_evaluate_leaves_the_model_in_eval_mode(train, loaders):
    model = train.CIFAR10Net()
    train.evaluate(model, loaders[1], nn.CrossEntropyLoss(), "cpu")
    assert not model.training


def test_train_returns_one_record_per_epoch(train, loaders):
    history = train.train(train.CIFAR10Net(), *loaders, epochs=2, lr=0.01, device="cpu")
    assert [record["epoch"] for record in history] == [1, 2]
    assert set(history[0]) == {"epoch", "train_loss", "test_loss", "test_accuracy"}


def test_train_changes_the_model_in_place(train, loaders):
    model = train.CIFAR10Net()
    before = [p.detach().clone() for p in model.parameters()]
    train.train(model, *loaders, epochs=1, lr=0.01, device=torch.device("cpu"))
    assert any(not torch.equal(b, p) for b, p in zip(before, model.parameters()))


def test_train_lowers_the_training_loss_on_a_batch_it_can_memorise(train, loaders):
    history = train.train(train.CIFAR10Net(), loaders[1], loaders[1], epochs=5, lr=0.05, device="cpu")
    assert history[-1]["train_loss"] < history[0]["train_loss"]


def test_evaluate_returns_the_accuracy_as_a_python_float(train, loaders):
    _, accuracy = train.evaluate(train.CIFAR10Net(), loaders[1], nn.CrossEntropyLoss(), "cpu")
    assert isinstance(accuracy, float), tr(
        f"the accuracy is a {type(accuracy).__name__}: (outputs.argmax(1) == targets).sum() is a tensor; "
        "count with .sum().item() and divide, to return a Python float",
        f"准确率是 {type(accuracy).__name__}：(outputs.argmax(1) == targets).sum() 是张量；用 .sum().item() "
        f"计数再相除，返回 Python float",
    )


class GradientWatcher(nn.Module):
    """The course's network, noting whether gradients from an earlier step are still there at a training
    forward."""

    def __init__(self, net):
        super().__init__()
        self.net, self.stale = net, []

    def forward(self, x):
        if self.training and torch.is_grad_enabled():
            self.stale.append(any(p.grad is not None and p.grad.abs().sum() > 0 for p in self.parameters()))
        return self.net(x)


def test_train_clears_the_gradients_before_every_step(train, loaders):
    model = GradientWatcher(train.CIFAR10Net())
    train.train(model, *loaders, epochs=1, lr=0.01, device="cpu")
    assert model.stale and not any(model.stale), tr(
        "gradients from the previous batch were still there: call optimizer.zero_grad() in every step, "
        "before loss.backward()",
        "上一个 batch 的梯度还在：每一步都要在 loss.backward() 之前调用 optimizer.zero_grad()",
    )
