"""Visible tests for exercise 09 (nn.Sequential). Run: pytest exercises/09_sequential"""
import torch
from torch import nn
from autograder.i18n import tr


def test_net_holds_its_layers_in_a_sequential_named_model(model):
    held = getattr(model.CIFAR10Net(), "model", None)
    assert isinstance(held, nn.Sequential), tr(
        "keep the layers in one nn.Sequential named `model` (the course names it model1; here it must be model)",
        "把各层放进一个名为 `model` 的 nn.Sequential（课程里叫 model1，这里必须叫 model）")


def test_layers_are_in_the_course_order(model):
    kinds = [type(layer).__name__ for layer in model.CIFAR10Net().model]
    assert kinds == ["Conv2d", "MaxPool2d", "Conv2d", "MaxPool2d", "Conv2d", "MaxPool2d",
                     "Flatten", "Linear", "Linear"]


def test_net_maps_a_batch_of_64_images_to_64_by_10(model):
    assert model.CIFAR10Net()(torch.ones(64, 3, 32, 32)).shape == (64, 10)


def test_net_has_the_course_s_145578_parameters(model):
    assert model.count_parameters(model.CIFAR10Net()) == 145578


def test_count_parameters_skips_frozen_parameters(model):
    net = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))
    net[0].requires_grad_(False)
    assert model.count_parameters(net) == 3 * 2 + 2


def test_flatten_linear_gives_10_outputs_for_a_batch_of_64(model):
    assert model.flatten_linear(torch.ones(64, 3, 32, 32)).shape == (10,)
