"""Plain-data codec between the grader and a sandboxed worker.

Everything a worker sends is untrusted.  This codec carries only plain data
(None, bool, int, float, str, bytes, lists, tuples, dicts, tensors, NumPy
arrays, dtypes, devices) as a JSON header plus raw byte blobs, and the decoder
validates every field before building a value.  Nothing is ever unpickled.
Objects the codec cannot carry become an `Opaque` description (type and a
short repr), so the grader can still say what came back.
"""
from __future__ import annotations

import json
import math
import os
import select
import struct
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

FRAME_HEADER = struct.Struct(">Q")
HEAD_HEADER = struct.Struct(">I")
MAX_DEPTH = 64
MAX_HEADER_BYTES = 16 * 1024 * 1024
REPR_LIMIT = 300

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
        "bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32",
        "int64", "float16", "float32", "float64", "complex64", "complex128",
    )
}


class WireError(ValueError):
    """Raised when data cannot be encoded, or a received frame is malformed."""


class TooLarge(WireError):
    """Raised when a value or frame exceeds the size cap."""


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


class _Encoder:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
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
        return {"$": "ndarray", "dtype": array.dtype.name, "shape": list(array.shape), "blob": self.blob(data)}


def _plain_scalar(value: int | float | str) -> int | float | str:
    """A subclass of int, float or str (which may override anything) becomes the plain type."""
    for base in (int, float, str):
        if isinstance(value, base):
            return base.__new__(base, value) if base is not str else str.__str__(value)
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
    return b"".join([HEAD_HEADER.pack(len(head)), head, *encoder.blobs])


class _Decoder:
    def __init__(self, blobs: list[memoryview]) -> None:
        self.blobs = blobs

    def blob(self, index: Any) -> memoryview:
        if type(index) is not int or not 0 <= index < len(self.blobs):
            raise WireError("bad blob reference")
        return self.blobs[index]

    def tree(self, node: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError("value is nested too deeply")
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is list:
            return [self.tree(v, depth + 1) for v in node]
        if type(node) is not dict or type(node.get("$")) is not str:
            raise WireError("malformed value")
        handler = getattr(self, "tag_" + node["$"], None)
        if handler is None:
            raise WireError(f"unknown value tag {node['$']!r}")
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
            try:
                hash(key)
            except TypeError:
                raise WireError("unhashable dict key") from None
            out[key] = self.tree(pair[1], depth + 1)
        return out

    def tag_bytes(self, node: dict, depth: int) -> bytes:
        return bytes(self.blob(node.get("blob")))

    def tag_dtype(self, node: dict, depth: int) -> torch.dtype:
        name = node.get("name")
        if name not in TORCH_DTYPES:
            raise WireError(f"unknown dtype {name!r}")
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
        return Opaque(kind[:200], text[:REPR_LIMIT])

    def _shape(self, node: dict) -> tuple[int, ...]:
        shape = node.get("shape")
        if type(shape) is not list or len(shape) > 32 or any(type(d) is not int or d < 0 for d in shape):
            raise WireError("malformed shape")
        return tuple(shape)

    def tag_tensor(self, node: dict, depth: int) -> torch.Tensor:
        name = node.get("dtype")
        if name not in TORCH_DTYPES:
            raise WireError(f"unknown tensor dtype {name!r}")
        dtype, shape = TORCH_DTYPES[name], self._shape(node)
        if node.get("blob") is None:
            tensor = torch.empty(shape, dtype=dtype, device="meta")
        else:
            data = self.blob(node.get("blob"))
            count = math.prod(shape)
            if count * torch.empty((), dtype=dtype).element_size() != len(data):
                raise WireError("tensor data does not match its shape")
            tensor = (
                torch.frombuffer(bytearray(data), dtype=dtype).reshape(shape)
                if count
                else torch.empty(shape, dtype=dtype)
            )
        return tensor

    def tag_ndarray(self, node: dict, depth: int) -> np.ndarray:
        name = node.get("dtype")
        if name not in NUMPY_DTYPES:
            raise WireError(f"unknown array dtype {name!r}")
        dtype, shape = NUMPY_DTYPES[name], self._shape(node)
        data = self.blob(node.get("blob"))
        if math.prod(shape) * dtype.itemsize != len(data):
            raise WireError("array data does not match its shape")
        return np.frombuffer(bytes(data), dtype=dtype).reshape(shape).copy()


def decode(payload: bytes | memoryview) -> Any:
    """Decode one payload from `encode`, validating it; raise WireError when malformed."""
    view = memoryview(payload)
    if len(view) < HEAD_HEADER.size:
        raise WireError("truncated payload")
    (head_len,) = HEAD_HEADER.unpack(view[: HEAD_HEADER.size])
    if head_len > min(MAX_HEADER_BYTES, len(view) - HEAD_HEADER.size):
        raise WireError("payload header is too large or truncated")
    start = HEAD_HEADER.size + head_len
    try:
        head = json.loads(bytes(view[HEAD_HEADER.size:start]))
    except (ValueError, RecursionError):
        raise WireError("payload header is not valid JSON") from None
    if type(head) is not dict or head.get("v") != 1 or type(head.get("blobs")) is not list:
        raise WireError("payload header is malformed")
    blobs, offset = [], start
    for size in head["blobs"]:
        if type(size) is not int or size < 0 or offset + size > len(view):
            raise WireError("payload blobs are malformed")
        blobs.append(view[offset:offset + size])
        offset += size
    if offset != len(view):
        raise WireError("payload has trailing bytes")
    try:
        return _Decoder(blobs).tree(head.get("root"))
    except RecursionError:
        raise WireError("value is nested too deeply") from None


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
