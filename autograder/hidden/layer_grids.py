"""Parameter grids for output-size functions, with the answers real torch layers give.

Running a few thousand real layers takes about a second, so the answers are
cached on disk per torch version (the same layers always give the same sizes).
"""

from __future__ import annotations

import itertools
import json
import os
from functools import cache

import torch
from torch import nn

from autograder.data import default_cache


def _disk_cached(name: str, compute) -> tuple[tuple[dict, int], ...]:
    path = default_cache() / f"layer-grid-{name}-torch-{torch.__version__}.json"
    if path.exists():
        try:
            return tuple((kwargs, expected) for kwargs, expected in json.loads(path.read_text()))
        except (ValueError, TypeError):
            pass
    cases = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(json.dumps(cases))
    os.replace(partial, path)
    return cases


def _layer_size(layer: nn.Module, size: int) -> int | None:
    """Output width of `layer` on a 1-channel size x size input, or None when torch rejects it."""
    try:
        with torch.no_grad():
            return int(layer(torch.zeros(1, 1, size, size)).shape[-1])
    except RuntimeError:
        return None


@cache
def pooling_cases(ceil_mode: bool) -> tuple[tuple[dict, int], ...]:
    """Every valid (kwargs, expected) for maxpool2d_output_size on a small grid, per ceil mode."""
    return _disk_cached(f"maxpool-ceil-{ceil_mode}", lambda: _pooling_cases(ceil_mode))


def _pooling_cases(ceil_mode: bool) -> tuple[tuple[dict, int], ...]:
    cases = []
    for size, kernel, stride, dilation in itertools.product(
        range(1, 17), range(1, 6), (None, 1, 2, 3), (1, 2)
    ):
        for padding in range(0, kernel // 2 + 1):
            layer = nn.MaxPool2d(
                kernel, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode
            )
            expected = _layer_size(layer, size)
            if expected is not None:
                kwargs = {
                    "size": size,
                    "kernel_size": kernel,
                    "stride": stride,
                    "padding": padding,
                    "dilation": dilation,
                    "ceil_mode": ceil_mode,
                }
                cases.append((kwargs, expected))
    return tuple(cases)


@cache
def conv_cases() -> tuple[tuple[dict, int], ...]:
    """Every valid (kwargs, expected) for conv2d_output_size on a small grid."""
    return _disk_cached("conv", _conv_cases)


def _conv_cases() -> tuple[tuple[dict, int], ...]:
    cases = []
    for size, kernel, stride, padding, dilation in itertools.product(
        range(1, 17), range(1, 6), (1, 2, 3), (0, 1, 2, 3), (1, 2, 3)
    ):
        layer = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation, bias=False)
        expected = _layer_size(layer, size)
        if expected is not None:
            kwargs = {
                "size": size,
                "kernel_size": kernel,
                "stride": stride,
                "padding": padding,
                "dilation": dilation,
            }
            cases.append((kwargs, expected))
    return tuple(cases)


def is_ceil_edge(kwargs: dict, expected: int) -> bool:
    """A ceil-mode case where the last window would start past the input, in the right padding or beyond
    (torch drops that window, so the plain ceil formula is one too many)."""
    return bool(kwargs["ceil_mode"]) and _naive_ceil(kwargs) != expected


def _naive_ceil(kwargs: dict) -> int:
    stride = kwargs["stride"] or kwargs["kernel_size"]
    span = kwargs["size"] + 2 * kwargs["padding"] - kwargs["dilation"] * (kwargs["kernel_size"] - 1) - 1
    return -(-span // stride) + 1
