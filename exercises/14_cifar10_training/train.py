"""Exercise 14 · Training on CIFAR-10 (完整的模型训练套路).

The course's full training loop: for each epoch, train on every batch
(zero_grad, forward, loss, backward, step), then evaluate on the test set
with autograd off and the model in eval mode. Everything moves to `device`,
so the same code trains on a CPU or a GPU.
"""

import torch
from torch import nn


class CIFAR10Net(nn.Module):
    """Given (not graded): the course's network, 145,578 parameters, (N, 3, 32, 32) -> (N, 10)."""

    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Conv2d(3, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(64 * 4 * 4, 64),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.model(x)


def evaluate(model, loader, loss_fn, device):
    """(mean loss, accuracy as a fraction in [0, 1]) of `model` on `loader`.

    The mean loss is the loss per image averaged over the data set (the mean of the batches' mean
    losses is accepted too). Each value is one number: a float, or a 0-dim tensor such as the
    course's `total_accuracy / test_data_size`. Put the model in eval mode and turn autograd off
    while evaluating.
    """
    # Hint: Test mode: no learning, no autograd; add up the loss per image and count the right
    #   answers, then divide by the number of images.
    # 提示：测试模式：不学习、不求导；把每张图片的损失加起来、数对了几张，再除以图片总数。
    # More / 更多: autograder hint 14 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("evaluate is not written yet / 尚未实现")


def train(model, train_loader, test_loader, *, epochs, lr, device):
    """Train `model` in place with SGD(lr) and cross-entropy, evaluating after every epoch.

    `device` may be "cpu", "cuda" or a torch.device. Returns one dict per epoch:
    {"epoch": 1, "train_loss": ..., "test_loss": ..., "test_accuracy": ...}, each value one number
    (more keys may be added). Only `train_loader`'s batches train the model: one optimizer step per
    batch, and nothing else changes the weights (the grader checks the run, step by step).
    """
    # Hint: Each epoch: train on every batch (zero_grad, forward, loss, backward, step), then
    #   evaluate; the model and every batch live on device.
    # 提示：每个 epoch：在每个 batch
    #   上训练（zero_grad、前向、损失、反向、更新），然后评估；模型和每个 batch
    #   都放在 device 上。
    # More / 更多: autograder hint 14 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("train is not written yet / 尚未实现")
