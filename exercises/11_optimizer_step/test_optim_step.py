"""Visible tests for exercise 11 (optimizer step). Run: pytest exercises/11_optimizer_step"""

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from autograder.i18n import tr


@pytest.fixture
def setup():
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    inputs, targets = torch.randn(8, 4), torch.randint(0, 3, (8,))
    return model, optimizer, inputs, targets


def test_train_step_returns_a_python_float(optim_step, setup):
    model, optimizer, inputs, targets = setup
    loss = optim_step.train_step(model, inputs, targets, nn.CrossEntropyLoss(), optimizer)
    assert type(loss) is float


def test_train_step_returns_the_loss_before_the_update(optim_step, setup):
    model, optimizer, inputs, targets = setup
    expected = nn.CrossEntropyLoss()(model(inputs), targets).item()
    assert optim_step.train_step(model, inputs, targets, nn.CrossEntropyLoss(), optimizer) == pytest.approx(
        expected
    )


def test_train_step_lowers_the_loss(optim_step, setup):
    model, optimizer, inputs, targets = setup
    first = optim_step.train_step(model, inputs, targets, nn.CrossEntropyLoss(), optimizer)
    for _ in range(20):
        last = optim_step.train_step(model, inputs, targets, nn.CrossEntropyLoss(), optimizer)
    assert last < first


def test_train_epoch_sums_the_batch_losses(optim_step, setup):
    model, optimizer, inputs, targets = setup
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=2)
    total = optim_step.train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer)
    assert type(total) is float and total > 0


def test_sgd_update_moves_against_the_gradient(optim_step):
    weight = torch.tensor([1.0, 2.0], requires_grad=True)
    weight.grad = torch.tensor([0.5, -1.0])
    optim_step.sgd_update([weight], lr=0.1)
    assert torch.allclose(weight.detach(), torch.tensor([0.95, 2.1]))
    assert weight.is_leaf and weight.requires_grad


def test_train_step_clears_old_gradients_first(optim_step, setup):
    model, optimizer, inputs, targets = setup
    for param in model.parameters():
        param.grad = torch.full_like(param, 100.0)  # left over from an earlier step
    before = [param.detach().clone() for param in model.parameters()]
    loss = nn.CrossEntropyLoss()(model(inputs), targets)
    fresh = torch.autograd.grad(loss, list(model.parameters()))
    optim_step.train_step(model, inputs, targets, nn.CrossEntropyLoss(), optimizer)
    for old, grad, param in zip(before, fresh, model.parameters()):
        assert torch.allclose(param.detach(), old - 0.1 * grad, atol=1e-5), tr(
            "the step used old gradients too: call optimizer.zero_grad() before loss.backward(), "
            "or each step's gradients add up",
            "这一步把旧梯度也用上了：在 loss.backward() 之前调用 optimizer.zero_grad()，否则每一步的梯度会累"
            "加",
        )


def test_train_epoch_returns_a_python_float_not_a_tensor(optim_step, setup):
    model, optimizer, inputs, targets = setup
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=2)
    total = optim_step.train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer)
    assert type(total) is float, tr(
        f"train_epoch returned {type(total).__name__}: `running_loss += loss` adds tensors and keeps every "
        "batch's graph alive; add loss.item(), a float",
        f"train_epoch 返回了 {type(total).__name__}：`running_loss += loss` 累加的是张量，会把每个 batch 的计"
        f"算图都留在内存里；请加 loss.item()（一个 float）",
    )
