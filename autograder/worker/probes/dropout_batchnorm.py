"""Probes for 20_dropout_batchnorm: what the student's layers return and what they did to the tensors they
were given, the classifier's layers, and the classes `predict` gives for a model the kit builds.

Whether a function changed its input, or updated running statistics in place, can only be seen where
the call happened, inside the worker.
"""

from __future__ import annotations

from typing import Any, cast

import torch
from torch import nn

from autograder.worker.probes import probe

FEATURES, HIDDEN, CLASSES = 20, 64, 3


@probe
def dropout_run(module, x: torch.Tensor, p: float, training: bool) -> dict[str, Any]:
    """dropout(x, p, training), and x as it is afterwards."""
    output = module.dropout(x, p, training)
    return {"output": output, "input_after": x}


@probe
def batch_norm_run(
    module,
    x: torch.Tensor,
    running_mean: torch.Tensor,
    running_var: torch.Tensor,
    training: bool,
    momentum: float,
) -> dict[str, Any]:
    """batch_norm(x, running_mean, running_var, training, momentum), and the running statistics afterwards."""
    output = module.batch_norm(x, running_mean, running_var, training, momentum)
    return {"output": output, "running_mean": running_mean, "running_var": running_var}


@probe
def classifier_run(module, x: torch.Tensor, seed: int) -> dict[str, Any]:
    """Classifier() built with torch seeded by `seed`, in eval mode: its output on x, and the class names of
    the layers its forward pass called, in order."""
    torch.manual_seed(seed)
    model = module.Classifier()
    called: list[str] = []
    for layer in model.modules():
        if layer is not model and not list(layer.children()):
            layer.register_forward_hook(lambda layer, _inputs, _output: called.append(type(layer).__name__))
    model.eval()
    return {"output": model(x), "layers": called}


def trained_model(seed: int) -> nn.Module:
    """A classifier as training leaves it: in train mode, with running statistics far from their starting
    values (0 and 1), so evaluating with batch statistics, or with dropout on, changes its answers."""
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(FEATURES, HIDDEN),
        nn.BatchNorm1d(HIDDEN),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(HIDDEN, CLASSES),
    )
    norm = cast(nn.BatchNorm1d, model[1])
    # BatchNorm1d tracks running statistics by default: they are never None here
    cast(torch.Tensor, norm.running_mean).copy_(torch.randn(HIDDEN, generator=generator) * 2)
    cast(torch.Tensor, norm.running_var).copy_(torch.rand(HIDDEN, generator=generator) * 4 + 0.5)
    return model.train()


@probe
def predict_run(module, x: torch.Tensor, seed: int) -> Any:
    """predict(trained_model(seed), x)."""
    return module.predict(trained_model(seed), x)
