"""The warm template: pay for `import torch` once, then fork one worker per exercise.

Run as `python -m autograder.worker.template CONTROL_FD SETTINGS_JSON` (`protocol.TemplateSettings`).
The grader talks to it over a Unix SOCK_SEQPACKET socket: small JSON requests
(`protocol.TemplateRequest`), with the worker's three pipe ends passed alongside as file descriptors.

Forking a process that holds torch costs tens of milliseconds (more with a
PID namespace, which takes two forks), so the template keeps one *standby*
child forked ahead of time, already in its own PID, mount and IPC namespaces
with an empty /tmp and /dev/shm when the settings ask for them (`namespaces`),
waiting for a job; a spawn hands the job to the standby and forks the next one
while the grader talks to the new worker.

The template never runs student code and never initialises CUDA (a forked
child cannot use a CUDA context its parent created); each worker does both
after the fork.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from typing import cast

from autograder.worker import confine, namespaces, protocol
from autograder.worker.preload import preload
from autograder.worker.processes import kill_children_except, kill_process_tree
from autograder.worker.protocol import ExitStatus, Job, TemplateReply, TemplateSettings


class Template:
    """Hands jobs to standby children, kills or reaps workers, keeps their exit status."""

    def __init__(self, control: socket.socket, settings: TemplateSettings) -> None:
        self.control = control
        self.settings = settings
        self.workers: dict[str, int] = {}
        self.statuses: dict[int, int] = {}
        self.standby: tuple[int, socket.socket] | None = None

    def serve_forever(self) -> None:
        self.prepare_standby()
        while True:
            try:
                data, fds, _flags, _addr = socket.recv_fds(self.control, 1 << 20, 8)
            except ConnectionResetError:
                data, fds = b"", []
            if not data:
                self.kill_all()
                return
            reply = self.handle(protocol.from_bytes(data), fds)
            self.control.send(protocol.to_bytes(reply))
            if self.standby is None:
                self.prepare_standby()

    def handle(self, request: protocol.TemplateRequest, fds: list[int]) -> TemplateReply:
        op = request.get("op")
        if op == "spawn":
            return self.spawn(cast(protocol.SpawnRequest, request)["job"], fds)
        if op == "kill":
            self.kill(cast(protocol.KillRequest, request)["id"])
            return {"ok": True}
        if op == "reap":
            reap = cast(protocol.ReapRequest, request)
            return {"ok": True, "status": self.reap(reap["id"], float(reap.get("timeout", 0)))}
        if op == "ping":
            return {"ok": True, "pid": os.getpid()}
        return protocol.refused(f"unknown op {op!r}")

    # ------------------------------------------------------------ standby children

    def prepare_standby(self) -> None:
        """Fork the next worker now, so that a spawn only has to hand it a job."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = _fork_retrying()
        if pid == 0:
            self.control.close()
            ours.close()
            if self.standby is not None:
                self.standby[1].close()
            _standby(theirs, self.settings)
        theirs.close()
        self.standby = (pid, ours)

    def spawn(self, job: Job, fds: list[int]) -> TemplateReply:
        pid = None
        if self.standby is not None:
            pid, channel = self.standby
            self.standby = None
            try:
                socket.send_fds(channel, [protocol.to_bytes(job)], fds)
            except OSError:
                kill_process_tree(pid)
                pid = None
            channel.close()
        if pid is None:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            pid = _fork_retrying()
            if pid == 0:
                self.control.close()
                ours.close()
                _standby(theirs, self.settings)
            theirs.close()
            socket.send_fds(ours, [protocol.to_bytes(job)], fds)
            ours.close()
        for fd in fds:
            os.close(fd)
        self.workers[job["id"]] = pid
        return {"ok": True, "pid": pid}

    # ------------------------------------------------------------ ending workers

    def kill(self, worker_id: str) -> None:
        pid = self.workers.get(worker_id)
        if pid is None:
            return
        if pid not in self.statuses:
            kill_process_tree(pid)
        self.sweep_orphans()

    def reap(self, worker_id: str, timeout: float) -> ExitStatus | None:
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
            elif self.standby is not None and pid == self.standby[0]:
                self.standby[1].close()
                self.standby = None

    def sweep_orphans(self) -> None:
        """Kill processes that escaped a worker and were re-parented to this subreaper."""
        live = set(self.workers.values()) - set(self.statuses)
        if self.standby is not None:
            live.add(self.standby[0])
        kill_children_except(os.getpid(), live)
        self.collect_exits()

    def kill_all(self) -> None:
        if self.standby is not None:
            kill_process_tree(self.standby[0])
        for worker_id in list(self.workers):
            self.kill(worker_id)
        self.collect_exits()


def _fork_retrying(patience_s: float = 5.0) -> int:
    """os.fork, retried while a pids limit is still counting a killed worker's last processes."""
    deadline = time.monotonic() + patience_s
    while True:
        try:
            return os.fork()
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _describe_status(status: int) -> ExitStatus:
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status)}
    return {"exit": os.WEXITSTATUS(status)}


def _standby(channel: socket.socket, settings: TemplateSettings) -> None:
    """In a forked child: optionally become PID 1 of a new PID namespace and make the worker's fresh
    namespaces, wait for a job, serve it. Never returns."""
    try:
        if settings["pid_namespace"]:
            confine.unshare_pid_namespace()
            pid = os.fork()
            if pid != 0:
                channel.close()
                confine.set_process_name("ag-standby-ns")
                _pid, status = os.waitpid(pid, 0)
                os._exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
        confine.die_with_parent()
        confine.set_process_name("ag-standby")
        fresh = namespaces.prepare(settings["fresh"]) if settings["fresh"] else None
        data, fds, _flags, _addr = socket.recv_fds(channel, 1 << 20, 8)
        channel.close()
        if not data:
            os._exit(0)
        from autograder.worker import serve

        confine.set_process_name("ag-worker")
        serve.main(protocol.from_bytes(data), fds, fresh)
    except BaseException:
        os._exit(70)
    os._exit(0)


def main(argv: list[str]) -> None:
    control = socket.socket(fileno=int(argv[0]))
    settings: TemplateSettings = json.loads(argv[1])
    confine.set_process_name("ag-template")
    confine.die_with_parent()
    confine.become_subreaper()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    started = time.monotonic()
    greeting: protocol.TemplateGreeting
    try:
        preload(settings)
    except Exception as exc:  # report why, rather than vanish
        greeting = {"ready": False, "error": f"{type(exc).__name__}: {exc}"}
        control.send(protocol.to_bytes(greeting))
        return
    greeting = {"ready": True, "pid": os.getpid(), "import_s": time.monotonic() - started}
    control.send(protocol.to_bytes(greeting))
    Template(control, settings).serve_forever()
    os._exit(0)  # skip tearing down torch's modules: nothing is left to flush


if __name__ == "__main__":
    main(sys.argv[1:])
