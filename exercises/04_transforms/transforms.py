"""Exercise 04 · Transforms by hand (手写 transforms).

`transforms.ToTensor()` turns a PIL image (height x width x channels, bytes
0..255) into a float tensor (channels x height x width, values 0..1).
`transforms.Normalize(mean, std)` then computes (x - mean) / std per channel.
Writing both by hand shows exactly what they do; then chain the real ones.
"""

import numpy as np
import torch
from torchvision import transforms


def to_tensor(img):
    """A PIL image (RGB or L) or an HWC uint8 array -> a CHW float32 tensor in [0, 1].

    Must equal `transforms.ToTensor()(img)`; write it by hand (NumPy and torch
    operations, not torchvision's ToTensor or its functional form).
    """
    # Hint: An image is height x width x channels of bytes 0..255; a tensor for a network is channels
    #   x height x width of floats 0..1.
    # 提示：图片是 高×宽×通道、取值 0..255 的字节；网络要的张量是 通道×高×宽、取值
    #   0..1 的浮点数。
    # More / 更多: autograder hint 04 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("to_tensor is not written yet / 尚未实现")


def normalize(tensor, mean, std):
    """(tensor - mean) / std per channel, for a (..., C, H, W) tensor; equal to `transforms.Normalize`.

    Write it by hand, and return a new tensor (leave the input unchanged).
    """
    # Hint: Each channel c becomes (x - mean[c]) / std[c], on a new tensor.
    # 提示：每个通道 c 变成 (x - mean[c]) / std[c]，结果是一个新张量。
    # More / 更多: autograder hint 04 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("normalize is not written yet / 尚未实现")


def build_pipeline(size, mean, std):
    """One callable: Resize(size) -> ToTensor -> Normalize(mean, std), using torchvision's transforms."""
    # Hint: Chain three of torchvision's transforms into one callable, in the order the course uses:
    #   resize, to tensor, normalise.
    # 提示：把 torchvision 的三个 transform 按课程的顺序串成一个可调用对象：先
    #   Resize，再 ToTensor，再 Normalize。
    # More / 更多: autograder hint 04 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("build_pipeline is not written yet / 尚未实现")
