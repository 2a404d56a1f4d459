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
    # YOUR CODE HERE
    raise NotImplementedError('save_full is not written yet / 尚未实现')


def load_full(path, map_location="cpu"):
    """Load a whole model saved by `save_full`, onto `map_location`; return it."""
    # Hint: a whole pickled model needs torch.load(..., weights_only=False); only load files you trust.
    # YOUR CODE HERE
    raise NotImplementedError('load_full is not written yet / 尚未实现')


def save_state(model, path):
    """Save only the model's parameters, its state_dict, to `path`."""
    # YOUR CODE HERE
    raise NotImplementedError('save_state is not written yet / 尚未实现')


def load_state(model, path, map_location="cpu"):
    """Load a state_dict saved by `save_state` into `model`; return the model."""
    # Hint: model.load_state_dict(torch.load(path, map_location=map_location)).
    # YOUR CODE HERE
    raise NotImplementedError('load_state is not written yet / 尚未实现')


def save_checkpoint(path, model, optimizer, epoch, loss):
    """Save what resuming needs: the model's and the optimizer's state_dicts, the epoch and the loss."""
    # Hint: save one dict, e.g. {"epoch": ..., "loss": ..., "model_state_dict": ..., "optimizer_state_dict": ...}.
    # YOUR CODE HERE
    raise NotImplementedError('save_checkpoint is not written yet / 尚未实现')


def load_checkpoint(path, model, optimizer, map_location="cpu"):
    """Restore `model` and `optimizer` from a checkpoint; return `{"epoch": ..., "loss": ...}`."""
    # YOUR CODE HERE
    raise NotImplementedError('load_checkpoint is not written yet / 尚未实现')
