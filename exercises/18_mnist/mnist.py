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
        # YOUR CODE HERE
        raise NotImplementedError('MLP.__init__ is not written yet / 尚未实现')

    def forward(self, x):
        # Hint: flatten the images here, inside forward: x = x.view(-1, 784) turns (N, 1, 28, 28) into (N, 784).
        # YOUR CODE HERE
        raise NotImplementedError('MLP.forward is not written yet / 尚未实现')


class CNN(nn.Module):
    """The course's CNN: images (N, 1, 28, 28) to log-probabilities (N, 10).

    Conv2d(1, 8, 3, padding=1), MaxPool2d(2), ReLU, Conv2d(8, 32, 3, padding=1), MaxPool2d(2), ReLU,
    then flatten 32 x 7 x 7 = 1568 -> 200 -> ReLU -> 100 -> ReLU -> 10 -> LogSoftmax(dim=1).
    """

    def __init__(self):
        super().__init__()
        # YOUR CODE HERE
        raise NotImplementedError('CNN.__init__ is not written yet / 尚未实现')

    def forward(self, x):
        # Hint: convolve the images as they are, then flatten the (N, 32, 7, 7) feature maps: x.view(x.size(0), -1).
        # YOUR CODE HERE
        raise NotImplementedError('CNN.forward is not written yet / 尚未实现')


def train_mnist(model, loader, epochs, lr, device):
    """Train `model` in place with Adam(lr) and NLLLoss for `epochs` epochs on `device`.

    Returns one number per epoch, as a list: the mean of that epoch's batch losses. One optimizer
    step per batch, and nothing else changes the weights (the grader replays every step).
    """
    # Hint: the networks already end in LogSoftmax, so the loss is nn.NLLLoss(); optimizer = torch.optim.Adam(model.parameters(), lr=lr).
    # YOUR CODE HERE
    raise NotImplementedError('train_mnist is not written yet / 尚未实现')


def accuracy(model, loader, device):
    """The fraction (in [0, 1]) of images in `loader` whose most likely digit is their label.

    One number: a float, or a 0-dim tensor such as the course's `correct_count / total`.
    Evaluates in eval mode with autograd off.
    """
    # Hint: model.eval(); with torch.no_grad(): count (model(images).argmax(dim=1) == labels).
    # YOUR CODE HERE
    raise NotImplementedError('accuracy is not written yet / 尚未实现')
