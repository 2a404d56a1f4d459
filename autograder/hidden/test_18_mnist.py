"""Hidden checks for 18_mnist.

The networks run on fresh inputs with the student's own parameters, which the grader loads, in order,
into the reference's network to compute the expected log-probabilities. train_mnist is judged on the
kit's own networks (autograder.worker.probe_nets), apart from the student's: every Adam step it makes
is replayed by the grader from the state the loop was in (autograder.hidden.training_audit); a network
without LogSoftmax tells NLLLoss from CrossEntropyLoss by the steps alone; a long epoch of one-image
batches shows a running loss that is reset now and then. The student's MLP, trained from the grader's
start by the student's loop, must reach an accuracy the grader measures itself, on held-out digits
drawn with a key the worker cannot read. accuracy() is judged from the numbers it returns on a
network that shows its mode in its outputs (autograder.hidden.evaluation_modes). Calibration of the
threshold: docs/calibration.md.
"""

import numpy as np
import pytest
import torch

from autograder.checking import StudentError, StudentProblem, Text, fail, not_judged, note, points
from autograder.hidden import evaluation_modes as modes
from autograder.hidden import mnist_runs as runs
from autograder.hidden import training_report as report
from autograder.hidden.mnist_networks import expect_course_layers, network_verdict
from autograder.hidden.mnist_verdicts import accuracy_on_a_mode_net, expect_epoch_losses, judge_the_loss
from autograder.hidden.numbers import expect_number
from autograder.hidden.training_audit import Misfit, Run, audit_passes
from autograder.hidden.training_plans import plan_for
from autograder.worker.probe_nets import seeded
from autograder.worker.probes.mnist import to_inputs
from autograder.worker.trajectory import flat_state


@pytest.fixture(scope="module")
def plan(data):
    return plan_for("18_mnist", data)


@pytest.fixture(scope="module")
def digits(data, plan):
    """(images, labels) of the training split, shuffled: all the worker ever gets."""
    train = data.mnist("train")
    order = np.random.default_rng(plan.seed).permutation(len(train.labels))
    return train.images[order], train.labels[order]


@points(1)
def test_mlp_has_the_course_layers(student):
    """MLP: Linear(784, 100) then Linear(100, 10), registered in that order.
    中文：MLP：先 Linear(784, 100)，再 Linear(100, 10)，按此顺序注册"""
    expect_course_layers(student, "MLP")


@pytest.fixture(scope="module")
def mlp_verdict(student, reference):
    try:
        return network_verdict(student, reference, "MLP")
    except Exception as problem:  # not judged, or the MLP raised: reported by the check that owns it
        return problem


@points(2)
def test_mlp_turns_image_batches_into_log_probabilities(mlp_verdict):
    """MLP()(images (N, 1, 28, 28)) flattens each image and gives the reference's (N, 10) log-probabilities.
    中文：MLP()(形状为 (N, 1, 28, 28) 的图片) 把每张图片展平，得到与参考实现相同的 (N, 10) 对数概率"""
    if isinstance(mlp_verdict, BaseException):
        raise mlp_verdict
    if mlp_verdict is not None:
        fail(mlp_verdict.en, mlp_verdict.zh)


@points(1)
def test_cnn_has_the_course_layers(student):
    """CNN: Conv(1, 8, 3), Conv(8, 32, 3), Linear(1568, 200), Linear(200, 100), Linear(100, 10), in order.
    中文：CNN：依次为 Conv(1, 8, 3)、Conv(8, 32, 3)、Linear(1568, 200)、Linear(200, 100)、Linear(100, 10)"""
    expect_course_layers(student, "CNN")


@points(2)
def test_cnn_turns_image_batches_into_log_probabilities(student, reference):
    """CNN()(images (N, 1, 28, 28)) gives the reference's (N, 10) log-probabilities.
    中文：CNN()(形状为 (N, 1, 28, 28) 的图片) 得到与参考实现相同的 (N, 10) 对数概率"""
    verdict = network_verdict(student, reference, "CNN")
    if verdict is not None:
        fail(verdict.en, verdict.zh)


@pytest.fixture(scope="module")
def exact(student, digits, device):
    """train_mnist on the course's MLP (the kit's), two epochs over two fixed batches, and its audit."""
    run = runs.run_kit(student, "CourseMLP", digits, device, **runs.EXACT)
    if not isinstance(run, Run):
        return run, None
    return run, runs.kit_audit(run, "CourseMLP", digits, runs.EXACT["lr"], runs.EXACT["epochs"], 4, device)


@points(3)
def test_training_makes_exactly_the_reference_adam_steps(exact):
    """Two epochs over two fixed batches are four Adam(lr) + NLLLoss steps, each replayed by the grader.
    中文：在两个固定 batch 上训练两个 epoch，正好是四步 Adam(lr) + NLLLoss，每一步都由评分程序复算"""
    run, verdict = exact
    runs.kit_outcome(run)
    if not verdict.ok:
        fail(
            f"train_mnist on the course's MLP: {verdict.reason.en}; every batch needs zero_grad, forward, "
            f"NLLLoss, backward and Adam(lr=lr).step()",
            f"在课程的 MLP 上运行 train_mnist：{verdict.reason.zh}；每个 batch "
            f"都要 zero_grad、前向、NLLLoss、backward 和 Adam(lr=lr).step()",
        )


@points(1)
def test_the_loss_is_nll_loss_not_cross_entropy(student, digits, exact, device):
    """The networks end in LogSoftmax, so train_mnist uses NLLLoss on their output, not CrossEntropyLoss.
    中文：网络以 LogSoftmax 结尾，所以 train_mnist 对输出使用 NLLLoss，而不是 CrossEntropyLoss"""
    settings = {**runs.EXACT, "epochs": 1}
    run = runs.run_kit(student, "RawLinear", digits, device, record=True, **settings)
    runs.blocked_by_exact(*exact)
    run = runs.kit_outcome(run)
    audits = {
        name: runs.kit_audit(run, "RawLinear", digits, settings["lr"], 1, 2, device, loss)
        for name, loss in (("nll", torch.nn.NLLLoss()), ("cross_entropy", torch.nn.CrossEntropyLoss()))
    }
    judge_the_loss(audits, run)


@points(1)
def test_train_mnist_returns_the_mean_loss_of_each_epoch(student, digits, exact, device):
    """train_mnist returns one number per epoch: the mean of its batches' NLL losses, even over 201 batches.
    中文：train_mnist 每个 epoch 返回一个数：该 epoch 各 batch NLL 损失的平均值，即使有 201 个 batch 也一样"""
    run, _verdict = exact
    if not isinstance(run, Run):
        not_judged(
            "train_mnist",
            "train_mnist did not complete its run (another check charges this)",
            "train_mnist 没能完成训练（由另一项检查扣分）",
        )
    long_run = runs.kit_outcome(runs.run_kit(student, "TinyNet", digits, device, **runs.LONG))
    for (what, what_zh), name, got in (
        (("after two epochs of two batches", "两个 batch 训练两个 epoch 后"), "CourseMLP", run),
        (
            (
                "after one epoch of 201 one-image batches",
                "每个 batch 一张图片、共 201 个 batch 的一个 epoch 后",
            ),
            "TinyNet",
            long_run,
        ),
    ):
        expected = [float(np.mean(losses)) for losses in runs.batch_losses(got, name, digits)]
        expect_epoch_losses(got.returned, expected, what, what_zh)


@points(1)
def test_train_mnist_trains_the_cnn_too(student, digits, exact, device):
    """train_mnist works for any network: one epoch of the course's CNN over one batch is one Adam step.
    中文：train_mnist 适用于任何网络：课程的 CNN 在一个 batch 上训练一个 epoch，正好是一步 Adam"""
    settings = dict(count=4, epochs=1, lr=runs.EXACT["lr"], batch_size=4, shuffle=False)
    run = runs.run_kit(student, "CourseCNN", digits, device, **settings)
    if isinstance(run, StudentError) and ("size" in str(run) or "shape" in str(run)):
        fail(
            f"train_mnist(CNN(), ...) raised {str(run)[:200]}; keep the training loop right for any network: "
            f"flatten inside MLP.forward, not in the loop",
            f"train_mnist(CNN(), ...) 出错：{str(run)[:200]}；训练循环要适用于任何网络：请在 MLP.forward 里展"
            f"平，而不是在循环里",
        )
    runs.blocked_by_exact(*exact)
    verdict = runs.kit_audit(runs.kit_outcome(run), "CourseCNN", digits, settings["lr"], 1, 1, device)
    if not verdict.ok:
        fail(
            f"train_mnist on the course's CNN: {verdict.reason.en}",
            f"在课程的 CNN 上运行 train_mnist：{verdict.reason.zh}",
        )


@points(3)
def test_trained_mlp_reaches_the_accuracy_threshold(
    student, reference, data, digits, plan, exact, mlp_verdict, device
):
    """After train_mnist, the MLP's accuracy on held-out digits (measured by the grader) clears the threshold.
    中文：train_mnist 训练后，MLP 在未见过的数字上的准确率（由评分程序测量）达到阈值"""
    start = flat_state(seeded(reference.module.MLP, plan.seed))
    run = runs.student_run(student, digits, plan, start, device)
    if mlp_verdict is not None:
        not_judged(
            "MLP",
            "MLP() does not compute the course's network (another check charges this), so the "
            "grader cannot replay its training",
            "MLP() 与课程的网络不同（由另一项检查扣分），评分程序无法复算它的训练",
        )
    if isinstance(run, Misfit):
        not_judged(
            "MLP",
            "MLP()'s layers are not the course's (another check charges this)",
            "MLP() 的层与课程不同（由另一项检查扣分）",
        )
    run = runs.kit_outcome(run)
    model = reference.module.MLP()
    verdict = audit_passes(
        run, start, runs.adam_steps(model, digits, plan.lr, device), plan.steps, plan.epochs, plan.lr
    )
    heldout = data.heldout_mnist(plan.heldout)
    accuracy = report.record_run(
        plan,
        data,
        heldout,
        to_inputs(heldout.images),
        run,
        verdict.epoch_states,
        reference.module.MLP(),
        torch.nn.NLLLoss(),
        [str(digit) for digit in range(10)],
        reference.source(),
        lambda: runs.student_run(reference, digits, plan, start, "cpu"),
    )
    note(
        f"held-out accuracy {accuracy:.1%} (threshold {plan.threshold:.0%})",
        f"未见过的数字上的准确率 {accuracy:.1%}（阈值 {plan.threshold:.0%}）",
    )
    if not verdict.ok:
        runs.blocked_by_exact(
            *exact,
            f"; the accuracy of its weights (held-out {accuracy:.1%}) cannot count",
            f"；其权重的准确率（未见过的数字上为 {accuracy:.1%}）不能计分",
        )
        fail(
            f"the weights train_mnist left in the MLP are not its own Adam steps on the digits: "
            f"{verdict.reason.en}; their accuracy (held-out {accuracy:.1%}) cannot count",
            f"train_mnist 留在 MLP 里的权重不是它在这些数字上做的 Adam 训练步的结果：{verdict.reason.zh}；其"
            f"准确率（未见过的数字上为 {accuracy:.1%}）不能计分",
        )
    if accuracy < plan.threshold:
        fail(
            f"held-out accuracy after {plan.epochs} epoch(s) with lr={plan.lr}: expected at least "
            f"{plan.threshold:.0%}, got {accuracy:.1%}",
            f"训练 {plan.epochs} 轮（lr={plan.lr}）后在未见过的数字上的"
            f"准确率应至少为 {plan.threshold:.0%}，实际为 {accuracy:.1%}",
        )


@pytest.fixture(scope="module")
def scored(student, digits, plan, device):
    """accuracy() on a ModeRevealingNet: what it returned (or the problem), and what each mode would give."""
    return accuracy_on_a_mode_net(student, digits, plan, device)


@points(2)
def test_accuracy_is_the_fraction_of_correct_predictions(scored):
    """accuracy(model, loader, device) is correct / total, a fraction in [0, 1], as the grader computes it.
    中文：accuracy(model, loader, device) 等于 正确数 / 总数，是 [0, 1] 之间的比例，与评分程序算出的相同"""
    returned, found, tolerance = scored
    if isinstance(returned, StudentProblem):
        raise returned
    value = expect_number(
        returned,
        Text("accuracy(model, loader, device)", "accuracy(model, loader, device)"),
        "correct / total",
        "正确数 / 总数",
    )
    modes.expect_fraction(returned, found, tolerance, "accuracy")
    if modes.read(returned, found, tolerance) is None:
        fail(
            f"accuracy(model, loader, device): expected {found[0].accuracy:.6g} (correct / total), got "
            f"{value:.6g}",
            f"accuracy(model, loader, device)：期望 {found[0].accuracy:.6g}（正确数 / 总数），实际 "
            f"{value:.6g}",
        )


@points(1)
def test_accuracy_runs_in_eval_mode_without_autograd(scored):
    """accuracy runs the model in eval mode (dropout off) with autograd off, as its numbers show.
    中文：accuracy 在评估模式（关闭 dropout）且关闭自动求导的情况下运行模型，从它返回的数值可以看出"""
    returned, found, tolerance = scored
    if isinstance(returned, StudentProblem):
        not_judged(
            "accuracy",
            "accuracy raised an error (another check charges this)",
            "accuracy 出错了（由另一项检查扣分）",
        )
    reading = modes.expect_reading(returned, found, tolerance, "accuracy")
    modes.expect_mode(reading, "training", "accuracy")
    modes.expect_mode(reading, "grad", "accuracy")
