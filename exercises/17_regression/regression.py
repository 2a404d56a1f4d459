"""Exercise 17 · Linear and logistic regression (线性回归与逻辑回归).

The smallest complete training loops. A line y = k·x + b is `nn.Linear(1, 1)`
trained with the mean squared error; a yes/no probability is the same layer
followed by a sigmoid, trained with binary cross-entropy. Each epoch is one
full-batch step: zero_grad, forward on all points, loss, backward, step.
Inputs and targets are (N, 1) columns, so that the prediction and the target
have the same shape.
"""

import torch
from torch import nn

# The course's points, close to a line.
COURSE_X = [1.0, 2.0, 0.5, 2.5, 2.6, 3.1]
COURSE_Y = [3.7, 4.6, 1.65, 5.68, 5.98, 6.95]


def as_column(values) -> torch.Tensor:
    """A list or 1-D tensor of numbers as a float32 column of shape (N, 1)."""
    return torch.as_tensor(values, dtype=torch.float32).reshape(-1, 1)


def fit_line(x, y, epochs: int, lr: float) -> tuple[float, float, float]:
    """Fit y ≈ k·x + b with nn.Linear(1, 1), nn.MSELoss() and SGD(lr), one full-batch step per epoch.

    Returns `(k, b, final_loss)` as Python floats; final_loss is the last epoch's MSE.
    """
    # Hint: The smallest training loop: a Linear(1, 1) layer, the mean squared error, SGD, one step on
    #   all points per epoch.
    # 提示：最小的训练循环：一个 Linear(1, 1)、均方误差、SGD，每个 epoch
    #   在全部点上走一步。
    # More / 更多: autograder hint 17 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("fit_line is not written yet / 尚未实现")


def fit_logistic(x, y, epochs: int, lr: float) -> nn.Module:
    """Fit P(y = 1 | x) = sigmoid(w·x + c) with nn.Linear(1, 1), a sigmoid, nn.BCELoss() and SGD(lr).

    `y` holds 0s and 1s. One full-batch step per epoch. Returns the trained
    model: it maps an (N, 1) tensor of x values to (N, 1) probabilities.
    """
    # Hint: The same loop, but the line goes through a sigmoid to give a probability, and the loss is
    #   binary cross-entropy.
    # 提示：同样的循环，只是直线的输出再经过 sigmoid 变成概率，损失换成二元交叉熵。
    # More / 更多: autograder hint 17 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("fit_logistic is not written yet / 尚未实现")
