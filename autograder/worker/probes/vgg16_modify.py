"""Probes for 12_vgg16_modify: VGG16 built on the meta device, never downloaded."""
from __future__ import annotations

import contextlib
from typing import Any

import torch
import torchvision
import torchvision.models._api as models_api
from torch import nn

from autograder.worker.probes import probe


class DownloadBlocked(RuntimeError):
    """Raised instead of downloading weights during grading."""


def _refuse_download(*args: Any, **kwargs: Any) -> Any:
    raise DownloadBlocked("tried to download pretrained weights; use weights=None (no download during grading)")


@contextlib.contextmanager
def downloads_refused():
    """Make torchvision's weight downloads raise DownloadBlocked while the block runs."""
    saved = torch.hub.load_state_dict_from_url, models_api.load_state_dict_from_url
    torch.hub.load_state_dict_from_url = models_api.load_state_dict_from_url = _refuse_download
    try:
        yield
    finally:
        torch.hub.load_state_dict_from_url, models_api.load_state_dict_from_url = saved


def describe_layer(name: str, layer: Any) -> list[Any]:
    if isinstance(layer, nn.Linear):
        return [name, "Linear", layer.in_features, layer.out_features]
    return [name, type(layer).__name__]


def describe(model: Any) -> dict[str, Any]:
    """The classifier's layers, a summary of the feature extractor, and the output shape on CIFAR images."""
    if not isinstance(model, nn.Module) or not isinstance(getattr(model, "classifier", None), nn.Sequential):
        return {"kind": type(model).__name__}
    classifier = [describe_layer(name, layer) for name, layer in model.classifier.named_children()]
    features = [type(layer).__name__ for layer in getattr(model, "features", [])]
    with torch.no_grad():
        output = model(torch.empty(2, 3, 32, 32, device="meta"))
    return {"kind": "model", "classifier": classifier, "features": features, "output_shape": list(output.shape)}


def _meta_vgg16() -> nn.Module:
    with torch.device("meta"):
        return torchvision.models.vgg16(weights=None)


@probe
def modify(module, function: str, num_classes: int | None = None) -> dict[str, Any]:
    """Call append_layer or replace_head on a meta-device VGG16; describe the result."""
    model = _meta_vgg16()
    args = () if num_classes is None else (num_classes,)
    with downloads_refused(), torch.device("meta"):
        result = getattr(module, function)(model, *args)
    return {"same_object": result is model, "model": describe(model), "result": describe(result)}


@probe
def build(module) -> dict[str, Any]:
    """Call build_vgg16_cifar10 with the meta device as default (and downloads refused)."""
    with downloads_refused(), torch.device("meta"):
        model = module.build_vgg16_cifar10()
    return describe(model)


@probe
def plain_vgg16(module) -> dict[str, Any]:
    """torchvision's unmodified VGG16, described the same way (for comparisons)."""
    return describe(_meta_vgg16())
