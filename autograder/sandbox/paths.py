"""The filesystem as the sandbox sees it: what a worker must read, what it must never see, and which
folders bar the sandbox uid from the interpreter."""

from __future__ import annotations

import functools
import glob
import os
import sys
from pathlib import Path

from autograder.catalog import HIDDEN_DIR, SOLUTIONS_DIR

SYSTEM_TOPS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
DEVICES_READ = ("/dev/zero", "/dev/urandom", "/dev/random", "/etc/ld.so.cache")
PROC_READ = ("/proc/self", "/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/sys/devices/system/cpu")
BIN_FOLDERS = ("/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin", "/opt/homebrew/bin")
GHOSTSCRIPT_NAMES = ("gs", "gsc", "gsx", "ghostscript")


def gpu_device_nodes() -> list[str]:
    """NVIDIA device files a worker needs to use CUDA (none on a machine without an NVIDIA driver)."""
    return sorted(glob.glob("/dev/nvidia*"))


def secrets() -> list[Path]:
    """What student code must never read: the hidden checks and the reference solutions."""
    return [HIDDEN_DIR, SOLUTIONS_DIR]


def python_and_kit() -> list[Path]:
    """What the template must see besides /usr: the Python installation and the kit's own package."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix), Path(sys.prefix).resolve(), HIDDEN_DIR.parent}
    return sorted(p for p in paths if p.exists() and not str(p).startswith("/usr"))


def under_private_tmp() -> list[str]:
    """The interpreter's and kit's folders that lie under /tmp or /dev/shm, outermost only: each worker's
    fresh /tmp would hide them, so its standby binds them back (a kit unpacked in /tmp, a test's copy)."""
    kept: list[str] = []
    for path in sorted(str(p) for p in python_and_kit()):
        if path.startswith(("/tmp/", "/dev/shm/")) and not any(path.startswith(k + "/") for k in kept):
            kept.append(path)
    return kept


def ghostscript_binaries() -> list[str]:
    """Ghostscript executables on this machine (PIL would run one to render EPS): hidden from workers."""
    found = []
    for folder in BIN_FOLDERS:
        for name in GHOSTSCRIPT_NAMES:
            path = os.path.join(folder, name)
            if os.path.isfile(path) and not os.path.islink(folder) and path not in found:
                found.append(path)
    return found


@functools.lru_cache(maxsize=1)
def landlock_reads() -> tuple[str, ...]:
    """Paths a worker may read at every exercise: the system, the interpreter and the kit, less its
    secrets."""
    readable = [*python_and_kit(), Path("/usr"), *[Path("/") / top for top in SYSTEM_TOPS]]
    return tuple(str(p) for p in allow_except(readable, secrets())) + DEVICES_READ + PROC_READ


def allow_except(paths: list[Path], hidden: list[Path]) -> list[Path]:
    """`paths`, with any path that contains a hidden one replaced by its other children (recursively),
    so that an allow-list (Landlock's) can grant a folder but not the secret inside it."""
    hidden = [path.resolve() for path in hidden]
    allowed: list[Path] = []
    pending = [path for path in paths if path.exists()]
    while pending:
        path = pending.pop()
        real = path.resolve()
        if any(real == secret for secret in hidden):
            continue
        if any(real in secret.parents for secret in hidden) and real.is_dir():
            pending.extend(path.iterdir())
        else:
            allowed.append(path)
    return sorted(set(allowed))


def blocked_ancestor(path: Path, uid: int) -> Path | None:
    """The first folder on the way to `path` that `uid` (with group `uid`, no other groups) may not pass
    through, or None when the whole way is open."""
    current = Path("/")
    for part in path.parts[1:]:
        try:
            info = current.stat()
        except OSError:
            return None
        if info.st_uid == uid:
            allowed = info.st_mode & 0o100
        elif info.st_gid == uid:
            allowed = info.st_mode & 0o010
        else:
            allowed = info.st_mode & 0o001
        if not allowed:
            return current
        current = current / part
    return None
