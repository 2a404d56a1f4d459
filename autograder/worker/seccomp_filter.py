"""The worker's seccomp filter: system calls student code never needs and could misuse.

Refused (EPERM): tracing and reading other processes, mounts and new namespaces, kernel modules and
keys, bpf, io_uring, perf; IP, raw, netlink and UNIX sockets (`socketpair` stays: Python and torch use
it); System V IPC and POSIX message queues, which would otherwise outlive the worker and pass between
students; taking another process's file descriptors; and setting the resource limits, priority, CPU
affinity, scheduling or I/O priority of any process but the caller (pid 0). The filter is built once
in the template (`prepare`) and loaded by each worker as its last layer (`load`).
"""

from __future__ import annotations

import errno

REFUSED_SYSCALLS = (
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "unshare",
    "setns",
    "bpf",
    "keyctl",
    "add_key",
    "request_key",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "perf_event_open",
    "userfaultfd",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "open_by_handle_at",
    "fsopen",
    "fsmount",
    "move_mount",
    "open_tree",
    "pidfd_getfd",
    "kcmp",
    "process_madvise",
    "process_mrelease",
)
IPC_SYSCALLS = (
    "ipc",
    "shmget",
    "shmat",
    "shmdt",
    "shmctl",
    "msgget",
    "msgsnd",
    "msgrcv",
    "msgctl",
    "semget",
    "semop",
    "semtimedop",
    "semctl",
    "mq_open",
    "mq_unlink",
    "mq_timedsend",
    "mq_timedreceive",
    "mq_notify",
    "mq_getsetattr",
)
# (syscall, argument index, the only value allowed there): pid 0 (or PRIO_PROCESS/IOPRIO_WHO_PROCESS with
# who 0) means "the caller"; anything else names another process, group or user.
OWN_PROCESS_ONLY = (
    ("prlimit64", 0, 0),
    ("sched_setaffinity", 0, 0),
    ("sched_setscheduler", 0, 0),
    ("sched_setparam", 0, 0),
    ("sched_setattr", 0, 0),
    ("migrate_pages", 0, 0),
    ("move_pages", 0, 0),
    ("setpriority", 0, 0),
    ("setpriority", 1, 0),  # which == PRIO_PROCESS, who == 0
    ("ioprio_set", 0, 1),
    ("ioprio_set", 1, 0),  # which == IOPRIO_WHO_PROCESS, who == 0
)
NAMESPACE_FLAGS = (0x00020000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000, 0x02000000)
SOCKET_FAMILIES_REFUSED = (1, 2, 10, 17, 16)  # AF_UNIX, AF_INET, AF_INET6, AF_PACKET, AF_NETLINK

_PREPARED_FILTER = None


def seccomp_module():
    """libseccomp's Python bindings: Debian's `seccomp`, or PyPI's `pyseccomp`; None when neither loads."""
    for name in ("seccomp", "pyseccomp"):
        try:
            return __import__(name)
        except (ImportError, OSError):
            continue
    return None


def build():
    """The worker's filter (not yet loaded), or None without libseccomp's bindings."""
    seccomp = seccomp_module()
    if seccomp is None:
        return None
    refuse = seccomp.ERRNO(errno.EPERM)
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in REFUSED_SYSCALLS + IPC_SYSCALLS:
        _add(rules, refuse, name)
    for name, index, allowed in OWN_PROCESS_ONLY:
        _add(rules, refuse, name, seccomp.Arg(index, seccomp.NE, allowed))
    for family in SOCKET_FAMILIES_REFUSED:
        rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.EQ, family))
    for flag in NAMESPACE_FLAGS:
        rules.add_rule(refuse, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")  # its flags live in memory: make libc use clone
    return rules


def _add(rules, action, name: str, *arguments) -> None:
    try:
        rules.add_rule(action, name, *arguments)
    except (RuntimeError, ValueError, OSError):
        pass  # a system call this architecture does not have


def prepare() -> None:
    """Build the filter once (in the template) so that each worker only has to load it."""
    global _PREPARED_FILTER
    _PREPARED_FILTER = build()
    if _PREPARED_FILTER is None:
        raise OSError(errno.ENOSYS, "libseccomp's Python bindings could not be loaded")


def load() -> list[str]:
    """Load the prepared filter into this process (irreversible); the layer's name."""
    if _PREPARED_FILTER is None:
        raise OSError(errno.ENOSYS, "no seccomp filter was prepared")
    _PREPARED_FILTER.load()
    return ["seccomp"]
