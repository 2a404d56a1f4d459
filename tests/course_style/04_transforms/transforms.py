"""04 written in the course's way of thinking about ToTensor and Normalize: `np.array(img)` gives H x W x C,
`np.transpose(src, (2, 0, 1))` and `np.float32(src) / 255.0` from the OpenCV lesson give C x H x W in [0, 1];
Normalize is `(x - mean) / std` with mean and std turned into tensors of shape (C, 1, 1) with `.view`;
the pipeline is built as the course builds it, one named transform per line, then `transforms.Compose`."""
import numpy as np
import torch
from torchvision import transforms


def to_tensor(img):
    src = np.array(img)
    if src.ndim == 2:
        src = src[:, :, np.newaxis]
    src1 = np.transpose(src, (2, 0, 1))
    float_src = np.float32(src1) / 255.0
    return torch.from_numpy(float_src)


def normalize(tensor, mean, std):
    mean = torch.tensor(mean, dtype=tensor.dtype).view(-1, 1, 1)
    std = torch.tensor(std, dtype=tensor.dtype).view(-1, 1, 1)
    return (tensor - mean) / std


def build_pipeline(size, mean, std):
    trans_resize = transforms.Resize(size)
    trans_totensor = transforms.ToTensor()
    trans_norm = transforms.Normalize(mean, std)
    trans_compose = transforms.Compose([trans_resize, trans_totensor, trans_norm])
    return trans_compose
