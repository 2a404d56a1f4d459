"""Exercise 18 · Handwritten digits: MNIST with an MLP and a CNN (手写数字识别).

Two networks for 28x28 grey images of the digits 0-9. Both end in
`LogSoftmax(dim=1)`, so they output log-probabilities, and the loss that
matches is `NLLLoss`: `CrossEntropyLoss` would apply a second softmax on top.
The MLP sees each image as one row of 784 pixels; the CNN keeps the image's
shape through its convolutions and flattens only before its linear layers.
"""

import torch
from torch import nn


class MLP(nn.Module):
    """784 -> 100 -> ReLU -> 10 -> LogSoftmax(dim=1): images (N, 1, 28, 28) to log-probabilities (N, 10)."""

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.fc1 = nn.Linear(784, 100)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(100, 10)
        self.log_softmax = nn.LogSoftmax(dim=1)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        x = x.view(-1, 784)
        return self.log_softmax(self.fc2(self.relu(self.fc1(x))))
        ### END SOLUTION


class CNN(nn.Module):
    """The course's CNN: images (N, 1, 28, 28) to log-probabilities (N, 10).

    Conv2d(1, 8, 3, padding=1), MaxPool2d(2), ReLU, Conv2d(8, 32, 3, padding=1), MaxPool2d(2), ReLU,
    then flatten 32 x 7 x 7 = 1568 -> 200 -> ReLU -> 100 -> ReLU -> 10 -> LogSoftmax(dim=1).
    """

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.MaxPool2d(2),
            nn.ReLU(),
            nn.Conv2d(8, 32, 3, padding=1),
            nn.MaxPool2d(2),
            nn.ReLU(),
        )
        self.classifier = nn.Sequential(
            nn.Linear(1568, 200),
            nn.ReLU(),
            nn.Linear(200, 100),
            nn.ReLU(),
            nn.Linear(100, 10),
            nn.LogSoftmax(dim=1),
        )
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        x = self.features(x)
        return self.classifier(x.view(x.size(0), -1))
        ### END SOLUTION


def train_mnist(model, loader, epochs, lr, device):
    """Train `model` in place with Adam(lr) and NLLLoss for `epochs` epochs on `device`.

    Returns one number per epoch, as a list: the mean of that epoch's batch losses. One optimizer
    step per batch, and nothing else changes the weights (the grader replays every step).
    """
    ### BEGIN SOLUTION
    device = torch.device(device)
    model.to(device)
    model.train()
    loss_fn = nn.NLLLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _epoch in range(epochs):
        total, count = 0.0, 0
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * labels.size(0)
            count += labels.size(0)
        losses.append(total / count)
    return losses
    ### END SOLUTION


def accuracy(model, loader, device):
    """The fraction (in [0, 1]) of images in `loader` whose most likely digit is their label.

    One number: a float, or a 0-dim tensor such as the course's `correct_count / total`.
    Evaluates in eval mode with autograd off.
    """
    ### BEGIN SOLUTION
    model.to(device)
    model.eval()
    correct, count = 0, 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            count += labels.size(0)
    return correct / count
    ### END SOLUTION
