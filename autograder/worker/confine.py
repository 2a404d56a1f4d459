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


PR_SET_NAME = 15


def set_process_name(name: str) -> None:
    """Name this process in `ps` and /proc/<pid>/comm (at most 15 bytes)."""
    _libc.prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)


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


PR_SET_KEEPCAPS = 8
CAP_DAC_READ_SEARCH = 2


def keep_capabilities_across_setuid() -> None:
    """Keep the permitted capabilities when the next setuid leaves root (they stay out of effect)."""
    _check(_libc.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl(KEEPCAPS)")


def raise_capabilities(caps: list[int]) -> None:
    """Make exactly `caps` permitted and effective (all of them must still be permitted)."""
    mask = 0
    for cap in caps:
        mask |= 1 << cap
    low, high = mask & 0xFFFFFFFF, mask >> 32
    header = struct.pack("II", 0x20080522, 0)
    data = struct.pack("6I", low, low, 0, high, high, 0)
    _check(_libc.capset(header, data), "capset")


# ---------------------------------------------------------------- Landlock

SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_FILE_RIGHTS_V1 = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE
FS_TRUNCATE, FS_IOCTL_DEV = 1 << 14, 1 << 15
NET_ALL = (1 << 0) | (1 << 1)  # bind and connect TCP
SCOPE_ALL = (1 << 0) | (1 << 1)  # abstract unix sockets and signals


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when Landlock is unavailable."""
    version = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                            ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    return max(int(version), 0)


def _fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1  # ABI 1: execute .. make_sym
    if abi >= 2:
        rights |= 1 << 13  # refer
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def apply_landlock(read: list[str], write: list[str]) -> list[str]:
    """Allow reading `read` and writing `write` (paths beneath them), nothing else on the filesystem;
    with ABI 4+ also refuse TCP, with ABI 6+ refuse signals and abstract sockets outside the sandbox."""
    abi = landlock_abi()
    if abi < 1:
        raise OSError(errno.ENOSYS, "Landlock is not available")
    handled = _fs_rights(abi)
    fields = [handled]
    if abi >= 4:
        fields.append(NET_ALL)
    if abi >= 6:
        fields.append(SCOPE_ALL)
    attr = struct.pack(f"{len(fields)}Q", *fields)
    ruleset = _check(_libc.syscall(SYS_LANDLOCK_CREATE_RULESET, attr, ctypes.c_size_t(len(attr)),
                                   ctypes.c_uint32(0)), "landlock_create_ruleset")
    try:
        read_rights = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
        file_rights = FS_FILE_RIGHTS_V1 | (FS_TRUNCATE if abi >= 3 else 0) | (FS_IOCTL_DEV if abi >= 5 else 0)
        for paths, rights in ((read, read_rights), (write, handled)):
            for path in paths:
                _add_path_rule(ruleset, path, rights, file_rights)
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
        _check(_libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)), "landlock_restrict_self")
    finally:
        os.close(ruleset)
    layers = [f"landlock-abi{abi}"]
    if abi >= 4:
        layers.append("landlock-no-tcp")
    if abi >= 6:
        layers.append("landlock-signal-scope")
    return layers


def _add_path_rule(ruleset: int, path: str, rights: int, file_rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a path this machine does not have
    try:
        if not os.path.isdir(path):
            rights &= file_rights
        rule = struct.pack("=Qi", rights, fd)
        _check(_libc.syscall(SYS_LANDLOCK_ADD_RULE, ruleset, ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH), rule,
                             ctypes.c_uint32(0)), f"landlock_add_rule({path})")
    finally:
        os.close(fd)


# ---------------------------------------------------------------- seccomp

def seccomp_module():
    """libseccomp's Python bindings: Debian's `seccomp`, or PyPI's `pyseccomp`; None when neither loads."""
    for name in ("seccomp", "pyseccomp"):
        try:
            return __import__(name)
        except (ImportError, OSError):
            continue
    return None


REFUSED_SYSCALLS = (
    "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root", "chroot", "unshare",
    "setns", "bpf", "keyctl", "add_key", "request_key", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "perf_event_open", "userfaultfd", "kexec_load", "kexec_file_load", "init_module", "finit_module",
    "delete_module", "reboot", "swapon", "swapoff", "acct", "open_by_handle_at", "fsopen", "fsmount",
    "move_mount", "open_tree",
)
NAMESPACE_FLAGS = (0x00020000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000, 0x02000000)
SOCKET_FAMILIES_REFUSED = (2, 10, 17, 16)  # AF_INET, AF_INET6, AF_PACKET, AF_NETLINK


_PREPARED_FILTER = None


def prepare_seccomp() -> None:
    """Build the filter once (in the template) so each worker only has to load it."""
    global _PREPARED_FILTER
    _PREPARED_FILTER = build_seccomp_filter()
    if _PREPARED_FILTER is None:
        raise OSError(errno.ENOSYS, "libseccomp's Python bindings could not be loaded")


def load_seccomp() -> list[str]:
    """Load the prepared filter into this process (irreversible)."""
    if _PREPARED_FILTER is None:
        raise OSError(errno.ENOSYS, "no seccomp filter was prepared")
    _PREPARED_FILTER.load()
    return ["seccomp"]


def apply(plan: dict) -> list[str]:
    """Apply a worker's confinement plan in order; the layers now in force. Raises when one fails."""
    layers = []
    if plan.get("landlock"):
        layers += apply_landlock(plan["landlock"]["read"], plan["landlock"]["write"])
    if plan.get("drop_caps"):
        drop_privileges()
        layers.append("no-capabilities")
    if plan.get("seccomp"):
        layers += load_seccomp()
    return layers


def build_seccomp_filter():
    """The worker's filter (not yet loaded): no IP or raw sockets, no ptrace, mount, namespaces, bpf,
    keyctl, io_uring and friends. Built once in the template; each worker loads it."""
    seccomp = seccomp_module()
    if seccomp is None:
        return None
    refuse = seccomp.ERRNO(errno.EPERM)
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in REFUSED_SYSCALLS:
        try:
            rules.add_rule(refuse, name)
        except (RuntimeError, ValueError, OSError):
            continue  # a syscall this architecture does not have
    for family in SOCKET_FAMILIES_REFUSED:
        rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.EQ, family))
    for flag in NAMESPACE_FLAGS:
        rules.add_rule(refuse, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")  # its flags live in memory: make libc use clone
    return rules
