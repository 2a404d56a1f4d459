"""Exercise 18 written the way the course's notes write MNIST (001, 手写数字识别, CNN_Mnist).

The MLP as the course's nn.Sequential (flattening with `x.view(x.shape[0], -1)`, moved from the
course's loop into forward as the exercise asks), the course's CNN with `cnn_layers`/`fc_layers`
and `out.view(-1, 7*7*32)`, `model.zero_grad()`, a print every 100 batches, the epoch's loss as the
mean of its batches' losses, and the course's `correct_count / total`, a 0-dim tensor.
"""
import torch


class MLP(torch.nn.Module):
    def __init__(self):
        super(MLP, self).__init__()
        self.model = torch.nn.Sequential(
            torch.nn.Linear(784, 100),
            torch.nn.ReLU(),
            torch.nn.Linear(100, 10),
            torch.nn.LogSoftmax(dim=1)
        )

    def forward(self, x):
        x = x.view(x.shape[0], -1)
        return self.model(x)


class CNN(torch.nn.Module):
    def __init__(self):
        super(CNN, self).__init__()
        self.cnn_layers = torch.nn.Sequential(
            torch.nn.Conv2d(in_channels=1, out_channels=8, kernel_size=3, stride=1, padding=1),
            torch.nn.MaxPool2d(kernel_size=2, stride=2),
            torch.nn.ReLU(),
            torch.nn.Conv2d(in_channels=8, out_channels=32, kernel_size=3, stride=1, padding=1),
            torch.nn.MaxPool2d(kernel_size=2, stride=2),
            torch.nn.ReLU()
        )
        self.fc_layers = torch.nn.Sequential(
            torch.nn.Linear(7 * 7 * 32, 200),
            torch.nn.ReLU(),
            torch.nn.Linear(200, 100),
            torch.nn.ReLU(),
            torch.nn.Linear(100, 10),
            torch.nn.LogSoftmax(dim=1)
        )

    def forward(self, x):
        out = self.cnn_layers(x)
        out = out.view(-1, 7 * 7 * 32)
        out = self.fc_layers(out)
        return out


def train_mnist(model, loader, epochs, lr, device):
    model = model.to(device)
    loss_fn = torch.nn.NLLLoss(reduction="mean")
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for s in range(epochs):
        print("run in epoch : %d" % s)
        total_loss = 0.0
        for i, (x_train, y_train) in enumerate(loader):
            x_train = x_train.to(device)
            y_train = y_train.to(device)
            y_pred = model(x_train)
            train_loss = loss_fn(y_pred, y_train)
            if (i + 1) % 100 == 0:
                print(i + 1, train_loss.item())
            model.zero_grad()
            train_loss.backward()
            optimizer.step()
            total_loss += train_loss.item()
        losses.append(total_loss / len(loader))
    return losses


def accuracy(model, loader, device):
    model.eval()
    total = 0
    correct_count = 0
    with torch.no_grad():
        for test_images, test_labels in loader:
            pred_labels = model(test_images.to(device))
            predicted = torch.max(pred_labels, 1)[1]
            correct_count += (predicted == test_labels.to(device)).sum()
            total += len(test_labels)
    return correct_count / total
