"""The traps behind "by hand" checks (`autograder.worker.forbidden`): every path to a forbidden built-in
is refused and named while a student's function runs, own code of any name is not, and everything is
put back afterwards."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
import torchvision.transforms as T
import torchvision.transforms.functional as TF
import torchvision.transforms.v2 as V2
from torch import nn
from torch._C._nn import l1_loss as bound_l1_loss
from torchvision.transforms.functional import to_tensor as aliased_to_tensor

from autograder.worker.forbidden import ForbiddenCall, unreachable

PRED, TARGET = torch.randn(4, 3), torch.randn(4, 3)
LABELS = torch.tensor([0, 2, 1, 1])
PIXELS = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)


def reached(kind: str, call) -> list[str]:
    with unreachable(kind) as labels:
        try:
            call()
        except ForbiddenCall:
            pass
    return labels


@pytest.mark.parametrize(
    "call, label",
    [
        (lambda: F.l1_loss(PRED, TARGET), "torch.nn.functional.l1_loss"),
        (lambda: bound_l1_loss(PRED, TARGET, 1), "torch._C._nn.l1_loss"),
        (lambda: torch.ops.aten.l1_loss(PRED, TARGET, 1), "torch.ops.aten.l1_loss"),
        (lambda: nn.CrossEntropyLoss()(PRED, LABELS), "nn.CrossEntropyLoss"),
        (lambda: F.nll_loss(F.log_softmax(PRED, 1), LABELS), "torch.nn.functional.nll_loss"),
        (
            lambda: torch.binary_cross_entropy_with_logits(PRED, TARGET.sigmoid(), None, None, 1),
            "torch.binary_cross_entropy_with_logits",
        ),
    ],
    ids=["functional", "c-nn-bound-at-import", "ops-aten", "nn-module", "nll", "torch-namespace"],
)
def test_every_path_to_a_built_in_loss_is_refused_and_named(call, label):
    assert reached("losses", call) == [label]


def test_a_loss_kernel_is_refused_even_with_torch_functions_switched_off():
    def sneaky():
        with torch._C.DisableTorchFunction():
            return torch._C._nn.mse_loss(PRED, TARGET, 1)

    assert reached("losses", sneaky) == ["aten::mse_loss"]


def test_losses_written_with_tensor_operations_reach_nothing():
    log_probs = lambda: PRED - torch.logsumexp(PRED, dim=1, keepdim=True)  # noqa: E731
    assert reached("losses", lambda: (PRED - TARGET).abs().mean()) == []
    assert reached("losses", lambda: -log_probs().gather(1, LABELS[:, None]).mean()) == []
    assert reached("losses", lambda: F.log_softmax(PRED, 1)) == []


@pytest.mark.parametrize(
    "call, label",
    [
        (lambda: torch.relu(PRED), "torch.relu"),
        (lambda: PRED.relu(), "Tensor.relu"),
        (lambda: PRED.sigmoid(), "Tensor.sigmoid"),
        (lambda: torch.special.expit(PRED), "torch.special.expit"),
        (lambda: F.relu(PRED), "torch.nn.functional.relu"),
        (lambda: nn.Sigmoid()(PRED), "nn.Sigmoid"),
    ],
    ids=["torch", "method", "sigmoid-method", "expit", "functional", "module"],
)
def test_every_path_to_a_built_in_activation_is_refused_and_named(call, label):
    assert reached("activations", call) == [label]


def test_activations_from_where_exp_and_clamp_reach_nothing():
    assert reached("activations", lambda: torch.where(PRED > 0, PRED, torch.zeros_like(PRED))) == []
    assert reached("activations", lambda: 1 / (1 + torch.exp(-PRED))) == []
    assert reached("activations", lambda: PRED.clamp(min=0)) == []


@pytest.mark.parametrize(
    "kind, call, label",
    [
        ("to_tensor", lambda: aliased_to_tensor(PIXELS), "torchvision.transforms.functional.to_tensor"),
        ("to_tensor", lambda: T.ToTensor()(PIXELS), "torchvision.transforms.ToTensor"),
        (
            "to_tensor",
            lambda: V2.Compose([V2.ToImage(), V2.ToDtype(torch.float32, scale=True)])(PIXELS),
            "torchvision.transforms.v2.ToImage",
        ),
        (
            "normalize",
            lambda: TF.normalize(torch.rand(3, 2, 2), [0.5] * 3, [0.5] * 3),
            "torchvision.transforms.functional.normalize",
        ),
        (
            "normalize",
            lambda: T.Normalize([0.5] * 3, [0.5] * 3)(torch.rand(3, 2, 2)),
            "torchvision.transforms.Normalize",
        ),
    ],
    ids=["alias-taken-at-import", "class", "v2", "functional-normalize", "class-normalize"],
)
def test_every_path_to_torchvision_is_refused_and_named(kind, call, label):
    assert reached(kind, call) == [label]


def test_own_classes_named_like_torchvision_reach_nothing():
    class ToTensor:
        def __call__(self, array):
            return torch.from_numpy(np.asarray(array)).permute(2, 0, 1).float() / 255

    class Normalize:
        def __init__(self, mean, std):
            self.mean, self.std = torch.tensor(mean)[:, None, None], torch.tensor(std)[:, None, None]

        def __call__(self, tensor):
            return (tensor - self.mean) / self.std

    assert reached("to_tensor", lambda: ToTensor()(PIXELS)) == []
    assert reached("normalize", lambda: Normalize([0.5] * 3, [0.5] * 3)(torch.rand(3, 2, 2))) == []


def test_an_exception_handler_in_student_code_does_not_hide_the_call():
    def swallowing():
        try:
            return F.mse_loss(PRED, TARGET)
        except Exception:
            return (PRED - TARGET).pow(2).mean()

    assert reached("losses", swallowing) == ["torch.nn.functional.mse_loss"]


def test_everything_works_again_after_the_call():
    for kind, call in [
        ("losses", lambda: F.l1_loss(PRED, TARGET)),
        ("to_tensor", lambda: T.ToTensor()(PIXELS)),
        ("activations", lambda: nn.ReLU()(PRED)),
    ]:
        reached(kind, call)
    assert torch.equal(F.l1_loss(PRED, TARGET), (PRED - TARGET).abs().mean())
    assert T.ToTensor()(PIXELS).shape == (3, 2, 3)
    assert torch.equal(nn.ReLU()(PRED), torch.relu(PRED))
