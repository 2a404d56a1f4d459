"""Probes for 04_transforms: rebuild PIL images from arrays inside the worker, then transform them."""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image

from autograder.worker.forbidden import ForbiddenCall, unreachable
from autograder.worker.probes import probe


def make_image(pixels: np.ndarray, mode: str) -> Image.Image:
    """A PIL image in `mode` from uint8 pixels (H x W x 3 for RGB, H x W for L)."""
    return Image.fromarray(pixels, "RGB" if pixels.ndim == 3 else "L").convert(mode)


@probe
def to_tensor_of_image(module, pixels: np.ndarray, mode: str) -> Any:
    """module.to_tensor(a PIL image of these pixels in this mode)."""
    return module.to_tensor(make_image(pixels, mode))


@probe
def to_tensor_by_hand(module, pixels: np.ndarray, mode: str) -> dict[str, Any]:
    """module.to_tensor(a PIL image of these pixels) with torchvision's ToTensor in every form out of reach:
    the value (None when it was reached) and the torchvision calls reached."""
    image = make_image(pixels, mode)
    with unreachable("to_tensor") as reached:
        try:
            value = module.to_tensor(image)
        except ForbiddenCall:
            value = None
    return {"value": value, "forbidden": reached}


@probe
def normalize_keeping_input(module, tensor, mean, std) -> dict[str, Any]:
    """module.normalize(tensor, mean, std), and the input tensor as it is afterwards."""
    output = module.normalize(tensor, mean, std)
    return {"output": output, "input_after": tensor}


@probe
def pipeline_on_image(module, size, mean, std, pixels: np.ndarray) -> Any:
    """module.build_pipeline(size, mean, std) applied to an RGB image of these pixels."""
    pipeline = module.build_pipeline(size, mean, std)
    return pipeline(make_image(pixels, "RGB"))
