"""Hidden checks for 11_optimizer_step: the five moves of a step, an epoch's sum, SGD by hand."""
import pytest
import torch

from autograder.checking import expect_close, expect_equal, expect_type, fail, points
from autograder.worker.probes import optimizer_step as probes

GENERATOR = torch.Generator().manual_seed(11)
INPUTS = torch.randn(12, 4, generator=GENERATOR)
CLASSES = torch.randint(0, 3, (12,), generator=GENERATOR)
REGRESSION = torch.randn(12, 3, generator=GENERATOR)
BATCHES = [(INPUTS[:6], CLASSES[:6]), (INPUTS[6:], CLASSES[6:])]


def expect_same_parameters(got: dict, expected: dict, what: str, advice: str = "", advice_zh: str = "") -> None:
    if not isinstance(got, dict) or set(got) != set(expected):
        fail(f"{what}: the model's parameters could not be compared", f"{what}：无法比较模型参数")
    for name, value in expected.items():
        if not torch.allclose(got[name], value, atol=1e-6, rtol=1e-5):
            fail(f"{what}: parameter {name} differs from a correct step{'; ' + advice if advice else ''}",
                 f"{what}：参数 {name} 与正确的一步不同{'；' + advice_zh if advice_zh else ''}")


def expect_float_loss(value, expected, what: str) -> None:
    if isinstance(value, torch.Tensor):
        fail(f"{what} returned a tensor; return loss.item() (a float): a tensor keeps the computation graph alive",
             f"{what} 返回了 tensor；请返回 loss.item()（float），tensor 会让计算图一直占用内存")
    expect_type(value, float, what)
    expect_close(value, expected, what, atol=1e-5)


@points(2)
def test_train_step_returns_the_loss_as_a_python_float(student, reference):
    """train_step returns loss.item(): a float equal to the loss before the update."""
    got = student.probe(probes.steps, 1, BATCHES[:1])
    expected = reference.probe(probes.steps, 1, BATCHES[:1])
    expect_float_loss(got["returned"][0], expected["returned"][0], "train_step(...)")


@points(2)
def test_train_step_updates_the_parameters_like_sgd(student, reference):
    """After one step with SGD(lr=0.1) and cross-entropy, every parameter equals a correct step's."""
    got = student.probe(probes.steps, 2, BATCHES[:1])
    expected = reference.probe(probes.steps, 2, BATCHES[:1])
    expect_same_parameters(got["params"], expected["params"], "after one train_step",
                           "forward, loss, backward() and optimizer.step() must all happen",
                           "前向、计算损失、backward() 和 optimizer.step() 都要执行")


@points(2)
def test_train_step_clears_old_gradients_first(student, reference):
    """With gradients left over from earlier, a step must start with optimizer.zero_grad()."""
    got = student.probe(probes.steps, 3, BATCHES, stale_gradients=True)
    expected = reference.probe(probes.steps, 3, BATCHES, stale_gradients=True)
    expect_same_parameters(got["params"], expected["params"], "after two train_steps",
                           "call optimizer.zero_grad() before backward(), or old gradients add up",
                           "在 backward() 之前调用 optimizer.zero_grad()，否则旧梯度会累加")


@pytest.mark.parametrize("optimizer,loss", [("momentum", "ce"), ("adam", "mse")], ids=["momentum-ce", "adam-mse"])
@points(1)
def test_train_step_works_with_any_optimizer_and_loss(student, reference, optimizer, loss):
    """The step uses the optimizer and loss it is given (SGD with momentum, Adam; CE, MSE)."""
    targets = CLASSES if loss == "ce" else REGRESSION
    batches = [(INPUTS[:6], targets[:6]), (INPUTS[6:], targets[6:])]
    got = student.probe(probes.steps, 4, batches, optimizer=optimizer, loss=loss, lr=0.05)
    expected = reference.probe(probes.steps, 4, batches, optimizer=optimizer, loss=loss, lr=0.05)
    expect_same_parameters(got["params"], expected["params"], f"after two steps with {optimizer} and {loss}")


@points(2)
def test_train_epoch_returns_the_sum_of_batch_losses_as_a_float(student, reference):
    """train_epoch returns a float: the sum of the batch losses (the course's running_loss)."""
    got = student.probe(probes.epoch, 5, INPUTS, CLASSES, 4)
    expected = reference.probe(probes.epoch, 5, INPUTS, CLASSES, 4)
    expect_float_loss(got["returned"], expected["returned"], "train_epoch(...)")


@points(2)
def test_train_epoch_trains_on_every_batch(student, reference):
    """After one epoch over 3 batches of 4, the parameters equal three correct steps'."""
    got = student.probe(probes.epoch, 6, INPUTS, CLASSES, 4)
    expected = reference.probe(probes.epoch, 6, INPUTS, CLASSES, 4)
    expect_same_parameters(got["params"], expected["params"], "after train_epoch")


def sgd_case():
    generator = torch.Generator().manual_seed(13)
    values = [torch.randn(3, 2, generator=generator), torch.randn(4, generator=generator),
              torch.randn(2, generator=generator)]
    grads = [torch.randn(3, 2, generator=generator), torch.randn(4, generator=generator), None]
    return values, grads


@points(2)
def test_sgd_update_subtracts_lr_times_the_gradient(student):
    """Each parameter becomes p - lr * p.grad; a parameter without a gradient is left alone."""
    values, grads = sgd_case()
    got = student.probe(probes.sgd, values, grads, 0.3)
    for index, (value, grad) in enumerate(zip(values, grads)):
        expected = value if grad is None else value - 0.3 * grad
        expect_close(got["values"][index], expected, f"parameter {index} after sgd_update(params, lr=0.3)",
                     atol=1e-6)


@points(1)
def test_sgd_update_works_in_place_outside_autograd(student):
    """The same tensor objects are updated, and they stay leaf tensors that require grad."""
    values, grads = sgd_case()
    got = student.probe(probes.sgd, values, grads, 0.3)
    expect_equal(got["same_objects"], [True] * 3, "the parameters are the same objects after sgd_update")
    if got["leaves"] != [True] * 3:
        fail("after sgd_update a parameter is no longer a leaf tensor that requires grad; "
             "update under `with torch.no_grad():`",
             "sgd_update 之后参数不再是需要梯度的叶子张量；请在 `with torch.no_grad():` 中更新")


@points(1)
def test_sgd_update_accepts_model_parameters(student, reference):
    """sgd_update(model.parameters(), lr) works on the generator a model gives."""
    got = student.probe(probes.sgd_on_model, 14, 0.2)
    expected = reference.probe(probes.sgd_on_model, 14, 0.2)
    expect_same_parameters(got["params"], expected["params"], "after sgd_update(model.parameters(), 0.2)")
