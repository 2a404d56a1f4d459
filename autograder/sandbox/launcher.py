"""The sandbox: one warm template started under the plan's layers, its scratch, and requests to it.

`Sandbox.start` probes the machine (once per process), resolves the level, makes the plan
(`plan.plan_for`), caps scratch and makes the cgroups the plan asks for (dropping from the plan what
could not be set up), then starts the template: inside bubblewrap at `strict`, else directly, in both
cases after `views.child_setup` has given it its own session, view, cgroups and uid. The template
imports torch in the background; `spawn`, `kill` and `reap` are passed to it over a control socket.
"""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from autograder import isolation
from autograder.catalog import KIT_ROOT
from autograder.sandbox import bwrap, views
from autograder.sandbox.cgroups import Cgroups
from autograder.sandbox.plan import Budget, MiB, SandboxError, SandboxPlan, plan_for, resolve_level
from autograder.sandbox.scratch import Scratch, Workspace
from autograder.worker import protocol
from autograder.worker.protocol import Confinement, ExitStatus, Job, TemplateReply, TemplateRequest


@dataclass
class Isolation:
    """What was in force: the level and the layers, for the result JSON."""

    level: str
    layers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"level": self.level, "layers": list(self.layers), "notes": list(self.notes)}


@functools.lru_cache(maxsize=1)
def machine() -> isolation.Capabilities:
    """What this machine offers (probed once per process)."""
    return isolation.detect()


class Sandbox:
    """One warm template and the scratch directory its workers live in."""

    def __init__(
        self,
        level: str = "auto",
        scratch_parent: str | None = None,
        memory_bytes: int = 5632 * MiB,
        pids: int = 96,
        tmp_bytes: int = 256 * MiB,
        scratch_bytes: int = 1024 * MiB,
    ) -> None:
        self.requested = level
        self.budget = Budget(memory_bytes, pids, tmp_bytes, scratch_bytes)
        self._scratch = Scratch(scratch_parent)
        self.scratch = self._scratch.root
        self.plan: SandboxPlan | None = None
        self.level = "minimal"
        self.isolation = Isolation("minimal")
        self._cgroups: Cgroups | None = None
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._start_error: str | None = None
        self.import_s: float | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> Sandbox:
        """Launch the template; returns at once (it imports torch in the background). On failure, everything
        made so far (scratch, cgroups) is removed before SandboxError is raised."""
        try:
            return self._start()
        except BaseException:
            self.close()
            raise

    def _start(self) -> Sandbox:
        caps = machine()
        self.level = resolve_level(self.requested, caps)
        plan = plan_for(caps, self.level, self.budget)
        if plan.scratch_bytes is not None and not self._scratch.cap(plan.scratch_bytes):
            plan = plan.without(scratch_bytes=None)
        self._cgroups = Cgroups(caps.cgroups, f"autograder-{os.getpid()}-{id(self) & 0xFFFF:x}")
        wanted = {
            name: value
            for name, value in (("memory", plan.cgroup_memory), ("pids", plan.cgroup_pids))
            if value is not None
        }
        made = self._cgroups.create(wanted)
        plan = plan.without(**{f"cgroup_{name}": None for name in wanted if name not in made})
        self.plan = plan
        view = views.template_view(plan, self.scratch)
        template = [sys.executable, "-m", "autograder.worker.template"]
        if plan.bubblewrap:
            if caps.bwrap is None:
                raise SandboxError(
                    "the plan needs bubblewrap, but no bwrap was found (run `autograder doctor`)"
                )
            template = bwrap.command(caps.bwrap, plan, view, self.scratch, template)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        settings = protocol.to_bytes(plan.template_settings(self.scratch)).decode()
        setup = views.child_setup(
            view, self._cgroups.procs_files(), plan.uid if plan.uid_in_template else None
        )
        try:
            self._process = subprocess.Popen(
                template + [str(theirs.fileno()), settings],
                pass_fds=(theirs.fileno(),),
                cwd=self.scratch,
                env=self._template_env(),
                stdin=subprocess.DEVNULL,
                preexec_fn=setup,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise SandboxError(
                f"could not start the worker template ({exc}); run `autograder doctor`"
            ) from exc
        finally:
            theirs.close()
        self._control = ours
        self.isolation = Isolation(self.level, plan.layers(), list(plan.notes))
        threading.Thread(target=self._await_ready, daemon=True).start()
        return self

    def _template_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "CUDA_VISIBLE_DEVICES")}
        env["PYTHONPATH"] = str(KIT_ROOT)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONNOUSERSITE"] = "1"
        env["HOME"] = str(self.scratch)
        return env

    def _await_ready(self) -> None:
        try:
            message = self._socket().recv(1 << 16)
            if not message:
                raise SandboxError("the worker template exited while starting (run `autograder doctor`)")
            greeting: protocol.TemplateGreeting = protocol.from_bytes(message)
            if not greeting.get("ready"):
                raise SandboxError(f"the worker template could not start: {greeting.get('error')}")
            self.import_s = greeting.get("import_s")
        except (OSError, ValueError, SandboxError) as exc:
            self._start_error = str(exc)
        self._ready.set()

    def wait_ready(self, timeout: float = 300.0) -> None:
        """Block until the template has imported torch; SandboxError if it failed."""
        if not self._ready.wait(timeout):
            raise SandboxError(f"the worker template did not start within {timeout:.0f} s")
        if self._start_error:
            raise SandboxError(self._start_error)

    @property
    def template_pid(self) -> int | None:
        """The pid (in the grader's view) of the process the template runs in, or under (bubblewrap)."""
        return self._process.pid if self._process is not None else None

    def close(self) -> None:
        """Stop the template (its workers die with it), its cgroups, and remove scratch. Never raises for
        what student code left behind."""
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
        if self._cgroups is not None:
            self._cgroups.close()
        self._scratch.close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ workspaces and jobs

    @property
    def pid_namespaces(self) -> bool:
        return self.plan is not None and self.plan.worker_namespaces

    def new_workspace(self, label: str) -> Workspace:
        """Fresh scratch folders; only `work` is writable by the sandbox uid."""
        return self._scratch.new_workspace(label, self.plan.uid if self.plan is not None else None)

    def release_workspace(self, space: Workspace) -> None:
        """Remove a workspace, whatever its worker wrote in it (never raises)."""
        self._scratch.release(space)

    def confinement(self, space: Workspace) -> Confinement:
        """The layers a worker applies to itself for this workspace (part of its job)."""
        if self.plan is None:
            raise SandboxError("the sandbox was not started")
        return self.plan.confinement(space.submission, space.data, space.work)

    def job_for(self, space: Workspace) -> Job:
        """The sandbox's part of a worker's job: where it lives and how it is confined."""
        return {
            "workspace": str(space.root),
            "workdir": str(space.work),
            "pid_namespace": self.pid_namespaces,
            "confine": self.confinement(space),
        }

    # ------------------------------------------------------------ requests

    def _socket(self) -> socket.socket:
        if self._control is None:
            raise SandboxError("the worker template is not running")
        return self._control

    def _request(self, message: TemplateRequest, fds: Sequence[int] = ()) -> TemplateReply:
        self.wait_ready()
        with self._lock:
            try:
                control = self._socket()
                socket.send_fds(control, [protocol.to_bytes(message)], list(fds))
                data = control.recv(1 << 16)
            except OSError as exc:
                raise SandboxError(f"lost contact with the worker template: {exc}") from exc
        if not data:
            raise SandboxError("the worker template exited unexpectedly")
        reply: TemplateReply = protocol.from_bytes(data)
        if not reply.get("ok"):
            raise SandboxError(f"the worker template refused {message.get('op')}: {reply.get('error')}")
        return reply

    def spawn(self, job: Job, fds: list[int]) -> int:
        """Fork a worker for `job` with its three pipe ends; returns its pid (in the template's view)."""
        return self._request(protocol.spawn(job), fds)["pid"]

    def kill(self, worker_id: str) -> None:
        """Kill a worker and everything it started."""
        self._request(protocol.kill(worker_id))

    def reap(self, worker_id: str, timeout: float) -> ExitStatus | None:
        """The worker's exit status (`{"exit": n}` or `{"signal": n}`), or None if still running."""
        return self._request(protocol.reap(worker_id, timeout))["status"]
