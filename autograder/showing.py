"""Student data in messages: `show` renders any value a check got back in a line, bounded in length and cost.

A check's message quotes what the student's code returned; that value comes from the worker and can
be anything the codec carries (a 60 MiB `bytes`, a list nested 64 deep, a dict of a million entries).
`show` never builds a text longer than about REPR_LIMIT characters on the way, so quoting it costs
no more than quoting a small value; the result is cleaned (`autograder.textsafe`).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import torch

from autograder import textsafe
from autograder.worker.wire import Opaque

__all__ = ["REPR_LIMIT", "clip", "show"]

REPR_LIMIT = 300


def clip(text: str, limit: int = REPR_LIMIT) -> str:
    """`text` cut to `limit` characters with an ellipsis: no message quotes student data without bound."""
    return textsafe.clip(text, limit)


def show(value: Any, limit: int = 8, zh: bool = False) -> str:
    """A short, readable rendering of a value for messages (in Chinese with `zh`); never longer than
    REPR_LIMIT characters, and never costlier to make, whatever the value (a 60 MiB bytes object is
    not turned into a 240 MB repr first)."""
    return textsafe.clean(_show(value, limit, zh, REPR_LIMIT), REPR_LIMIT)


def _show(value: Any, limit: int, zh: bool, budget: int) -> str:
    """The rendering, stopping once about `budget` characters are written."""
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).removeprefix("torch.")
        if value.is_meta:
            return (
                f"形状为 {tuple(value.shape)} 的 meta tensor"
                if zh
                else f"a meta tensor of shape {tuple(value.shape)}"
            )
        if value.numel() <= limit and value.dim() <= 2:
            return f"tensor({_round(value.detach().tolist())}, dtype={dtype})"
        return (
            f"形状为 {tuple(value.shape)}、dtype 为 {dtype} 的 tensor"
            if zh
            else f"a tensor of shape {tuple(value.shape)}, dtype {dtype}"
        )
    if isinstance(value, np.ndarray):
        if value.size <= limit:
            return f"array({_round(value.tolist())}, dtype={value.dtype})"
        return (
            f"形状为 {value.shape}、dtype 为 {value.dtype} 的数组"
            if zh
            else f"an array of shape {value.shape}, dtype {value.dtype}"
        )
    if isinstance(value, Opaque):
        return f"一个 {value.type} 对象" if zh else f"a {value.type} object"
    if isinstance(value, float) and not isinstance(value, np.generic):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)) and len(value) > limit:
        kind = type(value).__name__
        return f"包含 {len(value)} 项的 {kind}" if zh else f"a {kind} of {len(value)} items"
    if isinstance(value, str):
        return repr(value if len(value) <= 80 else value[:77] + "...")
    if isinstance(value, (bytes, bytearray)):
        shown = repr(bytes(value[:40])) + ("…" if len(value) > 40 else "")
        return (
            shown + (f"（共 {len(value)} 字节）" if zh else f" ({len(value)} bytes)")
            if len(value) > 40
            else shown
        )
    if isinstance(value, (list, tuple, dict)):
        return _show_items(value, limit, zh, budget)
    try:
        return textsafe.clip(repr(value), budget)
    except (RecursionError, ValueError):  # ValueError: an int with more digits than Python prints
        return f"<{type(value).__name__}>"


def _show_items(value: list | tuple | dict, limit: int, zh: bool, budget: int) -> str:
    """`[a, b]`, `(a,)` or `{k: v}`: at most `limit` items, each shown with what is left of the budget."""
    if isinstance(value, dict):
        opening, closing = "{", "}"
    else:
        opening, closing = ("[", "]") if isinstance(value, list) else ("(", ",)" if len(value) == 1 else ")")
    entries = list(itertools.islice(value.items() if isinstance(value, dict) else value, limit + 1))
    parts: list[str] = []
    left = budget - len(opening)
    for index, entry in enumerate(entries):
        if left <= 0 or index >= limit:
            parts.append("…")
            break
        if isinstance(value, dict):
            key = _show(entry[0], limit, zh, left)
            text = f"{key}: {_show(entry[1], limit, zh, left - len(key) - 2)}"
        else:
            text = _show(entry, limit, zh, left)
        parts.append(text)
        left -= len(text) + 2
    return opening + ", ".join(parts) + closing


def _round(items: Any) -> Any:
    if isinstance(items, float):
        return round(items, 4)
    if isinstance(items, list):
        return [_round(item) for item in items]
    return items
