"""Probes for 02_custom_dataset: describe dataset items without shipping whole images."""
from __future__ import annotations

import hashlib
from typing import Any

import torch
from PIL import Image
from torchvision import transforms

from autograder.worker.probes import probe

TRANSFORMS = {
    None: None,
    "to_tensor": transforms.ToTensor(),
    "resize16": transforms.Compose([transforms.Resize((16, 16)), transforms.ToTensor()]),
}


def describe_item(item: Any) -> dict[str, Any]:
    """Mode, size and a pixel digest of an (image, label) item, or what it was instead."""
    if not isinstance(item, tuple) or len(item) != 2:
        return {"kind": "not a pair", "type": type(item).__name__}
    image, label = item
    label = label if isinstance(label, (str, int)) else repr(label)[:80]
    if isinstance(image, Image.Image):
        digest = hashlib.sha256(image.tobytes()).hexdigest()
        return {"kind": "image", "mode": image.mode, "size": list(image.size), "digest": digest, "label": label}
    if isinstance(image, torch.Tensor):
        plain = image.detach().cpu().contiguous()
        digest = hashlib.sha256(plain.numpy().tobytes()).hexdigest()
        return {"kind": "tensor", "shape": list(plain.shape), "dtype": str(plain.dtype), "digest": digest,
                "label": label}
    return {"kind": type(image).__name__, "label": label}


@probe
def folder(module, root: str, label: str, transform: str | None = None,
           indices: list[int] | None = None) -> dict[str, Any]:
    """len() and described items of LabeledImageFolder(root, label, transform)."""
    dataset = module.LabeledImageFolder(root, label, transform=TRANSFORMS[transform])
    length = len(dataset)
    chosen = range(length) if indices is None else [i for i in indices if 0 <= i < length]
    return {"length": length, "items": {i: describe_item(dataset[i]) for i in chosen}}


@probe
def combined(module, root: str, labels: list[str], transform: str | None = None,
             indices: list[int] | None = None) -> dict[str, Any]:
    """len() and described items of build_dataset(root, labels, transform)."""
    dataset = module.build_dataset(root, labels, transform=TRANSFORMS[transform])
    length = len(dataset)
    chosen = range(length) if indices is None else [i for i in indices if 0 <= i < length]
    return {"length": length, "items": {i: describe_item(dataset[i]) for i in chosen}}
