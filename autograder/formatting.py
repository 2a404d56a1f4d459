"""Values shown in check messages: short, bounded renderings and type names, in English or Chinese.

Every message quotes student data through `show` (never longer than REPR_LIMIT characters, whatever
the value) and names kinds of values through `describe_type`; with `zh=True` both read as Chinese, so
a Chinese message carries no English fragments. Re-exported by `autograder.checking`.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from autograder.i18n import Text
from autograder.worker.wire import Opaque

REPR_LIMIT = 300


def clip(text: str, limit: int = REPR_LIMIT) -> str:
    """`text` cut to `limit` characters with an ellipsis: no message quotes student data without bound."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show(value: Any, limit: int = 8, zh: bool = False) -> str:
    """A short, readable rendering of a value for messages (in Chinese with `zh`); never longer than
    REPR_LIMIT characters, whatever the value."""
    return clip(_show(value, limit, zh))


def _show(value: Any, limit: int, zh: bool) -> str:
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).removeprefix("torch.")
        if value.is_meta:
            return f"形状为 {tuple(value.shape)} 的 meta tensor" if zh else f"a meta tensor of shape {tuple(value.shape)}"
        if value.numel() <= limit and value.dim() <= 2:
            return f"tensor({_round(value.detach().tolist())}, dtype={dtype})"
        return (f"形状为 {tuple(value.shape)}、dtype 为 {dtype} 的 tensor" if zh
                else f"a tensor of shape {tuple(value.shape)}, dtype {dtype}")
    if isinstance(value, np.ndarray):
        if value.size <= limit:
            return f"array({_round(value.tolist())}, dtype={value.dtype})"
        return (f"形状为 {value.shape}、dtype 为 {value.dtype} 的数组" if zh
                else f"an array of shape {value.shape}, dtype {value.dtype}")
    if isinstance(value, Opaque):
        return f"一个 {value.type} 对象" if zh else f"a {value.type} object"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)) and len(value) > limit:
        kind = type(value).__name__
        return f"包含 {len(value)} 项的 {kind}" if zh else f"a {kind} of {len(value)} items"
    if isinstance(value, str):
        return repr(value if len(value) <= 80 else value[:77] + "...")
    try:
        return repr(value)
    except RecursionError:
        return f"<{type(value).__name__}>"


def _round(items: Any) -> Any:
    if isinstance(items, float):
        return round(items, 4)
    if isinstance(items, list):
        return [_round(item) for item in items]
    return items


def english(what: str | Text) -> str:
    return what.en if isinstance(what, Text) else what


def chinese(what: str | Text) -> str:
    return what.zh if isinstance(what, Text) else what


TYPE_NAMES_ZH = {"float": "浮点数 float", "int": "整数 int", "str": "字符串 str", "list": "列表 list",
                 "tuple": "元组 tuple", "dict": "字典 dict", "bool": "布尔值 bool", "Tensor": "tensor",
                 "ndarray": "NumPy 数组"}


def describe_type(value: Any, zh: bool = False) -> str:
    """'a float', 'a Tensor', 'None', ...: the kind of value for messages (in Chinese with `zh`)."""
    if value is None:
        return "None"
    name = value.type if isinstance(value, Opaque) else type(value).__name__
    if zh:
        return TYPE_NAMES_ZH.get(name, name)
    return f"a {clip(name, 100)}"


def type_names(kinds: tuple[type, ...], zh: bool = False) -> str:
    """'float or int' / '浮点数 float 或 整数 int'."""
    if zh:
        return " 或 ".join(TYPE_NAMES_ZH.get(k.__name__, k.__name__) for k in kinds)
    return " or ".join(k.__name__ for k in kinds)
