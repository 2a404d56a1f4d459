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
    # Hint: The absolute difference of each prediction and its target, then reduced as asked; keep it
    #   a tensor so gradients flow.
    # 提示：每个预测与目标之差的绝对值，再按要求汇总；保持为张量，梯度才能传回去。
    # More / 更多: autograder hint 10 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("l1_loss is not written yet / 尚未实现")


def mse_loss(pred, target, reduction="mean"):
    """Mean (or sum, or per-element) squared difference; equals `nn.MSELoss(reduction=...)`.

    Course figure: inputs [1, 2, 3] vs targets [1, 2, 5] give 1.3333.
    """
    # Hint: The squared difference of each prediction and its target, then reduced as asked.
    # 提示：每个预测与目标之差的平方，再按要求汇总。
    # More / 更多: autograder hint 10 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("mse_loss is not written yet / 尚未实现")


def cross_entropy(logits, target):
    """Cross-entropy of raw scores `logits` (N, C) against class indices `target` (N,), averaged over N.

    Equals `nn.CrossEntropyLoss()`, and stays finite for logits as large as +-1e4.
    Course figure: logits [[0.1, 0.2, 0.3]] with class 1 give 1.1019.
    """
    # Hint: Cross-entropy is minus the log of the softmax probability of the right class, averaged
    #   over the batch; compute it in log space so large logits never overflow.
    # 提示：交叉熵是正确类别 softmax 概率的对数取负，再对 batch
    #   求平均；在对数空间里算，大的 logits 才不会溢出。
    # More / 更多: autograder hint 10 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("cross_entropy is not written yet / 尚未实现")
