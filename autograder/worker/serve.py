"""The worker: confine itself, import one student module, then answer probe requests.

Each request names a probe (kit code in `autograder.worker.probes`) and its
arguments; the probe runs the student's code and returns plain data, which is
sent back through `wire`.  Student exceptions come back as structured errors
naming the student's own file and line, so the grader can explain them.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from autograder.worker import confine, namespaces, probes, protocol, wire
from autograder.worker.protocol import ErrorInfo, Job, WorkerMessage

REQUEST_LIMIT = 1 << 31
SAFE_ENV = ("PATH", "LANG", "LC_ALL", "CUDA_VISIBLE_DEVICES")


class Stopwatch:
    """Milliseconds spent in each start-up phase, reported in the greeting (the benchmark reads them)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.phases: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = round((now - self.last) * 1000, 3)
        self.last = now


def main(job: Job, fds: list[int], fresh: namespaces.Prepared | None = None) -> None:
    """Entry point in the forked child (`fresh`: the namespaces its standby made); never returns."""
    watch = Stopwatch()
    request_fd, response_fd, output_fd = fds
    _redirect_output(output_fd)
    keep = {0, 1, 2, request_fd, response_fd}
    if fresh is not None and fresh.scratch_fd is not None:
        keep.add(fresh.scratch_fd)
    _close_other_fds(keep)
    if not job.get("pid_namespace"):
        os.setsid()
    confine.die_with_parent()
    watch.lap("process")
    try:
        layers = namespaces.enter(fresh, job["workspace"]) if fresh is not None else []
        _enter_workdir(job)
        watch.lap("namespaces")
        layers += confine.apply(job["confine"], job.get("limits", {}))
        watch.lap("confinement")
    except Exception as exc:  # fail closed: no student code runs without every promised layer
        _send(response_fd, protocol.sandbox_failed(f"{type(exc).__name__}: {exc}"), job)
        os._exit(0)
    _configure_torch(job)
    module = None
    ready: WorkerMessage
    try:
        module = load_student_module(job["module_file"], job["module"])
        watch.lap("import")
        ready = protocol.ready(layers, watch.phases)
    except BaseException as exc:  # anything at import time is the student's error
        ready = protocol.failed(describe_exception(exc, job["module_file"]))
    _send(response_fd, ready, job)
    if module is None:
        os._exit(0)
    _serve(module, job, request_fd, response_fd)
    os._exit(0)


def _redirect_output(output_fd: int) -> None:
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(null)
    os.close(output_fd)
    sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
    sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)


def _close_other_fds(keep: set[int]) -> None:
    for entry in os.listdir("/proc/self/fd"):
        fd = int(entry)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _enter_workdir(job: Job) -> None:
    workdir = job["workdir"]
    os.chdir(workdir)
    env = {key: os.environ[key] for key in SAFE_ENV if key in os.environ}
    env.update({"HOME": workdir, "TMPDIR": workdir, "TORCH_HOME": os.path.join(workdir, ".torch")})
    env.update(job.get("env", {}))
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = workdir  # the template may have cached another temporary folder
    kit_root = str(Path(__file__).resolve().parents[2])
    sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != Path(kit_root)]


def _configure_torch(job: Job) -> None:
    import torch

    torch.set_num_threads(int(job.get("threads", 1)))
    torch.manual_seed(0)
    gpu = job.get("gpu")
    if gpu:  # CUDA starts here, in the worker: the template never touches it (forks cannot share a context)
        device = torch.device(gpu["device"])
        torch.backends.cudnn.allow_tf32 = False  # compared with the CPU reference: keep full float32
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.cuda.set_per_process_memory_fraction(gpu["memory_fraction"], device.index or 0)


def load_student_module(path: str, name: str):
    """Import the student's file under `name`, or `student_<name>` where that shadows a standard module."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} not found")
    module_name = (
        name if name not in sys.stdlib_module_names and name not in sys.modules else f"student_{name}"
    )
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    sys.path.append(os.path.dirname(path))
    spec.loader.exec_module(module)
    return module


def describe_exception(exc: BaseException, student_file: str) -> ErrorInfo:
    """Type, message and the student's own file and line for an exception."""
    kind = type(exc).__name__
    try:
        message = str(exc)
    except Exception:
        message = "<message unavailable>"
    file, line = None, None
    if isinstance(exc, SyntaxError) and exc.filename:
        file, line = exc.filename, exc.lineno
    else:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if os.path.dirname(frame.filename) == os.path.dirname(student_file):
                file, line = frame.filename, frame.lineno
                break
    if isinstance(exc, SystemExit):
        message = f"sys.exit({exc.code!r}) was called"
    return {
        "type": kind[:100],
        "message": message[:2000],
        "file": os.path.basename(file) if file else None,
        "line": line,
        "traceback": _student_traceback(exc, student_file),
    }


def _student_traceback(exc: BaseException, student_file: str) -> str:
    """The traceback limited to frames in the student's folder (all frames when none are)."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if os.path.dirname(f.filename) == os.path.dirname(student_file)]
    text = "".join(traceback.format_list(own or frames[-3:]))
    text += "".join(traceback.format_exception_only(type(exc), exc))
    return text[-4000:]


def _send(fd: int, message: WorkerMessage, job: Job) -> None:
    limit = int(job.get("result_limit", 64 << 20))
    try:
        payload = wire.encode(message, limit)
    except wire.TooLarge as exc:
        payload = wire.encode(protocol.kit_error("ResultTooLarge", str(exc)))
    except Exception as exc:
        payload = wire.encode(protocol.kit_error("UnsupportedResult", str(exc)[:500]))
    wire.write_frame(fd, payload)


def _serve(module, job: Job, request_fd: int, response_fd: int) -> None:
    while True:
        try:
            request = wire.decode(wire.read_frame(request_fd, REQUEST_LIMIT))
        except (wire.PeerClosed, OSError):
            return
        _send(response_fd, _answer(module, job, request), job)


def _answer(module, job: Job, request: protocol.ProbeRequest) -> WorkerMessage:
    try:
        probe = probes.lookup(request["probe"])
        value = probe(module, *request.get("args", ()), **request.get("kwargs", {}))
        return protocol.result(value)
    except BaseException as exc:  # every failure of student code is reported, never raised
        return protocol.failed(describe_exception(exc, job["module_file"]))
