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
    # Hint: In eval mode dropout does nothing. In training, draw one random number per value: zero the
    #   value when its number is below p, and scale every kept value by 1 / (1 - p) so each output
    #   keeps the input's expected size.
    # 提示：验证模式下 dropout 什么都不做。训练时为每个值抽一个随机数：小于 p 就把这个值置
    #   0，保留下来的值都乘以 1 / (1 - p)，使每个输出的期望值与输入一样。
    # More / 更多: autograder hint 20 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("dropout is not written yet / 尚未实现")


def batch_norm(x, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    """What `nn.BatchNorm1d` (x of shape (N, C)) or `nn.BatchNorm2d` (x of shape (N, C, H, W)) does,
    without their learnable weight and bias: (x - mean) / sqrt(var + eps), channel by channel.

    In training, mean and var are the batch's own, over every dimension but the channel one (dim 1), with
    the biased variance (divided by the number of values); `running_mean` and `running_var` (shape (C,))
    are then updated in place: running = (1 - momentum) * running + momentum * statistic, with the
    unbiased variance (divided by the number of values minus 1) for running_var.
    With `training=False`, mean and var are running_mean and running_var, which stay as they are.
    """
    # Hint: Normalize each channel (dim 1) to mean 0 and variance 1. In training use this batch's
    #   statistics and move the running ones a step (momentum) toward them; in eval mode use the
    #   running ones and leave them alone.
    # 提示：把每个通道（第 1 维）归一化为均值 0、方差 1。训练时用这个批次自己的统计量，并让滑动
    #   统计量朝它们移动一步（momentum）；验证模式下用滑动统计量，并保持它们不变。
    # More / 更多: autograder hint 20 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("batch_norm is not written yet / 尚未实现")


class Classifier(nn.Module):
    """A small classifier for 20 features and 3 classes, in this order: Linear(20, 64), BatchNorm1d(64),
    ReLU, Dropout(0.5), Linear(64, 3). `forward` returns the scores of shape (N, 3)."""

    def __init__(self):
        super().__init__()
        # Hint: Create the five layers once, in __init__, in the order the docstring gives, and keep
        #   them on self.
        # 提示：在 __init__ 里按文档字符串给出的顺序创建一次这五层，存在 self 上。
        # More / 更多: autograder hint 20 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("Classifier.__init__ is not written yet / 尚未实现")

    def forward(self, x):
        # Hint: Pass x through the layers in order and return the scores.
        # 提示：让 x 依次经过各层，返回得到的分数。
        # More / 更多: autograder hint 20 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("Classifier.forward is not written yet / 尚未实现")


def predict(model, x):
    """The class `model` gives each row of `x`, as a tensor of int64 indices of shape (N,).

    Evaluate as the course tests a model: in eval mode (dropout off, BatchNorm on its running
    statistics) and with autograd off.
    """
    # Hint: Evaluate as the course does after training: switch the model to eval mode so dropout is
    #   off and BatchNorm uses its running statistics, turn autograd off, and take the best class of
    #   each row.
    # 提示：像课程训练之后那样评估：把模型切换到验证模式，关掉 dropout，让 BatchNorm
    #   用滑动统计量；关掉自动求导；取每一行得分最高的类别。
    # More / 更多: autograder hint 20 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("predict is not written yet / 尚未实现")
