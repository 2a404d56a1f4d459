"""Exercise 17 written the way the course's notes write linear and logistic regression (001, 线性回归, 逻辑回归).

The course's own model classes, NumPy float32 columns, `torch.from_numpy(x).requires_grad_()` each
epoch, a print per epoch, and `torch.sigmoid` inside forward; adapted only to the exercise's functions.
"""
import numpy as np
import torch


class LinearRegressionModel(torch.nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LinearRegressionModel, self).__init__()
        self.linear = torch.nn.Linear(input_dim, output_dim)

    def forward(self, x):
        out = self.linear(x)
        return out


class LogicRegressionModel(torch.nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LogicRegressionModel, self).__init__()
        self.linear = torch.nn.Linear(input_dim, output_dim)

    def forward(self, x):
        out = torch.sigmoid(self.linear(x))
        return out


def fit_line(x, y, epochs, lr):
    x = np.array(x, dtype=np.float32).reshape(-1, 1)
    y = np.array(y, dtype=np.float32).reshape(-1, 1)
    model = LinearRegressionModel(1, 1)
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        epoch += 1
        inputs = torch.from_numpy(x).requires_grad_()
        labels = torch.from_numpy(y)
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        print('epoch {}, loss {}'.format(epoch, loss.item()))
    return model.linear.weight.item(), model.linear.bias.item(), loss.item()


def fit_logistic(x, y, epochs, lr):
    x = np.float32(np.array(x).reshape(-1, 1))
    y = np.float32(np.array(y).reshape(-1, 1))
    model = LogicRegressionModel(1, 1)
    criterion = torch.nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        epoch += 1
        inputs = torch.from_numpy(x).requires_grad_()
        labels = torch.from_numpy(y)
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        print('epoch {}, loss {}'.format(epoch, loss.item()))
    return model
