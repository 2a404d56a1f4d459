"""The messages between the grader, the warm template and a worker, typed, in one module both sides import.

Three channels carry them:
  grader -> template   control requests (`spawn`, `kill`, `reap`, `ping`) as JSON over a SOCK_SEQPACKET
                       socket, answered by a `TemplateReply`; the template greets once with
`TemplateGreeting`;
  template -> worker   the `Job` (JSON, with the worker's three pipe ends passed alongside);
  grader <-> worker    `ProbeRequest`s one way, `WorkerMessage`s (`ready`, `error`, `result`,
`sandbox-failed`)
                       the other, framed and encoded by `wire`.
How the template itself runs (seccomp, namespaces per worker) is its `TemplateSettings`, on its command line.
Everything here is plain data (it crosses JSON or `wire`); what comes back from a worker is untrusted, so the
grader reads it through `worker_message`, which checks the shape before anything else looks at it.
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypedDict

# ---------------------------------------------------------------- how the template runs


class FreshView(TypedDict):
    """What each worker gets new, made by its standby before the job arrives: mount and IPC namespaces,
    an empty size-capped /tmp and /dev/shm, and a view of scratch that holds only its own workspace."""

    tmp_bytes: int
    scratch: str
    keep: list[str]  # folders under /tmp or /dev/shm still to read (an interpreter or kit installed there)


class TemplateSettings(TypedDict):
    """The template's command-line settings (JSON): derived from the sandbox plan."""

    seccomp: bool  # build the worker filter once, here; also send tensors between processes by value
    pid_namespace: bool  # each worker is PID 1 of a fresh PID namespace
    fresh: (
        FreshView | None
    )  # None: workers share the template's /tmp, /dev/shm and IPC (then Landlock/seccomp bar them)


# ---------------------------------------------------------------- a worker's job


class LandlockRules(TypedDict):
    read: list[str]
    write: list[str]


class Confinement(TypedDict):
    """The layers a worker applies to itself, in this order, before any student code runs."""

    uid: (
        int | None
    )  # switch to this uid (the template stays root to make the worker's namespaces); None: keep
    landlock: LandlockRules | None
    drop_caps: bool
    seccomp: bool


class Gpu(TypedDict):
    device: str
    memory_fraction: float


class Job(TypedDict, total=False):
    """One worker's assignment: which module to import, where, under which limits and confinement."""

    id: str
    exercise: str
    module: str
    module_file: str
    workspace: str  # the workspace root: with a FreshView, the only part of scratch the worker sees
    workdir: str
    limits: dict[str, int]  # rlimits by name (`confine.RLIMITS`)
    threads: int
    result_limit: int
    pid_namespace: bool
    confine: Confinement
    gpu: Gpu
    env: dict[str, str]


# ---------------------------------------------------------------- grader <-> template


class SpawnRequest(TypedDict):
    op: Literal["spawn"]
    job: Job


class KillRequest(TypedDict):
    op: Literal["kill"]
    id: str


class ReapRequest(TypedDict):
    op: Literal["reap"]
    id: str
    timeout: float


class PingRequest(TypedDict):
    op: Literal["ping"]


TemplateRequest = SpawnRequest | KillRequest | ReapRequest | PingRequest


class ExitStatus(TypedDict, total=False):
    exit: int
    signal: int


class TemplateReply(TypedDict, total=False):
    ok: bool
    pid: int
    status: ExitStatus | None
    error: str


class TemplateGreeting(TypedDict, total=False):
    ready: bool
    pid: int
    import_s: float
    error: str


def spawn(job: Job) -> SpawnRequest:
    return {"op": "spawn", "job": job}


def kill(worker_id: str) -> KillRequest:
    return {"op": "kill", "id": worker_id}


def reap(worker_id: str, timeout: float) -> ReapRequest:
    return {"op": "reap", "id": worker_id, "timeout": timeout}


def ping() -> PingRequest:
    return {"op": "ping"}


def refused(error: str) -> TemplateReply:
    return {"ok": False, "error": error}


def to_bytes(message: Any) -> bytes:
    """A control message (request, reply, greeting or job) as sent over the template's sockets."""
    return json.dumps(message).encode()


def from_bytes(data: bytes) -> Any:
    return json.loads(data)


# ---------------------------------------------------------------- grader <-> worker


class ProbeRequest(TypedDict):
    probe: str
    args: list[Any]
    kwargs: dict[str, Any]


class _ErrorFields(TypedDict):
    type: str
    message: str
    file: str | None
    line: int | None


class ErrorInfo(_ErrorFields, total=False):
    """An exception in student code: type, message, and the student's own file and line; the traceback,
    except where a probe reports the error inside its result (it leaves the traceback out)."""

    traceback: str


class Ready(TypedDict):
    kind: Literal["ready"]
    layers: list[str]
    startup_ms: dict[str, float]


class Failed(TypedDict):
    kind: Literal["error"]
    error: ErrorInfo


class Result(TypedDict):
    kind: Literal["result"]
    value: Any


class SandboxFailed(TypedDict):
    kind: Literal["sandbox-failed"]
    error: str


WorkerMessage = Ready | Failed | Result | SandboxFailed


def probe_request(probe: str, args: tuple | list, kwargs: dict[str, Any]) -> ProbeRequest:
    return {"probe": probe, "args": list(args), "kwargs": kwargs}


def ready(layers: list[str], startup_ms: dict[str, float]) -> Ready:
    return {"kind": "ready", "layers": layers, "startup_ms": startup_ms}


def failed(error: ErrorInfo) -> Failed:
    return {"kind": "error", "error": error}


def result(value: Any) -> Result:
    return {"kind": "result", "value": value}


def sandbox_failed(error: str) -> SandboxFailed:
    return {"kind": "sandbox-failed", "error": error}


def kit_error(kind: str, message: str) -> Failed:
    """An error the worker's own code reports (a result too large to send, a type it cannot encode)."""
    return failed({"type": kind, "message": message, "file": None, "line": None, "traceback": ""})


def worker_message(message: Any, kinds: tuple[str, ...]) -> WorkerMessage | None:
    """`message` when it is a well-formed worker message of one of `kinds`, else None (to be treated as
    malformed: a worker's bytes are the student's to choose)."""
    if not isinstance(message, dict) or message.get("kind") not in kinds:
        return None
    kind = message["kind"]
    if kind == "error" and not isinstance(message.get("error"), dict):
        return None
    if kind == "sandbox-failed" and not isinstance(message.get("error"), str):
        return None
    return message  # type: ignore[return-value]
