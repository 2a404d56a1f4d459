"""Expected/got image pairs for the report pages of the data exercises (02, 04, 15): the "images" artifact.

When a check fails on images, the report page shows what the student's code produced beside what the
reference produced, from the same grading run. Pairs are made only on failure (cheap), at most
MAX_PAIRS per exercise, each image downscaled to at most MAX_SIDE pixels a side and encoded by the
grader as a PNG data URI. The grader only ever encodes here: pixels arrive as arrays or tensors, never
as files to decode.
"""

from __future__ import annotations

import base64
import io
from typing import Any, TypedDict

import numpy as np
import torch
from PIL import Image

from autograder.checking import attach
from autograder.i18n import Text

MAX_PAIRS = 8
MAX_SIDE = 64
MODES = {1: "L", 3: "RGB", 4: "RGBA"}


class ImagePair(TypedDict):
    """One entry of the "images" artifact (the contract in COORDINATION.md)."""

    check: str
    caption: dict[str, str]
    expected: str
    got: str


def as_pixels(value: Any) -> np.ndarray | None:
    """HWC uint8 pixels from a tensor ((C, H, W) or (1, C, H, W), values in [0, 1]) or an array
    (H x W or H x W x C, uint8 or floats in [0, 1]); None for anything but a 1-, 3- or 4-channel image."""
    if isinstance(value, torch.Tensor):
        if value.is_meta or value.is_complex():
            return None
        tensor = value.detach().to("cpu", torch.float64)
        if tensor.dim() == 4 and tensor.shape[0] == 1:
            tensor = tensor[0]
        if tensor.dim() != 3 or tensor.shape[0] not in MODES:
            return None
        value = (tensor.nan_to_num(0.0).clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
    if not isinstance(value, np.ndarray) or value.ndim not in (2, 3) or value.size == 0:
        return None
    if value.ndim == 2:
        value = value[:, :, None]
    if value.shape[2] not in MODES:
        return None
    if value.dtype != np.uint8:
        value = (np.nan_to_num(value.astype(np.float64)).clip(0, 1) * 255).round().astype(np.uint8)
    return np.ascontiguousarray(value)


def png_data_uri(value: Any) -> str | None:
    """`data:image/png;base64,...` of an image (see `as_pixels`), at most MAX_SIDE pixels a side; None when
    `value` is not an image."""
    pixels = as_pixels(value)
    if pixels is None:
        return None
    channels = pixels.shape[2]
    image = Image.fromarray(pixels[:, :, 0] if channels == 1 else pixels, MODES[channels])
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.BOX)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class ImagePairs:
    """The "images" artifact of one exercise's grading run (a module-scoped fixture of its hidden checks)."""

    def __init__(self) -> None:
        self.pairs: list[ImagePair] = []

    def add(self, request: Any, caption: Text, expected: Any, got: Any) -> None:
        """Keep expected/got for the running check (`request` is its pytest request); nothing when the
        exercise already has MAX_PAIRS pairs or either side is not an image."""
        if len(self.pairs) >= MAX_PAIRS:
            return
        expected_uri, got_uri = png_data_uri(expected), png_data_uri(got)
        if expected_uri is None or got_uri is None:
            return
        check = request.node.name.removeprefix("test_")
        self.pairs.append(
            ImagePair(check=check, caption=caption.to_dict(), expected=expected_uri, got=got_uri)
        )
        attach("images", list(self.pairs))
