"""Visible tests for exercise 09 (nn.Sequential). Run: pytest exercises/09_sequential"""

import torch
from torch import nn

from autograder.i18n import tr


def the_sequential(net):
    """The nn.Sequential the network holds, whatever its name (the course calls it model1)."""
    return next((child for child in net.children() if isinstance(child, nn.Sequential)), None)


def test_net_holds_its_layers_in_one_sequential(model):
    assert the_sequential(model.CIFAR10Net()) is not None, tr(
        "keep the layers in one nn.Sequential attribute, as the course does (self.model1 = "
        "nn.Sequential(...))",
        "像课程那样把各层放进一个 nn.Sequential 属性（self.model1 = nn.Sequential(...)）",
    )


def test_layers_are_in_the_course_order(model):
    kinds = [type(layer).__name__ for layer in the_sequential(model.CIFAR10Net())]
    assert kinds == [
        "Conv2d",
        "MaxPool2d",
        "Conv2d",
        "MaxPool2d",
        "Conv2d",
        "MaxPool2d",
        "Flatten",
        "Linear",
        "Linear",
    ]


def test_net_maps_a_batch_of_64_images_to_64_by_10(model):
    out = model.CIFAR10Net()(torch.ones(64, 3, 32, 32))
    assert out is not None, tr(
        "forward() returned None: did you forget `return`?", "forward() 返回了 None：是不是忘了写 `return`？"
    )
    assert out.shape == (64, 10)


def test_net_has_the_course_s_145578_parameters(model):
    assert model.count_parameters(model.CIFAR10Net()) == 145578


def test_count_parameters_skips_frozen_parameters(model):
    net = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))
    net[0].requires_grad_(False)
    assert model.count_parameters(net) == 3 * 2 + 2


def test_flatten_linear_gives_10_outputs_for_a_batch_of_64(model):
    assert model.flatten_linear(torch.ones(64, 3, 32, 32)).shape == (10,)
