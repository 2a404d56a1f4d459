"""Exercise 15 · Using the trained model (模型验证).

The course's last step (`test.py`): take an image found online, turn it into
the network's input and ask the trained model what it shows. The traps the
course hits: a PNG has a fourth, alpha channel and some images are grayscale,
so convert to RGB first; the network wants a batch, (1, 3, 32, 32); prediction
runs in eval mode without autograd; and a whole model saved on a GPU needs
`map_location` to load on a CPU-only machine.
"""

import torch
import torchvision
from PIL import Image


def load_image(path):
    """The image at `path` as the network's input: a float32 tensor (1, 3, 32, 32) with values in [0, 1].

    Convert to RGB, then `Resize((32, 32))` and `ToTensor()`, then add the batch dimension.
    """
    # Hint: Make any image look like the training images: 3 channels, 32x32, values in [0, 1], and a
    #   batch of one.
    # 提示：让任何图片都像训练时的图片：3 个通道、32×32、取值 [0, 1]，并且是只有一张图的
    #   batch。
    # More / 更多: autograder hint 15 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("load_image is not written yet / 尚未实现")


def predict(model, image_path, classes):
    """`(index, class_name)` that `model` predicts for the image at `image_path`; `classes[index]` names
    it."""
    # Hint: Turn the image into the network's input, ask the model in eval mode without autograd, and
    #   take the most likely class.
    # 提示：把图片变成网络的输入，在 eval 模式、关闭求导的情况下让模型预测，取可能性最大的类别。
    # More / 更多: autograder hint 15 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("predict is not written yet / 尚未实现")


def load_model_cpu(path):
    """The whole model saved with `torch.save(model, path)` on a GPU, loaded onto the CPU."""
    # Hint: A whole model saved on a GPU must be mapped onto the CPU when it is loaded on a machine
    #   without one.
    # 提示：在 GPU 上保存的整个模型，在没有 GPU 的机器上加载时必须映射到 CPU。
    # More / 更多: autograder hint 15 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("load_model_cpu is not written yet / 尚未实现")
