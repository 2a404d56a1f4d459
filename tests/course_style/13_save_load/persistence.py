"""13 written the way the course writes it: torch.save(model, path) and torch.load(path) ("保存方式一"),
torch.save(model.state_dict(), path) and model.load_state_dict(torch.load(path)) ("保存方式二"), and the
checkpoint of the PyTorch tutorial the notes copy ({'epoch', 'model_state_dict', 'optimizer_state_dict',
'loss'}), each adapted to the contract's functions only as far as returning what the docstrings ask."""
import torch


def save_full(model, path):
    torch.save(model, path)


def load_full(path, map_location="cpu"):
    model = torch.load(path)
    return model


def save_state(model, path):
    torch.save(model.state_dict(), path)


def load_state(model, path, map_location="cpu"):
    model.load_state_dict(torch.load(path))
    return model


def save_checkpoint(path, model, optimizer, epoch, loss):
    torch.save({
        'epoch': epoch,
        'model_state_dict': model.state_dict(),
        'optimizer_state_dict': optimizer.state_dict(),
        'loss': loss,
    }, path)


def load_checkpoint(path, model, optimizer, map_location="cpu"):
    checkpoint = torch.load(path)
    model.load_state_dict(checkpoint['model_state_dict'])
    optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
    epoch = checkpoint['epoch']
    loss = checkpoint['loss']
    return {"epoch": epoch, "loss": loss}
