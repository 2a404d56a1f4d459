"""Hidden checks for 14_cifar10_training.

train() runs once with the plan's settings (autograder.hidden.training_plans) from parameters the
grader chose, on an audited loader: the grader checks that the weights it measures came from
train()'s own SGD steps (autograder.hidden.training_audit), then measures accuracy itself on
held-out images drawn with a key the worker cannot read. Short runs (one epoch over two fixed
batches) judge the step, the learning rate and the device argument against the reference;
evaluate() is judged from the numbers it returns (autograder.hidden.evaluation_modes). One bug is
charged once: a check that needs a behaviour another check found wrong is "not judged" and says so.
"""

import numpy as np
import pytest
import torch

from autograder.checking import StudentProblem, cuda_only, fail, not_judged, note, points
from autograder.data import CIFAR10_CLASSES
from autograder.hidden import evaluation_modes as modes
from autograder.hidden import training_report as report
from autograder.hidden.cifar10_runs import (
    EXACT,
    Misfit,
    attempt,
    audit_run,
    blocked,
    blocked_by_steps,
    outcome,
    run_train,
    same,
    step_verdict,
)
from autograder.hidden.cifar10_verdicts import (
    evaluate_on_a_mode_net,
    expect_history,
    expect_on_the_gpu,
    judge_step_verdict,
)
from autograder.hidden.training_plans import plan_for
from autograder.worker.probe_nets import seeded
from autograder.worker.probes import cifar10_training as probes
from autograder.worker.trajectory import flat_state

EXERCISE = "14_cifar10_training"


@pytest.fixture(scope="module")
def plan(data):
    return plan_for(EXERCISE, data)


@pytest.fixture(scope="module")
def splits(data, plan):
    """(train images, train labels), shuffled: all the worker ever gets (the first `plan.train` train, the
    next `plan.val` are train()'s test loader)."""
    train = data.cifar("train")
    order = np.random.default_rng(plan.seed).permutation(len(train.labels))
    return train.images[order], train.labels[order]


@pytest.fixture(scope="module")
def start(reference, plan):
    """The parameters every run starts from: the given CIFAR10Net, seeded, built here."""
    return flat_state(seeded(reference.module.CIFAR10Net, plan.seed))


@pytest.fixture(scope="module")
def full_run(student, splits, plan, start, device):
    return attempt(student, splits, plan, start, device, plan.train, plan.val)


@pytest.fixture(scope="module")
def short_runs(student, reference, splits, plan, start, device):
    """One epoch over two fixed batches: the student's (lr=0.05 and lr=0), and the reference's."""
    return {
        "student": attempt(student, splits, plan, start, device, **EXACT),
        "frozen": attempt(student, splits, plan, start, device, **{**EXACT, "lr": 0.0}),
        "reference": run_train(reference, splits, plan, start, "cpu", **EXACT),
    }


@pytest.fixture(scope="module")
def audited(full_run, reference, splits, plan, start, device):
    """The audit of the full run (None when the run did not complete)."""
    return audit_run(full_run, reference.module.CIFAR10Net(), splits, plan, start, device)


@points(4)
def test_trained_model_reaches_the_accuracy_threshold(
    full_run, audited, short_runs, reference, data, splits, plan, start, device
):
    """After train(), the model's accuracy on held-out images (measured by the grader) clears the threshold.
    中文：train() 之后模型在未见过的图片上的准确率（由评分程序测量）达到阈值"""
    run = outcome(full_run)
    heldout = data.heldout_cifar(plan.heldout)
    accuracy = report.record_run(
        plan,
        data,
        heldout,
        probes.to_inputs(heldout.images),
        run,
        audited.epoch_states,
        reference.module.CIFAR10Net(),
        torch.nn.CrossEntropyLoss(),
        list(CIFAR10_CLASSES),
        reference.source(),
        lambda: run_train(reference, splits, plan, start, "cpu", plan.train, plan.val),
    )
    note(
        f"held-out accuracy {accuracy:.1%} (threshold {plan.threshold:.0%})",
        f"未见过的图片上的准确率 {accuracy:.1%}（阈值 {plan.threshold:.0%}）",
    )
    if not audited.ok:
        blocked_by_steps(
            step_verdict(short_runs, start, device),
            f"the accuracy of its weights (held-out {accuracy:.1%}) cannot count",
            f"其权重的准确率（未见过的图片上为 {accuracy:.1%}）不能计分",
        )
        fail(
            f"the weights train() left in the model are not its own SGD steps on the data: "
            f"{audited.reason.en}; their accuracy (held-out {accuracy:.1%}) cannot count",
            f"train() 留在模型里的权重不是它在数据上做的 SGD 训练步的结果：{audited.reason.zh}；其准确率（未"
            f"见过的图片上为 {accuracy:.1%}）不能计分",
        )
    if accuracy < plan.threshold:
        fail(
            f"held-out accuracy after {plan.epochs} epoch(s) with lr={plan.lr}: expected at least "
            f"{plan.threshold:.0%}, got {accuracy:.1%}",
            f"训练 {plan.epochs} 轮（lr={plan.lr}）后在未见过的图片上的"
            f"准确率应至少为 {plan.threshold:.0%}，实际为 {accuracy:.1%}",
        )


@points(1)
def test_history_has_one_record_per_epoch(full_run, plan):
    """train() returns one dict per epoch with epoch, train_loss, test_loss and test_accuracy, each one number.
    中文：train() 每个 epoch 返回一个字典，含 epoch、train_loss、test_loss 和 test_accuracy，每项都是一个数"""  # noqa: E501
    blocked(full_run, "its training run", "训练")
    expect_history(outcome(full_run).returned, plan.epochs)


@points(1)
def test_model_is_trained_in_place(short_runs, start, device):
    """The model object passed to train() is the one that gets trained: its parameters change.
    中文：传给 train() 的模型对象就是被训练的那个：它的参数发生了变化"""
    blocked(short_runs["student"], "one epoch of two batches", "两个 batch 的一个 epoch")
    if step_verdict(short_runs, start, device) == "unchanged":
        fail(
            "the model passed to train() still has its initial parameters: train that model (do not create a "
            "new one inside train) and call optimizer.step()",
            "传给 train() 的模型参数没有变化：请训练传入的这个模型（不要在 train 里新建模型），并调用 "
            "optimizer.step()",
        )


@points(3)
def test_one_epoch_makes_exactly_the_reference_sgd_steps(short_runs, start, device):
    """One epoch over two fixed batches gives exactly the parameters of two plain SGD + cross-entropy steps.
    中文：在两个固定 batch 上训练一个 epoch，得到的参数与两步普通 SGD + 交叉熵完全相同"""
    verdict = step_verdict(short_runs, start, device)
    if verdict == "error":
        outcome(short_runs["student"])
    judge_step_verdict(verdict)


@points(1)
def test_the_given_learning_rate_is_used(short_runs, start, device):
    """With lr=0 the parameters stay as they were (and with lr=0.05 they move).
    中文：lr=0 时参数保持不变（lr=0.05 时参数会变化）"""
    frozen = short_runs["frozen"]
    if isinstance(frozen, (StudentProblem, Misfit)) or step_verdict(short_runs, start, device) in (
        "error",
        "unchanged",
    ):
        blocked(short_runs["student"], "one epoch of two batches", "两个 batch 的一个 epoch")
        not_judged(
            "train",
            "train() never changes the parameters (model_is_trained_in_place charges this), so "
            "its use of lr cannot be seen",
            "train() 从不改变参数（由 model_is_trained_in_place 扣分），无法判断它是否使用了 lr",
        )
    if not torch.equal(frozen.final, start):
        fail(
            "with lr=0 the parameters still changed: pass lr to the optimizer: "
            "torch.optim.SGD(model.parameters(), lr=lr)",
            "lr=0 时参数仍然变化了：请把 lr 传给优化器：torch.optim.SGD(model.parameters(), lr=lr)",
        )


@points(1)
def test_device_may_be_a_torch_device(student, short_runs, splits, plan, start, device):
    """train(..., device=torch.device(...)) trains exactly like device="cpu" / "cuda".
    中文：train(..., device=torch.device(...)) 与 device="cpu"/"cuda" 训练结果完全相同"""
    got = attempt(student, splits, plan, start, device, device_as_object=True, **EXACT)
    verdict = step_verdict(short_runs, start, device)
    if isinstance(got, StudentProblem) and verdict != "error":
        fail(
            f"with device=torch.device({device!r}) train() raised {got}; accept a torch.device as well as a "
            f"string: use torch.device(device), or pass it straight to .to(device)",
            f"device=torch.device({device!r}) 时 train() 出错：{got}；device 既可以是字符串也可以是 "
            f"torch.device：请用 torch.device(device)，或直接传给 .to(device)",
        )
    blocked_by_steps(
        verdict, "whether a torch.device works as well cannot be judged", "无法判断 torch.device 是否同样可用"
    )
    if not same(outcome(got), short_runs["reference"].final, device):
        fail(
            f"with device=torch.device({device!r}) the parameters differ from those train() gives with "
            f"device={device!r}: use torch.device(device), or pass it straight to .to(device)",
            f"device=torch.device({device!r}) 时得到的参数与 device={device!r} 时不同：请用 "
            f"torch.device(device)，或直接传给 .to(device)",
        )


@pytest.fixture(scope="module")
def evaluation(student, splits, plan, device):
    """evaluate() on a ModeRevealingNet: what it returned (or the problem), and what each mode would give."""
    return evaluate_on_a_mode_net(student, splits, plan, device)


@points(2)
def test_evaluate_returns_mean_loss_and_accuracy(evaluation):
    """evaluate returns (mean loss, accuracy) with the values the grader computes for the same model and data.
    中文：evaluate 返回 (平均损失, 准确率)，其值与评分程序对同一模型和数据算出的相同"""
    returned, found, tolerance = evaluation
    if isinstance(returned, StudentProblem):
        raise returned
    modes.expect_pair(returned, found, tolerance)


@points(1)
def test_evaluate_gives_accuracy_as_a_fraction(evaluation):
    """Accuracy is correct / total in [0, 1], not a percentage or a count of correct images.
    中文：准确率是 [0, 1] 之间的 正确数 / 总数，不是百分数，也不是预测正确的数量"""
    _returned, found, tolerance = evaluation
    modes.expect_fraction(modes.accuracy_of_pair(*evaluation), found, tolerance, "evaluate")


@points(1)
def test_evaluate_switches_to_eval_mode(evaluation):
    """evaluate runs the model in eval mode (model.eval()), as its numbers show.
    中文：evaluate 在评估模式下运行模型（model.eval()），从它返回的数值可以看出"""
    _returned, found, tolerance = evaluation
    reading = modes.expect_reading(modes.accuracy_of_pair(*evaluation), found, tolerance, "evaluate")
    modes.expect_mode(reading, "training", "evaluate")


@points(1)
def test_evaluate_turns_autograd_off(evaluation):
    """evaluate runs the model without autograd (torch.no_grad()), as its numbers show.
    中文：evaluate 在关闭自动求导（torch.no_grad()）的情况下运行模型，从它返回的数值可以看出"""
    _returned, found, tolerance = evaluation
    reading = modes.expect_reading(modes.accuracy_of_pair(*evaluation), found, tolerance, "evaluate")
    modes.expect_mode(reading, "grad", "evaluate")


@cuda_only
@points(2)
def test_model_and_batches_live_on_the_gpu_during_training(full_run, audited, device):
    """Seen from inside forward(): every training batch and every parameter was on the GPU, in a genuine run.
    中文：在 forward() 内部看到：每个训练 batch 和每个参数都在 GPU 上，且训练确实由循环完成"""
    blocked(full_run, "its training run", "训练")
    if not audited.ok:
        not_judged(
            "train",
            "the training run is not train()'s own SGD steps (another check charges this)",
            "这次训练不是 train() 自己的 SGD 训练步（由另一项检查扣分）",
        )
    expect_on_the_gpu(outcome(full_run).extra.get("calls") or {}, device)


@cuda_only
@points(1)
def test_training_survives_pinned_batches_and_non_blocking_copies(
    student, short_runs, splits, plan, start, device
):
    """With page-locked batches (pin_memory=True) one epoch still gives the reference's SGD steps.
    中文：使用锁页内存的 batch（pin_memory=True）时，一个 epoch 仍得到与参考实现相同的 SGD 训练步"""
    got = attempt(student, splits, plan, start, device, pin_memory=True, **EXACT)
    blocked_by_steps(
        step_verdict(short_runs, start, device),
        "whether pinned batches work as well cannot be judged",
        "无法判断锁页内存的 batch 是否同样可用",
    )
    if not same(outcome(got), short_runs["reference"].final, device):
        fail(
            "after one epoch with pinned batches on the GPU the parameters differ from the reference's: wait "
            "for the batch before using it: keep copies on one stream, and read results with .item()",
            "在 GPU 上使用锁页内存的 batch 训练一个 epoch 后，参数与参考实现不同：使用 batch 前要等它拷贝完"
            "成：在同一个 stream 上拷贝，用 .item() 读取结果",
        )
