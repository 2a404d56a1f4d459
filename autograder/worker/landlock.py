"""Landlock: the filesystem a worker may read and write, and (ABI 4+) no TCP, (ABI 6+) no signals or
abstract UNIX sockets outside its own domain. Applied by the worker to itself; irreversible."""

from __future__ import annotations

import ctypes
import errno
import os
import struct

from autograder.worker.syscall import check, libc

PR_SET_NO_NEW_PRIVS = 38
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
    version = libc.syscall(
        SYS_LANDLOCK_CREATE_RULESET,
        None,
        ctypes.c_size_t(0),
        ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION),
    )
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
    ruleset = check(
        libc.syscall(SYS_LANDLOCK_CREATE_RULESET, attr, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0)),
        "landlock_create_ruleset",
    )
    try:
        read_rights = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
        file_rights = FS_FILE_RIGHTS_V1 | (FS_TRUNCATE if abi >= 3 else 0) | (FS_IOCTL_DEV if abi >= 5 else 0)
        for paths, rights in ((read, read_rights), (write, handled)):
            for path in paths:
                _add_path_rule(ruleset, path, rights, file_rights)
        check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
        check(libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)), "landlock_restrict_self")
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
        check(
            libc.syscall(
                SYS_LANDLOCK_ADD_RULE,
                ruleset,
                ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
                rule,
                ctypes.c_uint32(0),
            ),
            f"landlock_add_rule({path})",
        )
    finally:
        os.close(fd)
