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
    ### BEGIN SOLUTION
    optimizer.zero_grad()
    outputs = model(inputs)
    loss = loss_fn(outputs, targets)
    loss.backward()
    optimizer.step()
    return loss.item()
    ### END SOLUTION


def train_epoch(model, loader, loss_fn, optimizer):
    """One pass over `loader` (batches of (inputs, targets)); returns the sum of the batch losses as a
    float."""
    ### BEGIN SOLUTION
    model.train()
    running_loss = 0.0
    for inputs, targets in loader:
        running_loss += train_step(model, inputs, targets, loss_fn, optimizer)
    return running_loss
    ### END SOLUTION


def sgd_update(params, lr):
    """Plain SGD by hand: `p -= lr * p.grad` for each parameter that has a gradient.

    Update in place (the same tensor objects), outside autograd, and skip
    parameters whose `.grad` is None.
    """
    ### BEGIN SOLUTION
    with torch.no_grad():
        for param in params:
            if param.grad is not None:
                param -= lr * param.grad
    ### END SOLUTION
