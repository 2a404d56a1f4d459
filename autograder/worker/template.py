"""The warm template: pay for `import torch` once, then fork one worker per exercise.

Run as `python -m autograder.worker.template CONTROL_FD`.  The grader talks to
it over a Unix SOCK_SEQPACKET socket: small JSON requests, with the worker's
three pipe ends passed alongside as file descriptors.  The template never runs
student code itself and never initialises CUDA (a forked child cannot use a
CUDA context its parent created); each worker does both after the fork.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time

from autograder.worker import confine

PRELOAD = ("torch", "torchvision", "numpy", "PIL.Image", "autograder.worker.serve")


def preload(seccomp: bool) -> None:
    """Import what every worker needs, the probes included, once; build the seccomp filter if asked."""
    for name in PRELOAD:
        __import__(name)
    from autograder.worker import probes

    probes.load_all()
    if seccomp:
        confine.prepare_seccomp()


class Template:
    """Forks workers on request and kills or reaps them, keeping their exit status."""

    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.workers: dict[str, int] = {}
        self.statuses: dict[int, int] = {}

    def serve_forever(self) -> None:
        while True:
            try:
                data, fds, _flags, _addr = socket.recv_fds(self.control, 1 << 20, 8)
            except ConnectionResetError:
                data, fds = b"", []
            if not data:
                self.kill_all()
                return
            request = json.loads(data)
            reply = self.handle(request, fds)
            self.control.send(json.dumps(reply).encode())

    def handle(self, request: dict, fds: list[int]) -> dict:
        op = request.get("op")
        if op == "spawn":
            return self.spawn(request["job"], fds)
        if op == "kill":
            self.kill(request["id"])
            return {"ok": True}
        if op == "reap":
            return {"ok": True, "status": self.reap(request["id"], float(request.get("timeout", 0)))}
        if op == "ping":
            return {"ok": True, "pid": os.getpid()}
        return {"ok": False, "error": f"unknown op {op!r}"}

    def spawn(self, job: dict, fds: list[int]) -> dict:
        pid = os.fork()
        if pid == 0:
            self.control.close()
            _run_child(job, fds)
        for fd in fds:
            os.close(fd)
        self.workers[job["id"]] = pid
        return {"ok": True, "pid": pid}

    def kill(self, worker_id: str) -> None:
        pid = self.workers.get(worker_id)
        if pid is None:
            return
        if pid not in self.statuses:
            confine.kill_process_tree(pid)
        self.sweep_orphans()

    def reap(self, worker_id: str, timeout: float) -> dict | None:
        pid = self.workers.get(worker_id)
        if pid is None:
            return None
        deadline = time.monotonic() + timeout
        while True:
            self.collect_exits()
            if pid in self.statuses:
                self.workers.pop(worker_id)
                self.sweep_orphans()
                return _describe_status(self.statuses.pop(pid))
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.002)

    def collect_exits(self) -> None:
        """Reap every exited child, keeping the status of workers and discarding orphans'."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.workers.values():
                self.statuses[pid] = status

    def sweep_orphans(self) -> None:
        """Kill processes that escaped a worker and were re-parented to this subreaper."""
        live = set(self.workers.values()) - set(self.statuses)
        confine.kill_children_except(os.getpid(), live)
        self.collect_exits()

    def kill_all(self) -> None:
        for worker_id in list(self.workers):
            self.kill(worker_id)
        self.collect_exits()


def _describe_status(status: int) -> dict:
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status)}
    return {"exit": os.WEXITSTATUS(status)}


def _run_child(job: dict, fds: list[int]) -> None:
    """In the forked child: optionally enter a fresh PID namespace, then serve."""
    try:
        if job.get("pid_namespace"):
            _serve_in_pid_namespace(job, fds)
        from autograder.worker import serve

        serve.main(job, fds)
    except BaseException:
        os._exit(70)
    os._exit(0)


def _serve_in_pid_namespace(job: dict, fds: list[int]) -> None:
    """Become PID 1 of a new namespace so that killing it kills everything it started."""
    confine.unshare_pid_namespace()
    pid = os.fork()
    if pid == 0:
        confine.die_with_parent()
        from autograder.worker import serve

        serve.main(job, fds)
        os._exit(0)
    for fd in fds:
        os.close(fd)
    _pid, status = os.waitpid(pid, 0)
    os._exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))


def main(argv: list[str]) -> None:
    control = socket.socket(fileno=int(argv[0]))
    confine.die_with_parent()
    confine.become_subreaper()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    started = time.monotonic()
    try:
        preload(seccomp="--seccomp" in argv[1:])
    except Exception as exc:  # report why, rather than vanish
        control.send(json.dumps({"ready": False, "error": f"{type(exc).__name__}: {exc}"}).encode())
        return
    control.send(json.dumps({"ready": True, "pid": os.getpid(), "import_s": time.monotonic() - started}).encode())
    Template(control).serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
