"""Exercise 13 · Saving and loading models (模型的保存与加载).

Two ways to save: the whole pickled module (`torch.save(model, path)`), or only
its parameters, the `state_dict` (recommended: smaller, safer, independent of
your code's file layout). A checkpoint adds the optimizer's state, the epoch
and the loss, so training can resume. Two traps: since PyTorch 2.6,
`torch.load` defaults to `weights_only=True`, which refuses whole pickled
models; and a file saved on a GPU needs `map_location` on a CPU-only machine.
"""

import torch


def save_full(model, path):
    """Save the whole model (architecture and parameters) to `path`."""
    ### BEGIN SOLUTION
    torch.save(model, path)
    ### END SOLUTION


def load_full(path, map_location="cpu"):
    """Load a whole model saved by `save_full`, onto `map_location`; return it."""
    ### BEGIN SOLUTION
    return torch.load(path, map_location=map_location, weights_only=False)
    ### END SOLUTION


def save_state(model, path):
    """Save only the model's parameters, its state_dict, to `path`."""
    ### BEGIN SOLUTION
    torch.save(model.state_dict(), path)
    ### END SOLUTION


def load_state(model, path, map_location="cpu"):
    """Load a state_dict saved by `save_state` into `model`; return the model."""
    ### BEGIN SOLUTION
    model.load_state_dict(torch.load(path, map_location=map_location, weights_only=True))
    return model
    ### END SOLUTION


def save_checkpoint(path, model, optimizer, epoch, loss):
    """Save what resuming needs: the model's and the optimizer's state_dicts, the epoch and the loss."""
    ### BEGIN SOLUTION
    torch.save(
        {
            "epoch": epoch,
            "loss": loss,
            "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(),
        },
        path,
    )
    ### END SOLUTION


def load_checkpoint(path, model, optimizer, map_location="cpu"):
    """Restore `model` and `optimizer` from a checkpoint; return `{"epoch": ..., "loss": ...}`."""
    ### BEGIN SOLUTION
    checkpoint = torch.load(path, map_location=map_location, weights_only=True)
    model.load_state_dict(checkpoint["model_state_dict"])
    optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    return {"epoch": checkpoint["epoch"], "loss": checkpoint["loss"]}
    ### END SOLUTION
