"""Hidden checks for 14_cifar10_training.

The grader trains the student's loop on the training split it sends to the
worker, then measures accuracy itself, in its own process, on held-out
images the worker never receives. Thresholds were calibrated with
bench/calibrate_training.py (figures in the README): the reference clears
them with margin, and the broken loops (no zero_grad, no step, lr ignored,
labels shuffled) miss them.
"""
from dataclasses import dataclass

import numpy as np
import pytest
import torch

from autograder.checking import (
    StudentProblem,
    cuda_only,
    expect_close,
    expect_equal,
    expect_type,
    fail,
    note,
    points,
)
from autograder.worker.probes import cifar10_training as probes


@dataclass(frozen=True)
class Plan:
    """How much to train, with what, and the held-out accuracy a correct loop must reach."""

    train: int
    val: int
    heldout: int
    epochs: int
    lr: float
    batch_size: int
    threshold: float


PLANS = {
    "synthetic": Plan(train=2000, val=500, heldout=1000, epochs=2, lr=0.03, batch_size=64, threshold=0.80),
    "real": Plan(train=20000, val=1000, heldout=2000, epochs=1, lr=0.04, batch_size=64, threshold=0.33),
}
SEED = 14


def plan_for(data) -> tuple[str, Plan]:
    """The plan for the data in use; the same on every device (only the speed differs)."""
    kind = "real" if data.uses_real_cifar else "synthetic"
    return kind, PLANS[kind]


@pytest.fixture(scope="module")
def splits(data):
    """(train images, train labels, validation images, validation labels): what the worker gets."""
    train = data.cifar("train")
    order = np.random.default_rng(SEED).permutation(len(train.labels))
    return train.images[order], train.labels[order]


def _train(student, splits, plan: Plan, device: str, count: int | None = None, **overrides):
    images, labels = splits
    count = count or plan.train
    arguments = dict(epochs=plan.epochs, lr=plan.lr, batch_size=plan.batch_size, seed=SEED, device=device)
    arguments.update(overrides)
    return student.probe(probes.train, images[:count], labels[:count],
                         images[plan.train:plan.train + plan.val], labels[plan.train:plan.train + plan.val],
                         **arguments)


@pytest.fixture(scope="module")
def full_run(student, data, device, splits):
    """The student's training run with the plan's settings, once for all checks (or the error it hit)."""
    _kind, plan = plan_for(data)
    try:
        return plan, _train(student, splits, plan, device), None
    except StudentProblem as problem:
        return plan, None, problem


def outcome(full_run):
    plan, result, problem = full_run
    if problem is not None:
        raise problem
    return plan, result


def heldout_accuracy(reference, data, state: dict, count: int) -> float:
    """Accuracy of the trained parameters on held-out images, computed here in the grader."""
    from autograder.worker.probes.cifar10_training import to_inputs

    model = reference.module.CIFAR10Net()
    try:
        model.load_state_dict(state, strict=True)
    except (RuntimeError, TypeError) as exc:
        fail(f"the trained parameters do not fit the given CIFAR10Net ({str(exc)[:150]}); keep the given class as it is",
             f"训练后的参数与给定的 CIFAR10Net 不匹配（{str(exc)[:150]}）；请不要修改给定的网络")
    heldout = data.cifar("test")
    chosen = np.random.default_rng(SEED + 1).permutation(len(heldout.labels))[:count]
    images, labels = to_inputs(heldout.images[chosen]), torch.as_tensor(heldout.labels[chosen])
    model.eval()
    with torch.no_grad():
        predictions = torch.cat([model(images[i:i + 500]).argmax(dim=1) for i in range(0, len(images), 500)])
    return (predictions == labels).float().mean().item()


@points(4)
def test_trained_model_reaches_the_accuracy_threshold(full_run, reference, data, device):
    """After train(), the model's accuracy on held-out images (measured by the grader) clears the threshold."""
    plan, result = outcome(full_run)
    accuracy = heldout_accuracy(reference, data, result["state"], plan.heldout)
    note(f"held-out accuracy {accuracy:.1%} (threshold {plan.threshold:.0%})",
         f"未见过的图片上的准确率 {accuracy:.1%}（阈值 {plan.threshold:.0%}）")
    if accuracy < plan.threshold:
        fail(f"held-out accuracy after {plan.epochs} epoch(s) with lr={plan.lr}: expected at least "
             f"{plan.threshold:.0%}, got {accuracy:.1%}; check zero_grad/backward/step, the lr, and that labels "
             f"stay paired with their images",
             f"训练 {plan.epochs} 轮（lr={plan.lr}）后在未见过的图片上的准确率应至少为 {plan.threshold:.0%}，实际为 "
             f"{accuracy:.1%}；请检查 zero_grad/backward/step、学习率，以及标签是否与图片对应")


@points(1)
def test_history_has_one_record_per_epoch(full_run):
    """train() returns one dict per epoch with epoch, train_loss, test_loss and test_accuracy (a fraction)."""
    plan, result = outcome(full_run)
    history = result["history"]
    expect_type(history, list, "train(...)'s return value")
    expect_equal(len(history), plan.epochs, f"the number of records for epochs={plan.epochs}")
    for index, record in enumerate(history):
        expect_type(record, dict, f"record {index} of the history")
        expect_equal(sorted(record), ["epoch", "test_accuracy", "test_loss", "train_loss"],
                     f"the keys of record {index}")
        for key in ("train_loss", "test_loss", "test_accuracy"):
            expect_type(record[key], (float, int), f"record {index}['{key}']",
                        "use .item() to turn a tensor into a number", "用 .item() 把 tensor 变成数字")
        if not 0.0 <= record["test_accuracy"] <= 1.0:
            fail(f"record {index}['test_accuracy'] is {record['test_accuracy']}: it should be a fraction in [0, 1]",
                 f"record {index}['test_accuracy'] 为 {record['test_accuracy']}：应是 [0, 1] 之间的比例")
    epochs = [record["epoch"] for record in history]
    if epochs not in (list(range(1, plan.epochs + 1)), list(range(plan.epochs))):
        fail(f"the epoch numbers are {epochs}; expected 1..{plan.epochs} (or 0..{plan.epochs - 1})",
             f"epoch 编号为 {epochs}；应为 1..{plan.epochs}（或 0..{plan.epochs - 1}）")


@points(1)
def test_model_is_trained_in_place(full_run):
    """The model object passed to train() is the one that gets trained."""
    _plan, result = outcome(full_run)
    changed = any(not torch.equal(result["state"][name], value) for name, value in result["initial"].items())
    if not changed:
        fail("the model passed to train() still has its initial parameters: train that model "
             "(do not create a new one inside train) and call optimizer.step()",
             "传给 train() 的模型参数没有变化：请训练传入的这个模型（不要在 train 里新建模型），并调用 optimizer.step()")


GPU_ATOL = 1e-4  # cuDNN's convolution algorithms differ from the CPU's in the last bits


def atol_on(device: str) -> float:
    return GPU_ATOL if device.startswith("cuda") else 1e-5


def expect_same_state(got: dict, expected: dict, what: str, advice: str, advice_zh: str, atol: float = 1e-5) -> None:
    for name, value in expected.items():
        if name not in got or not torch.allclose(got[name], value, atol=atol, rtol=1e-4):
            fail(f"{what}: parameter {name} differs from the reference's; {advice}",
                 f"{what}：参数 {name} 与参考实现不同；{advice_zh}")


EXACT = dict(count=64, epochs=1, lr=0.05, batch_size=32, shuffle=False)


@points(3)
def test_one_epoch_makes_exactly_the_reference_sgd_steps(student, reference, splits, data, device):
    """One epoch over two fixed batches gives exactly the parameters of two plain SGD + cross-entropy steps."""
    _kind, plan = plan_for(data)
    got = _train(student, splits, plan, device, **EXACT)
    expected = _train(reference, splits, plan, "cpu", **EXACT)
    expect_same_state(got["state"], expected["state"], "after one epoch of two batches",
                      "each batch needs zero_grad, forward, CrossEntropyLoss, backward and SGD(lr=lr).step()",
                      "每个 batch 都要 zero_grad、前向、CrossEntropyLoss、backward 和 SGD(lr=lr).step()",
                      atol=atol_on(device))


@points(1)
def test_the_given_learning_rate_is_used(student, splits, data, device):
    """With lr=0 the parameters stay as they were; with lr=0.05 they move."""
    _kind, plan = plan_for(data)
    frozen = _train(student, splits, plan, device, **{**EXACT, "lr": 0.0})
    expect_same_state(frozen["state"], frozen["initial"], "with lr=0",
                      "pass lr to the optimizer: torch.optim.SGD(model.parameters(), lr=lr)",
                      "把 lr 传给优化器：torch.optim.SGD(model.parameters(), lr=lr)")
    moving = _train(student, splits, plan, device, **EXACT)
    if all(torch.equal(moving["state"][n], v) for n, v in moving["initial"].items()):
        fail("with lr=0.05 the parameters did not change: is optimizer.step() called?",
             "lr=0.05 时参数没有变化：调用 optimizer.step() 了吗？")


@points(1)
def test_device_may_be_a_torch_device(student, reference, splits, data, device):
    """train(..., device=torch.device(...)) works like device="cpu" / "cuda"."""
    _kind, plan = plan_for(data)
    got = _train(student, splits, plan, device, device_as_object=True, **EXACT)
    expected = _train(reference, splits, plan, "cpu", **EXACT)
    expect_same_state(got["state"], expected["state"], "with device given as a torch.device",
                      "use torch.device(device) or pass it straight to .to(device)",
                      "用 torch.device(device)，或直接传给 .to(device)", atol=atol_on(device))


@pytest.fixture(scope="module")
def evaluation(student, reference, splits, device):
    images, labels = splits
    arguments = (images[:256], labels[:256], 64, SEED)
    return student.probe(probes.evaluate, *arguments, device), \
        reference.probe(probes.evaluate, *arguments, "cpu")


@points(2)
def test_evaluate_returns_mean_loss_and_accuracy(evaluation):
    """evaluate returns (mean loss per image, accuracy) equal to the reference's on the same model and data."""
    got, expected = evaluation
    returned = got["returned"]
    if not isinstance(returned, (tuple, list)) or len(returned) != 2:
        fail(f"evaluate should return (mean_loss, accuracy), got {returned!r:.80}",
             f"evaluate 应返回 (mean_loss, accuracy)，实际为 {returned!r:.80}")
    expect_close(returned[0], expected["returned"][0], "evaluate's mean loss", atol=1e-4)
    expect_close(returned[1], expected["returned"][1], "evaluate's accuracy", atol=1e-6)


@points(1)
def test_evaluate_gives_accuracy_as_a_fraction(evaluation):
    """Accuracy is correct / total in [0, 1], not a percentage or a count of correct images."""
    got, expected = evaluation
    returned = got["returned"]
    if isinstance(returned, (tuple, list)) and len(returned) == 2 and isinstance(returned[1], (int, float)):
        accuracy, want = float(returned[1]), expected["returned"][1]
        if want and abs(accuracy - 100 * want) < 1e-3:
            fail("evaluate's accuracy is a percentage; return a fraction in [0, 1]",
                 "evaluate 返回的准确率是百分数；请返回 [0, 1] 之间的比例")
        if want and abs(accuracy - 256 * want) < 1e-3 and accuracy >= 1:
            fail("evaluate's accuracy is a count of correct images; divide by the number of images",
                 "evaluate 返回的是预测正确的图片数量；请除以图片总数")
        expect_close(accuracy, want, "evaluate's accuracy", atol=1e-6)
    else:
        fail("evaluate should return (mean_loss, accuracy)", "evaluate 应返回 (mean_loss, accuracy)")


@points(1)
def test_evaluate_switches_to_eval_mode(evaluation):
    """Every forward pass in evaluate runs with the model in eval mode (model.eval())."""
    got, _expected = evaluation
    if got["calls"]["training"] != [False]:
        fail("evaluate ran the model in training mode; call model.eval() first",
             "evaluate 在训练模式下运行模型；请先调用 model.eval()")


@points(1)
def test_evaluate_turns_autograd_off(evaluation):
    """Every forward pass in evaluate runs without autograd (torch.no_grad())."""
    got, _expected = evaluation
    if got["calls"]["grad_enabled"] != [False]:
        fail("evaluate ran with autograd on; wrap the loop in `with torch.no_grad():`",
             "evaluate 运行时自动求导仍开启；请把循环放进 `with torch.no_grad():`")


@cuda_only
@points(2)
def test_model_and_batches_live_on_the_gpu_during_training(full_run, device):
    """Seen from inside forward(): every training batch and every parameter was on the GPU."""
    _plan, result = outcome(full_run)
    calls = result["calls"]
    for what, devices in (("the batches", calls["input_devices"]), ("the parameters", calls["parameter_devices"])):
        if not devices or not all(d.startswith("cuda") for d in devices):
            fail(f"{what} were on {devices} during training with device={device!r}: move the model once with "
                 f"model.to(device) and each batch with images.to(device), labels.to(device)",
                 f"用 device={device!r} 训练时{what}位于 {devices}：用 model.to(device) 移动模型，"
                 f"每个 batch 用 images.to(device)、labels.to(device)")


@cuda_only
@points(1)
def test_training_survives_pinned_batches_and_non_blocking_copies(student, reference, splits, data, device):
    """With page-locked batches (pin_memory=True) one epoch still gives the reference's SGD steps."""
    _kind, plan = plan_for(data)
    got = _train(student, splits, plan, device, pin_memory=True, **EXACT)
    expected = _train(reference, splits, plan, "cpu", **EXACT)
    expect_same_state(got["state"], expected["state"], "after one epoch with pinned batches on the GPU",
                      "wait for the batch before using it: keep copies on one stream, and read results with .item()",
                      "使用 batch 前要等它拷贝完成：在同一个 stream 上拷贝，用 .item() 读取结果", atol=GPU_ATOL)
