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
    # Hint: Method 1 of the course: save the whole model object, structure and parameters together.
    # 提示：课程的保存方式 1：把整个模型对象（结构和参数一起）保存下来。
    # More / 更多: autograder hint 13 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("save_full is not written yet / 尚未实现")


def load_full(path, map_location="cpu"):
    """Load a whole model saved by `save_full`, onto `map_location`; return it."""
    # Hint: Load the whole pickled model back, onto the device map_location names, and return it.
    # 提示：把整个模型读回来，放到 map_location 指定的设备上，并返回它。
    # More / 更多: autograder hint 13 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("load_full is not written yet / 尚未实现")


def save_state(model, path):
    """Save only the model's parameters, its state_dict, to `path`."""
    # Hint: Method 2, the recommended one: save only the parameters, the state_dict.
    # 提示：方式 2（推荐）：只保存参数，即 state_dict。
    # More / 更多: autograder hint 13 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("save_state is not written yet / 尚未实现")


def load_state(model, path, map_location="cpu"):
    """Load a state_dict saved by `save_state` into `model`; return the model."""
    # Hint: Read the saved parameters and put them into the model you were given; return that model.
    # 提示：读入保存的参数，放进传入的模型里；返回这个模型。
    # More / 更多: autograder hint 13 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("load_state is not written yet / 尚未实现")


def save_checkpoint(path, model, optimizer, epoch, loss):
    """Save what resuming needs: the model's and the optimizer's state_dicts, the epoch and the loss."""
    # Hint: Resuming needs more than the model: the optimizer's state, the epoch and the loss, saved
    #   together in one file.
    # 提示：继续训练需要的不只是模型：优化器状态、epoch 和损失，一起存进一个文件。
    # More / 更多: autograder hint 13 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("save_checkpoint is not written yet / 尚未实现")


def load_checkpoint(path, model, optimizer, map_location="cpu"):
    """Restore `model` and `optimizer` from a checkpoint; return `{"epoch": ..., "loss": ...}`."""
    # Hint: Read the checkpoint, restore both the model and the optimizer from it, and report where
    #   training stopped.
    # 提示：读入检查点，从中恢复模型和优化器，并返回训练停在哪里。
    # More / 更多: autograder hint 13 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("load_checkpoint is not written yet / 尚未实现")
