"""The sandbox's scratch folder and the per-exercise workspaces in it.

Scratch is a fresh folder under the system's temporary folder, named `autograder-<grader pid>-...`.
Where the grader may mount (root), it is a tmpfs of a fixed size, so that student code cannot fill
the disk or the host's /tmp however many files it writes; scratch mounts left by a grader that died
are removed by the next one. Each workspace holds a read-only copy of the submission, read-only data,
and one folder the sandbox uid may write; removing one never raises (`cleanup.remove_tree`).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.cleanup import release_abandoned_scratch, remove_tree
from autograder.worker import mounts

PREFIX = "autograder-"


@dataclass(frozen=True)
class Workspace:
    """One exercise's scratch folders: a read-only copy of the submission, read-only data, a writable work
    dir."""

    root: Path
    submission: Path
    data: Path
    work: Path


class Scratch:
    """A scratch folder, size-capped once `cap` succeeds, and the workspaces made in it."""

    def __init__(self, parent: str | None = None) -> None:
        self.parent = parent or tempfile.gettempdir()
        self.root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=self.parent))
        os.chmod(self.root, 0o711)
        self.capped_bytes: int | None = None
        self._count = 0

    def cap(self, size_bytes: int) -> bool:
        """Put scratch on a tmpfs of `size_bytes` (root only); whether it worked."""
        remove_stale(self.parent)
        try:
            mounts.mount_tmpfs(str(self.root), size_bytes, 0o711)
        except OSError:
            return False
        self.capped_bytes = size_bytes
        return True

    def new_workspace(self, label: str, uid: int | None) -> Workspace:
        """Fresh folders; only `work` is writable, by `uid` when given."""
        self._count += 1
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", label)[:80]
        root = self.root / f"{name}-{self._count}"
        space = Workspace(root, root / "submission", root / "data", root / "work")
        for directory in (space.root, space.submission, space.data, space.work):
            directory.mkdir(mode=0o755)
        if uid is not None:
            os.chown(space.work, uid, uid)
        os.chmod(space.work, 0o700)
        return space

    def release(self, space: Workspace) -> int:
        """Remove a workspace, whatever its worker wrote; the entries left (0 normally). Never raises."""
        return remove_tree(space.root)

    def close(self) -> None:
        """Unmount (when capped) and remove the whole scratch folder. Never raises."""
        if self.capped_bytes is not None:
            try:
                mounts.unmount(str(self.root))
            except OSError:
                pass
            self.capped_bytes = None
        remove_tree(self.root)


def remove_stale(parent: str) -> None:
    """Unmount and remove the scratch tmpfs left under `parent` by graders that died (their pid is gone)."""
    for point in release_abandoned_scratch(parent):
        remove_tree(point)
