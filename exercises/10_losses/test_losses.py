"""Visible tests for exercise 10 (losses by hand). Run: pytest exercises/10_losses"""

import pytest
import torch
from torch import nn

from autograder.i18n import tr

INPUTS = torch.tensor([1.0, 2.0, 3.0])
TARGETS = torch.tensor([1.0, 2.0, 5.0])


def test_l1_mean_gives_the_course_figure(losses):
    assert losses.l1_loss(INPUTS, TARGETS).item() == pytest.approx(0.6667, abs=1e-4)


def test_l1_sum_gives_the_course_figure(losses):
    assert losses.l1_loss(INPUTS, TARGETS, reduction="sum").item() == pytest.approx(2.0)


def test_mse_gives_the_course_figure(losses):
    assert losses.mse_loss(INPUTS, TARGETS).item() == pytest.approx(1.3333, abs=1e-4)


def test_cross_entropy_gives_the_course_figure(losses):
    logits = torch.tensor([[0.1, 0.2, 0.3]])
    assert losses.cross_entropy(logits, torch.tensor([1])).item() == pytest.approx(1.1019, abs=1e-4)


def test_none_reduction_keeps_one_value_per_element(losses):
    assert losses.l1_loss(INPUTS, TARGETS, reduction="none").tolist() == [0.0, 0.0, 2.0]


def test_cross_entropy_equals_the_built_in_on_a_batch(losses):
    logits, target = torch.randn(8, 5), torch.randint(0, 5, (8,))
    assert torch.allclose(
        losses.cross_entropy(logits, target), nn.CrossEntropyLoss()(logits, target), atol=1e-6
    )


def test_cross_entropy_stays_finite_for_huge_logits(losses):
    logits = torch.tensor([[1e4, -1e4, 0.0]])
    assert torch.isfinite(losses.cross_entropy(logits, torch.tensor([1])))


@pytest.mark.parametrize("name", ["l1_loss", "mse_loss", "cross_entropy"])
def test_the_loss_keeps_the_graph_so_backward_reaches_the_inputs(losses, name):
    torch.manual_seed(0)
    if name == "cross_entropy":
        pred, target = torch.randn(4, 3, requires_grad=True), torch.tensor([0, 2, 1, 2])
    else:
        pred, target = torch.randn(4, requires_grad=True), torch.randn(4)
    loss = getattr(losses, name)(pred, target)
    assert isinstance(loss, torch.Tensor) and loss.grad_fn is not None, tr(
        f"{name} is cut off from its input: torch.tensor(x.item()) or .detach() makes a new tensor without a "
        f"graph, so backward() can never reach the model. Keep computing with tensor operations",
        f"{name} 与输入断开了：torch.tensor(x.item()) 或 .detach() 会生成没有计算图的新张量，backward() 就到"
        f"不了模型。请一直用张量运算计算",
    )
    loss.backward()
    assert pred.grad is not None and torch.isfinite(pred.grad).all()
