"""Probes for 01_tensors: what the student's functions do to the tensors and arrays they receive.

Shared memory, in-place changes and whether a function returned the very
object it was given can only be seen where the call happened, so these probes
look inside the worker and send back plain facts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from autograder.worker.probes import probe


@probe
def view_shares_memory(module, array: np.ndarray, array_fill: int, tensor_fill: int) -> dict[str, Any]:
    """numpy_view(array); then fill the array with `array_fill` and read the tensor, fill the tensor with
    `tensor_fill` and read the array (the grader picks both values)."""
    view = module.numpy_view(array)
    if not isinstance(view, torch.Tensor):
        return {"type": type(view).__name__}
    array.fill(array_fill)
    tensor_after_array_write = view.clone()
    view.fill_(tensor_fill)
    return {
        "type": "Tensor",
        "tensor_after_array_write": tensor_after_array_write,
        "array_after_tensor_write": array.copy(),
    }


@probe
def add_in_place(module, t: torch.Tensor, value: Any) -> dict[str, Any]:
    """add_(t, value): whether it returned t itself, what it returned, and t afterwards."""
    returned = module.add_(t, value)
    return {"same_object": returned is t, "returned": returned, "tensor_after": t}


@probe
def bgr_keeping_input(module, image: np.ndarray) -> dict[str, Any]:
    """bgr_to_rgb(image), and the image as it is afterwards."""
    output = module.bgr_to_rgb(image)
    return {"output": output, "input_after": image}
