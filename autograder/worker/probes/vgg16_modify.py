"""Probes for 12_vgg16_modify: VGG16 built on the meta device, never downloaded.

The model is described (layer names, types and sizes), and its new head, from `classifier[6]` on, is
made real and run on numbers from the grader's seed: `head_weights` makes the same weights and input
in the grader, which computes the output the head must give.
"""

from __future__ import annotations

import contextlib
from typing import Any, cast

import torch
import torchvision
import torchvision.models._api as models_api
from torch import nn

from autograder.worker.probes import probe


class DownloadBlocked(RuntimeError):
    """Raised instead of downloading weights during grading."""


def _refuse_download(*args: Any, **kwargs: Any) -> Any:
    raise DownloadBlocked(
        "tried to download pretrained weights; use weights=None (no download during grading)"
    )


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


HEAD_START = 6


def head_weights(
    sizes: list[list[int]], seed: int
) -> tuple[torch.Tensor, list[tuple[torch.Tensor, torch.Tensor]]]:
    """An input of 2 rows and a weight and bias per Linear of `sizes` ([in, out] each), from `seed`."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(2, sizes[0][0], generator=generator)
    layers = [
        (torch.randn(out, inp, generator=generator) / inp**0.5, torch.randn(out, generator=generator))
        for inp, out in sizes
    ]
    return x, layers


def run_head(model: nn.Module, seed: int) -> dict[str, Any]:
    """classifier[6:] made real with weights from `seed` and run (in eval mode) on the seeded input."""
    head = list(cast(nn.Sequential, model.classifier))[HEAD_START:]  # torch types it as Tensor | Module
    linears = [layer for layer in head if isinstance(layer, nn.Linear)]
    if not head or len(linears) != len(head):
        return {"sizes": [describe_layer("", layer)[1:] for layer in head], "output": None}
    sizes = [[layer.in_features, layer.out_features] for layer in linears]
    x, weights = head_weights(sizes, seed)
    with torch.no_grad():
        for layer, (weight, bias) in zip(linears, weights):
            layer.to_empty(device="cpu")
            layer.weight.copy_(weight)
            if layer.bias is not None:
                layer.bias.copy_(bias)
        output = nn.Sequential(*linears).eval()(x)
    return {"sizes": sizes, "output": output}


def describe(model: Any, seed: int | None = None) -> dict[str, Any]:
    """The classifier's layers, a summary of the feature extractor, the output shape on CIFAR images, and
    (with `seed`) the new head's run."""
    if not isinstance(model, nn.Module) or not isinstance(getattr(model, "classifier", None), nn.Sequential):
        return {"kind": type(model).__name__}
    layers = cast(nn.Sequential, model.classifier).named_children()  # checked just above
    classifier = [describe_layer(name, layer) for name, layer in layers]
    features = [type(layer).__name__ for layer in getattr(model, "features", [])]
    with torch.no_grad():
        output = model(torch.empty(2, 3, 32, 32, device="meta"))
    described: dict[str, Any] = {
        "kind": "model",
        "classifier": classifier,
        "features": features,
        "output_shape": list(output.shape),
    }
    if seed is not None:
        described["head"] = run_head(model, seed)
    return described


def _meta_vgg16() -> nn.Module:
    with torch.device("meta"):
        return torchvision.models.vgg16(weights=None)


@probe
def modify(module, function: str, num_classes: int | None = None, seed: int = 12) -> dict[str, Any]:
    """Call append_layer or replace_head on a meta-device VGG16; describe the model it left (the one it
    returned, or else the one it was given; its head run with weights from `seed`), and whether it
    returned the model it was given."""
    model = _meta_vgg16()
    args = () if num_classes is None else (num_classes,)
    with downloads_refused(), torch.device("meta"):
        result = getattr(module, function)(model, *args)
    left = result if isinstance(result, nn.Module) else model
    return {"same_object": result is model, "returned": type(result).__name__, "model": describe(left, seed)}


@probe
def build(module, seed: int = 12) -> dict[str, Any]:
    """Call build_vgg16_cifar10 with the meta device as default (and downloads refused); describe it."""
    with downloads_refused(), torch.device("meta"):
        model = module.build_vgg16_cifar10()
    return describe(model, seed)
