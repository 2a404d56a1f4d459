"""What this machine offers for isolating student code, found by trying it.

Used by the sandbox to choose its layers and by `autograder doctor` to explain
them. Every finding comes from an actual attempt (running bubblewrap, asking
the kernel for its Landlock ABI, loading the seccomp bindings, creating a
cgroup), not from version numbers.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder.worker import landlock, seccomp_filter

SANDBOX_USER = "nobody"
SANDBOX_UID_FALLBACK = 65534
LEVELS = ("minimal", "reduced", "strict")


@dataclass
class CgroupSupport:
    """Where this process may create cgroups: v1 controller folders, and a cgroup v2 folder."""

    v1: dict[str, Path] = field(default_factory=dict)
    v2: Path | None = None
    v2_controllers: tuple[str, ...] = ()

    def controls(self, name: str) -> bool:
        return name in self.v1 or name in self.v2_controllers


@dataclass
class Capabilities:
    """What was found on this machine."""

    root: bool
    sandbox_uid: int | None
    bwrap: str | None
    bwrap_problem: str | None
    landlock_abi: int
    seccomp: str | None
    cgroups: CgroupSupport
    python_readable: bool
    namespaces: bool = False  # root here may make mount, IPC and PID namespaces and mount a tmpfs

    def best_level(self) -> str:
        if self.bwrap and self.seccomp:
            return "strict"
        if self.landlock_abi >= 1 and self.seccomp:
            return "reduced"
        return "minimal"

    def offers(self, level: str) -> bool:
        return LEVELS.index(self.best_level()) >= LEVELS.index(level)


def sandbox_uid() -> int | None:
    """The unprivileged uid student code runs as when the grader is root; None when not root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SANDBOX_USER).pw_uid
    except KeyError:
        return SANDBOX_UID_FALLBACK


def _demote(uid: int):
    def run() -> None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)

    return run


def python_readable_by(uid: int | None) -> bool:
    """Whether `uid` can run this Python (the interpreter and its standard library)."""
    if uid is None:
        return True
    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import encodings, json"],
            preexec_fn=_demote(uid),
            capture_output=True,
            timeout=30,
            cwd="/",
        )
    except OSError:
        return False
    return probe.returncode == 0


def probe_bwrap(uid: int | None) -> tuple[str | None, str | None]:
    """(path to a working bwrap, None) or (None, why it cannot be used)."""
    path = shutil.which("bwrap")
    if path is None:
        return None, "bubblewrap (bwrap) is not installed"
    command = [
        path,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-add",
        "CAP_SYS_ADMIN",
        "--ro-bind",
        "/",
        "/",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "true",
    ]
    try:
        run = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=30,
            preexec_fn=_demote(uid) if uid is not None else None,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"bwrap could not run: {exc}"
    if run.returncode != 0:
        return None, f"bwrap cannot create namespaces here: {run.stderr.strip()[:200]}"
    return path, None


NAMESPACE_PROBE = """
import ctypes, os, sys, tempfile
libc = ctypes.CDLL(None, use_errno=True)
if libc.unshare(0x00020000 | 0x08000000 | 0x20000000) != 0:
    sys.exit(1)
target = tempfile.mkdtemp()
libc.mount(None, b"/", None, 0x4000 | 0x40000, None)
ok = libc.mount(b"tmpfs", target.encode(), b"tmpfs", 0x2 | 0x4, b"size=4096") == 0
libc.umount2(target.encode(), 2)
os.rmdir(target)
sys.exit(0 if ok else 2)
"""


def probe_namespaces() -> bool:
    """Whether this process may make mount, IPC and PID namespaces and mount a tmpfs (root with
    CAP_SYS_ADMIN: not, for example, in a container started without it)."""
    if os.geteuid() != 0:
        return False
    try:
        run = subprocess.run([sys.executable, "-c", NAMESPACE_PROBE], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return run.returncode == 0


def _own_cgroup_paths() -> dict[str, str]:
    """controller name (or '' for cgroup v2) -> this process's cgroup path."""
    paths = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _hierarchy, controllers, path = line.split(":", 2)
        for name in controllers.split(",") if controllers else [""]:
            paths[name] = path
    return paths


def _mounts() -> dict[str, Path]:
    """cgroup controller (or '' for v2) -> where its hierarchy is mounted."""
    found: dict[str, Path] = {}
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        left, _, right = line.partition(" - ")
        fields, extra = left.split(), right.split()
        if not extra:
            continue
        if extra[0] == "cgroup2":
            found.setdefault("", Path(fields[4]))
        elif extra[0] == "cgroup":
            for option in extra[2].split(","):
                if option in ("memory", "pids"):
                    found[option] = Path(fields[4])
    return found


def _writable_group_parent(base: Path) -> bool:
    trial = base / f"autograder-probe-{os.getpid()}"
    try:
        trial.mkdir()
    except OSError:
        return False
    trial.rmdir()
    return True


def probe_cgroups() -> CgroupSupport:
    """Controllers (memory, pids) under which this process may create groups, v1 and v2."""
    try:
        own, mounts = _own_cgroup_paths(), _mounts()
    except OSError:
        return CgroupSupport()
    support = CgroupSupport()
    for name in ("memory", "pids"):
        if name in mounts and name in own:
            base = mounts[name] / own[name].lstrip("/")
            if _writable_group_parent(base):
                support.v1[name] = base
    if "" in mounts and "" in own:
        base = mounts[""] / own[""].lstrip("/")
        if _writable_group_parent(base):
            support.v2 = base
            enabled = base / "cgroup.subtree_control"
            names = enabled.read_text().split() if enabled.exists() else []
            support.v2_controllers = tuple(name for name in ("memory", "pids") if name in names)
    return support


def detect() -> Capabilities:
    """Try each layer on this machine."""
    uid = sandbox_uid()
    bwrap, problem = probe_bwrap(uid)
    return Capabilities(
        root=os.geteuid() == 0,
        sandbox_uid=uid,
        bwrap=bwrap,
        bwrap_problem=problem,
        landlock_abi=landlock.landlock_abi(),
        seccomp=getattr(seccomp_filter.seccomp_module(), "__name__", None),
        cgroups=probe_cgroups(),
        python_readable=python_readable_by(uid),
        namespaces=probe_namespaces(),
    )
