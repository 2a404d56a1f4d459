"""What the worker codec (`wire`) may carry, and its limits: shared by the encoder and the decoder.

Dict keys are limited to types an attacker cannot make collide in the grader's hash table:
strings (their hashes are salted per process, and the grader's salt is not the worker's), booleans,
and integers within ±2**31 (their hashes are the numbers themselves, so distinct keys follow distinct
probe sequences; -1 and -2 are the one pair that shares a hash). Large integers, floats and tuples hash
deterministically: a few hundred thousand chosen ones (`k * (2**61 - 1)`) share one hash and make building the
dict quadratic.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np
import torch

HEAD_HEADER = struct.Struct(">I")  # a payload starts with the length of its JSON header
MAX_DEPTH = 64  # containers inside containers
MAX_HEADER_BYTES = 16 * 1024 * 1024  # the JSON part of a payload (everything but raw tensor bytes)
MAX_NODES = 1_000_000  # values in one payload: list items, dict entries, tuple items, scalars
KEY_INT_LIMIT = 2**31  # dict keys that are ints must lie in [-KEY_INT_LIMIT, KEY_INT_LIMIT)
REPR_LIMIT = 300  # characters of an object's repr carried in an `Opaque`
TYPE_NAME_LIMIT = 200

TORCH_DTYPES: dict[str, torch.dtype] = {
    "bool": torch.bool,
    "uint8": torch.uint8,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
NUMPY_DTYPES = {
    name: np.dtype(name)
    for name in (
        "bool",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "int8",
        "int16",
        "int32",
        "int64",
        "float16",
        "float32",
        "float64",
        "complex64",
        "complex128",
    )
}


class WireError(ValueError):
    """Raised when data cannot be encoded, or a received frame is malformed."""


class TooLarge(WireError):
    """Raised when a value or frame exceeds the size cap."""


class DecodeTimeout(WireError):
    """Decoding a payload ran past the call's deadline."""


@dataclass(frozen=True)
class Opaque:
    """Stands for an object the codec cannot carry: its type name and a short repr."""

    type: str
    repr: str

    def __str__(self) -> str:
        return f"<{self.type} object>"


def dtype_name(dtype: torch.dtype) -> str:
    """'float32' for torch.float32: the codec's name for a torch dtype."""
    return str(dtype).removeprefix("torch.")


def is_safe_key(key: object) -> bool:
    """A dict key the decoder accepts: a str, a bool, or an int in [-2**31, 2**31)."""
    kind = type(key)
    return kind is str or kind is bool or (kind is int and -KEY_INT_LIMIT <= key < KEY_INT_LIMIT)  # type: ignore[operator]
