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
    ### BEGIN SOLUTION
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for images, targets in loader:
            images, targets = images.to(device), targets.to(device)
            outputs = model(images)
            total_loss += loss_fn(outputs, targets).item() * targets.size(0)
            correct += (outputs.argmax(dim=1) == targets).sum().item()
            count += targets.size(0)
    return total_loss / count, correct / count
    ### END SOLUTION


def train(model, train_loader, test_loader, *, epochs, lr, device):
    """Train `model` in place with SGD(lr) and cross-entropy, evaluating after every epoch.

    `device` may be "cpu", "cuda" or a torch.device. Returns one dict per epoch:
    {"epoch": 1, "train_loss": ..., "test_loss": ..., "test_accuracy": ...}, each value one number
    (more keys may be added). Only `train_loader`'s batches train the model: one optimizer step per
    batch, and nothing else changes the weights (the grader checks the run, step by step).
    """
    ### BEGIN SOLUTION
    device = torch.device(device)
    model.to(device)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = []
    for epoch in range(1, epochs + 1):
        model.train()
        running_loss, seen = 0.0, 0
        for images, targets in train_loader:
            images, targets = images.to(device), targets.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(images), targets)
            loss.backward()
            optimizer.step()
            running_loss += loss.item() * targets.size(0)
            seen += targets.size(0)
        test_loss, test_accuracy = evaluate(model, test_loader, loss_fn, device)
        history.append(
            {
                "epoch": epoch,
                "train_loss": running_loss / seen,
                "test_loss": test_loss,
                "test_accuracy": test_accuracy,
            }
        )
    return history
    ### END SOLUTION
