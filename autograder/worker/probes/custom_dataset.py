"""Probes for 02_custom_dataset: describe dataset items without shipping whole images.

Each item is read on its own (one bad file fails that item, not the probe) and described by its kind,
label, mode or shape, and a digest of its pixels, together with the files `PIL.Image.open` was asked
for while it was read ("ants/0013035.jpg"): the grader matches items to files by those names, so a
dataset that keeps a non-image file is judged on its images for everything but its length.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from PIL import Image
from torchvision import transforms

from autograder.worker.probes import probe

TRANSFORMS = {
    None: None,
    "to_tensor": transforms.ToTensor(),
    "resize16": transforms.Compose([transforms.Resize((16, 16)), transforms.ToTensor()]),
}
THUMBNAIL_SIDE = 64
FILES_KEPT = 4


def describe_item(item: Any) -> dict[str, Any]:
    """Mode, size and a pixel digest of an (image, label) item, or what it was instead."""
    if not isinstance(item, tuple) or len(item) != 2:
        return {"kind": "not a pair", "type": type(item).__name__}
    image, label = item
    label = label if isinstance(label, (str, int)) else repr(label)[:80]
    if isinstance(image, Image.Image):
        digest = hashlib.sha256(image.tobytes()).hexdigest()
        return {
            "kind": "image",
            "mode": image.mode,
            "size": list(image.size),
            "digest": digest,
            "label": label,
        }
    if isinstance(image, torch.Tensor):
        plain = image.detach().cpu().contiguous()
        digest = hashlib.sha256(plain.numpy().tobytes()).hexdigest()
        return {
            "kind": "tensor",
            "shape": list(plain.shape),
            "dtype": str(plain.dtype),
            "digest": digest,
            "label": label,
        }
    return {"kind": type(image).__name__, "label": label}


def file_name(source: Any) -> str | None:
    """'ants/0013035.jpg' for a path (or an open file) given to Image.open."""
    path = getattr(source, "name", source)
    if not isinstance(path, (str, os.PathLike)):
        return None
    path = os.fsdecode(path)
    return f"{os.path.basename(os.path.dirname(path))}/{os.path.basename(path)}"


@contextlib.contextmanager
def opened_files() -> Iterator[list[str]]:
    """While active, the files `PIL.Image.open` is asked for are appended to the yielded list."""
    seen: list[str] = []
    original = Image.open

    def recording_open(source: Any, *args: Any, **kwargs: Any) -> Image.Image:
        name = file_name(source)
        if name is not None:
            seen.append(name)
        return original(source, *args, **kwargs)

    Image.open = recording_open  # type: ignore[assignment]  # a deliberate patch, undone below
    try:
        yield seen
    finally:
        Image.open = original


def read_item(dataset: Any, index: int, student_file: str) -> dict[str, Any]:
    """dataset[index] described, with the files it opened; an exception becomes the item's error."""
    from autograder.worker.serve import describe_exception

    with opened_files() as seen:
        try:
            described = describe_item(dataset[index])
        except Exception as exc:
            error = describe_exception(exc, student_file)
            error.pop("traceback")
            described = {"kind": "error", "error": error}
    described["files"] = seen[-FILES_KEPT:]
    return described


def describe(module, dataset: Any, indices: list[int] | None, again: bool) -> dict[str, Any]:
    length = len(dataset)
    chosen = range(length) if indices is None else [i for i in indices if 0 <= i < length]
    found = {"length": length, "items": {i: read_item(dataset, i, module.__file__) for i in chosen}}
    if again:
        found["again"] = {i: read_item(dataset, i, module.__file__) for i in reversed(list(chosen))}
    return found


@probe
def folder(
    module,
    root: str,
    label: str,
    transform: str | None = None,
    indices: list[int] | None = None,
    again: bool = False,
) -> dict[str, Any]:
    """len() and described items of LabeledImageFolder(root, label, transform); with `again`, every item
    read a second time (in reverse order) to catch state kept between reads."""
    return describe(
        module, module.LabeledImageFolder(root, label, transform=TRANSFORMS[transform]), indices, again
    )


@probe
def combined(
    module, root: str, labels: list[str], transform: str | None = None, indices: list[int] | None = None
) -> dict[str, Any]:
    """len() and described items of build_dataset(root, labels, transform)."""
    return describe(
        module, module.build_dataset(root, labels, transform=TRANSFORMS[transform]), indices, False
    )


def small_pixels(image: Any) -> np.ndarray | None:
    """An image or a (C, H, W) tensor in [0, 1] as H x W x C uint8 pixels, at most THUMBNAIL_SIDE a side."""
    if isinstance(image, torch.Tensor):
        tensor = image.detach().cpu().to(torch.float32)
        if tensor.dim() != 3 or tensor.shape[0] not in (1, 3, 4):
            return None
        array = (tensor.nan_to_num(0).clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
        image = Image.fromarray(array[:, :, 0] if array.shape[2] == 1 else array)
    if not isinstance(image, Image.Image):
        return None
    image = image.copy() if image.mode in ("L", "RGB", "RGBA") else image.convert("RGBA")
    image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return np.asarray(image)


@probe
def thumbnail(module, root: str, labels: list[str], index: int, transform: str | None = None) -> Any:
    """A small picture of the image of item `index` (of LabeledImageFolder for one label, of build_dataset
    for several), for the report page; None when it is not an image."""
    made = TRANSFORMS[transform]
    dataset = (
        module.LabeledImageFolder(root, labels[0], transform=made)
        if len(labels) == 1
        else module.build_dataset(root, labels, transform=made)
    )
    item = dataset[index]
    return small_pixels(item[0]) if isinstance(item, tuple) and len(item) == 2 else None


def open_file(path: str, transform: str | None, convert: bool) -> Any:
    """The grader's own reading of one of its image files: opened, converted to RGB or not, transformed."""
    with Image.open(path) as opened:
        image = opened.convert("RGB") if convert else opened.copy()
    made = TRANSFORMS[transform]
    return made(image) if made is not None else image
