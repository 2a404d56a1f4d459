"""The pixels, comparisons and known mistakes 04_transforms' checks use, computed in the grader with
torchvision's own transforms: the normalisation cases, ToTensor before Resize, and how a normalised tensor
is shown on the report page.
"""

import numpy as np
import torch
from torchvision import transforms as T

from autograder.checking import (
    StudentProblem,
)
from autograder.worker.probes import transforms as probes
from autograder.worker.probes.transforms import make_image


def close(got, expected: torch.Tensor, atol: float) -> bool:
    return bool(
        isinstance(got, torch.Tensor)
        and got.shape == expected.shape
        and got.dtype == expected.dtype
        and torch.allclose(got.detach(), expected, atol=atol, rtol=0)
    )


def normalize_case(shape: tuple[int, ...]) -> tuple[torch.Tensor, list[float], list[float]]:
    generator = torch.Generator().manual_seed(sum(shape))
    tensor = torch.rand(shape, generator=generator)
    channels = shape[-3]
    mean = torch.rand(channels, generator=generator).tolist()
    std = (torch.rand(channels, generator=generator) + 0.1).tolist()
    return tensor, mean, std


def normalize_right_on(student, shape: tuple[int, ...]) -> bool:
    tensor, mean, std = normalize_case(shape)
    try:
        got = student.probe(probes.normalize_keeping_input, tensor, mean, std)["output"]
    except StudentProblem:
        return False
    return close(got, T.Normalize(mean, std)(tensor), 1e-5)


def shown(tensor, mean: list[float], std: list[float]):
    """A normalised (C, H, W) tensor back in [0, 1] for the report page; anything else as it is."""
    if isinstance(tensor, torch.Tensor) and tensor.dim() == 3 and tensor.shape[0] == len(mean):
        return (
            tensor.detach().to(torch.float32) * torch.tensor(std)[:, None, None]
            + torch.tensor(mean)[:, None, None]
        )
    return tensor


def to_tensor_first(size, mean, std, image_pixels: np.ndarray) -> torch.Tensor:
    """What ToTensor before Resize gives: the pixels resized as floats, never rounded to bytes."""
    return T.Compose([T.ToTensor(), T.Resize(size), T.Normalize(mean, std)])(make_image(image_pixels, "RGB"))
