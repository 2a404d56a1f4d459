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
    # Hint: optimizer.zero_grad() first, or gradients from the previous step add up.
    # YOUR CODE HERE
    raise NotImplementedError('train_step is not written yet / 尚未实现')


def train_epoch(model, loader, loss_fn, optimizer):
    """One pass over `loader` (batches of (inputs, targets)); returns the sum of the batch losses as a float."""
    # Hint: `running_loss += loss` keeps every batch's graph alive; add loss.item() (a float) instead.
    # YOUR CODE HERE
    raise NotImplementedError('train_epoch is not written yet / 尚未实现')


def sgd_update(params, lr):
    """Plain SGD by hand: `p -= lr * p.grad` for each parameter that has a gradient.

    Update in place (the same tensor objects), outside autograd, and skip
    parameters whose `.grad` is None.
    """
    # Hint: wrap the updates in `with torch.no_grad():` so autograd does not record them.
    # YOUR CODE HERE
    raise NotImplementedError('sgd_update is not written yet / 尚未实现')
