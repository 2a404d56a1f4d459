"""The template's own view of the filesystem, set up as root just before it starts (`preexec_fn`).

Under bubblewrap, bubblewrap builds the view; when the sandbox uid cannot reach the interpreter, its
folders are first bound (*staged*) inside scratch, in a private mount namespace, where bubblewrap can
bind them back at their own paths. Without bubblewrap, a root grader still gives the template a private
mount namespace: folders that bar the sandbox uid from the interpreter (a Python under /root, say) are
covered by an empty tmpfs with only the interpreter bound back, read-only; the hidden checks and the
solutions are covered by an empty read-only tmpfs; Ghostscript binaries by /dev/null.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox import paths
from autograder.sandbox.plan import SandboxPlan
from autograder.worker import mounts

COVER_BYTES = 1024 * 1024
_PATH_FLAGS = os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC


@dataclass(frozen=True)
class TemplateView:
    """What to mount, in order, in the template's private mount namespace (nothing when not `private`)."""

    private: bool = False
    stage: tuple[tuple[str, str], ...] = ()  # (source, where it is staged) for bubblewrap to bind
    cover: tuple[str, ...] = ()  # folders the sandbox uid may not pass through: an empty tmpfs on each
    expose: tuple[str, ...] = ()  # interpreter folders under `cover`, bound back read-only
    mask_dirs: tuple[str, ...] = ()  # an empty read-only tmpfs on each
    mask_files: tuple[str, ...] = ()  # /dev/null on each

    def staged(self, source: Path) -> Path:
        """Where bubblewrap reads `source` from."""
        return Path(dict(self.stage).get(str(source), str(source)))


def template_view(plan: SandboxPlan, scratch: Path) -> TemplateView:
    """The view `plan` asks for, with the paths of this machine."""
    sources = paths.python_and_kit()
    if plan.bubblewrap:
        if not plan.stage_interpreter:
            return TemplateView()
        stage = tuple(
            (str(source), str(scratch / ".stage" / str(index))) for index, source in enumerate(sources)
        )
        return TemplateView(private=True, stage=stage)
    if not plan.private_template_view:
        return TemplateView()
    cover: list[str] = []
    expose: list[str] = []
    if plan.stage_interpreter and plan.uid is not None:
        for source in sources:
            blocked = paths.blocked_ancestor(source, plan.uid)
            if blocked is not None and not any(str(source).startswith(done + "/") for done in expose):
                expose.append(str(source))
                if not any(str(blocked) == c or str(blocked).startswith(c + "/") for c in cover):
                    cover.append(str(blocked))
    return TemplateView(
        private=True,
        cover=tuple(cover),
        expose=tuple(expose),
        mask_dirs=tuple(str(p) for p in paths.secrets()),
        mask_files=tuple(paths.ghostscript_binaries()),
    )


def child_setup(view: TemplateView, cgroup_procs: list[Path], uid: int | None) -> Callable[[], None]:
    """What runs in the template's process before exec: its own session, the view, its cgroups, the uid.
    Any failure raises, and the launcher reports that the template could not start."""

    def setup() -> None:
        os.setsid()
        if view.private:
            enter(view)
        for procs in cgroup_procs:
            with open(procs, "w") as handle:
                handle.write(str(os.getpid()))
        if uid is not None:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)

    return setup


def enter(view: TemplateView) -> None:
    """Make `view` in a new private mount namespace (as root)."""
    mounts.private_namespaces()
    held = {source: os.open(source, _PATH_FLAGS) for source in view.expose}
    for source, staged in view.stage:
        os.makedirs(staged, exist_ok=True)
        mounts.bind(source, staged)
    for folder in view.cover:
        mounts.mount_tmpfs(folder, COVER_BYTES, 0o755)
    for source, fd in held.items():
        os.makedirs(source, exist_ok=True)
        mounts.bind(f"/proc/self/fd/{fd}", source, read_only=True)
        os.close(fd)
    for folder in view.mask_dirs:
        if os.path.isdir(folder):
            mounts.mount_tmpfs(folder, 4096, 0o755, read_only=True)
    for file in view.mask_files:
        if os.path.exists(file):
            mounts.bind("/dev/null", file, read_only=True)
