"""Exercise 20 · Dropout and BatchNorm by hand: train mode and eval mode
(手写 Dropout 与 BatchNorm：训练模式与验证模式).

Dropout and batch normalization are the layers that behave differently while a model trains and
while it is evaluated: that is what `model.train()` and `model.eval()` switch. In training, dropout
zeroes each value with probability p and scales the others by 1 / (1 - p), so every value keeps its
expected size; batch normalization normalizes each channel with the batch's own mean and variance
and keeps running averages of them. In evaluation, dropout does nothing and batch normalization
uses the running averages, so the same input always gives the same output. Predicting without
`model.eval()` gives answers that change from one call to the next.
"""

import torch
from torch import nn


def dropout(x, p=0.5, training=True):
    """What `nn.Dropout(p)` does to `x`.

    In training, each value is zeroed with probability `p` and every other value is multiplied by
    1 / (1 - p); the result is a new tensor and `x` keeps its values. With p = 1 every value is 0.
    With `training=False`, `x` itself is returned unchanged.
    """
    ### BEGIN SOLUTION
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand_like(x) >= p
    return x * keep / (1 - p)
    ### END SOLUTION


def batch_norm(x, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    """What `nn.BatchNorm1d` (x of shape (N, C)) or `nn.BatchNorm2d` (x of shape (N, C, H, W)) does,
    without their learnable weight and bias: (x - mean) / sqrt(var + eps), channel by channel.

    In training, mean and var are the batch's own, over every dimension but the channel one (dim 1), with
    the biased variance (divided by the number of values); `running_mean` and `running_var` (shape (C,))
    are then updated in place: running = (1 - momentum) * running + momentum * statistic, with the
    unbiased variance (divided by the number of values minus 1) for running_var.
    With `training=False`, mean and var are running_mean and running_var, which stay as they are.
    """
    ### BEGIN SOLUTION
    dims = [0] + list(range(2, x.dim()))
    shape = [1, -1] + [1] * (x.dim() - 2)
    if training:
        mean = x.mean(dim=dims)
        var = x.var(dim=dims, unbiased=False)
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * x.var(dim=dims, unbiased=True))
    else:
        mean, var = running_mean, running_var
    return (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + eps)
    ### END SOLUTION


class Classifier(nn.Module):
    """A small classifier for 20 features and 3 classes, in this order: Linear(20, 64), BatchNorm1d(64),
    ReLU, Dropout(0.5), Linear(64, 3). `forward` returns the scores of shape (N, 3)."""

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.model = nn.Sequential(
            nn.Linear(20, 64),
            nn.BatchNorm1d(64),
            nn.ReLU(),
            nn.Dropout(0.5),
            nn.Linear(64, 3),
        )
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.model(x)
        ### END SOLUTION


def predict(model, x):
    """The class `model` gives each row of `x`, as a tensor of int64 indices of shape (N,).

    Evaluate as the course tests a model: in eval mode (dropout off, BatchNorm on its running
    statistics) and with autograd off.
    """
    ### BEGIN SOLUTION
    model.eval()
    with torch.no_grad():
        return model(x).argmax(dim=1)
    ### END SOLUTION
