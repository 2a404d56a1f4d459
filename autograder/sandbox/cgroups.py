"""A memory and a pids cgroup for one template, where this machine lets the grader make them.

One template runs one worker at a time, so the group's limits are that worker's limits plus the
template's own (about 1 GiB and a handful of tasks). Groups are named `autograder-<grader pid>-<n>`;
groups left by a grader that died are emptied and removed by the next one.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

from autograder.isolation import CgroupSupport

LIMIT_FILES = {
    ("memory", 1): "memory.limit_in_bytes",
    ("memory", 2): "memory.max",
    ("pids", 1): "pids.max",
    ("pids", 2): "pids.max",
}


class Cgroups:
    """The groups one template joins (before exec) and the grader removes when it closes."""

    def __init__(self, support: CgroupSupport, name: str) -> None:
        self.support = support
        self.name = name
        self.groups: dict[str, Path] = {}

    def create(self, limits: dict[str, int]) -> set[str]:
        """One group per controller in `limits` (controller -> limit) that this machine offers; those made."""
        for controller, value in limits.items():
            if controller in self.support.v1:
                parent, version = self.support.v1[controller], 1
            elif controller in self.support.v2_controllers and self.support.v2 is not None:
                parent, version = self.support.v2, 2
            else:
                continue
            remove_stale_groups(parent)
            group = parent / self.name
            try:
                group.mkdir(exist_ok=True)
                (group / LIMIT_FILES[(controller, version)]).write_text(str(value))
            except OSError:
                continue
            self.groups[controller] = group
        return set(self.groups)

    def procs_files(self) -> list[Path]:
        """The files the template writes its pid to, to join the groups."""
        return [group / "cgroup.procs" for group in self.groups.values()]

    def close(self) -> None:
        for group in self.groups.values():
            empty_and_remove(group)
        self.groups = {}


def remove_stale_groups(parent: Path) -> None:
    """Remove groups left by graders that died (named autograder-<pid>-..., with that pid gone)."""
    for group in parent.glob("autograder-*-*"):
        try:
            owner = int(group.name.split("-")[1])
            os.kill(owner, 0)
        except ProcessLookupError:
            empty_and_remove(group)
        except (ValueError, PermissionError, OSError):
            continue


def empty_and_remove(group: Path) -> None:
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
