"""Probes for 09_sequential: the network's layers, parameter counts, and the flatten-then-Linear demo.

Layers are described as plain lists (type and sizes) so the grader can
compare the order. `count_parameters` is called on models built here from a
spec the grader sends, some of them partly frozen. A global forward hook
records the Linear layer `flatten_linear` uses, so the grader can recompute
its output from that layer's own weights.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn.modules.utils import _pair

from autograder.worker.probes import probe


def describe_layer(layer: Any) -> list[Any]:
    """[type, sizes...]: Conv2d(in, out, kernel, stride, padding), MaxPool2d(kernel, stride, padding), ..."""
    if isinstance(layer, nn.Conv2d):
        kernel, dilation = _pair(layer.kernel_size), _pair(layer.dilation)
        padding = layer.padding
        if padding == "same":
            padding = [d * (k - 1) // 2 for k, d in zip(kernel, dilation)]
        return ["Conv2d", layer.in_channels, layer.out_channels, list(kernel), list(_pair(layer.stride)),
                list(_pair(padding))]
    if isinstance(layer, nn.MaxPool2d):
        stride = layer.stride if layer.stride is not None else layer.kernel_size
        return ["MaxPool2d", list(_pair(layer.kernel_size)), list(_pair(stride)), list(_pair(layer.padding))]
    if isinstance(layer, nn.Flatten):
        return ["Flatten", layer.start_dim, layer.end_dim]
    if isinstance(layer, nn.Linear):
        return ["Linear", layer.in_features, layer.out_features]
    return [type(layer).__name__]


@probe
def structure(module) -> dict[str, Any]:
    """CIFAR10Net()'s children, whether `model` is one nn.Sequential, its layers and the parameter count."""
    net = module.CIFAR10Net()
    held = getattr(net, "model", None)
    sequential = isinstance(held, nn.Sequential)
    return {
        "children": [name for name, _ in net.named_children()],
        "model_type": type(held).__name__ if held is not None else None,
        "is_sequential": sequential,
        "layers": [describe_layer(layer) for layer in held] if sequential else [],
        "parameter_count": sum(p.numel() for p in net.parameters()),
    }


def course_network() -> nn.Sequential:
    """The kit's own copy of the course's layers (so count_parameters is judged apart from CIFAR10Net)."""
    return nn.Sequential(
        nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 5, padding=2), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 4 * 4, 64), nn.Linear(64, 10),
    )


def build(spec: dict[str, Any]) -> nn.Module:
    """A model from a spec: {"layers": [["linear", in, out, bias] | ["conv", in, out, k, bias] | ["norm", c]
    | ["relu"] | ["course"]], "frozen": [indices of layers whose parameters are frozen]}."""
    layers: list[nn.Module] = []
    for entry in spec["layers"]:
        kind = entry[0]
        if kind == "linear":
            layers.append(nn.Linear(entry[1], entry[2], bias=entry[3]))
        elif kind == "conv":
            layers.append(nn.Conv2d(entry[1], entry[2], entry[3], bias=entry[4]))
        elif kind == "norm":
            layers.append(nn.BatchNorm2d(entry[1]))
        elif kind == "course":
            layers.append(course_network())
        else:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    for index in spec.get("frozen", []):
        model[index].requires_grad_(False)
    return model


@probe
def count(module, spec: dict[str, Any]) -> Any:
    """count_parameters of the model built from `spec`."""
    return module.count_parameters(build(spec))


@probe
def flatten_linear(module, images: torch.Tensor) -> dict[str, Any]:
    """flatten_linear(images), and every nn.Linear that ran meanwhile: its sizes, weight and bias."""
    seen: list[dict[str, Any]] = []

    def record(layer: nn.Module, inputs: tuple, output: Any) -> None:
        if isinstance(layer, nn.Linear) and len(seen) < 2:
            bias = None if layer.bias is None else layer.bias.detach().clone()
            seen.append({"in": layer.in_features, "out": layer.out_features,
                         "weight": layer.weight.detach().clone(), "bias": bias})

    handle = nn.modules.module.register_module_forward_hook(record)
    try:
        output = module.flatten_linear(images.clone())
    finally:
        handle.remove()
    return {"output": output, "linears": seen}
