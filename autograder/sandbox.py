"""Launching the warm template, with whatever isolation this machine offers.

This module is the one seam between the grader and the OS: it decides which
isolation layers are in force, starts the template process inside them, and
passes spawn, kill and reap requests to it.  The checks never see any of it.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from autograder.catalog import KIT_ROOT
from autograder.errors import KitError


class SandboxError(KitError):
    """The sandbox could not be started or stopped working; the grader cannot go on."""


@dataclass
class Isolation:
    """What was in force: the level and the layers, for the result JSON."""

    level: str
    layers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"level": self.level, "layers": list(self.layers), "notes": list(self.notes)}


class Sandbox:
    """One warm template and the scratch directory its workers live in."""

    def __init__(self, scratch_parent: str | None = None) -> None:
        self.scratch = Path(tempfile.mkdtemp(prefix="autograder-", dir=scratch_parent))
        self.isolation = Isolation("minimal", ["rlimits", "process-tree-kill", "scrubbed-env"])
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._start_error: str | None = None
        self.import_s: float | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> "Sandbox":
        """Launch the template; returns at once (it imports torch in the background)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = self._template_env()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "autograder.worker.template", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            cwd=self.scratch,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self._control = ours
        threading.Thread(target=self._await_ready, daemon=True).start()
        return self

    def _template_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "CUDA_VISIBLE_DEVICES")}
        env["PYTHONPATH"] = str(KIT_ROOT)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONNOUSERSITE"] = "1"
        return env

    def _await_ready(self) -> None:
        try:
            message = self._control.recv(1 << 16)
            if not message:
                raise SandboxError("the worker template exited while importing torch")
            self.import_s = json.loads(message).get("import_s")
        except (OSError, ValueError, SandboxError) as exc:
            self._start_error = str(exc)
        self._ready.set()

    def wait_ready(self, timeout: float = 180.0) -> None:
        """Block until the template has imported torch; SandboxError if it failed."""
        if not self._ready.wait(timeout):
            raise SandboxError(f"the worker template did not start within {timeout:.0f} s")
        if self._start_error:
            raise SandboxError(self._start_error)

    def close(self) -> None:
        """Stop the template (its workers die with it) and remove the scratch directory."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ requests

    def _request(self, message: dict, fds: list[int] = ()) -> dict:
        self.wait_ready()
        with self._lock:
            try:
                socket.send_fds(self._control, [json.dumps(message).encode()], list(fds))
                reply = self._control.recv(1 << 16)
            except OSError as exc:
                raise SandboxError(f"lost contact with the worker template: {exc}") from exc
        if not reply:
            raise SandboxError("the worker template exited unexpectedly")
        answer = json.loads(reply)
        if not answer.get("ok"):
            raise SandboxError(f"the worker template refused {message.get('op')}: {answer.get('error')}")
        return answer

    def spawn(self, job: dict, fds: list[int]) -> int:
        """Fork a worker for `job` with its three pipe ends; returns its pid."""
        return self._request({"op": "spawn", "job": job}, fds)["pid"]

    def kill(self, worker_id: str) -> None:
        """Kill a worker and everything it started."""
        self._request({"op": "kill", "id": worker_id})

    def reap(self, worker_id: str, timeout: float) -> dict | None:
        """The worker's exit status (`{"exit": n}` or `{"signal": n}`), or None if still running."""
        return self._request({"op": "reap", "id": worker_id, "timeout": timeout})["status"]

    def worker_dirs(self, worker_id: str) -> tuple[Path, Path, Path]:
        """Fresh (submission, data, work) directories for one worker."""
        base = self.scratch / worker_id
        dirs = (base / "submission", base / "data", base / "work")
        for directory in dirs:
            directory.mkdir(parents=True)
        return dirs
