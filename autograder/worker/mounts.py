"""Mount namespaces and mounts through libc: used by the sandbox (the template's view, before it starts)
and by each standby (its worker's fresh view). Every call raises OSError when it fails."""

from __future__ import annotations

import os
import re

from autograder.worker.syscall import check, libc

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWPID = 0x00020000, 0x08000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x20, 0x1000, 0x4000, 0x40000
MNT_DETACH = 0x2


def unshare(flags: int) -> None:
    check(libc.unshare(flags), "unshare")


def private_namespaces(flags: int = 0) -> None:
    """Enter a new mount namespace (and the namespaces in `flags`) whose mounts never propagate back."""
    unshare(CLONE_NEWNS | flags)
    check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "mount(/, private)")


def mount_tmpfs(target: str, size_bytes: int, mode: int = 0o755, read_only: bool = False) -> None:
    """An empty tmpfs of at most `size_bytes` on `target` (no devices, no set-uid programs)."""
    flags = MS_NOSUID | MS_NODEV | (MS_RDONLY if read_only else 0)
    options = f"size={max(size_bytes, 4096)},mode={mode:o}".encode()
    check(libc.mount(b"tmpfs", os.fsencode(target), b"tmpfs", flags, options), f"mount(tmpfs, {target})")


def bind(source: str, target: str, read_only: bool = False) -> None:
    """Bind `source` (a path, or /proc/self/fd/N) on `target`, recursively; then read-only if asked."""
    check(
        libc.mount(os.fsencode(source), os.fsencode(target), None, MS_BIND | MS_REC, None),
        f"mount(bind {source}, {target})",
    )
    if read_only:
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV
        check(libc.mount(None, os.fsencode(target), None, flags, None), f"mount(read-only {target})")


def unmount(target: str) -> None:
    """Detach the mount on `target` (it goes away once nothing uses it)."""
    check(libc.umount2(os.fsencode(target), MNT_DETACH), f"umount({target})")


def mount_points() -> list[str]:
    """Where something is mounted in this process's mount namespace (decoded, in mount order)."""
    points = []
    with open("/proc/self/mountinfo", "rb") as handle:
        for line in handle:
            fields = line.split()
            if len(fields) > 4:
                points.append(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4].decode()))
    return points
