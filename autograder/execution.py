"""Running student code: one sandboxed worker process, its pipes, its output and its deadlines.

A `Worker` is forked from the sandbox's warm template for one exercise. Each call sends a probe
request and waits with a deadline; the answer is decoded as plain data. A worker that crashes,
hangs, floods or sends malformed data is stopped, and the problem raised as a `StudentProblem`
(`autograder.problems`). The proxies in `autograder.proxies` decide when to start a new one.
"""

from __future__ import annotations

import collections
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from autograder import textsafe
from autograder.i18n import Text
from autograder.problems import StudentError, StudentProblem, WorkerCrashed, timeout
from autograder.sandbox import Sandbox, SandboxError
from autograder.worker import protocol, wire
from autograder.worker.protocol import Job

MiB = 1024 * 1024


@dataclass
class Limits:
    """Per-worker limits; `address_space` is on top of the warm template's own mappings."""

    address_space: int = 4096 * MiB
    processes: int = 64
    file_size: int = 256 * MiB
    open_files: int = 256
    result_bytes: int = 64 * MiB
    submission_bytes: int = 64 * MiB
    submission_files: int = 2000
    output_keep: int = 4096

    def rlimits(self, cpu_s: int) -> dict[str, int]:
        return {
            "cpu_s": cpu_s,
            "address_space": self.address_space,
            "processes": self.processes,
            "file_size": self.file_size,
            "open_files": self.open_files,
            "core": 0,
        }


# ---------------------------------------------------------------- output capture


class OutputTail:
    """Drains a worker's stdout/stderr pipe, keeping only the head and the tail."""

    def __init__(self, fd: int, keep: int) -> None:
        self.keep = keep
        self.head = bytearray()
        self.tail: collections.deque[bytes] = collections.deque()
        self.tail_size = 0
        self.total = 0
        self._thread = threading.Thread(target=self._drain, args=(fd,), daemon=True)
        self._thread.start()

    def _drain(self, fd: int) -> None:
        try:
            while chunk := os.read(fd, 65536):
                self._add(chunk)
        except OSError:
            pass
        finally:
            os.close(fd)

    def _add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.keep - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail.append(chunk)
            self.tail_size += len(chunk)
            while self.tail_size - len(self.tail[0]) >= self.keep:
                self.tail_size -= len(self.tail.popleft())

    def text(self) -> str:
        """Head and tail of everything printed, with a note of what was cut."""
        self._thread.join(timeout=1.0)
        tail = b"".join(self.tail)[-self.keep :]
        dropped = self.total - len(self.head) - len(tail)
        parts = [self.head.decode("utf-8", "replace")]
        if dropped > 0:
            parts.append(f"\n... [{dropped} bytes of output omitted] ...\n")
        parts.append(tail.decode("utf-8", "replace"))
        return textsafe.clean("".join(parts))


# ---------------------------------------------------------------- one worker


class Worker:
    """One forked worker process with its request, response and output pipes."""

    def __init__(self, sandbox: Sandbox, job: Job, limits: Limits) -> None:
        self.sandbox = sandbox
        self.id = job["id"]
        self.limits = limits
        request_r, self.request_w = os.pipe()
        self.response_r, response_w = os.pipe()
        output_r, output_w = os.pipe()
        os.set_blocking(self.request_w, False)
        try:
            sandbox.spawn(job, [request_r, response_w, output_w])
        finally:
            for fd in (request_r, response_w, output_w):
                os.close(fd)
        self.output = OutputTail(output_r, limits.output_keep)
        self.alive = True
        self.startup_ms: dict | None = None
        self.layers: list[str] = []  # what the worker says it applied (reported, never relied on)

    def _receive(self, deadline: float, during: str) -> Any:
        try:
            payload = wire.read_frame(self.response_r, self.limits.result_bytes, deadline)
            return wire.decode(payload, deadline)
        except (wire.FrameTimeout, wire.DecodeTimeout):
            self.stop()
            raise timeout(during) from None
        except wire.PeerClosed:
            status = self.sandbox.reap(self.id, timeout=5.0)
            self.stop()
            raise WorkerCrashed(status, during) from None
        except wire.TooLarge as exc:
            self.stop()
            raise StudentProblem(
                Text(f"your code returned too much data ({exc})", f"你的代码返回的数据太大（{exc}）")
            ) from None
        except wire.WireError as exc:
            self.stop()
            raise malformed(f"({exc})") from None

    def handshake(self, seconds: float) -> None:
        """Wait (up to `seconds`) for the student module to import; StudentError if it could not."""
        message = protocol.worker_message(
            self._receive(time.monotonic() + seconds, "importing your module"),
            ("ready", "error", "sandbox-failed"),
        )
        if message is None:
            self.stop()
            raise malformed("(no greeting)")
        if message["kind"] == "sandbox-failed":
            self.stop()
            raise SandboxError(f"a sandbox layer could not be applied in the worker: {message['error']}")
        if message["kind"] == "error":
            self.stop()
            raise StudentError(message["error"])
        startup_ms = message.get("startup_ms")
        self.startup_ms = startup_ms if isinstance(startup_ms, dict) else None
        layers = message.get("layers")
        self.layers = [str(layer)[:100] for layer in layers[:64]] if isinstance(layers, list) else []

    def call(self, probe: str, args: tuple, kwargs: dict, seconds: float, during: str) -> Any:
        """Run one probe within `seconds`; returns its decoded value or raises a StudentProblem."""
        deadline = time.monotonic() + seconds
        payload = wire.encode(protocol.probe_request(probe, args, kwargs))
        try:
            wire.write_frame(self.request_w, payload, deadline)
        except wire.FrameTimeout:
            self.stop()
            raise timeout(during) from None
        except BrokenPipeError:
            status = self.sandbox.reap(self.id, timeout=5.0)
            self.stop()
            raise WorkerCrashed(status, during) from None
        message = protocol.worker_message(self._receive(deadline, during), ("result", "error"))
        if message is None:
            self.stop()
            raise malformed("(no answer)")
        if message["kind"] == "error":
            raise StudentError(message["error"])
        return message.get("value")

    def stop(self) -> None:
        """Kill the worker and everything it started; close our pipe ends."""
        if not self.alive:
            return
        self.alive = False
        self.sandbox.kill(self.id)
        self.sandbox.reap(self.id, timeout=5.0)
        for fd in (self.request_w, self.response_r):
            os.close(fd)


def malformed(detail: str) -> StudentProblem:
    """The process running the student's code sent something that is not a well-formed answer."""
    return StudentProblem(
        Text(
            f"the process running your code sent malformed data {detail}",
            f"运行你的代码的进程发回了格式错误的数据 {detail}",
        )
    )


# ---------------------------------------------------------------- settings


@dataclass
class RunSettings:
    """How workers run: threads, device, limits."""

    threads: int = 1
    device: str = "cpu"
    limits: Limits = field(default_factory=Limits)
    time_scale: float = 1.0  # multiplies every exercise's time limits (slow machines, or tests)
    gpu_memory_fraction: float = 0.9  # share of the GPU's memory one worker's allocator may take
