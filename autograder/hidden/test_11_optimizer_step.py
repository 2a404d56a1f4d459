"""Hidden checks for 11_optimizer_step: the five moves of a step, an epoch's sum, SGD by hand.

Every expected value is the reference's, run in the grader on the same seeded model and data, or
computed here. Each check judges one behaviour: train_epoch runs with the kit's train_step (so a step's
mistake is charged once, by the step's checks), a step's optimizer and loss are judged with fresh
gradients (so a missing zero_grad is charged once, by its own check), and a long epoch of 2,001
one-sample batches shows a running loss reset every few batches.
"""

import pytest
import torch

from autograder.checking import StudentError, Text, expect_close, expect_type, fail, not_judged, points
from autograder.hidden.numbers import expect_number
from autograder.worker.probes import optimizer_step as probes

GENERATOR = torch.Generator().manual_seed(11)
INPUTS = torch.randn(12, 4, generator=GENERATOR)
CLASSES = torch.randint(0, 3, (12,), generator=GENERATOR)
REGRESSION = torch.randn(12, 3, generator=GENERATOR)
BATCHES = [(INPUTS[:6], CLASSES[:6]), (INPUTS[6:], CLASSES[6:])]
LONG = 2001  # one-sample batches: more than the 2000 of the tutorial's "print every 2000 mini-batches"
LONG_INPUTS = torch.randn(LONG, 4, generator=torch.Generator().manual_seed(12))
LONG_CLASSES = torch.randint(0, 3, (LONG,), generator=torch.Generator().manual_seed(13))


def expect_same_parameters(
    got: dict, expected: dict, what: str, advice: str = "", advice_zh: str = ""
) -> None:
    if not isinstance(got, dict) or set(got) != set(expected):
        fail(f"{what}: the model's parameters could not be compared", f"{what}：无法比较模型参数")
    for name, value in expected.items():
        if not torch.allclose(got[name], value, atol=1e-6, rtol=1e-5):
            fail(
                f"{what}: parameter {name} differs from a correct step{'; ' + advice if advice else ''}",
                f"{what}：参数 {name} 与正确的一步不同{'；' + advice_zh if advice_zh else ''}",
            )


def expect_float_loss(value, expected, what: str) -> None:
    if isinstance(value, torch.Tensor):
        fail(
            f"{what} returned a tensor; return loss.item() (a float): a tensor keeps the computation graph "
            f"alive",
            f"{what} 返回了 tensor；请返回 loss.item()（float），tensor 会让计算图一直占用内存",
        )
    expect_type(value, float, what)
    expect_close(value, expected, what, atol=1e-5)


@points(2)
def test_train_step_returns_the_loss_as_a_python_float(student, reference):
    """train_step returns loss.item(): a float equal to the loss before the update.
    中文：train_step 返回 loss.item()：一个等于更新前损失的 float"""
    got = student.probe(probes.steps, 1, BATCHES[:1])
    expected = reference.probe(probes.steps, 1, BATCHES[:1])
    expect_float_loss(got["returned"][0], expected["returned"][0], "train_step(...)")


@points(2)
def test_train_step_updates_the_parameters_like_sgd(student, reference):
    """After one step with SGD(lr=0.1) and cross-entropy, every parameter equals a correct step's.
    中文：用 SGD(lr=0.1) 和交叉熵走一步后，每个参数都与正确的一步相同"""
    got = student.probe(probes.steps, 2, BATCHES[:1])
    expected = reference.probe(probes.steps, 2, BATCHES[:1])
    expect_same_parameters(
        got["params"],
        expected["params"],
        "after one train_step",
        "forward, loss, backward() and optimizer.step() must all happen",
        "前向、计算损失、backward() 和 optimizer.step() 都要执行",
    )


@points(2)
def test_train_step_clears_old_gradients_first(student, reference):
    """With gradients left over from earlier, a step must start with optimizer.zero_grad().
    中文：之前留下了梯度时，每一步都要先调用 optimizer.zero_grad()"""
    got = student.probe(probes.steps, 3, BATCHES, stale_gradients=True)
    expected = reference.probe(probes.steps, 3, BATCHES, stale_gradients=True)
    expect_same_parameters(
        got["params"],
        expected["params"],
        "after two train_steps",
        "call optimizer.zero_grad() before backward(), or old gradients add up",
        "在 backward() 之前调用 optimizer.zero_grad()，否则旧梯度会累加",
    )


@pytest.mark.parametrize(
    "optimizer,loss", [("momentum", "ce"), ("adam", "mse")], ids=["momentum-ce", "adam-mse"]
)
@points(1)
def test_train_step_works_with_any_optimizer_and_loss(student, reference, optimizer, loss):
    """The step uses the optimizer and loss it is given (SGD with momentum, Adam; CE, MSE).
    中文：这一步使用传入的优化器和损失函数（带动量的 SGD、Adam；交叉熵、均方误差）"""
    targets = CLASSES if loss == "ce" else REGRESSION
    batches = [(INPUTS[:6], targets[:6]), (INPUTS[6:], targets[6:])]
    arguments = dict(optimizer=optimizer, loss=loss, lr=0.05, fresh_gradients=True)
    got = student.probe(probes.steps, 4, batches, **arguments)
    expected = reference.probe(probes.steps, 4, batches, **arguments)
    expect_same_parameters(
        got["params"],
        expected["params"],
        f"after two steps with {optimizer} and {loss}",
        "use the optimizer and the loss function train_step is given",
        "使用传给 train_step 的优化器和损失函数",
    )


@pytest.fixture(scope="module")
def epoch_sum(student, reference):
    """train_epoch over 3 batches of 4: what it returned, and the sum of the batch losses
    (the reference's)."""
    expected = reference.probe(probes.epoch, 5, INPUTS, CLASSES, 4)["returned"]
    try:
        return student.probe(probes.epoch, 5, INPUTS, CLASSES, 4)["returned"], expected
    except StudentError as error:  # reported by the check that owns the sum
        return error, expected


@points(2)
def test_train_epoch_returns_the_sum_of_batch_losses_as_a_float(epoch_sum):
    """train_epoch returns a float: the sum of the batch losses (the course's running_loss).
    中文：train_epoch 返回一个 float：各 batch 损失之和（课程中的 running_loss）"""
    returned, expected = epoch_sum
    if isinstance(returned, StudentError):
        raise returned
    expect_float_loss(returned, expected, "train_epoch(...)")


def long_epoch_sum(seed: int) -> float:
    """The sum of the batch losses of `probes.long_epoch`: with lr=0 the model never changes, so it is the sum
    of the per-sample losses of the seeded model, computed here."""
    model, _opt, _loss = probes.make_setup(seed, "sgd", "ce", 0.0)
    with torch.no_grad():
        losses = torch.nn.functional.cross_entropy(model(LONG_INPUTS), LONG_CLASSES, reduction="none")
    return float(losses.double().sum())


@points(1)
def test_train_epoch_adds_up_every_batch_of_a_long_epoch(student, epoch_sum):
    """Over 2,001 one-sample batches the sum still covers every batch: no running loss reset every N batches.
    中文：在 2001 个单样本 batch 上，总和仍包含每个 batch：不要每隔 N 个 batch 把 running_loss 清零"""
    returned, expected = epoch_sum
    try:
        short = None if isinstance(returned, StudentError) else expect_number(returned, Text("", ""))
    except AssertionError:
        short = None
    if short is None or abs(short - expected) > 1e-5 + 1e-4 * abs(expected):
        not_judged(
            "train_epoch",
            "train_epoch does not return the sum over three batches already (another check charges this)",
            "train_epoch 在三个 batch 上返回的已不是损失之和（由另一项检查扣分）",
        )
    got = student.probe(probes.long_epoch, 6, LONG_INPUTS, LONG_CLASSES)["returned"]
    want = long_epoch_sum(6)
    have = expect_number(got, Text(f"train_epoch over {LONG} batches", f"{LONG} 个 batch 的 train_epoch"))
    if abs(have - want) > 1e-3 + 1e-5 * abs(want):
        fail(
            f"over {LONG} one-sample batches (with lr=0) train_epoch returned {have:.6g}, but its batch "
            f"losses add up to {want:.6g}: keep one total for the whole epoch (a tutorial prints and resets "
            f"running_loss every 2000 batches: print from a second variable)",
            f"在 {LONG} 个单样本 batch 上（lr=0）train_epoch 返回 {have:.6g}，而各 batch 损失之和为 "
            f"{want:.6g}：整个 epoch 只用一个总和（教程里每 2000 个 batch 打印一次并把 running_loss 清零：打"
            f"印请用另一个变量）",
        )


@points(2)
def test_train_epoch_trains_on_every_batch(student, reference):
    """After one epoch over 3 batches of 4, the parameters equal three correct steps'.
    中文：在 3 个大小为 4 的 batch 上训练一个 epoch 后，参数与正确的三步相同"""
    got = student.probe(probes.epoch, 6, INPUTS, CLASSES, 4)
    expected = reference.probe(probes.epoch, 6, INPUTS, CLASSES, 4)
    expect_same_parameters(
        got["params"],
        expected["params"],
        "after train_epoch",
        "call train_step once for every batch of the loader",
        "对 loader 的每个 batch 调用一次 train_step",
    )


def sgd_case():
    generator = torch.Generator().manual_seed(13)
    values = [
        torch.randn(3, 2, generator=generator),
        torch.randn(4, generator=generator),
        torch.randn(2, generator=generator),
    ]
    grads = [torch.randn(3, 2, generator=generator), torch.randn(4, generator=generator), None]
    return values, grads


@pytest.fixture(scope="module")
def sgd_run(student):
    """sgd_update(params, lr=0.3) on leaf tensors: what the tensors and the list hold after, or the error."""
    values, grads = sgd_case()
    try:
        return student.probe(probes.sgd, values, grads, 0.3)
    except StudentError as error:
        return error


def expected_sgd() -> list[torch.Tensor]:
    values, grads = sgd_case()
    return [value if grad is None else value - 0.3 * grad for value, grad in zip(values, grads)]


def in_place_error(run) -> bool:
    return isinstance(run, StudentError) and "leaf Variable" in str(run)


@points(2)
def test_sgd_update_subtracts_lr_times_the_gradient(sgd_run):
    """Each parameter becomes p - lr * p.grad; a parameter without a gradient is left alone.
    中文：每个参数变成 p - lr * p.grad；没有梯度的参数保持不变"""
    if in_place_error(sgd_run):
        not_judged(
            "sgd_update",
            "sgd_update updates inside autograd (sgd_update_works_in_place_outside_autograd charges this)",
            "sgd_update 在自动求导中更新（由 sgd_update_works_in_place_outside_autograd 扣分）",
        )
    if isinstance(sgd_run, StudentError):
        raise sgd_run
    values, _grads = sgd_case()
    if all(torch.equal(got, value) for got, value in zip(sgd_run["listed"], values) if got is not None):
        not_judged(
            "sgd_update",
            "sgd_update changed no tensor at all (sgd_update_works_in_place_outside_autograd charges this)",
            "sgd_update 没有改变任何张量（由 sgd_update_works_in_place_outside_autograd 扣分）",
        )
    for index, want in enumerate(expected_sgd()):
        expect_close(
            sgd_run["listed"][index], want, f"parameter {index} after sgd_update(params, lr=0.3)", atol=1e-6
        )


@points(1)
def test_sgd_update_works_in_place_outside_autograd(sgd_run):
    """The very tensors passed in are updated, in place, under torch.no_grad().
    中文：传入的张量本身被就地更新，且在 torch.no_grad() 中进行"""
    if in_place_error(sgd_run):
        fail(
            f"sgd_update raised {sgd_run}: an in-place update of a parameter must not be recorded by "
            f"autograd; update under `with torch.no_grad():`",
            f"sgd_update 出错：{sgd_run}；参数的就地更新不能被自动求导记录；请在 `with torch.no_grad():` 中更"
            f"新",
        )
    if isinstance(sgd_run, StudentError):
        not_judged(
            "sgd_update",
            "sgd_update raised an error (another check charges this)",
            "sgd_update 出错了（由另一项检查扣分）",
        )
    for index, (got, want) in enumerate(zip(sgd_run["values"], expected_sgd())):
        if not torch.allclose(got, want, atol=1e-6):
            fail(
                f"parameter {index}, the tensor passed to sgd_update, does not hold p - lr * p.grad "
                f"afterwards: update it in place (param -= lr * param.grad under torch.no_grad()); `param = "
                f"param - ...` only gives the name a new tensor",
                f"传给 sgd_update 的第 {index} 个参数张量之后的值不是 p - lr * p.grad：请就地更新（在 "
                f"torch.no_grad() 中 param -= lr * param.grad）；`param = param - ...` 只是让变量名指向一个新"
                f"张量",
            )


@points(1)
def test_sgd_update_accepts_model_parameters(student, reference, sgd_run):
    """sgd_update(model.parameters(), lr) works on the generator a model gives, as on a list.
    中文：sgd_update(model.parameters(), lr) 对模型给出的生成器也有效，与列表一样"""
    if isinstance(sgd_run, StudentError) or any(
        not torch.allclose(got, want, atol=1e-6) for got, want in zip(sgd_run["values"], expected_sgd())
    ):
        not_judged(
            "sgd_update",
            "sgd_update does not update a list of parameters correctly yet (another check charges this)",
            "sgd_update 对参数列表的更新还不正确（由另一项检查扣分）",
        )
    got = student.probe(probes.sgd_on_model, 14, 0.2)
    expected = reference.probe(probes.sgd_on_model, 14, 0.2)
    expect_same_parameters(
        got["params"],
        expected["params"],
        "after sgd_update(model.parameters(), 0.2)",
        "model.parameters() is a generator: go over it only once",
        "model.parameters() 是生成器：只能遍历一次",
    )
