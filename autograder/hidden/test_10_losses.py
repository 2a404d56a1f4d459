"""Hidden checks for 10_losses: values against the built-ins, reductions, stability, gradients, by hand."""
import pytest
import torch
import torch.nn.functional as F

from autograder.checking import expect_close, fail, points
from autograder.worker.probes import generic
from autograder.worker.probes import losses as probes

FUNCTIONAL_LOSSES = {
    "torch.nn.functional." + name
    for name in ("l1_loss", "mse_loss", "cross_entropy", "nll_loss", "smooth_l1_loss", "huber_loss",
                 "kl_div", "binary_cross_entropy", "binary_cross_entropy_with_logits", "soft_margin_loss")
}
COURSE_INPUTS = torch.tensor([1.0, 2.0, 3.0])
COURSE_TARGETS = torch.tensor([1.0, 2.0, 5.0])


def pairs(seed: int):
    generator = torch.Generator().manual_seed(seed)
    for shape in [(5,), (4, 3), (2, 3, 4, 5)]:
        yield shape, torch.randn(shape, generator=generator) * 3, torch.randn(shape, generator=generator) * 3


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@points(1)
def test_l1_loss_equals_the_built_in(student, reduction):
    """l1_loss equals F.l1_loss for every reduction, on 1-D to 4-D tensors."""
    for shape, pred, target in pairs(1):
        expect_close(student.call("l1_loss", pred, target, reduction=reduction),
                     F.l1_loss(pred, target, reduction=reduction),
                     f"l1_loss(tensors of shape {shape}, reduction={reduction!r})", atol=1e-5, check_dtype=True)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@points(1)
def test_mse_loss_equals_the_built_in(student, reduction):
    """mse_loss equals F.mse_loss for every reduction, on 1-D to 4-D tensors."""
    for shape, pred, target in pairs(2):
        expect_close(student.call("mse_loss", pred, target, reduction=reduction),
                     F.mse_loss(pred, target, reduction=reduction),
                     f"mse_loss(tensors of shape {shape}, reduction={reduction!r})", atol=1e-4, check_dtype=True)


@points(1)
def test_course_figures_for_l1_and_mse(student):
    """[1, 2, 3] vs [1, 2, 5]: L1 0.6667 (mean), 2.0 (sum); MSE 1.3333."""
    expect_close(student.call("l1_loss", COURSE_INPUTS, COURSE_TARGETS), 0.6667, "l1_loss (course)", atol=1e-4)
    expect_close(student.call("l1_loss", COURSE_INPUTS, COURSE_TARGETS, reduction="sum"), 2.0,
                 "l1_loss(reduction='sum') (course)", atol=1e-5)
    expect_close(student.call("mse_loss", COURSE_INPUTS, COURSE_TARGETS), 1.3333, "mse_loss (course)", atol=1e-4)


@points(1)
def test_cross_entropy_gives_the_course_figure(student):
    """Logits [[0.1, 0.2, 0.3]] and class 1 give 1.1019."""
    got = student.call("cross_entropy", torch.tensor([[0.1, 0.2, 0.3]]), torch.tensor([1]))
    expect_close(got, 1.1019, "cross_entropy([[0.1, 0.2, 0.3]], [1])", atol=1e-4)


@points(2)
def test_cross_entropy_equals_the_built_in_on_batches(student):
    """cross_entropy equals F.cross_entropy for batches of 1 to 64 samples and 2 to 10 classes."""
    generator = torch.Generator().manual_seed(10)
    for batch, classes in [(1, 2), (7, 3), (64, 10)]:
        logits = torch.randn(batch, classes, generator=generator) * 4
        target = torch.randint(0, classes, (batch,), generator=generator)
        expect_close(student.call("cross_entropy", logits, target), F.cross_entropy(logits, target),
                     f"cross_entropy(logits of shape {(batch, classes)}, targets)", atol=1e-5, check_dtype=True)


@points(2)
def test_cross_entropy_is_stable_for_logits_of_1e4(student):
    """Logits of +-1e4 give the same finite value as F.cross_entropy (no exp overflow)."""
    logits = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3], [1e4, 1e4, -1e4]])
    target = torch.tensor([1, 1, 0])
    expect_close(student.call("cross_entropy", logits, target), F.cross_entropy(logits, target),
                 "cross_entropy(logits of +-1e4)", atol=1e-3, rtol=1e-5)


@pytest.mark.parametrize("name", ["l1_loss", "mse_loss", "cross_entropy"])
@points(1)
def test_gradients_flow_like_the_built_in(student, name):
    """Backpropagating through the loss gives the same input gradient as the built-in."""
    generator = torch.Generator().manual_seed(12)
    if name == "cross_entropy":
        pred, target = torch.randn(6, 4, generator=generator), torch.randint(0, 4, (6,), generator=generator)
        kwargs = {}
    else:
        pred, target = torch.randn(3, 5, generator=generator), torch.randn(3, 5, generator=generator)
        kwargs = {"reduction": "mean"}
    leaf = pred.clone().requires_grad_(True)
    getattr(F, name)(leaf, target, **kwargs).backward()
    got = student.probe(probes.input_gradient, name, pred, target, **kwargs)
    expect_close(got, leaf.grad, f"the gradient of {name} with respect to its input", atol=1e-5)


@points(1)
def test_losses_are_written_by_hand(student):
    """The three losses work without torch.nn.functional's losses (nor nn.*Loss, which call them)."""
    logits, target = torch.randn(4, 3), torch.tensor([0, 2, 1, 1])
    used = set()
    for name, args in [("l1_loss", (COURSE_INPUTS, COURSE_TARGETS)), ("mse_loss", (COURSE_INPUTS, COURSE_TARGETS)),
                       ("cross_entropy", (logits, target))]:
        result = student.probe(generic.call_recording, name, *args)
        expected = getattr(F, name)(*args)
        expect_close(result["value"], expected, f"{name}(...)", atol=1e-4)
        used |= set(result["torch_calls"]) & FUNCTIONAL_LOSSES
    if used:
        fail(f"the losses must be written by hand, but they call {', '.join(sorted(used))}",
             f"损失函数需要手写，但调用了 {', '.join(sorted(used))}")
