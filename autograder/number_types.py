"""Number-like values: what a returned value stands for as a number, and how to name its type.

A learner's function may hand back a right number in a number-like type: a 0-dim tensor, a NumPy
scalar, a float holding a whole number. `number_value` says which number it stands for (or None
when it is no number: bool, text, a tensor of several values); `number_kind` names its type for a
one-line message. The rules that use them are in `autograder.checking`'s docstring.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from autograder.i18n import Text


def number_value(value: Any) -> int | float | None:
    """The plain int or float a number-like value stands for; None for anything else (bool is no number)."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if type(value) in (int, float):
        return value
    if isinstance(value, np.generic) and isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        return value.item()
    if isinstance(value, torch.Tensor) and value.dim() == 0 and not value.is_meta:
        if value.dtype.is_floating_point or value.dtype in INTEGER_DTYPES:
            return value.item()
    if isinstance(value, (int, float)):  # a subclass of int or float
        return int(value) if isinstance(value, int) else float(value)
    return None


INTEGER_DTYPES = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)


def is_integer(value: Any) -> bool:
    """An integer type that layers accept as a size: a Python int (not a bool), a NumPy integer, or a 0-dim
    integer tensor (`nn.Linear(np.int64(1024), 64)` works; `nn.Linear(1024.0, 64)` does not)."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, torch.Tensor):
        return value.dim() == 0 and value.dtype in INTEGER_DTYPES
    return isinstance(value, (int, np.integer))


def number_kind(value: Any) -> Text:
    """'a 0-dim tensor (float32)', 'a NumPy float64', 'a float', ... in both languages."""
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).removeprefix("torch.")
        return Text(f"a 0-dim tensor ({dtype})", f"0 维 tensor（{dtype}）")
    if isinstance(value, (np.generic, np.ndarray)):
        name = value.dtype.name
        return Text(f"a NumPy {name}", f"NumPy {name} 标量")
    if isinstance(value, float):
        return Text("a float", "浮点数 float")
    if isinstance(value, int):
        return Text("an int", "整数 int")
    return Text(f"a {type(value).__name__}", type(value).__name__)
