"""Each worker's fresh view, made by its standby: nothing one worker leaves behind reaches the next.

Before the job is known (so it costs the grader nothing), the standby enters new mount and IPC
namespaces and mounts an empty, size-capped tmpfs on /tmp and /dev/shm: System V objects, POSIX
queues and files a worker creates there die with it. When the job arrives, scratch is narrowed to that
job's workspace: an empty tmpfs covers the scratch folder and only the workspace is bound back, so a
worker never sees another's folders (a runner's copy of the reference, an earlier student's work).
The standby needs CAP_SYS_ADMIN in its user namespace: root, or inside bubblewrap's namespace.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from autograder.worker import mounts
from autograder.worker.protocol import FreshView

_PATH_FLAGS = os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC
SCRATCH_COVER_BYTES = 64 * 1024


@dataclass
class Prepared:
    """A standby's fresh namespaces: a handle on the real scratch folder, or why they could not be made."""

    scratch: str
    scratch_fd: int | None = None
    problem: str | None = None


def prepare(view: FreshView) -> Prepared:
    """New mount and IPC namespaces with an empty /tmp and /dev/shm; never raises (the problem is kept and
    reported, failing closed, when the job arrives)."""
    prepared = Prepared(view["scratch"])
    kept: dict[str, int] = {}
    try:
        mounts.private_namespaces(mounts.CLONE_NEWIPC)
        prepared.scratch_fd = os.open(view["scratch"], _PATH_FLAGS)  # after: a mount of the new namespace
        kept = {folder: os.open(folder, _PATH_FLAGS) for folder in view["keep"]}
        for target in ("/tmp", "/dev/shm"):
            mounts.mount_tmpfs(target, view["tmp_bytes"], 0o1777)
        # Recursive binds: the masks on the kit's secrets come along, and each keeps its source's flags
        # (read-only under bubblewrap; outside it the kit is root's and Landlock bars writes anyway).
        for folder, fd in kept.items():
            os.makedirs(folder, exist_ok=True)
            mounts.bind(f"/proc/self/fd/{fd}", folder)
    except OSError as exc:
        prepared.problem = f"fresh namespaces: {exc}"
    finally:
        for fd in kept.values():
            os.close(fd)
    return prepared


def enter(prepared: Prepared, workspace: str) -> list[str]:
    """Narrow scratch to `workspace` (a folder directly inside it); the layers now in force."""
    if prepared.problem is not None or prepared.scratch_fd is None:
        raise OSError(prepared.problem or "fresh namespaces were not prepared")
    name = os.path.relpath(workspace, prepared.scratch)
    if os.sep in name or name in (".", ".."):
        raise OSError(f"the workspace {workspace} is not a folder of scratch {prepared.scratch}")
    own = os.open(name, _PATH_FLAGS | os.O_NOFOLLOW, dir_fd=prepared.scratch_fd)
    try:
        os.makedirs(prepared.scratch, exist_ok=True)
        mounts.mount_tmpfs(prepared.scratch, SCRATCH_COVER_BYTES, 0o755)
        os.mkdir(workspace, 0o755)
        mounts.bind(f"/proc/self/fd/{own}", workspace)
    finally:
        os.close(own)
        os.close(prepared.scratch_fd)
        prepared.scratch_fd = None
    return [
        "ipc-namespace-per-worker",
        "mount-namespace-per-worker",
        "private-tmp-per-worker",
        "own-workspace-only",
    ]
