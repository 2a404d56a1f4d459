"""Hidden checks for 18_mnist.

The networks run on fresh inputs with the student's own parameters, which the
grader loads, in order, into the reference's network to compute the expected
log-probabilities. Training is compared step for step with the reference's
Adam + NLLLoss, and the MLP trained by the student's loop must reach an
accuracy that the grader measures itself, on held-out digits the worker never
receives (as in 14_cifar10_training).

Calibration of the threshold (synthetic digits, the plan below, seeds 18-22,
held-out accuracy): reference 91.6-93.2%; no zero_grad 34.5-54.0%; no step
6.9-17.8%; SGD instead of Adam 21.2-39.1%; labels shuffled 8.5-14.7%; threshold
80%. CrossEntropyLoss after LogSoftmax trains exactly like NLLLoss (log_softmax
of log-probabilities changes nothing), so no threshold can see it: a structural
check names it instead. The real-MNIST plan is not calibrated on real MNIST.
"""
from dataclasses import dataclass

import numpy as np
import pytest
import torch

from autograder.checking import (
    StudentError,
    StudentProblem,
    expect_close,
    expect_equal,
    expect_type,
    fail,
    note,
    points,
)
from autograder.worker.probes import generic
from autograder.worker.probes import mnist as probes
from autograder.worker.probes.mnist import to_inputs

SHAPES = {
    "MLP": [(100, 784), (100,), (10, 100), (10,)],
    "CNN": [(8, 1, 3, 3), (8,), (32, 8, 3, 3), (32,), (200, 1568), (200,), (100, 200), (100,), (10, 100), (10,)],
}
FLATTEN_ADVICE = {
    "MLP": ("MLP.forward receives the images as they are, shaped (N, 1, 28, 28): flatten them inside forward "
            "with x = x.view(-1, 784)",
            "MLP.forward 收到的是原样的图片，形状为 (N, 1, 28, 28)：请在 forward 里用 x = x.view(-1, 784) 展平"),
    "CNN": ("flatten the (N, 32, 7, 7) feature maps after the convolutions, one row per image: "
            "x.view(x.size(0), -1) gives (N, 1568), while x.view(-1, 784) would give (2N, 784)",
            "请在卷积之后展平 (N, 32, 7, 7) 的特征图，每张图片一行：x.view(x.size(0), -1) 得到 (N, 1568)，"
            "而 x.view(-1, 784) 会得到 (2N, 784)"),
}
STEP_ADVICE = ("every batch needs zero_grad, forward, NLLLoss, backward and Adam(lr=lr).step()",
               "每个 batch 都要 zero_grad、前向、NLLLoss、backward 和 Adam(lr=lr).step()")
SEED = 18
SCORED = 300  # digits in the accuracy() check


@dataclass(frozen=True)
class Plan:
    """How much the MLP trains, and the held-out accuracy a correct loop must reach."""

    train: int
    heldout: int
    epochs: int
    lr: float
    batch_size: int
    threshold: float


PLANS = {
    "synthetic": Plan(train=2000, heldout=1000, epochs=2, lr=0.002, batch_size=64, threshold=0.80),
    "real": Plan(train=6000, heldout=2000, epochs=1, lr=0.002, batch_size=64, threshold=0.85),
}


def plan_for(data) -> Plan:
    return PLANS["real" if data.uses_real_mnist else "synthetic"]


def atol_on(device: str) -> float:
    return 1e-4 if device.startswith("cuda") else 1e-5


@pytest.fixture(scope="module")
def digits(data):
    """(images, labels) of the training split, shuffled: all the worker ever gets."""
    train = data.mnist("train")
    order = np.random.default_rng(SEED).permutation(len(train.labels))
    return train.images[order], train.labels[order]


def fresh_images(count: int, seed: int) -> torch.Tensor:
    """Random pixels, normalised as the digits are: inputs no network has seen."""
    generator = np.random.default_rng(seed)
    return to_inputs(generator.integers(0, 256, size=(count, 28, 28), dtype=np.uint8))


def reference_with(reference, class_name: str, parameters: list) -> torch.nn.Module:
    """The reference's network holding the student's parameters, in registration order."""
    model = getattr(reference.module, class_name)()
    shapes = [tuple(p.shape) if isinstance(p, torch.Tensor) else None for p in parameters]
    expected = SHAPES[class_name]
    if shapes != expected:
        fail(f"the parameters of {class_name}() have the shapes {shapes}; expected the course's layers, {expected}",
             f"{class_name}() 的参数形状为 {shapes}；应为课程中的层：{expected}")
    with torch.no_grad():
        for target, value in zip(model.parameters(), parameters):
            target.copy_(value)
    return model.eval()


def run_network(student, class_name: str, inputs: torch.Tensor, seed: int) -> dict:
    """The student's seeded network on `inputs`; a shape error comes back with advice on flattening."""
    try:
        return student.probe(generic.model_run, class_name, inputs, seed=seed)
    except StudentError as error:
        text = str(error)
        if "shape" in text or "size" in text:
            en, zh = FLATTEN_ADVICE[class_name]
            fail(f"{class_name}()(images of shape {tuple(inputs.shape)}) raised {text[:200]}; {en}",
                 f"{class_name}()(形状为 {tuple(inputs.shape)} 的图片) 出错：{text[:200]}；{zh}")
        raise


def expect_course_layers(student, class_name: str) -> None:
    got, expected = student.probe(probes.layers, class_name), SHAPES[class_name]
    if got != expected:
        fail(f"the parameter shapes of {class_name}(), in order: expected {expected}, got {got}",
             f"{class_name}() 的参数形状（按顺序）：期望 {expected}，实际 {got}")


def expect_reference_outputs(student, reference, class_name: str) -> None:
    for count, seed in ((5, SEED), (1, SEED + 1)):
        inputs = fresh_images(count, seed)
        got = run_network(student, class_name, inputs, seed=seed)
        model = reference_with(reference, class_name, list(got["parameters"].values()))
        with torch.no_grad():
            expected = model(inputs)
        expect_close(got["output"], expected, f"{class_name}()(images of shape {tuple(inputs.shape)})",
                     atol=1e-5, rtol=1e-4)


@points(1)
def test_mlp_has_the_course_layers(student):
    """MLP: Linear(784, 100) then Linear(100, 10), registered in that order."""
    expect_course_layers(student, "MLP")


@points(2)
def test_mlp_turns_image_batches_into_log_probabilities(student, reference):
    """MLP()(images (N, 1, 28, 28)) flattens each image and gives the reference's (N, 10) log-probabilities."""
    expect_reference_outputs(student, reference, "MLP")


@points(1)
def test_cnn_has_the_course_layers(student):
    """CNN: Conv(1, 8, 3), Conv(8, 32, 3), Linear(1568, 200), Linear(200, 100), Linear(100, 10), in order."""
    expect_course_layers(student, "CNN")


@points(2)
def test_cnn_turns_image_batches_into_log_probabilities(student, reference):
    """CNN()(images (N, 1, 28, 28)) gives the reference's (N, 10) log-probabilities."""
    expect_reference_outputs(student, reference, "CNN")


EXACT = dict(epochs=2, lr=0.003, batch_size=32, shuffle=False)  # not Adam's default lr, 0.001


def train_exactly(module, digits, device: str, class_name: str = "MLP", count: int = 64, **overrides) -> dict:
    images, labels = digits
    arguments = {**EXACT, "seed": SEED, "device": device, **overrides}
    return module.probe(probes.train, class_name, images[:count], labels[:count], **arguments)


@pytest.fixture(scope="module")
def exact_runs(student, reference, digits, device):
    """The MLP after two epochs over two fixed batches: the student's (with its torch calls), the reference's."""
    try:
        got = train_exactly(student, digits, device, record=True)
    except StudentProblem as problem:
        got = problem
    return got, train_exactly(reference, digits, "cpu")


def outcome(run):
    if isinstance(run, StudentProblem):
        raise run
    return run


def expect_same_parameters(got: list, expected: list, what: str, atol: float) -> None:
    """Adam's first steps are about lr * sign(gradient), so a last-bit difference in a gradient that is nearly
    zero can become a whole step: up to one entry in a thousand may differ, no more."""
    if len(got) != len(expected):
        fail(f"{what}: expected {len(expected)} parameter tensors (the course's layers), got {len(got)}",
             f"{what}：应有 {len(expected)} 个参数张量（课程中的层），实际为 {len(got)}")
    for index, (have, want) in enumerate(zip(got, expected)):
        wrong = int((~torch.isclose(have, want, atol=atol, rtol=1e-4)).sum()) if have.shape == want.shape else -1
        if wrong < 0 or wrong > want.numel() // 1000:
            fail(f"{what}: parameter {index} (shape {tuple(want.shape)}) differs from the reference's; "
                 f"{STEP_ADVICE[0]}",
                 f"{what}：第 {index} 个参数（形状 {tuple(want.shape)}）与参考实现不同；{STEP_ADVICE[1]}")


@points(3)
def test_training_makes_exactly_the_reference_adam_steps(exact_runs, device):
    """Two epochs over two fixed batches give the parameters of four Adam(lr) + NLLLoss steps."""
    got, expected = exact_runs
    expect_same_parameters(outcome(got)["parameters"], expected["parameters"], "the MLP after train_mnist",
                           atol_on(device))


@points(1)
def test_the_loss_is_nll_loss_not_cross_entropy(exact_runs):
    """The networks end in LogSoftmax, so train_mnist uses NLLLoss, not CrossEntropyLoss (a second softmax)."""
    got, _expected = exact_runs
    if "torch.nn.functional.cross_entropy" in outcome(got)["torch_calls"]:
        fail("train_mnist uses CrossEntropyLoss, which applies log_softmax itself, on outputs that already went "
             "through LogSoftmax: use nn.NLLLoss() for log-probabilities (here the second log_softmax happens to "
             "change nothing, but after a Softmax or with probabilities it silently trains worse)",
             "train_mnist 在已经过 LogSoftmax 的输出上使用了 CrossEntropyLoss，而它自己会再做一次 log_softmax："
             "对数概率应配 nn.NLLLoss()（这里第二次 log_softmax 恰好不改变结果，但在 Softmax 之后或对概率使用时，"
             "会悄悄地训练得更差）")


@points(1)
def test_train_mnist_returns_the_mean_loss_of_each_epoch(exact_runs):
    """train_mnist returns one float per epoch: the mean of its batches' NLL losses."""
    got, expected = exact_runs
    returned = outcome(got)["returned"]
    expect_type(returned, list, "train_mnist(...)'s return value")
    expect_equal(len(returned), len(expected["returned"]), f"the number of losses for epochs={EXACT['epochs']}")
    for index, (have, want) in enumerate(zip(returned, expected["returned"])):
        expect_type(have, (float, int), f"the loss of epoch {index + 1}",
                    "use loss.item() to get a Python number", "用 loss.item() 得到 Python 数字")
        expect_close(have, want, f"the mean loss of epoch {index + 1}", atol=1e-4)


@points(1)
def test_train_mnist_trains_the_cnn_too(student, reference, digits, device):
    """train_mnist works for any network: one epoch of the CNN over one batch gives the reference's Adam step."""
    single = dict(count=16, epochs=1, batch_size=16)
    try:
        got = train_exactly(student, digits, device, "CNN", **single)
    except StudentError as error:
        text = str(error)
        if "size" not in text and "shape" not in text:
            raise
        fail(f"train_mnist(CNN(), ...) raised {text[:200]}; keep the training loop right for any network: "
             f"flatten inside MLP.forward, not in the loop",
             f"train_mnist(CNN(), ...) 出错：{text[:200]}；训练循环要适用于任何网络：请在 MLP.forward 里展平，"
             f"而不是在循环里")
    expected = train_exactly(reference, digits, "cpu", "CNN", **single)
    expect_same_parameters(got["parameters"], expected["parameters"], "the CNN after train_mnist", atol_on(device))


def heldout_accuracy(reference, data, parameters: list, count: int) -> float:
    """Accuracy of the trained MLP parameters on held-out digits, computed here in the grader."""
    model = reference_with(reference, "MLP", parameters)
    heldout = data.mnist("test")
    chosen = np.random.default_rng(SEED + 1).permutation(len(heldout.labels))[:count]
    with torch.no_grad():
        predictions = model(to_inputs(heldout.images[chosen])).argmax(dim=1)
    return (predictions == torch.as_tensor(heldout.labels[chosen])).float().mean().item()


@points(3)
def test_trained_mlp_reaches_the_accuracy_threshold(student, reference, data, digits, device):
    """After train_mnist, the MLP's accuracy on held-out digits (measured by the grader) clears the threshold."""
    plan = plan_for(data)
    images, labels = digits
    result = student.probe(probes.train, "MLP", images[:plan.train], labels[:plan.train], epochs=plan.epochs,
                           lr=plan.lr, batch_size=plan.batch_size, seed=SEED, device=device)
    accuracy = heldout_accuracy(reference, data, result["parameters"], plan.heldout)
    note(f"held-out accuracy {accuracy:.1%} (threshold {plan.threshold:.0%})",
         f"未见过的数字上的准确率 {accuracy:.1%}（阈值 {plan.threshold:.0%}）")
    if accuracy < plan.threshold:
        fail(f"held-out accuracy after {plan.epochs} epoch(s) with lr={plan.lr}: expected at least "
             f"{plan.threshold:.0%}, got {accuracy:.1%}; check zero_grad/backward/step, Adam with the given lr, "
             f"and that labels stay paired with their images",
             f"训练 {plan.epochs} 轮（lr={plan.lr}）后在未见过的数字上的准确率应至少为 {plan.threshold:.0%}，"
             f"实际为 {accuracy:.1%}；请检查 zero_grad/backward/step、是否用给定 lr 的 Adam，以及标签是否与图片对应")


@pytest.fixture(scope="module")
def scored(student, reference, digits, device):
    """accuracy() of a seeded scoring network on the same digits: the student's and the reference's."""
    images, labels = digits[0][-SCORED:], digits[1][-SCORED:]
    return (student.probe(probes.accuracy, images, labels, batch_size=64, seed=SEED, device=device),
            reference.probe(probes.accuracy, images, labels, batch_size=64, seed=SEED, device="cpu"))


@points(2)
def test_accuracy_is_the_fraction_of_correct_predictions(scored):
    """accuracy(model, loader, device) equals the reference's: correct / total, a fraction in [0, 1]."""
    got, expected = scored
    returned, want = got["returned"], expected["returned"]
    if isinstance(returned, (int, float)) and not isinstance(returned, bool) and want:
        if abs(returned - 100 * want) < 1e-6:
            fail("accuracy returned a percentage; return a fraction in [0, 1]",
                 "accuracy 返回了百分数；请返回 [0, 1] 之间的比例")
        if abs(returned - SCORED * want) < 1e-6 and returned >= 1:
            fail("accuracy returned the number of correct images; divide by the number of images",
                 "accuracy 返回的是预测正确的图片数量；请除以图片总数")
    expect_close(returned, want, "accuracy(model, loader, device)", atol=1e-9)


@points(1)
def test_accuracy_runs_in_eval_mode_without_autograd(scored):
    """Every forward pass in accuracy runs in eval mode (dropout off) with autograd off."""
    got, _expected = scored
    if got["calls"]["training"] != [False]:
        fail("accuracy ran the model in training mode; call model.eval() first",
             "accuracy 在训练模式下运行模型；请先调用 model.eval()")
    if got["calls"]["grad_enabled"] != [False]:
        fail("accuracy ran with autograd on; wrap the loop in `with torch.no_grad():`",
             "accuracy 运行时自动求导仍开启；请把循环放进 `with torch.no_grad():`")
