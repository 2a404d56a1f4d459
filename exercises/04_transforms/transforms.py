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
    # Hint: np.asarray(img) gives H x W (x C) bytes; add a channel axis for grayscale, permute to C x H x W, divide by 255.
    # YOUR CODE HERE
    raise NotImplementedError('to_tensor is not written yet / 尚未实现')


def normalize(tensor, mean, std):
    """(tensor - mean) / std per channel, for a (..., C, H, W) tensor; equal to `transforms.Normalize`.

    Write it by hand, and return a new tensor (leave the input unchanged).
    """
    # Hint: turn mean and std into tensors of shape (C, 1, 1) so they broadcast over height and width.
    # YOUR CODE HERE
    raise NotImplementedError('normalize is not written yet / 尚未实现')


def build_pipeline(size, mean, std):
    """One callable: Resize(size) -> ToTensor -> Normalize(mean, std), using torchvision's transforms."""
    # Hint: transforms.Compose([...]) chains transforms in order.
    # YOUR CODE HERE
    raise NotImplementedError('build_pipeline is not written yet / 尚未实现')
