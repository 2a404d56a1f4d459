"""Probes for 08_activations: what the student's activations do to their input, and the network's layers.

Whether a function changed its input, or returned the very tensor it was
given, can only be seen where the call happened; the network's layers are
recorded in the order its forward pass calls them.
"""

from __future__ import annotations

from typing import Any

import torch

from autograder.worker.probes import probe


@probe
def keeping_input(module, name: str, x: torch.Tensor) -> dict[str, Any]:
    """module.<name>(x), and x as it is afterwards."""
    output = getattr(module, name)(x)
    return {"output": output, "input_after": x}


@probe
def in_place(module, x: torch.Tensor) -> dict[str, Any]:
    """relu_(x): whether it returned x itself, what it returned, and x afterwards."""
    returned = module.relu_(x)
    return {"same_object": returned is x, "returned": returned, "input_after": x}


@probe
def net_run(module, x: torch.Tensor) -> dict[str, Any]:
    """ActivationNet()(x), x afterwards, and the class names of the layers the forward pass called, in
    order."""
    model = module.ActivationNet()
    called: list[str] = []
    for layer in model.modules():
        if layer is not model and not list(layer.children()):
            layer.register_forward_hook(lambda layer, _inputs, _output: called.append(type(layer).__name__))
    output = model(x)
    return {"output": output, "input_after": x, "layers": called}
