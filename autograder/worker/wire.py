"""Plain-data codec between the grader and a sandboxed worker.

Everything a worker sends is untrusted.  This codec carries only plain data
(None, bool, int, float, str, bytes, lists, tuples, dicts, tensors, NumPy
arrays and scalars, dtypes, devices) as a JSON header plus raw byte blobs, and
the decoder (`autograder.worker.decoding`) validates every field and bounds its
own cost before building a value.  Nothing is ever unpickled.  Objects the codec
cannot carry become an `Opaque` description (type and a short repr), so the
grader can still say what came back.  NumPy scalars keep their dtype (a
`np.float64` arrives as a `np.float64`), so checks can tell them from Python numbers.
"""

from __future__ import annotations

import json
import math
import os
import select
import struct
import time
from typing import Any

import numpy as np
import torch

from autograder.worker.decoding import decode
from autograder.worker.values import (
    HEAD_HEADER,
    MAX_DEPTH,
    MAX_HEADER_BYTES,
    MAX_NODES,
    NUMPY_DTYPES,
    REPR_LIMIT,
    TORCH_DTYPES,
    DecodeTimeout,
    Opaque,
    TooLarge,
    WireError,
    dtype_name,
    is_safe_key,
)

__all__ = [
    "HEAD_HEADER",
    "MAX_DEPTH",
    "MAX_HEADER_BYTES",
    "MAX_NODES",
    "NUMPY_DTYPES",
    "REPR_LIMIT",
    "TORCH_DTYPES",
    "DecodeTimeout",
    "FrameTimeout",
    "Opaque",
    "PeerClosed",
    "TooLarge",
    "WireError",
    "decode",
    "dtype_name",
    "encode",
    "read_frame",
    "write_frame",
]

FRAME_HEADER = struct.Struct(">Q")


class _Encoder:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.nodes = 0
        self.blobs: list[bytes] = []

    def blob(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise TooLarge(f"returned data exceeds the {self.limit // (1024 * 1024)} MiB cap")
        self.blobs.append(data)
        return len(self.blobs) - 1

    def reserve(self, nbytes: int) -> None:
        if self.size + nbytes > self.limit:
            raise TooLarge(
                f"returned data of {nbytes / 2**20:.1f} MiB exceeds the {self.limit // 2**20} MiB cap"
            )

    def tree(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError("value is nested too deeply")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise TooLarge(f"returned data holds more than {MAX_NODES} values")
        kind = type(value)
        if value is None or kind in (bool, str):
            return value
        if kind is int:
            return value
        if kind is float:
            return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
        if isinstance(value, torch.Tensor):
            return self.tensor(value)
        if isinstance(value, np.ndarray):
            return self.ndarray(value)
        if isinstance(value, np.generic):
            if value.dtype.name in NUMPY_DTYPES:
                return {"$": "npscalar", "dtype": value.dtype.name, "hex": value.tobytes().hex()}
            return self.tree(value.item(), depth)
        if isinstance(value, torch.dtype):
            return {"$": "dtype", "name": dtype_name(value)}
        if isinstance(value, torch.device):
            return {"$": "device", "name": str(value)}
        if isinstance(value, (bytes, bytearray)):
            return {"$": "bytes", "blob": self.blob(bytes(value))}
        if isinstance(value, Opaque):
            return {"$": "opaque", "type": value.type, "repr": value.repr}
        if isinstance(value, torch.Size) or kind is tuple:
            return {"$": "tuple", "items": [self.tree(v, depth + 1) for v in tuple.__iter__(value)]}
        if kind is list:
            return [self.tree(v, depth + 1) for v in list.__iter__(value)]
        if kind is dict:
            if not all(is_safe_key(key) for key in dict.keys(value)):
                return {
                    "$": "opaque",
                    "type": "dict",
                    "repr": f"a dict of {len(value)} entries whose keys are not all strings or small ints",
                }
            return {
                "$": "dict",
                "items": [[self.tree(k, depth + 1), self.tree(v, depth + 1)] for k, v in dict.items(value)],
            }
        if isinstance(value, (int, float, str)):
            return self.tree(_plain_scalar(value), depth)
        return {"$": "opaque", "type": _type_name(value), "repr": _safe_repr(value)}

    def tensor(self, value: torch.Tensor) -> dict[str, Any]:
        plain = torch.Tensor.as_subclass(value, torch.Tensor)
        meta = {
            "$": "tensor",
            "dtype": dtype_name(plain.dtype),
            "shape": list(plain.shape),
            "device": str(plain.device),
            "requires_grad": bool(plain.requires_grad),
        }
        if meta["dtype"] not in TORCH_DTYPES:
            raise WireError(f"tensors of dtype {meta['dtype']} cannot be returned")
        if plain.is_meta:
            meta["blob"] = None
            return meta
        if plain.layout != torch.strided:
            plain = plain.to_dense()
        self.reserve(plain.numel() * plain.element_size())
        flat = plain.detach().to("cpu").contiguous().reshape(-1)
        meta["blob"] = self.blob(flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b"")
        return meta

    def ndarray(self, value: np.ndarray) -> dict[str, Any]:
        array = np.asarray(value)
        if array.dtype.name not in NUMPY_DTYPES:
            raise WireError(f"NumPy arrays of dtype {array.dtype} cannot be returned")
        self.reserve(array.nbytes)
        data = np.ascontiguousarray(array).tobytes()
        return {
            "$": "ndarray",
            "dtype": array.dtype.name,
            "shape": list(array.shape),
            "blob": self.blob(data),
        }


def _plain_scalar(value: int | float | str) -> int | float | str:
    """A subclass of int, float or str (which may override anything) becomes the plain type."""
    if isinstance(value, int):
        return int.__new__(int, value)
    if isinstance(value, float):
        return float.__new__(float, value)
    if isinstance(value, str):
        return str.__str__(value)
    raise WireError("not a scalar")


def _type_name(value: Any) -> str:
    kind = type(value)
    module = getattr(kind, "__module__", "") or ""
    name = getattr(kind, "__qualname__", kind.__name__)
    return f"{module}.{name}" if module and module != "builtins" else name


def _safe_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as exc:  # a student's __repr__ may raise anything
        text = f"<repr failed: {type(exc).__name__}>"
    if not isinstance(text, str):
        return "<repr returned a non-string>"
    return text if len(text) <= REPR_LIMIT else text[: REPR_LIMIT - 3] + "..."


def encode(value: Any, limit: int = 256 * 1024 * 1024) -> bytes:
    """Encode plain data into one payload; raise TooLarge past `limit` bytes."""
    encoder = _Encoder(limit)
    root = encoder.tree(value)
    head = json.dumps({"v": 1, "root": root, "blobs": [len(b) for b in encoder.blobs]}).encode()
    if len(head) > MAX_HEADER_BYTES:
        raise TooLarge(
            f"returned data holds more than {MAX_HEADER_BYTES // 2**20} MiB besides tensors and bytes"
        )
    return b"".join([HEAD_HEADER.pack(len(head)), head, *encoder.blobs])


class FrameTimeout(TimeoutError):
    """A frame could not be read or written completely before the deadline."""


def write_frame(fd: int, payload: bytes, deadline: float | None = None, clock=None) -> None:
    """Write one length-prefixed frame; with a deadline, the fd must be non-blocking."""
    clock = clock or time.monotonic
    data = memoryview(FRAME_HEADER.pack(len(payload)) + payload)
    while data:
        if deadline is not None:
            wait = deadline - clock()
            if wait <= 0 or not select.select([], [fd], [], wait)[1]:
                raise FrameTimeout()
        try:
            written = os.write(fd, data[: 1 << 20])
        except BlockingIOError:
            continue
        data = data[written:]


class PeerClosed(EOFError):
    """The other end closed the pipe."""


def _read_exact(fd: int, size: int, deadline: float | None, clock) -> bytes:
    chunks, remaining = [], size
    while remaining:
        if deadline is not None:
            wait = deadline - clock()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise FrameTimeout()
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise PeerClosed()
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, limit: int, deadline: float | None = None, clock=None) -> bytes:
    """Read one frame; TooLarge before reading a body over `limit`, FrameTimeout past `deadline`."""
    clock = clock or time.monotonic
    (size,) = FRAME_HEADER.unpack(_read_exact(fd, FRAME_HEADER.size, deadline, clock))
    if size > limit:
        raise TooLarge(f"a returned value of {size / 2**20:.1f} MiB exceeds the {limit / 2**20:.0f} MiB cap")
    return _read_exact(fd, size, deadline, clock)
