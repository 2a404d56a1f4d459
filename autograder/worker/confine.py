"""Confinement a worker applies to itself after the fork, before any student code runs.

Each layer is applied only when the sandbox plan asks for it (`protocol.Confinement`); `apply` returns
the names of the layers now in force. Order matters: the uid switch first (it needs the privileges the
later layers take away, and RLIMIT_NPROC counts the final uid's processes), then resource limits, then
Landlock (filesystem, TCP and signal scoping), then `no_new_privs` and the capability drop, then
seccomp last (its filter would refuse some of the calls the earlier layers make). The fresh namespaces
come before all of these, from the standby (`namespaces`).
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
import struct

from autograder.worker import landlock, seccomp_filter
from autograder.worker.mounts import CLONE_NEWPID
from autograder.worker.protocol import Confinement
from autograder.worker.syscall import check, libc

PR_SET_PDEATHSIG = 1
PR_SET_NAME = 15
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
CAP_LAST = 63


def set_process_name(name: str) -> None:
    """Name this process in `ps` and /proc/<pid>/comm (at most 15 bytes)."""
    libc.prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies."""
    parent = os.getppid()
    check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")
    if os.getppid() != parent:
        os._exit(1)


def become_subreaper() -> None:
    """Orphans of our descendants re-parent to us, so none can escape our kill sweep."""
    check(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "prctl(CHILD_SUBREAPER)")


def unshare_pid_namespace() -> None:
    """The next child this process forks becomes PID 1 of a fresh PID namespace."""
    check(libc.unshare(CLONE_NEWPID), "unshare(CLONE_NEWPID)")


# ---------------------------------------------------------------- uid and resource limits

RLIMITS = {
    "cpu_s": resource.RLIMIT_CPU,
    "address_space": resource.RLIMIT_AS,
    "processes": resource.RLIMIT_NPROC,
    "file_size": resource.RLIMIT_FSIZE,
    "open_files": resource.RLIMIT_NOFILE,
    "core": resource.RLIMIT_CORE,
}


def switch_uid(uid: int) -> list[str]:
    """Become `uid` (group `uid`, no supplementary groups) for good: real, effective and saved ids."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    return [f"uid-{uid}"]


def address_space_in_use() -> int:
    """Bytes of virtual address space this process maps now (VmSize)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def apply_rlimits(limits: dict[str, int]) -> list[str]:
    """Set hard and soft limits; `address_space` is added on top of what is mapped already."""
    for name, value in limits.items():
        if name == "address_space":
            value = address_space_in_use() + value
        if name == "processes":
            value = _processes_of_uid(os.getuid()) + value
        resource.setrlimit(RLIMITS[name], (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return ["rlimits"] if limits else []


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


def drop_privileges() -> list[str]:
    """Set no_new_privs and drop every capability, bounding set included."""
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    for cap in range(CAP_LAST + 1):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 and ctypes.get_errno() not in (
            errno.EINVAL,
            errno.EPERM,
        ):
            check(-1, "prctl(CAPBSET_DROP)")
    header = struct.pack("II", 0x20080522, 0)
    check(libc.capset(header, bytes(24)), "capset")
    return ["no-capabilities"]


PR_SET_KEEPCAPS = 8
CAP_DAC_READ_SEARCH = 2


def keep_capabilities_across_setuid() -> None:
    """Keep the permitted capabilities when the next setuid leaves root (they stay out of effect)."""
    check(libc.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl(KEEPCAPS)")


def raise_capabilities(caps: list[int]) -> None:
    """Make exactly `caps` permitted and effective (all of them must still be permitted)."""
    mask = 0
    for cap in caps:
        mask |= 1 << cap
    low, high = mask & 0xFFFFFFFF, mask >> 32
    header = struct.pack("II", 0x20080522, 0)
    data = struct.pack("6I", low, low, 0, high, high, 0)
    check(libc.capset(header, data), "capset")


def apply(plan: Confinement, limits: dict[str, int]) -> list[str]:
    """Apply a worker's confinement in order; the layers now in force. Raises when one fails."""
    layers = []
    uid = plan.get("uid")
    if uid is not None:
        layers += switch_uid(uid)
    layers += apply_rlimits(limits)
    rules = plan.get("landlock")
    if rules:
        layers += landlock.apply_landlock(rules["read"], rules["write"])
    if plan.get("drop_caps"):
        layers += drop_privileges()
    if plan.get("seccomp"):
        layers += seccomp_filter.load()
    return layers
