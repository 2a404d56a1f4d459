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
    ### BEGIN SOLUTION
    array = np.array(img, dtype=np.uint8)
    if array.ndim == 2:
        array = array[:, :, None]
    return torch.from_numpy(array).permute(2, 0, 1).contiguous().to(torch.float32) / 255
    ### END SOLUTION


def normalize(tensor, mean, std):
    """(tensor - mean) / std per channel, for a (..., C, H, W) tensor; equal to `transforms.Normalize`.

    Write it by hand, and return a new tensor (leave the input unchanged).
    """
    ### BEGIN SOLUTION
    mean = torch.as_tensor(mean, dtype=tensor.dtype).reshape(-1, 1, 1)
    std = torch.as_tensor(std, dtype=tensor.dtype).reshape(-1, 1, 1)
    return (tensor - mean) / std
    ### END SOLUTION


def build_pipeline(size, mean, std):
    """One callable: Resize(size) -> ToTensor -> Normalize(mean, std), using torchvision's transforms."""
    ### BEGIN SOLUTION
    return transforms.Compose(
        [
            transforms.Resize(size),
            transforms.ToTensor(),
            transforms.Normalize(mean, std),
        ]
    )
    ### END SOLUTION
