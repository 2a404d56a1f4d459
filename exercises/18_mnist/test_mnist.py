"""Visible tests for exercise 18 (MNIST). Run: pytest exercises/18_mnist

These use random pixels, so they check shapes, the loss and the loop's
mechanics, not accuracy; the grader trains on real (or synthetic) digits and
measures accuracy on images your code never sees.
"""

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from autograder.i18n import tr


@pytest.fixture
def batches():
    generator = torch.Generator().manual_seed(0)
    images = torch.randn(64, 1, 28, 28, generator=generator)
    labels = torch.randint(0, 10, (64,), generator=generator)
    return DataLoader(TensorDataset(images, labels), batch_size=16)


def linear_classifier():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.LogSoftmax(dim=1))


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def test_mlp_has_79510_parameters(mnist):
    assert count_parameters(mnist.MLP()) == 784 * 100 + 100 + 100 * 10 + 10 == 79_510


def test_mlp_gives_log_probabilities_for_a_batch_of_images(mnist):
    out = mnist.MLP()(torch.rand(64, 1, 28, 28))
    assert out.shape == (64, 10)
    assert torch.allclose(out.exp().sum(dim=1), torch.ones(64), atol=1e-5)


def test_cnn_has_337326_parameters(mnist):
    convolutions = (8 * 1 * 3 * 3 + 8) + (32 * 8 * 3 * 3 + 32)
    linears = (1568 * 200 + 200) + (200 * 100 + 100) + (100 * 10 + 10)
    assert count_parameters(mnist.CNN()) == convolutions + linears == 337_326


def test_cnn_gives_log_probabilities_for_a_batch_of_images(mnist):
    out = mnist.CNN()(torch.rand(64, 1, 28, 28))
    assert out.shape == (64, 10)
    assert torch.allclose(out.exp().sum(dim=1), torch.ones(64), atol=1e-5)


def test_cnn_keeps_one_row_per_image_for_a_single_image(mnist):
    assert mnist.CNN()(torch.rand(1, 1, 28, 28)).shape == (1, 10)


def test_one_batch_is_one_adam_step_on_nll_loss(mnist):
    images, labels = torch.randn(16, 1, 28, 28), torch.randint(0, 10, (16,))
    torch.manual_seed(1)
    model = linear_classifier()
    torch.manual_seed(1)
    expected = linear_classifier()
    optimizer = torch.optim.Adam(expected.parameters(), lr=0.01)
    nn.NLLLoss()(expected(images), labels).backward()
    optimizer.step()
    mnist.train_mnist(model, DataLoader(TensorDataset(images, labels), batch_size=16), 1, 0.01, "cpu")
    for got, want in zip(model.parameters(), expected.parameters()):
        assert torch.allclose(got, want, atol=1e-6)


def test_train_mnist_returns_one_mean_loss_per_epoch(mnist, batches):
    losses = mnist.train_mnist(linear_classifier(), batches, 3, 0.001, "cpu")
    assert len(losses) == 3
    assert all(isinstance(loss, float) for loss in losses)


def test_train_mnist_lowers_the_loss_of_the_cnn_on_batches_it_can_memorise(mnist, batches):
    losses = mnist.train_mnist(mnist.CNN(), batches, 5, 0.001, torch.device("cpu"))
    assert losses[-1] < losses[0]


class Oracle(nn.Module):
    """Reads the label off the first pixel: always right."""

    def forward(self, x):
        return torch.log_softmax(10 * nn.functional.one_hot(x[:, 0, 0, 0].long(), 10).float(), dim=1)


def test_accuracy_is_the_fraction_of_correct_predictions(mnist):
    labels = torch.arange(40) % 10
    images = torch.zeros(40, 1, 28, 28)
    images[:, 0, 0, 0] = labels.float()
    images[30:, 0, 0, 0] = (labels[30:] + 1) % 10  # the oracle gets the last 10 wrong
    loader = DataLoader(TensorDataset(images, labels), batch_size=16)
    assert mnist.accuracy(Oracle(), loader, "cpu") == pytest.approx(0.75)


def test_accuracy_leaves_the_model_in_eval_mode(mnist, batches):
    model = linear_classifier()
    mnist.accuracy(model, batches, "cpu")
    assert not model.training


def test_accuracy_is_a_python_float_not_a_tensor(mnist, batches):
    value = mnist.accuracy(linear_classifier(), batches, "cpu")
    assert isinstance(value, float), tr(
        f"accuracy returned a {type(value).__name__}: count with .sum().item() and divide, to return a "
        f"Python float",
        f"accuracy 返回了 {type(value).__name__}：用 .sum().item() 计数再相除，返回 Python float",
    )
