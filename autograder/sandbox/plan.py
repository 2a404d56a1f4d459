"""The sandbox plan: which layers are in force, decided once from what the machine offers.

`plan_for(capabilities, level)` is the only place that decides. Everything else is derived from the
plan, never the reverse: the layer names in the result (`layers`), the template's settings
(`template_settings`), each worker's confinement (`confinement`), and the launcher's choices
(bubblewrap or not, where the uid is dropped, what is staged or masked).
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder import isolation
from autograder.errors import KitError
from autograder.sandbox import paths
from autograder.worker.protocol import Confinement, FreshView, LandlockRules, TemplateSettings

MiB = 1024 * 1024


class SandboxError(KitError):
    """The sandbox could not be started or stopped working; the grader cannot go on."""


@dataclass(frozen=True)
class Budget:
    """Sizes the plan uses: the template's cgroup limits, each worker's /tmp and /dev/shm, and scratch."""

    memory_bytes: int = 5632 * MiB
    pids: int = 96
    tmp_bytes: int = 256 * MiB
    scratch_bytes: int = 1024 * MiB


@dataclass(frozen=True)
class SandboxPlan:
    """One boolean (or size) per layer; see README "Isolation" for what each defends."""

    level: str
    bubblewrap: bool  # the template runs in bubblewrap: user, pid, net, ipc, uts namespaces, read-only view
    uid: int | None  # the uid student code runs as; None: the grader's own
    uid_in_template: (
        bool  # dropped before bubblewrap starts (the whole template runs as `uid`), else per worker
    )
    stage_interpreter: bool  # bind the interpreter where `uid` can reach it (a private mount namespace)
    drop_caps: bool  # no_new_privs and no capabilities
    seccomp: bool
    landlock_abi: int  # 0: no Landlock
    worker_namespaces: bool  # each worker: own PID, mount and IPC namespaces, fresh /tmp, own workspace only
    private_template_view: bool  # without bubblewrap: the template's own mount namespace (secrets masked)
    scratch_bytes: int | None  # scratch on a tmpfs of this size; None: on the disk, uncapped
    tmp_bytes: int
    cgroup_memory: int | None
    cgroup_pids: int | None
    notes: tuple[str, ...] = ()

    def layers(self) -> list[str]:
        """The names the result's `isolation.layers` lists, in a stable order."""
        layers = ["rlimits", "process-tree-kill", "scrubbed-env", "copied-submission"]
        if self.uid is not None:
            layers.append(f"uid-{self.uid}")
        if self.drop_caps:
            layers.append("no-capabilities")
        if self.seccomp:
            layers.append("seccomp")
        if self.landlock_abi >= 1:
            layers.append(f"landlock-abi{self.landlock_abi}")
        if self.worker_namespaces:
            layers += [
                "pid-namespace-per-worker",
                "ipc-namespace-per-worker",
                "mount-namespace-per-worker",
                "private-tmp-per-worker",
                "own-workspace-only",
            ]
        if self.bubblewrap:
            layers += [
                "bubblewrap",
                "user-namespace",
                "network-namespace",
                "pid-namespace",
                "ipc-namespace",
                "read-only-filesystem-view",
                "private-tmp",
            ]
        if self.private_template_view:
            layers.append("secrets-masked")
        if self.scratch_bytes is not None:
            layers.append("size-capped-scratch")
        if self.cgroup_memory is not None:
            layers.append("cgroup-memory")
        if self.cgroup_pids is not None:
            layers.append("cgroup-pids")
        return layers

    def template_settings(self, scratch: Path) -> TemplateSettings:
        """How the template runs its standbys: seccomp, a PID namespace each, fresh namespaces each."""
        fresh: FreshView | None = (
            {"tmp_bytes": self.tmp_bytes, "scratch": str(scratch), "keep": paths.under_private_tmp()}
            if self.worker_namespaces
            else None
        )
        return {"seccomp": self.seccomp, "pid_namespace": self.worker_namespaces, "fresh": fresh}

    def confinement(self, submission: Path, data: Path, work: Path) -> Confinement:
        """The layers a worker applies to itself, for one workspace."""
        landlock: LandlockRules | None = None
        if self.landlock_abi >= 1:
            write = [str(work), "/dev/null", *paths.gpu_device_nodes()]
            if self.worker_namespaces:
                write += ["/tmp", "/dev/shm"]  # the worker's own, fresh and size-capped
            landlock = {"read": [*paths.landlock_reads(), str(submission), str(data)], "write": write}
        return {
            "uid": None if self.uid_in_template else self.uid,
            "landlock": landlock,
            "drop_caps": self.drop_caps,
            "seccomp": self.seccomp,
        }

    def without(self, **layers: None) -> SandboxPlan:
        """The plan less layers that could not be set up after all (a cgroup, the scratch tmpfs), noted."""
        notes = [f"{name.replace('_', ' ')} could not be set up here" for name in layers]
        # Which fields are cleared is only known at run time, so the keyword arguments are typed loosely.
        cleared: dict[str, Any] = dict(layers)
        return dataclasses.replace(self, notes=self.notes + tuple(notes), **cleared)


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
        raise SandboxError(
            f"--isolation {requested} refused: this machine lacks {', '.join(missing)} "
            f"(run `autograder doctor` for how to add it)"
        )
    return requested


def plan_for(caps: isolation.Capabilities, level: str, budget: Budget = Budget()) -> SandboxPlan:
    """The plan for `level` (already resolved) on a machine with `caps`."""
    confined = level in ("strict", "reduced")
    bubblewrap = level == "strict"
    can_mount = caps.root and caps.namespaces  # root with CAP_SYS_ADMIN in the initial namespaces
    worker_namespaces = bubblewrap or can_mount
    notes = []
    uid, stage = None, False
    if caps.root and (caps.python_readable or can_mount):
        uid, stage = caps.sandbox_uid, not caps.python_readable
    elif caps.root:
        notes.append(
            f"student code runs as root without capabilities: uid {caps.sandbox_uid} cannot read this "
            f"Python ({sys.base_prefix}) and this grader may not mount; make it readable"
        )
    if not worker_namespaces:
        notes.append(
            "workers share /tmp, /dev/shm and IPC namespaces with the grader's other workers "
            "(fresh ones need root or bubblewrap)"
        )
    scratch = budget.scratch_bytes if can_mount else None
    if scratch is None:
        notes.append("scratch is not size-capped (a tmpfs needs root); each file is capped by RLIMIT_FSIZE")
    return SandboxPlan(
        level=level,
        bubblewrap=bubblewrap,
        uid=uid,
        uid_in_template=bubblewrap and uid is not None,
        stage_interpreter=stage,
        drop_caps=confined or caps.root,
        seccomp=confined,
        landlock_abi=caps.landlock_abi if confined else 0,
        worker_namespaces=worker_namespaces,
        private_template_view=can_mount and not bubblewrap,
        scratch_bytes=scratch,
        tmp_bytes=budget.tmp_bytes,
        cgroup_memory=budget.memory_bytes if caps.cgroups.controls("memory") else None,
        cgroup_pids=budget.pids if caps.cgroups.controls("pids") else None,
        notes=tuple(notes),
    )
