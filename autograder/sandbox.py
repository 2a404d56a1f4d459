"""Launching the warm template, with whatever isolation this machine offers.

This module is the one seam between the grader and the OS: it decides which
isolation layers are in force, starts the template process inside them, hands
out per-worker scratch folders and confinement plans, and passes spawn, kill
and reap requests to the template. The checks never see any of it.

Levels (`--isolation`):
  strict   bubblewrap (user, pid, network, ipc and uts namespaces, a minimal
           read-only filesystem view, private /tmp and /dev/shm) + seccomp +
           rlimits, plus Landlock, cgroups and an unprivileged uid where offered;
           each worker in its own PID namespace.
  reduced  Landlock + seccomp + rlimits (+ cgroups, unprivileged uid).
  minimal  rlimits only.
`auto` takes the best level the machine offers; asking for a level refuses to
grade with less.
"""
from __future__ import annotations

import ctypes
import functools
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from autograder import isolation
from autograder.catalog import HIDDEN_DIR, KIT_ROOT, SOLUTIONS_DIR
from autograder.errors import KitError

MiB = 1024 * 1024
CLONE_NEWNS = 0x00020000
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 0x40000
SYSTEM_TOPS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
DEVICES_READ = ("/dev/zero", "/dev/urandom", "/dev/random", "/etc/ld.so.cache")
CGROUP_LIMIT_FILES = {("memory", 1): "memory.limit_in_bytes", ("memory", 2): "memory.max",
                      ("pids", 1): "pids.max", ("pids", 2): "pids.max"}
PROC_READ = ("/proc/self", "/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/sys/devices/system/cpu")


def gpu_device_nodes() -> list[str]:
    """NVIDIA device files a worker needs to use CUDA (none on a machine without an NVIDIA driver)."""
    return sorted(glob.glob("/dev/nvidia*"))


class SandboxError(KitError):
    """The sandbox could not be started or stopped working; the grader cannot go on."""


@dataclass
class Isolation:
    """What was in force: the level and the layers, for the result JSON."""

    level: str
    layers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"level": self.level, "layers": list(self.layers), "notes": list(self.notes)}


@dataclass(frozen=True)
class Workspace:
    """One exercise's scratch folders: a read-only copy of the submission, read-only data, a writable work dir."""

    root: Path
    submission: Path
    data: Path
    work: Path


@functools.lru_cache(maxsize=1)
def machine() -> isolation.Capabilities:
    """What this machine offers (probed once per process)."""
    return isolation.detect()


def resolve_level(requested: str, caps: isolation.Capabilities) -> str:
    """The level to use; SandboxError when a named level is more than this machine offers."""
    if requested == "auto":
        return caps.best_level()
    if requested not in isolation.LEVELS:
        raise SandboxError(f"unknown isolation level {requested!r}; use auto, strict, reduced or minimal")
    if not caps.offers(requested):
        missing = []
        if requested == "strict" and not caps.bwrap:
            missing.append(caps.bwrap_problem or "bubblewrap")
        if requested == "reduced" and caps.landlock_abi < 1:
            missing.append("Landlock")
        if not caps.seccomp:
            missing.append("libseccomp's Python bindings")
        raise SandboxError(f"--isolation {requested} refused: this machine lacks {', '.join(missing)} "
                           f"(run `autograder doctor` for how to add it)")
    return requested


class Sandbox:
    """One warm template and the scratch directory its workers live in."""

    def __init__(self, level: str = "auto", scratch_parent: str | None = None,
                 memory_bytes: int = 5632 * MiB, pids: int = 96, tmp_bytes: int = 256 * MiB) -> None:
        self.requested = level
        self.memory_bytes, self.pids, self.tmp_bytes = memory_bytes, pids, tmp_bytes
        self.scratch = Path(tempfile.mkdtemp(prefix="autograder-", dir=scratch_parent))
        os.chmod(self.scratch, 0o711)
        self.isolation = Isolation("minimal")
        self.caps: isolation.Capabilities | None = None
        self.uid: int | None = None
        self.level = "minimal"
        self.pid_namespaces = False
        self._cgroups: dict[str, tuple[Path, int]] = {}
        self._stage_mounts: list[tuple[str, str]] = []
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._start_error: str | None = None
        self._workspaces = 0
        self.import_s: float | None = None

    # ------------------------------------------------------------ planning

    def _plan(self) -> tuple[list[str], list[str], list[str]]:
        """Decide level, uid and layers; (command, layers, notes)."""
        caps = self.caps
        layers, notes = ["rlimits", "process-tree-kill", "scrubbed-env", "copied-submission"], []
        if caps.root:
            if self.level == "strict" or caps.python_readable:
                self.uid = caps.sandbox_uid
                layers.append(f"uid-{self.uid}")
            else:
                notes.append(f"student code runs as root without capabilities: uid {caps.sandbox_uid} cannot "
                             f"read this Python ({sys.base_prefix}); make it readable to drop to that uid")
        if self.level in ("strict", "reduced") or (caps.root and self.uid is None):
            layers.append("no-capabilities")
        if self.level in ("strict", "reduced"):
            layers.append("seccomp")
        if self.level == "reduced" or (self.level == "strict" and caps.landlock_abi >= 1):
            layers.append(f"landlock-abi{caps.landlock_abi}")
        self.pid_namespaces = self.level == "strict" or (caps.root and self.uid is None and self.level != "minimal")
        if self.pid_namespaces:
            layers.append("pid-namespace-per-worker")
        template = [sys.executable, "-m", "autograder.worker.template"]
        if self.level == "strict":
            layers += ["bubblewrap", "user-namespace", "network-namespace", "pid-namespace", "ipc-namespace",
                       "read-only-filesystem-view", "private-tmp"]
            return self._bwrap_command(template), layers, notes
        return template, layers, notes

    def _bind_sources(self) -> list[Path]:
        """What the template must see, read-only: the Python installation and the kit's own package."""
        paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix), Path(sys.prefix).resolve(),
                 HIDDEN_DIR.parent}
        return sorted(p for p in paths if p.exists() and not str(p).startswith("/usr"))

    def _bwrap_command(self, template: list[str]) -> list[str]:
        caps = self.caps
        command = [caps.bwrap, "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                   "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-add", "CAP_SYS_ADMIN",
                   "--proc", "/proc", "--dev", "/dev",
                   "--size", str(self.tmp_bytes), "--tmpfs", "/tmp",
                   "--size", str(self.tmp_bytes), "--tmpfs", "/dev/shm",
                   "--ro-bind", "/usr", "/usr"]
        for top in SYSTEM_TOPS:
            path = Path("/") / top
            if path.is_symlink():
                command += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                command += ["--ro-bind", str(path), str(path)]
        for shared in ("/sys/devices/system/cpu", "/etc/ld.so.cache"):
            if Path(shared).exists():
                command += ["--ro-bind", shared, shared]
        for node in gpu_device_nodes():
            command += ["--dev-bind", node, node]
        for index, source in enumerate(self._bind_sources()):
            staged = self._staged(index, source)
            command += ["--ro-bind", str(staged), str(source)]
        command += ["--tmpfs", str(HIDDEN_DIR), "--bind", str(self.scratch), str(self.scratch),
                    "--chdir", str(self.scratch), "--"]
        return command + template

    def _staged(self, index: int, source: Path) -> Path:
        """Where bwrap reads `source` from: a bind mount in our own mount namespace when we drop root
        (the sandbox uid may not be able to reach the original path), else the path itself."""
        if self.uid is None:
            return source
        staged = self.scratch / ".stage" / str(index)
        staged.mkdir(parents=True, exist_ok=True)
        self._stage_mounts.append((str(source), str(staged)))
        return staged

    def _make_cgroups(self) -> list[str]:
        """A memory and a pids group for this template, where the machine lets us; the layer names.

        One template runs one worker at a time, so the group's limits are that worker's limits plus
        the template's own (about 1 GiB and a handful of tasks)."""
        support, layers = self.caps.cgroups, []
        name = f"autograder-{os.getpid()}-{id(self) & 0xffff:x}"
        for controller in ("memory", "pids"):
            if controller in support.v1:
                parent, version = support.v1[controller], 1
            elif controller in support.v2_controllers and support.v2 is not None:
                parent, version = support.v2, 2
            else:
                continue
            _remove_stale_groups(parent)
            group = parent / name
            value = self.memory_bytes if controller == "memory" else self.pids
            try:
                group.mkdir(exist_ok=True)
                (group / CGROUP_LIMIT_FILES[(controller, version)]).write_text(str(value))
            except OSError:
                continue
            self._cgroups[controller] = (group, version)
            layers.append(f"cgroup-{controller}")
        return layers

    # ------------------------------------------------------------ lifecycle

    def start(self) -> Sandbox:
        """Launch the template; returns at once (it imports torch in the background)."""
        self.caps = machine()
        self.level = resolve_level(self.requested, self.caps)
        cgroup_layers = self._make_cgroups()
        command, layers, notes = self._plan()
        layers += cgroup_layers
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        arguments = [str(theirs.fileno())] + (["--seccomp"] if "seccomp" in layers else []) \
            + (["--pid-namespaces"] if self.pid_namespaces else [])
        try:
            self._process = subprocess.Popen(
                command + arguments, pass_fds=(theirs.fileno(),), cwd=self.scratch, env=self._template_env(),
                stdin=subprocess.DEVNULL, preexec_fn=self._child_setup())
        except OSError as exc:
            raise SandboxError(f"could not start the worker template: {exc}") from exc
        finally:
            theirs.close()
        self._control = ours
        self.isolation = Isolation(self.level, layers, notes)
        threading.Thread(target=self._await_ready, daemon=True).start()
        return self

    def _child_setup(self):
        """What runs in the template's process before exec: stage mounts, join cgroups, drop root."""
        mounts = list(self._stage_mounts)
        groups = [group / "cgroup.procs" for group, _version in self._cgroups.values()]
        uid = self.uid
        libc = ctypes.CDLL(None, use_errno=True)

        def setup() -> None:
            os.setsid()
            if mounts:
                if libc.unshare(CLONE_NEWNS) != 0 or libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None) != 0:
                    os._exit(71)
                for source, target in mounts:
                    if libc.mount(source.encode(), target.encode(), None, MS_BIND | MS_REC, None) != 0:
                        os._exit(72)
            for procs in groups:
                with open(procs, "w") as handle:
                    handle.write(str(os.getpid()))
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)

        return setup

    def _template_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "CUDA_VISIBLE_DEVICES")}
        env["PYTHONPATH"] = str(KIT_ROOT)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONNOUSERSITE"] = "1"
        env["HOME"] = str(self.scratch)
        return env

    def _await_ready(self) -> None:
        try:
            message = self._control.recv(1 << 16)
            if not message:
                raise SandboxError("the worker template exited while starting (run `autograder doctor`)")
            reply = json.loads(message)
            if not reply.get("ready"):
                raise SandboxError(f"the worker template could not start: {reply.get('error')}")
            self.import_s = reply.get("import_s")
        except (OSError, ValueError, SandboxError) as exc:
            self._start_error = str(exc)
        self._ready.set()

    def wait_ready(self, timeout: float = 300.0) -> None:
        """Block until the template has imported torch; SandboxError if it failed."""
        if not self._ready.wait(timeout):
            raise SandboxError(f"the worker template did not start within {timeout:.0f} s")
        if self._start_error:
            raise SandboxError(self._start_error)

    def close(self) -> None:
        """Stop the template (its workers die with it), its cgroups, and remove the scratch directory."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        for group, _version in self._cgroups.values():
            _empty_and_remove(group)
        self._cgroups = {}
        shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ workspaces and plans

    def new_workspace(self, label: str) -> Workspace:
        """Fresh scratch folders; only `work` is writable by the sandbox uid."""
        self._workspaces += 1
        root = self.scratch / f"{label}-{self._workspaces}"
        space = Workspace(root, root / "submission", root / "data", root / "work")
        for directory in (space.root, space.submission, space.data, space.work):
            directory.mkdir(mode=0o755)
        if self.uid is not None:
            os.chown(space.work, self.uid, self.uid)
        os.chmod(space.work, 0o700)
        return space

    def release_workspace(self, space: Workspace) -> None:
        shutil.rmtree(space.root, ignore_errors=True)

    def confinement(self, space: Workspace) -> dict:
        """The layers a worker applies to itself for this workspace (part of its job)."""
        plan: dict = {"drop_caps": "no-capabilities" in self.isolation.layers,
                      "seccomp": "seccomp" in self.isolation.layers,
                      "pid_namespace": self.pid_namespaces, "landlock": None}
        if any(layer.startswith("landlock") for layer in self.isolation.layers):
            readable = [*self._bind_sources(), Path("/usr"), *[Path("/") / top for top in SYSTEM_TOPS]]
            read = [str(p) for p in allow_except(readable, [HIDDEN_DIR, SOLUTIONS_DIR])]
            read += [*DEVICES_READ, *PROC_READ, str(space.submission), str(space.data)]
            write = [str(space.work), "/dev/null", *gpu_device_nodes()]
            if self.level == "strict":
                write += ["/tmp", "/dev/shm"]
            plan["landlock"] = {"read": read, "write": write}
        return plan

    # ------------------------------------------------------------ requests

    def _request(self, message: dict, fds: list[int] = ()) -> dict:
        self.wait_ready()
        with self._lock:
            try:
                socket.send_fds(self._control, [json.dumps(message).encode()], list(fds))
                reply = self._control.recv(1 << 16)
            except OSError as exc:
                raise SandboxError(f"lost contact with the worker template: {exc}") from exc
        if not reply:
            raise SandboxError("the worker template exited unexpectedly")
        answer = json.loads(reply)
        if not answer.get("ok"):
            raise SandboxError(f"the worker template refused {message.get('op')}: {answer.get('error')}")
        return answer

    def spawn(self, job: dict, fds: list[int]) -> int:
        """Fork a worker for `job` with its three pipe ends; returns its pid (in the template's view)."""
        return self._request({"op": "spawn", "job": job}, fds)["pid"]

    def kill(self, worker_id: str) -> None:
        """Kill a worker and everything it started."""
        self._request({"op": "kill", "id": worker_id})

    def reap(self, worker_id: str, timeout: float) -> dict | None:
        """The worker's exit status (`{"exit": n}` or `{"signal": n}`), or None if still running."""
        return self._request({"op": "reap", "id": worker_id, "timeout": timeout})["status"]


def allow_except(paths: list[Path], secrets: list[Path]) -> list[Path]:
    """`paths`, with any path that contains a secret replaced by its other children (recursively),
    so that an allow-list (Landlock's) can grant a folder but not the secret inside it."""
    secrets = [secret.resolve() for secret in secrets]
    allowed: list[Path] = []
    pending = [path for path in paths if path.exists()]
    while pending:
        path = pending.pop()
        real = path.resolve()
        if any(real == secret for secret in secrets):
            continue
        if any(real in secret.parents for secret in secrets) and real.is_dir():
            pending.extend(path.iterdir())
        else:
            allowed.append(path)
    return sorted(set(allowed))


def _remove_stale_groups(parent: Path) -> None:
    """Remove groups left by graders that died (named autograder-<pid>-..., with that pid gone)."""
    for group in parent.glob("autograder-*-*"):
        try:
            owner = int(group.name.split("-")[1])
            os.kill(owner, 0)
        except ProcessLookupError:
            _empty_and_remove(group)
        except (ValueError, PermissionError, OSError):
            continue


def _empty_and_remove(group: Path) -> None:
    """SIGKILL whatever is left in a cgroup, then remove it."""
    for _attempt in range(50):
        try:
            pids = [int(p) for p in (group / "cgroup.procs").read_text().split()]
        except OSError:
            return
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        threading.Event().wait(0.02)
    try:
        group.rmdir()
    except OSError:
        pass
