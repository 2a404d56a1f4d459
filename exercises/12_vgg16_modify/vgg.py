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
    # Hint: Add one layer after VGG16's last, turning its 1000 outputs into num_classes; change the
    #   model you were given.
    # 提示：在 VGG16 最后一层之后再加一层，把 1000 个输出变成 num_classes
    #   个；修改传入的模型本身。
    # More / 更多: autograder hint 12 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("append_layer is not written yet / 尚未实现")


def replace_head(model, num_classes=10):
    """Replace `model.classifier[6]` with `Linear(4096, num_classes)`; return the same model."""
    # Hint: Swap VGG16's last layer for one with num_classes outputs, keeping its 4096 inputs.
    # 提示：把 VGG16 的最后一层换成输出 num_classes 个的层，输入仍是 4096。
    # More / 更多: autograder hint 12 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("replace_head is not written yet / 尚未实现")


def build_vgg16_cifar10():
    """A fresh VGG16 without pretrained weights (never a download) whose head gives 10 classes."""
    # Hint: A fresh VGG16 with no pretrained weights (nothing is downloaded), then its head made to
    #   give 10 classes.
    # 提示：一个不带预训练权重的全新 VGG16（不下载任何东西），再把它的输出层改成 10 类。
    # More / 更多: autograder hint 12 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("build_vgg16_cifar10 is not written yet / 尚未实现")
