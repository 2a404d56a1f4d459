"""09 written the way the course writes it: `self.model1 = Sequential(...)` (the course's own name),
the layers imported from torch.nn with keyword arguments, count_parameters as a loop, and the Flatten
demo with torch.flatten then Linear(196608, 10)."""
import torch
from torch import nn
from torch.nn import Conv2d, Flatten, Linear, MaxPool2d, Sequential


class CIFAR10Net(nn.Module):
    def __init__(self):
        super(CIFAR10Net, self).__init__()
        self.model1 = Sequential(
            Conv2d(in_channels=3, out_channels=32, kernel_size=5, padding=2, stride=1, dilation=1),
            MaxPool2d(kernel_size=2),
            Conv2d(in_channels=32, out_channels=32, kernel_size=5, padding=2),
            MaxPool2d(kernel_size=2),
            Conv2d(in_channels=32, out_channels=64, kernel_size=5, padding=2),
            MaxPool2d(kernel_size=2),
            Flatten(),
            Linear(in_features=1024, out_features=64),
            Linear(in_features=64, out_features=10),
        )

    def forward(self, x):
        x = self.model1(x)
        return x


def count_parameters(model):
    total = 0
    for param in model.parameters():
        if param.requires_grad:
            total += param.numel()
    return total


def flatten_linear(images):
    output = torch.flatten(images)
    linear1 = Linear(196608, 10)
    output = linear1(output)
    return output
