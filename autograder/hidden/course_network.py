"""The course's CIFAR-10 network as the grader knows it (exercise 09): its layers in order, the parameters
the grader gives each position, and layer descriptions written as code for messages."""

from __future__ import annotations

import torch

from autograder.worker.probes import sequential as probes

COURSE_LAYER_NAMES = [
    "Conv2d(3, 32, kernel_size=5, stride=1, padding=2)",
    "MaxPool2d(2)",
    "Conv2d(32, 32, kernel_size=5, stride=1, padding=2)",
    "MaxPool2d(2)",
    "Conv2d(32, 64, kernel_size=5, stride=1, padding=2)",
    "MaxPool2d(2)",
    "Flatten()",
    "Linear(1024, 64)",
    "Linear(64, 10)",
]
COURSE_LAYERS = ", ".join(COURSE_LAYER_NAMES)
LAYER_INPUTS = [
    (3, 32, 32),
    (32, 32, 32),
    (32, 16, 16),
    (32, 16, 16),
    (32, 8, 8),
    (64, 8, 8),
    (64, 4, 4),
    (1024,),
    (64,),
]


def size(pair: list) -> str:
    """5 for [5, 5], (3, 5) otherwise."""
    return str(pair[0]) if pair[0] == pair[1] else str(tuple(pair))


def render(layer: list | None) -> str:
    """A layer description as code: 'Conv2d(3, 32, kernel_size=5, stride=1, padding=2)', 'MaxPool2d(2)',
    ..."""
    if not layer:
        return "nothing"
    kind, *sizes = layer
    if kind == "Conv2d":
        channels_in, channels_out, kernel, stride, padding = sizes
        return (
            f"Conv2d({channels_in}, {channels_out}, kernel_size={size(kernel)}, stride={size(stride)}, "
            f"padding={size(padding)})"
        )
    if kind == "MaxPool2d":
        kernel, stride, padding = sizes
        if stride == kernel and padding == [0, 0]:
            return f"MaxPool2d({size(kernel)})"
        return f"MaxPool2d({size(kernel)}, stride={size(stride)}, padding={size(padding)})"
    if kind == "Flatten":
        return "Flatten()" if sizes == [1, -1] else f"Flatten(start_dim={sizes[0]}, end_dim={sizes[1]})"
    if kind == "Linear":
        return f"Linear({sizes[0]}, {sizes[1]})"
    return f"{kind}()"


def course_parameters() -> list[list[torch.Tensor]]:
    """The grader's parameters for each position of the course's layers (seeded; the grader's own random
    state is left as it was)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(9)
        return [[p.detach().clone() for p in layer.parameters()] for layer in probes.course_network()]


PARAMETERS = course_parameters()


def course_network() -> torch.nn.Sequential:
    network = probes.course_network()
    with torch.no_grad():
        for layer, values in zip(network, PARAMETERS):
            for mine, value in zip(layer.parameters(), values):
                mine.copy_(value)
    return network.eval()
