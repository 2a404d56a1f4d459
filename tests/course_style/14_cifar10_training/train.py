"""Exercise 14 written the way the course's notes write train.py (000 十八、完整的模型训练套路; 004).

The course's names (`model1`, `total_train_step`, `total_test_loss`, `total_accuracy`,
`test_data_size`), its Conv2d(3, 32, 5, 1, 2) arguments, its prints, and its accuracy
`total_accuracy / test_data_size`, a 0-dim tensor because `(outputs.argmax(1) == targets).sum()` is
one. Its loss is the mean of the batches' mean losses. Adapted only to the exercise's functions.
"""
import torch
from torch import nn


class CIFAR10Net(nn.Module):
    def __init__(self):
        super(CIFAR10Net, self).__init__()
        self.model1 = nn.Sequential(
            nn.Conv2d(3, 32, 5, 1, 2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 5, 1, 2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, 1, 2),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(in_features=1024, out_features=64),
            nn.Linear(64, 10)
        )

    def forward(self, x):
        x = self.model1(x)
        return x


def evaluate(model, loader, loss_fn, device):
    model.eval()
    total_test_loss = 0
    total_accuracy = 0
    test_data_size = len(loader.dataset)
    with torch.no_grad():
        for data in loader:
            imgs, targets = data
            imgs = imgs.to(device)
            targets = targets.to(device)
            outputs = model(imgs)
            loss = loss_fn(outputs, targets)
            total_test_loss = total_test_loss + loss.item()
            accuracy = (outputs.argmax(1) == targets).sum()
            total_accuracy = total_accuracy + accuracy
    return total_test_loss / len(loader), total_accuracy / test_data_size


def train(model, train_loader, test_loader, *, epochs, lr, device):
    model = model.to(device)
    loss_fn = nn.CrossEntropyLoss()
    loss_fn = loss_fn.to(device)
    learning_rate = lr
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    total_train_step = 0
    history = []
    for i in range(epochs):
        print("------第 {} 轮训练开始------".format(i + 1))
        model.train()
        total_train_loss = 0
        for data in train_loader:
            imgs, targets = data
            imgs = imgs.to(device)
            targets = targets.to(device)
            outputs = model(imgs)
            loss = loss_fn(outputs, targets)

            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

            total_train_loss = total_train_loss + loss.item()
            total_train_step = total_train_step + 1
            if total_train_step % 100 == 0:
                print("训练次数：{}, Loss: {}".format(total_train_step, loss.item()))

        total_test_loss, test_accuracy = evaluate(model, test_loader, loss_fn, device)
        print("整体测试集上的Loss: {}".format(total_test_loss))
        print("整体测试集上的正确率: {}".format(test_accuracy))
        history.append({"epoch": i + 1, "train_loss": total_train_loss / len(train_loader),
                        "test_loss": total_test_loss, "test_accuracy": test_accuracy})
    return history
