"""Probes for 09_sequential: the network's layers, parameter counts, and the flatten-then-Linear demo.

Every layer CIFAR10Net holds is run alone, with parameters and an input the
grader made, so the grader can judge each position against the course's
layer; the descriptions (type and sizes) only word the messages.
`count_parameters` is called on models built here from a spec the grader
sends, some of them partly frozen. A global forward pre-hook gives the Linear
layer `flatten_linear` creates the grader's weights before it runs.
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
        padding: str | tuple[int, ...] | list[int] = layer.padding
        if padding == "same":
            padding = [d * (k - 1) // 2 for k, d in zip(kernel, dilation)]
        return [
            "Conv2d",
            layer.in_channels,
            layer.out_channels,
            list(kernel),
            list(_pair(layer.stride)),
            list(_pair(padding)),
        ]
    if isinstance(layer, nn.MaxPool2d):
        stride = layer.stride if layer.stride is not None else layer.kernel_size
        return ["MaxPool2d", list(_pair(layer.kernel_size)), list(_pair(stride)), list(_pair(layer.padding))]
    if isinstance(layer, nn.Flatten):
        return ["Flatten", layer.start_dim, layer.end_dim]
    if isinstance(layer, nn.Linear):
        return ["Linear", layer.in_features, layer.out_features]
    return [type(layer).__name__]


def held_layers(net: nn.Module) -> tuple[str | None, list[nn.Module]]:
    """The attribute holding the net's one nn.Sequential child (any name: the course calls it `model1`) and
    its layers; without exactly one such child, None and the net's layers (its modules without children),
    in the order they were registered."""
    sequences = [(name, child) for name, child in net.named_children() if isinstance(child, nn.Sequential)]
    if len(sequences) == 1:
        return sequences[0][0], list(sequences[0][1])
    return None, [layer for layer in net.modules() if layer is not net and not list(layer.children())]


@probe
def structure(module) -> dict[str, Any]:
    """CIFAR10Net()'s children (name and type) and the layers it holds, described."""
    net = module.CIFAR10Net()
    name, layers = held_layers(net)
    return {
        "children": [[child, type(layer).__name__] for child, layer in net.named_children()],
        "sequential": name,
        "layers": [describe_layer(layer) for layer in layers],
    }


@probe
def layer_outputs(module, inputs: list[torch.Tensor], parameters: list[list[torch.Tensor]]) -> dict[str, Any]:
    """Each layer CIFAR10Net() holds, given the grader's parameters for that position (when their shapes
    fit) and run alone on the grader's input for that position: the grader knows what the course's layer
    there gives. Returns the layer count and, per position, the output or the error."""
    _, layers = held_layers(module.CIFAR10Net())
    results = []
    for layer, given, x in zip(layers, parameters, inputs):
        own = list(layer.parameters())
        if [tuple(p.shape) for p in own] != [tuple(p.shape) for p in given]:
            results.append({"error": "parameters"})
            continue
        try:
            with torch.no_grad():
                for mine, value in zip(own, given):
                    mine.copy_(value)
                results.append({"output": layer(x)})
        except Exception as exc:  # a layer of the wrong kind for this position
            results.append({"error": f"{type(exc).__name__}: {exc}"[:300]})
    return {"count": len(layers), "layers": results}


def course_network() -> nn.Sequential:
    """The kit's own copy of the course's layers (so count_parameters is judged apart from CIFAR10Net)."""
    return nn.Sequential(
        nn.Conv2d(3, 32, 5, padding=2),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 5, padding=2),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 4 * 4, 64),
        nn.Linear(64, 10),
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
def flatten_linear(module, images: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> dict[str, Any]:
    """flatten_linear(images), with the grader's weight and bias copied into every nn.Linear(196608, 10)
    just before it runs (the grader computes the expected output from them); also the sizes of the
    Linear layers that ran, for messages."""
    seen: list[list[int]] = []

    def install(layer: nn.Module, inputs: tuple) -> None:
        if isinstance(layer, nn.Linear):
            seen.append([layer.in_features, layer.out_features])
            if tuple(layer.weight.shape) == tuple(weight.shape) and layer.bias is not None:
                with torch.no_grad():
                    layer.weight.copy_(weight)
                    layer.bias.copy_(bias)

    handle = nn.modules.module.register_module_forward_pre_hook(install)
    try:
        output = module.flatten_linear(images.clone())
    finally:
        handle.remove()
    return {"output": output, "linears": seen[:4]}
