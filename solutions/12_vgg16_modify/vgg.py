"""Exercise 12 · Modifying VGG16 (修改 VGG16).

torchvision's VGG16 ends in `classifier`, an `nn.Sequential` whose last layer
`classifier[6]` is `Linear(4096, 1000)`: 1000 ImageNet classes. For CIFAR-10
we need 10 outputs: either append one more layer after it, or replace it.
The course writes `vgg16(pretrained=False)`; the current API is
`vgg16(weights=None)` (no pretrained weights, so nothing is downloaded).
"""

import torchvision
from torch import nn


def append_layer(model, num_classes=10):
    """Add `add_linear = Linear(1000, num_classes)` at the end of `model.classifier`; return the model.

    Modify the model in place (return the same object).
    """
    ### BEGIN SOLUTION
    model.classifier.add_module("add_linear", nn.Linear(1000, num_classes))
    return model
    ### END SOLUTION


def replace_head(model, num_classes=10):
    """Replace `model.classifier[6]` with `Linear(4096, num_classes)`; return the same model."""
    ### BEGIN SOLUTION
    model.classifier[6] = nn.Linear(4096, num_classes)
    return model
    ### END SOLUTION


def build_vgg16_cifar10():
    """A fresh VGG16 without pretrained weights (never a download) whose head gives 10 classes."""
    ### BEGIN SOLUTION
    return replace_head(torchvision.models.vgg16(weights=None), 10)
    ### END SOLUTION
