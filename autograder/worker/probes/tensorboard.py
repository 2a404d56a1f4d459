"""Probes for 03_tensorboard: call the student's logging functions, noting the SummaryWriters left open;
read event files the way TensorBoard shows them.

The logging probes run next to student code, which could change what they report, so what they say
about SummaryWriters (how many were made, how many were left open) is only evidence: the grader pairs
it with what it sees in the files. Writers left open are kept until the grader has read the files as
they were when the call returned, then closed (`close_left_open`), so that every event reaches the
file and the other checks judge the values alone.

`read_events` parses event files from bytes, in memory (TFRecord frames of `Event` protos): the
grader runs it in a sandboxed worker of its own for the student's files (the `runner`), and in its
own process only for the files the reference wrote. Images are decoded as PNG and nothing else (no
other PIL format is ever tried), with their size checked before decoding.
"""

from __future__ import annotations

import contextlib
import functools
import io
import struct
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch
from torch.utils.tensorboard import SummaryWriter

from autograder.worker.probes import probe
from autograder.worker.probes.inference import CourseNet

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_IMAGE_PIXELS = 1024 * 1024  # one image summary: a grid of a batch, far larger than the checks need
MAX_DECODED_BYTES = 32 * 1024 * 1024  # all the images of one read together
MAX_EVENTS = 200_000
_LEFT_OPEN: list[SummaryWriter] = []


@contextlib.contextmanager
def watched_writers() -> Iterator[list[SummaryWriter]]:
    """While active, every SummaryWriter created is appended to the yielded list."""
    created: list[SummaryWriter] = []
    original = SummaryWriter.__init__

    @functools.wraps(original)
    def init(self, *args: Any, **kwargs: Any) -> None:
        created.append(self)
        original(self, *args, **kwargs)

    SummaryWriter.__init__ = init  # type: ignore[method-assign]  # a deliberate patch, undone below
    try:
        yield created
    finally:
        SummaryWriter.__init__ = original  # type: ignore[method-assign]


def logged(call: Callable[[], Any]) -> dict[str, int]:
    """Run `call`; how many SummaryWriters it created and how many of those it left open (kept open)."""
    with watched_writers() as created:
        try:
            call()
        finally:
            unclosed = [writer for writer in created if getattr(writer, "all_writers", None) is not None]
            _LEFT_OPEN.extend(unclosed)
    return {"writers": len(created), "unclosed": len(unclosed)}


@probe
def close_left_open(module) -> int:
    """Close the SummaryWriters the logging probes left open; how many there were."""
    count = len(_LEFT_OPEN)
    while _LEFT_OPEN:
        with contextlib.suppress(Exception):
            _LEFT_OPEN.pop().close()
    return count


@probe
def line(module, log_dir: str, **kwargs: Any) -> dict[str, int]:
    """log_line(log_dir, **kwargs)."""
    return logged(lambda: module.log_line(log_dir, **kwargs))


@probe
def images(module, log_dir: str, tag: str, batches: list[torch.Tensor]) -> dict[str, int]:
    """log_images(log_dir, tag, batches)."""
    return logged(lambda: module.log_images(log_dir, tag, batches))


@probe
def graph(module, log_dir: str, seed: int, batch_size: int) -> dict[str, int]:
    """log_graph(log_dir, a seeded CourseNet, a random (batch_size, 3, 32, 32) input)."""
    torch.manual_seed(seed)
    model = CourseNet()
    example = torch.rand(batch_size, 3, 32, 32, generator=torch.Generator().manual_seed(seed))
    return logged(lambda: module.log_graph(log_dir, model, example))


# ---------------------------------------------------------------- reading event files


def records(data: bytes) -> Iterator[bytes]:
    """The payloads of the TFRecord frames in `data` (length, length CRC, payload, payload CRC)."""
    offset = 0
    while offset < len(data):
        if offset + 12 > len(data):
            raise ValueError("the file ends in the middle of a record")
        (length,) = struct.unpack_from("<Q", data, offset)
        start = offset + 12
        if length > len(data) - start - 4:
            raise ValueError("a record claims more bytes than the file holds")
        yield data[start : start + length]
        offset = start + length + 4


def decode_png(data: bytes, budget: list[int]) -> dict[str, Any]:
    """Pixels (H x W x C uint8) and mode of a PNG, or the problem; nothing but PNG is ever decoded."""
    from PIL import PngImagePlugin

    if not data.startswith(PNG_SIGNATURE) or len(data) < 24 or data[12:16] != b"IHDR":
        return {"problem": "not-png"}
    width, height = struct.unpack(">II", data[16:24])
    if width * height > MAX_IMAGE_PIXELS or width * height * 4 > budget[0]:
        return {"problem": "too-large", "width": width, "height": height}
    try:
        with PngImagePlugin.PngImageFile(io.BytesIO(data)) as image:
            if image.size != (width, height):
                return {"problem": "undecodable"}
            pixels = np.asarray(image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"))
    except Exception:  # any malformed PNG is the student's file's problem, reported as such
        return {"problem": "undecodable"}
    budget[0] -= pixels.nbytes
    return {"mode": "RGBA" if pixels.shape[2] == 4 else "RGB", "pixels": pixels}


def scalar_of(value: Any) -> float | None:
    """The number in a scalar summary value (old style `simple_value` or a one-element tensor)."""
    kind = value.WhichOneof("value")
    if kind == "simple_value":
        return float(value.simple_value)
    if kind == "tensor":
        from tensorboard.util import tensor_util

        array = tensor_util.make_ndarray(value.tensor)
        if array.size == 1 and array.dtype.kind in "fiu":
            return float(array.reshape(()))
    return None


def graph_summary(graph_def: bytes) -> dict[str, Any]:
    """The traced operations (sorted) and the shapes at the graph's input and output nodes."""
    from tensorboard.compat.proto import graph_pb2

    nodes = graph_pb2.GraphDef.FromString(graph_def).node
    shapes = {
        node.name.split("/")[0]: [
            [d.size for d in shape.dim] for shape in node.attr["_output_shapes"].list.shape
        ]
        for node in nodes
        if node.op == "IO Node"
    }
    return {"operations": sorted(node.op for node in nodes if node.op.startswith("aten::")), "shapes": shapes}


@probe
def read_events(module, files: dict[str, bytes]) -> dict[str, Any]:
    """What TensorBoard shows of these event files (name -> bytes), read in name order: scalars
    {tag: [[step, value], ...]}, images {tag: [{step, width, height, pixels or problem}, ...]}, the last
    graph, or `problem` when a file is malformed."""
    from tensorboard.compat.proto import event_pb2

    scalars: dict[str, list[list[float]]] = {}
    found_images: dict[str, list[dict[str, Any]]] = {}
    read: dict[str, Any] = {"scalars": scalars, "images": found_images, "graph": None}
    budget, count = [MAX_DECODED_BYTES], 0
    try:
        for name in sorted(files):
            for payload in records(files[name]):
                count += 1
                if count > MAX_EVENTS:
                    return {**read, "problem": "too-many-events"}
                event = event_pb2.Event.FromString(payload)
                if event.HasField("graph_def"):
                    read["graph"] = graph_summary(event.graph_def)
                for value in event.summary.value if event.HasField("summary") else ():
                    if value.HasField("image"):
                        found = {"step": event.step, "width": value.image.width, "height": value.image.height}
                        found_images.setdefault(value.tag, []).append(
                            {**found, **decode_png(value.image.encoded_image_string, budget)}
                        )
                    elif (number := scalar_of(value)) is not None:
                        scalars.setdefault(value.tag, []).append([event.step, number])
    except Exception as error:  # a malformed record or proto: the file is unreadable, as TensorBoard finds it
        return {**read, "problem": "malformed", "detail": f"{type(error).__name__}: {error}"[:300]}
    return read
