"""Visible tests for exercise 12 (VGG16 surgery). Run: pytest exercises/12_vgg16_modify

The tests build VGG16 on PyTorch's "meta" device: the same layers, but no
memory for 138 million weights, so they run in a blink.
"""

import pytest
import torch
import torchvision
from torch import nn


@pytest.fixture
def vgg16():
    with torch.device("meta"):
        return torchvision.models.vgg16(weights=None)


def test_append_layer_adds_add_linear_at_the_end(vgg, vgg16):
    model = vgg.append_layer(vgg16)
    last = model.classifier[-1]
    assert isinstance(last, nn.Linear) and (last.in_features, last.out_features) == (1000, 10)
    assert hasattr(model.classifier, "add_linear")


def test_append_layer_changes_the_model_in_place(vgg, vgg16):
    assert vgg.append_layer(vgg16) is vgg16


def test_replace_head_gives_10_outputs(vgg, vgg16):
    model = vgg.replace_head(vgg16)
    assert (model.classifier[6].in_features, model.classifier[6].out_features) == (4096, 10)
    assert len(model.classifier) == 7


def test_build_vgg16_cifar10_has_a_10_class_head(vgg):
    with torch.device("meta"):
        model = vgg.build_vgg16_cifar10()
    assert model.classifier[6].out_features == 10
