"""Running student code: one sandboxed worker per exercise, behind a module-like proxy.

`RemoteModule` is what hidden checks receive as `student`.  Each call sends a
probe request to the exercise's worker and waits with a deadline; the answer
is decoded as plain data.  A worker that crashes, hangs or floods is killed
and replaced on the next call; an exercise that used up its time budget gets
timeouts for the rest of its checks.  `LocalModule` offers the same interface
over the reference solution, in the grader's own process.
"""
from __future__ import annotations

import collections
import importlib.util
import itertools
import os
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.catalog import Exercise
from autograder.sandbox import Sandbox, SandboxError
from autograder.worker import probes, wire

MiB = 1024 * 1024
_worker_ids = itertools.count(1)


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


# ---------------------------------------------------------------- errors

class StudentProblem(Exception):
    """Base for everything that goes wrong on the student's side of a call."""

    status = "error"


class StudentError(StudentProblem):
    """Student code raised an exception (or could not be imported)."""

    def __init__(self, info: dict) -> None:
        self.info = info if isinstance(info, dict) else {}
        super().__init__(self.summary())

    def summary(self) -> str:
        kind = str(self.info.get("type") or "Error")
        message = str(self.info.get("message") or "")
        where = ""
        if self.info.get("file"):
            where = f" ({self.info['file']}, line {self.info.get('line')})"
        return f"{kind}: {message}{where}" if message else f"{kind}{where}"


class StudentTimeout(StudentProblem):
    """A call into student code ran past its time limit."""

    status = "timeout"


class WorkerCrashed(StudentProblem):
    """The worker process ended in the middle of a call."""

    SIGNALS = {
        signal.SIGKILL: "killed (SIGKILL): usually the memory limit",
        signal.SIGXCPU: "stopped by the CPU-time limit (SIGXCPU)",
        signal.SIGSEGV: "crashed with a segmentation fault (SIGSEGV)",
        signal.SIGABRT: "aborted (SIGABRT)",
    }

    def __init__(self, status: dict | None, during: str) -> None:
        super().__init__(f"the process running your code {self.describe(status)} during {during}")

    @classmethod
    def describe(cls, status: dict | None) -> str:
        if not status:
            return "stopped answering"
        if "signal" in status:
            number = status["signal"]
            return cls.SIGNALS.get(number, f"was killed by signal {number}")
        code = status.get("exit")
        if code is not None and code >= 128:
            number = code - 128
            return cls.SIGNALS.get(number, f"was killed by signal {number}")
        return f"exited with status {code} (sys.exit or os._exit in your code?)"


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
        tail = b"".join(self.tail)[-self.keep:]
        dropped = self.total - len(self.head) - len(tail)
        parts = [self.head.decode("utf-8", "replace")]
        if dropped > 0:
            parts.append(f"\n... [{dropped} bytes of output omitted] ...\n")
        parts.append(tail.decode("utf-8", "replace"))
        return "".join(parts)


# ---------------------------------------------------------------- one worker

class Worker:
    """One forked worker process with its request, response and output pipes."""

    def __init__(self, sandbox: Sandbox, job: dict, limits: Limits) -> None:
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

    def _receive(self, deadline: float, during: str) -> Any:
        try:
            payload = wire.read_frame(self.response_r, self.limits.result_bytes, deadline)
            return wire.decode(payload)
        except wire.FrameTimeout:
            self.stop()
            raise StudentTimeout(f"{during} did not finish in time") from None
        except wire.PeerClosed:
            status = self.sandbox.reap(self.id, timeout=5.0)
            self.stop()
            raise WorkerCrashed(status, during) from None
        except wire.TooLarge as exc:
            self.stop()
            raise StudentError({"type": "ResultTooLarge", "message": str(exc)}) from None
        except wire.WireError as exc:
            self.stop()
            raise StudentError({"type": "MalformedResult", "message": f"the worker sent malformed data ({exc})"}) from None

    def handshake(self, timeout: float) -> None:
        """Wait for the student module to import; StudentError if it could not."""
        message = self._receive(time.monotonic() + timeout, "importing your module")
        if isinstance(message, dict) and message.get("kind") == "sandbox-failed":
            self.stop()
            raise SandboxError(f"a sandbox layer could not be applied in the worker: {message.get('error')}")
        if not isinstance(message, dict) or message.get("kind") not in ("ready", "error"):
            self.stop()
            raise StudentError({"type": "MalformedResult", "message": "the worker's first message was not a greeting"})
        if message["kind"] == "error":
            self.stop()
            raise StudentError(message.get("error"))
        self.startup_ms = message.get("startup_ms")

    def call(self, probe: str, args: tuple, kwargs: dict, timeout: float, during: str) -> Any:
        """Run one probe; returns its decoded value or raises a StudentProblem."""
        deadline = time.monotonic() + timeout
        payload = wire.encode({"probe": probe, "args": list(args), "kwargs": kwargs})
        try:
            wire.write_frame(self.request_w, payload, deadline)
        except wire.FrameTimeout:
            self.stop()
            raise StudentTimeout(f"{during} did not read its input in time") from None
        except BrokenPipeError:
            status = self.sandbox.reap(self.id, timeout=5.0)
            self.stop()
            raise WorkerCrashed(status, during) from None
        message = self._receive(deadline, during)
        if not isinstance(message, dict) or message.get("kind") not in ("result", "error"):
            self.stop()
            raise StudentError({"type": "MalformedResult", "message": "the worker's answer was malformed"})
        if message["kind"] == "error":
            raise StudentError(message.get("error"))
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


# ---------------------------------------------------------------- proxies

@dataclass
class RunSettings:
    """How workers run: threads, device, limits."""

    threads: int = 1
    device: str = "cpu"
    limits: Limits = field(default_factory=Limits)
    time_scale: float = 1.0  # multiplies every exercise's time limits (slow machines, or tests)
    gpu_memory_fraction: float = 0.9  # share of the GPU's memory one worker's allocator may take


class RemoteModule:
    """The student's module for one exercise, reached only through sandboxed workers."""

    def __init__(self, sandbox: Sandbox, exercise: Exercise, folder: Path | None, settings: RunSettings,
                 label: str = "student") -> None:
        self.sandbox = sandbox
        self.exercise = exercise
        self.settings = settings
        self.space = sandbox.new_workspace(f"{label}-{exercise.id}")
        self.submission_dir, self.data_dir, self.work_dir = self.space.submission, self.space.data, self.space.work
        self.missing = self._copy_submission(folder)
        self.call_timeout = exercise.call_timeout_s * settings.time_scale
        self.budget = exercise.budget_s * settings.time_scale
        self.worker: Worker | None = None
        self.import_error: StudentProblem | None = None
        self.used_s = 0.0
        self.outputs: list[str] = []

    def _copy_submission(self, folder: Path | None) -> str | None:
        """Copy the exercise folder's regular files (no links) into scratch; a reason when unusable."""
        wanted = self.exercise.filename
        if folder is None or not (folder / wanted).is_file() or (folder / wanted).is_symlink():
            where = f"{folder}/{wanted}" if folder else f"{self.exercise.id}/{wanted}"
            return f"{where} was not found in the submission"
        copied_bytes, copied_files = 0, 0
        for path in sorted(folder.iterdir()):
            if path.is_symlink() or not path.is_file():
                continue
            copied_bytes += path.stat().st_size
            copied_files += 1
            if copied_bytes > self.settings.limits.submission_bytes or copied_files > self.settings.limits.submission_files:
                return f"the folder {folder.name} is larger than the grader accepts"
            shutil.copyfile(path, self.submission_dir / path.name)
        return None

    # ------------------------------------------------------------ worker life

    def _remaining(self) -> float:
        return self.budget - self.used_s

    def _ensure_worker(self) -> Worker:
        if self.missing:
            raise StudentError({"type": "FileNotFoundError", "message": self.missing})
        if self.import_error is not None:
            raise self.import_error
        if self.worker is not None and self.worker.alive:
            return self.worker
        self._retire_worker()
        worker_id = f"w{next(_worker_ids)}"
        job = {
            "id": worker_id,
            "exercise": self.exercise.id,
            "module": self.exercise.module,
            "module_file": str(self.submission_dir / self.exercise.filename),
            "workdir": str(self.work_dir),
            "limits": self.settings.limits.rlimits(int(self.budget * max(1, self.settings.threads)) + 30),
            "threads": self.settings.threads,
            "result_limit": self.settings.limits.result_bytes,
            "pid_namespace": self.sandbox.pid_namespaces,
            "confine": self.sandbox.confinement(self.space),
        }
        if self.exercise.uses_device and self.settings.device.startswith("cuda"):
            job["gpu"] = {"device": self.settings.device, "memory_fraction": self.settings.gpu_memory_fraction}
        worker = Worker(self.sandbox, job, self.settings.limits)
        self.worker = worker
        started = time.monotonic()
        try:
            worker.handshake(min(self.call_timeout, self._remaining()))
        except StudentProblem as exc:
            if not isinstance(exc, WorkerCrashed):
                self.import_error = exc
            raise
        finally:
            self.used_s += time.monotonic() - started
        return worker

    def _retire_worker(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.outputs.append(self.worker.output.text())
            self.worker = None

    def close(self) -> None:
        """Stop the worker, keep what it printed, remove its scratch folders."""
        self._retire_worker()
        self.sandbox.release_workspace(self.space)

    def output(self) -> str:
        """What the student's code printed, head and tail only."""
        text = "".join(self.outputs)
        return text[-8192:]

    # ------------------------------------------------------------ calls

    def probe(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Run the named probe against the student's module in the sandbox."""
        if self._remaining() <= 0:
            raise StudentTimeout(f"the exercise's time budget of {self.budget:.0f} s is used up")
        during = _describe_call(name, args)
        worker = self._ensure_worker()
        timeout = min(self.call_timeout, self._remaining())
        started = time.monotonic()
        try:
            return worker.call(name, args, kwargs, timeout, during)
        finally:
            self.used_s += time.monotonic() - started

    def call(self, function: str, *args: Any, **kwargs: Any) -> Any:
        """`student.<function>(*args, **kwargs)`, run in the sandbox."""
        return self.probe("call", function, *args, **kwargs)

    def each(self, function: str, cases: list[dict[str, Any]]) -> list[list[Any]]:
        """Outcomes of `function(**case)` for many cases in one round trip."""
        return self.probe("call_each", function, cases)

    def source(self) -> str | None:
        """The text of the student's module (read, never run, in the grader), or None if missing."""
        path = self.submission_dir / self.exercise.filename
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None

    def share(self, source: Path, name: str) -> str:
        """Copy a file or folder into the worker's read-only data area; the path the worker sees."""
        target = self.data_dir / name
        if not target.exists():
            if source.is_dir():
                shutil.copytree(source, target, symlinks=False)
            else:
                shutil.copyfile(source, target)
        return str(target)


def _describe_call(probe: str, args: tuple) -> str:
    if probe in ("call", "call_each", "call_recording") and args:
        return f"{args[0]}()"
    return f"the check's call ({probe})"


class LocalModule:
    """The reference solution, run in the grader's process with the same interface as RemoteModule."""

    def __init__(self, exercise: Exercise, source_dir: Path) -> None:
        self.exercise = exercise
        self.path = source_dir / exercise.filename
        self.module = _import_reference(exercise, self.path)

    def probe(self, name: str, *args: Any, **kwargs: Any) -> Any:
        value = probes.lookup(name)(self.module, *args, **kwargs)
        return wire.decode(wire.encode(value))

    def call(self, function: str, *args: Any, **kwargs: Any) -> Any:
        return self.probe("call", function, *args, **kwargs)

    def each(self, function: str, cases: list[dict[str, Any]]) -> list[list[Any]]:
        return self.probe("call_each", function, cases)

    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def share(self, source: Path, name: str) -> str:
        return str(source)


def _import_reference(exercise: Exercise, path: Path):
    name = f"reference_{exercise.id}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
