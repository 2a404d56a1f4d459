"""Exercise 10 · Loss functions by hand (手写损失函数).

A loss says how far predictions are from targets; training lowers it. Write
L1, MSE and cross-entropy with plain tensor operations (no built-in loss
in any form: no `torch.nn.functional` losses, no `nn.*Loss`, no
`torch._C._nn`), equal to the built-ins and usable in training: return the
loss as a tensor, so gradients flow through it.
"""

import torch


def reduce(values, reduction):
    """Given: apply a loss reduction, 'mean', 'sum' or 'none', to per-element loss values."""
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    if reduction == "none":
        return values
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


def l1_loss(pred, target, reduction="mean"):
    """Mean (or sum, or per-element) absolute difference; equals `nn.L1Loss(reduction=...)`.

    Course figure: inputs [1, 2, 3] vs targets [1, 2, 5] give 0.6667 (mean) and 2.0 (sum).
    """
    ### BEGIN SOLUTION
    return reduce((pred - target).abs(), reduction)
    ### END SOLUTION


def mse_loss(pred, target, reduction="mean"):
    """Mean (or sum, or per-element) squared difference; equals `nn.MSELoss(reduction=...)`.

    Course figure: inputs [1, 2, 3] vs targets [1, 2, 5] give 1.3333.
    """
    ### BEGIN SOLUTION
    return reduce((pred - target) ** 2, reduction)
    ### END SOLUTION


def cross_entropy(logits, target):
    """Cross-entropy of raw scores `logits` (N, C) against class indices `target` (N,), averaged over N.

    Equals `nn.CrossEntropyLoss()`, and stays finite for logits as large as +-1e4.
    Course figure: logits [[0.1, 0.2, 0.3]] with class 1 give 1.1019.
    """
    ### BEGIN SOLUTION
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -log_probs.gather(1, target.long().unsqueeze(1)).mean()
    ### END SOLUTION
