"""Exercise 11 written the way the course's notes write the optimizer step (000, 十五、优化器).

The course's loop computes the output and the loss first, then zero_grad, backward, step, and keeps
`running_loss` in the epoch; here it is adapted to the exercise's functions, `.item()` added as the
exercise asks. SGD by hand assigns `p.data`, as many course readers do.
"""
import torch


def train_step(model, inputs, targets, loss_fn, optimizer):
    output = model(inputs)
    loss_res = loss_fn(output, targets)
    optimizer.zero_grad()
    loss_res.backward()
    optimizer.step()
    return loss_res.item()


def train_epoch(model, loader, loss_fn, optimizer):
    running_loss = 0.0
    for data in loader:
        imgs, targets = data
        running_loss = running_loss + train_step(model, imgs, targets, loss_fn, optimizer)
    return running_loss


def sgd_update(params, lr):
    with torch.no_grad():
        for p in params:
            if p.grad is None:
                continue
            p.data = p.data - lr * p.grad
