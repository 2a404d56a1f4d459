"""20 written the way the course writes it: `super(Classifier, self).__init__()`, `self.model1 = Sequential(...)`
with the layers imported from torch.nn, `input` and `output` as names, the mask made with torch.rand and
.float(), `keepdim=True` statistics, the running statistics replaced through `.data` (as older tutorials
do), and predict in the course's test-loop shape (`model.eval()`, `with torch.no_grad():`, `argmax(1)`)."""
import torch
from torch.nn import BatchNorm1d, Dropout, Linear, Module, ReLU, Sequential


def dropout(input, p=0.5, training=True):
    if training == False:  # noqa: E712 - the course compares with == False
        return input
    if p >= 1:
        return input * 0
    mask = (torch.rand(input.shape) > p).float()
    output = input * mask / (1.0 - p)
    return output


def batch_norm(input, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    if input.dim() == 4:
        dims = (0, 2, 3)
        shape = (1, -1, 1, 1)
    else:
        dims = (0,)
        shape = (1, -1)
    if training:
        mean = torch.mean(input, dim=dims, keepdim=True)
        var = torch.var(input, dim=dims, unbiased=False, keepdim=True)
        n = input.numel() / input.shape[1]
        running_mean.data = (1 - momentum) * running_mean + momentum * mean.reshape(-1)
        running_var.data = (1 - momentum) * running_var + momentum * var.reshape(-1) * n / (n - 1)
    else:
        mean = running_mean.reshape(shape)
        var = running_var.reshape(shape)
    output = (input - mean) / torch.sqrt(var + eps)
    return output


class Classifier(Module):
    def __init__(self):
        super(Classifier, self).__init__()
        self.model1 = Sequential(
            Linear(20, 64),
            BatchNorm1d(64),
            ReLU(),
            Dropout(0.5),
            Linear(64, 3)
        )

    def forward(self, input):
        output = self.model1(input)
        return output


def predict(model, x):
    model.eval()
    with torch.no_grad():
        output = model(x)
    return output.argmax(1)
