"""Exercise 18 · Handwritten digits: MNIST with an MLP and a CNN (手写数字识别).

Two networks for 28x28 grey images of the digits 0-9. Both end in
`LogSoftmax(dim=1)`, so they output log-probabilities, and the loss that
matches is `NLLLoss`: `CrossEntropyLoss` would apply a second softmax on top.
The MLP sees each image as one row of 784 pixels; the CNN keeps the image's
shape through its convolutions and flattens only before its linear layers.
"""

import torch
from torch import nn


class MLP(nn.Module):
    """784 -> 100 -> ReLU -> 10 -> LogSoftmax(dim=1): images (N, 1, 28, 28) to log-probabilities (N, 10)."""

    def __init__(self):
        super().__init__()
        # Hint: Four layers: 784 pixels to 100 hidden units, a ReLU, 100 to 10 digits, and LogSoftmax
        #   over the 10.
        # 提示：四层：784 个像素到 100 个隐藏单元、ReLU、100 到 10 个数字、对这
        #   10 个做 LogSoftmax。
        # More / 更多: autograder hint 18 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("MLP.__init__ is not written yet / 尚未实现")

    def forward(self, x):
        # Hint: Flatten each image into a row of 784 pixels here, inside forward, then apply the
        #   layers in order.
        # 提示：在 forward 里把每张图片展平成 784 个像素的一行，再依次经过各层。
        # More / 更多: autograder hint 18 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("MLP.forward is not written yet / 尚未实现")


class CNN(nn.Module):
    """The course's CNN: images (N, 1, 28, 28) to log-probabilities (N, 10).

    Conv2d(1, 8, 3, padding=1), MaxPool2d(2), ReLU, Conv2d(8, 32, 3, padding=1), MaxPool2d(2), ReLU,
    then flatten 32 x 7 x 7 = 1568 -> 200 -> ReLU -> 100 -> ReLU -> 10 -> LogSoftmax(dim=1).
    """

    def __init__(self):
        super().__init__()
        # Hint: Two convolution blocks (conv, 2x2 pooling, ReLU) keep the image's shape, then three
        #   linear layers classify: 28 -> 14 -> 7.
        # 提示：两个卷积块（卷积、2×2 池化、ReLU）保留图片的形状，然后三个线性层做分类：28
        #   → 14 → 7。
        # More / 更多: autograder hint 18 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("CNN.__init__ is not written yet / 尚未实现")

    def forward(self, x):
        # Hint: Convolve the images as they are, and flatten only after the convolutions, one row per
        #   image.
        # 提示：先对原样的图片做卷积，卷积之后才展平，每张图片一行。
        # More / 更多: autograder hint 18 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("CNN.forward is not written yet / 尚未实现")


def train_mnist(model, loader, epochs, lr, device):
    """Train `model` in place with Adam(lr) and NLLLoss for `epochs` epochs on `device`.

    Returns one number per epoch, as a list: the mean of that epoch's batch losses. One optimizer
    step per batch, and nothing else changes the weights (the grader replays every step).
    """
    # Hint: A training loop with Adam and the negative log-likelihood loss (the networks already
    #   output log-probabilities); return each epoch's mean loss.
    # 提示：用 Adam 和负对数似然损失的训练循环（网络已经输出对数概率）；返回每个 epoch
    #   的平均损失。
    # More / 更多: autograder hint 18 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("train_mnist is not written yet / 尚未实现")


def accuracy(model, loader, device):
    """The fraction (in [0, 1]) of images in `loader` whose most likely digit is their label.

    One number: a float, or a 0-dim tensor such as the course's `correct_count / total`.
    Evaluates in eval mode with autograd off.
    """
    # Hint: The fraction of images whose most likely digit is their label, measured in eval mode
    #   without autograd.
    # 提示：最可能的数字等于标签的图片所占的比例，在 eval 模式、关闭求导时计算。
    # More / 更多: autograder hint 18 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("accuracy is not written yet / 尚未实现")
