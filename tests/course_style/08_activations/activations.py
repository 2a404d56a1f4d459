"""08 written the way a learner of the course writes it: ReLU with torch.clamp, sigmoid straight from its
formula 1 / (1 + exp(-x)), ReLU in place by indexing, and the course's `Tudui` network with
`self.relu1 = ReLU()`, `self.sigmoid1 = Sigmoid()` and `forward(self, input)`."""
import torch
from torch import nn
from torch.nn import ReLU, Sigmoid


def relu(x):
    return torch.clamp(x, min=0)


def sigmoid(x):
    return 1 / (1 + torch.exp(-x))


def relu_(x):
    x[x < 0] = 0
    return x


class ActivationNet(nn.Module):
    def __init__(self):
        super(ActivationNet, self).__init__()
        self.relu1 = ReLU()
        self.sigmoid1 = Sigmoid()

    def forward(self, input):
        output = self.relu1(input)
        output = self.sigmoid1(output)
        return output
