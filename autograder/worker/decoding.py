"""Decoding a worker's payload in the grader: every field validated, every cost bounded.

The payload is untrusted (student code can replace anything in its worker, the encoder included).
The decoder builds only plain values, never unpickles, and bounds what building them can cost: the
JSON header's size, nesting depth, the number of values, dict key types that cannot be made to
collide (`values.is_safe_key`), and a deadline checked as it goes, so a hostile payload costs at
most the call's own time limit. Text is made valid Unicode (lone surrogates replaced) on the way in.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from autograder.textsafe import valid_unicode
from autograder.worker.values import (
    HEAD_HEADER,
    MAX_DEPTH,
    MAX_HEADER_BYTES,
    MAX_NODES,
    NUMPY_DTYPES,
    REPR_LIMIT,
    TORCH_DTYPES,
    TYPE_NAME_LIMIT,
    DecodeTimeout,
    Opaque,
    WireError,
    is_safe_key,
)

CLOCK_EVERY = 4096  # values decoded between two looks at the clock


class _Decoder:
    def __init__(self, blobs: list[memoryview], deadline: float | None, clock: Callable[[], float]) -> None:
        self.blobs = blobs
        self.deadline = deadline
        self.clock = clock
        self.nodes = 0

    def count(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise WireError(f"more than {MAX_NODES} values in one answer")
        if self.deadline is not None and self.nodes % CLOCK_EVERY == 0 and self.clock() > self.deadline:
            raise DecodeTimeout("decoding the answer ran past the call's time limit")

    def blob(self, index: Any) -> memoryview:
        if type(index) is not int or not 0 <= index < len(self.blobs):
            raise WireError("bad blob reference")
        return self.blobs[index]

    def tree(self, node: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError("value is nested too deeply")
        self.count()
        kind = type(node)
        if kind is str:
            return valid_unicode(node)
        if node is None or kind in (bool, int, float):
            return node
        if kind is list:
            return [self.tree(v, depth + 1) for v in node]
        if kind is not dict or type(node.get("$")) is not str:
            raise WireError("malformed value")
        handler = getattr(self, "tag_" + node["$"], None)
        if handler is None:
            raise WireError(f"unknown value tag {node['$'][:40]!r}")
        return handler(node, depth)

    def tag_float(self, node: dict, depth: int) -> float:
        if node.get("v") not in ("nan", "inf", "-inf"):
            raise WireError("malformed float")
        return float(node["v"])

    def tag_tuple(self, node: dict, depth: int) -> tuple:
        items = node.get("items")
        if type(items) is not list:
            raise WireError("malformed tuple")
        return tuple(self.tree(v, depth + 1) for v in items)

    def tag_dict(self, node: dict, depth: int) -> dict:
        items = node.get("items")
        if type(items) is not list:
            raise WireError("malformed dict")
        out: dict = {}
        for pair in items:
            if type(pair) is not list or len(pair) != 2:
                raise WireError("malformed dict item")
            key = self.tree(pair[0], depth + 1)
            if not is_safe_key(key):
                raise WireError("dict keys must be strings or ints within ±2**31")
            out[key] = self.tree(pair[1], depth + 1)
        return out

    def tag_bytes(self, node: dict, depth: int) -> bytes:
        return bytes(self.blob(node.get("blob")))

    def tag_dtype(self, node: dict, depth: int) -> torch.dtype:
        name = node.get("name")
        if type(name) is not str or name not in TORCH_DTYPES:
            raise WireError("unknown dtype")
        return TORCH_DTYPES[name]

    def tag_device(self, node: dict, depth: int) -> torch.device:
        name = node.get("name")
        if type(name) is not str or len(name) > 32:
            raise WireError("malformed device")
        try:
            return torch.device(name)
        except RuntimeError:
            raise WireError(f"unknown device {name!r}") from None

    def tag_opaque(self, node: dict, depth: int) -> Opaque:
        kind, text = node.get("type"), node.get("repr")
        if type(kind) is not str or type(text) is not str:
            raise WireError("malformed object description")
        return Opaque(valid_unicode(kind[:TYPE_NAME_LIMIT]), valid_unicode(text[:REPR_LIMIT]))

    def tag_npscalar(self, node: dict, depth: int) -> np.generic:
        name, data = node.get("dtype"), node.get("hex")
        if type(name) is not str or name not in NUMPY_DTYPES or type(data) is not str:
            raise WireError("malformed NumPy scalar")
        dtype = NUMPY_DTYPES[name]
        try:
            raw = bytes.fromhex(data) if len(data) == 2 * dtype.itemsize else b""
        except ValueError:
            raw = b""
        if len(raw) != dtype.itemsize or (dtype.kind == "b" and raw not in (b"\x00", b"\x01")):
            raise WireError("malformed NumPy scalar")
        return np.frombuffer(raw, dtype=dtype)[0]

    def _shape(self, node: dict) -> tuple[int, ...]:
        shape = node.get("shape")
        if type(shape) is not list or len(shape) > 32 or any(type(d) is not int or d < 0 for d in shape):
            raise WireError("malformed shape")
        return tuple(shape)

    def tag_tensor(self, node: dict, depth: int) -> torch.Tensor:
        name = node.get("dtype")
        if type(name) is not str or name not in TORCH_DTYPES:
            raise WireError("unknown tensor dtype")
        dtype, shape = TORCH_DTYPES[name], self._shape(node)
        if node.get("blob") is None:
            return torch.empty(shape, dtype=dtype, device="meta")
        data = self.blob(node.get("blob"))
        count = math.prod(shape)
        if count * torch.empty((), dtype=dtype).element_size() != len(data):
            raise WireError("tensor data does not match its shape")
        if not count:
            return torch.empty(shape, dtype=dtype)
        _check_bools(data, dtype is torch.bool)
        return torch.frombuffer(bytearray(data), dtype=dtype).reshape(shape)

    def tag_ndarray(self, node: dict, depth: int) -> np.ndarray:
        name = node.get("dtype")
        if type(name) is not str or name not in NUMPY_DTYPES:
            raise WireError("unknown array dtype")
        dtype, shape = NUMPY_DTYPES[name], self._shape(node)
        data = self.blob(node.get("blob"))
        if math.prod(shape) * dtype.itemsize != len(data):
            raise WireError("array data does not match its shape")
        _check_bools(data, dtype.kind == "b")
        return np.frombuffer(bytes(data), dtype=dtype).reshape(shape).copy()


def _check_bools(data: memoryview, is_bool: bool) -> None:
    """Booleans travel as bytes 0 and 1; any other byte would make a bool that is neither."""
    if is_bool and len(data) and int(np.frombuffer(data, dtype=np.uint8).max()) > 1:
        raise WireError("boolean data holds bytes other than 0 and 1")


def decode(
    payload: bytes | memoryview, deadline: float | None = None, clock: Callable[[], float] = time.monotonic
) -> Any:
    """Decode one payload from `wire.encode`, validating it; WireError when malformed or over a cap,
    DecodeTimeout (a WireError) when `deadline` (a `clock()` time) passes while decoding."""
    view = memoryview(payload)
    if len(view) < HEAD_HEADER.size:
        raise WireError("truncated payload")
    (head_len,) = HEAD_HEADER.unpack(view[: HEAD_HEADER.size])
    if head_len > min(MAX_HEADER_BYTES, len(view) - HEAD_HEADER.size):
        raise WireError("payload header is too large or truncated")
    start = HEAD_HEADER.size + head_len
    try:
        head = json.loads(bytes(view[HEAD_HEADER.size : start]))
    except (ValueError, RecursionError):
        raise WireError("payload header is not valid JSON") from None
    if type(head) is not dict or head.get("v") != 1 or type(head.get("blobs")) is not list:
        raise WireError("payload header is malformed")
    blobs, offset = [], start
    for size in head["blobs"]:
        if type(size) is not int or size < 0 or offset + size > len(view):
            raise WireError("payload blobs are malformed")
        blobs.append(view[offset : offset + size])
        offset += size
    if offset != len(view):
        raise WireError("payload has trailing bytes")
    try:
        return _Decoder(blobs, deadline, clock).tree(head.get("root"))
    except RecursionError:
        raise WireError("value is nested too deeply") from None
