"""Confinement a worker applies to itself after the fork, before any student code runs.

Each layer is applied only when the machine offers it; `apply` returns the
names of the layers now in force so the grader can report them honestly.
Order matters: resource limits first, then Landlock (filesystem and signal
scoping), then `no_new_privs` and the capability drop, then seccomp last
(its filter would refuse some of the calls the earlier layers make).
"""
from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
import struct
import time

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36
PR_CAPBSET_DROP = 24
CLONE_NEWPID = 0x20000000
CAP_LAST = 63

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _check(result: int, what: str) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")
    return result


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies."""
    parent = os.getppid()
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")
    if os.getppid() != parent:
        os._exit(1)


def become_subreaper() -> None:
    """Orphans of our descendants re-parent to us, so none can escape our kill sweep."""
    _check(_libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "prctl(CHILD_SUBREAPER)")


def unshare_pid_namespace() -> None:
    """The next child this process forks becomes PID 1 of a fresh PID namespace."""
    _check(_libc.unshare(CLONE_NEWPID), "unshare(CLONE_NEWPID)")


# ---------------------------------------------------------------- process trees

def _process_table() -> dict[int, tuple[int, str]]:
    """pid -> (ppid, state) for every process visible in /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        rest = stat[stat.rfind(b")") + 2:].split()
        table[int(entry)] = (int(rest[1]), rest[0].decode())
    return table


def _descendants(table: dict[int, tuple[int, str]], roots: set[int]) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, _state) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = set(), list(roots)
    while stack:
        pid = stack.pop()
        if pid in found:
            continue
        found.add(pid)
        stack.extend(children.get(pid, ()))
    return found


def _stop_and_kill(pids: set[int]) -> None:
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass


def _alive(table: dict[int, tuple[int, str]], pids: set[int]) -> set[int]:
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


def kill_process_tree(root: int, patience_s: float = 5.0) -> None:
    """Freeze then SIGKILL `root` and every descendant, repeating until none is left."""
    deadline = time.monotonic() + patience_s
    targets = {root}
    while time.monotonic() < deadline:
        table = _process_table()
        targets = _alive(table, _descendants(table, targets) | targets)
        if not targets:
            return
        _stop_and_kill(targets)
        time.sleep(0.001)


def kill_children_except(parent: int, keep: set[int]) -> None:
    """Kill the trees of `parent`'s children other than those in `keep`."""
    table = _process_table()
    strays = {pid for pid, (ppid, state) in table.items() if ppid == parent and pid not in keep and state != "Z"}
    for pid in strays:
        kill_process_tree(pid)


# ---------------------------------------------------------------- resource limits

RLIMITS = {
    "cpu_s": resource.RLIMIT_CPU,
    "address_space": resource.RLIMIT_AS,
    "processes": resource.RLIMIT_NPROC,
    "file_size": resource.RLIMIT_FSIZE,
    "open_files": resource.RLIMIT_NOFILE,
    "core": resource.RLIMIT_CORE,
}


def address_space_in_use() -> int:
    """Bytes of virtual address space this process maps now (VmSize)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def apply_rlimits(limits: dict[str, int]) -> list[str]:
    """Set hard and soft limits; `address_space` is added on top of what is mapped already."""
    applied = []
    for name, value in limits.items():
        if name == "address_space":
            value = address_space_in_use() + value
        if name == "processes":
            value = _processes_of_uid(os.getuid()) + value
        resource.setrlimit(RLIMITS[name], (value, value))
        applied.append(name)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return applied


def _processes_of_uid(uid: int) -> int:
    """Threads owned by `uid` now: RLIMIT_NPROC counts them all, not just ours."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                continue
    return count


# ---------------------------------------------------------------- capabilities

def drop_privileges() -> None:
    """Set no_new_privs and drop every capability, bounding set included."""
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    for cap in range(CAP_LAST + 1):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 and ctypes.get_errno() not in (errno.EINVAL, errno.EPERM):
            _check(-1, "prctl(CAPBSET_DROP)")
    header = struct.pack("II", 0x20080522, 0)
    data = bytes(24)
    _check(_libc.capset(header, data), "capset")
