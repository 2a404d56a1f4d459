"""Exercise 11 · One optimizer step (优化器的一步).

Every training loop repeats the same five moves: clear old gradients,
forward, compute the loss, backward, step. Then an epoch is that loop over a
DataLoader, and plain SGD is just `p = p - lr * grad` for each parameter.
"""

import torch


def train_step(model, inputs, targets, loss_fn, optimizer):
    """One training step; returns the loss as a Python float (`loss.item()`).

    zero_grad -> forward -> loss -> backward -> step. Never return the loss
    tensor itself: it keeps the whole computation graph alive.
    """
    # Hint: Five moves in order: clear old gradients, forward, loss, backward, step; then hand back
    #   the loss as a plain number.
    # 提示：按顺序五步：清空旧梯度、前向、损失、反向传播、更新；最后把损失作为普通数字返回。
    # More / 更多: autograder hint 11 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("train_step is not written yet / 尚未实现")


def train_epoch(model, loader, loss_fn, optimizer):
    """One pass over `loader` (batches of (inputs, targets)); returns the sum of the batch losses as a
    float."""
    # Hint: One epoch is one training step per batch of the loader; add up the batch losses as plain
    #   floats.
    # 提示：一个 epoch 就是对 loader 的每个 batch 做一步训练；把每个 batch
    #   的损失作为 float 加起来。
    # More / 更多: autograder hint 11 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("train_epoch is not written yet / 尚未实现")


def sgd_update(params, lr):
    """Plain SGD by hand: `p -= lr * p.grad` for each parameter that has a gradient.

    Update in place (the same tensor objects), outside autograd, and skip
    parameters whose `.grad` is None.
    """
    # Hint: Plain SGD moves each parameter a little against its gradient, in place, without autograd
    #   watching.
    # 提示：朴素 SGD 把每个参数沿梯度的反方向挪一小步，原地修改，且不让自动求导记录。
    # More / 更多: autograder hint 11 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("sgd_update is not written yet / 尚未实现")
