"""Removing a folder tree the grader made or a worker wrote into (scratch, an unpacked archive), never
raising.

Student code decides what such a tree holds: 3,000 nested folders, folders without read, write or
search permission, links, FIFOs, paths far longer than PATH_MAX. `remove_tree` walks it iteratively
with a single open folder at a time (no recursion limit, no file-descriptor limit, no path length
limit: every call is relative to a folder descriptor), climbs back through `..` only after checking it
is the folder it came from, never follows a link (a link is removed as an entry), never crosses into
another filesystem (a mount point is left alone), makes folders writable to empty them, and gives up
quietly on what it cannot remove, returning how many entries are left. One mount it does take down:
a sandbox's scratch tmpfs (`autograder-<pid>-...`) left inside the tree by a grader process that was
killed (a batch slot, say), so that such a tree can still be removed whole.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from autograder.worker import mounts

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
SCRATCH_NAME = re.compile(r"autograder-(\d+)-[^/]+$")  # a sandbox's scratch: autograder-<grader pid>-...


@dataclass
class _Level:
    """A folder on the way down: its identity, its name in its parent, the subfolders still to visit."""

    identity: tuple[int, int]
    name: str
    pending: list[str] = field(default_factory=list)


def remove_tree(path: Path | str) -> int:
    """Remove `path` and everything under it; the number of entries that could not be removed (0: all gone).
    A missing `path` is already removed; a file or a link at `path` is unlinked (a link's target is kept)."""
    path = os.fspath(path)
    release_abandoned_scratch(path)
    try:
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode):
            os.unlink(path)
            return 0
        fd = os.open(path, _DIRECTORY)
    except FileNotFoundError:
        return 0
    except (OSError, ValueError):
        return 1
    left = _empty(fd, info)
    try:
        os.rmdir(path)
    except FileNotFoundError:
        pass
    except OSError:
        left += 1
    return left


def _empty(fd: int, top: os.stat_result) -> int:
    """Remove everything inside the folder open as `fd` (which this closes), depth first."""
    left, files, folders = _listing(fd)
    left += _unlink_all(fd, files)
    stack = [_Level((top.st_dev, top.st_ino), "", folders)]
    try:
        while stack:
            level = stack[-1]
            if level.pending:
                name = level.pending.pop()
                child = _open_child(fd, name, top.st_dev)
                if child is None:
                    left += 1
                    continue
                info = os.fstat(child)
                os.close(fd)
                fd = child
                missed, files, folders = _listing(fd)
                left += missed + _unlink_all(fd, files)
                stack.append(_Level((info.st_dev, info.st_ino), name, folders))
                continue
            stack.pop()
            if not stack:
                return left
            parent = os.open("..", _DIRECTORY, dir_fd=fd)
            info = os.fstat(parent)
            os.close(fd)
            fd = parent
            if (info.st_dev, info.st_ino) != stack[-1].identity:
                return left + 1  # the tree moved under us: stop rather than remove the wrong thing
            left += _rmdir(fd, level.name)
        return left
    except OSError:
        return left + 1
    finally:
        os.close(fd)


def _listing(fd: int) -> tuple[int, list[str], list[str]]:
    """(1 if it could not be listed, files and links, subfolders) of the folder open as `fd`, which is made
    writable and searchable first so that it can be emptied."""
    try:
        os.fchmod(fd, 0o700)
    except OSError:
        pass
    try:
        with os.scandir(fd) as entries:
            listed = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
    except OSError:
        return 1, [], []
    return 0, [name for name, is_dir in listed if not is_dir], [name for name, is_dir in listed if is_dir]


def _unlink_all(fd: int, names: list[str]) -> int:
    left = 0
    for name in names:
        try:
            os.unlink(name, dir_fd=fd)
        except FileNotFoundError:
            pass
        except OSError:
            left += 1
    return left


def _rmdir(fd: int, name: str) -> int:
    try:
        os.rmdir(name, dir_fd=fd)
    except FileNotFoundError:
        pass
    except OSError:
        return 1
    return 0


def _open_child(fd: int, name: str, device: int) -> int | None:
    """The subfolder `name` of `fd`, opened without following a link, on the same filesystem; made
    readable first if it was not; None when it cannot be opened."""
    for attempt in range(2):
        try:
            child = os.open(name, _DIRECTORY, dir_fd=fd)
        except PermissionError:
            if attempt:
                return None
            try:
                os.chmod(name, 0o700, dir_fd=fd, follow_symlinks=False)
            except (OSError, ValueError, NotImplementedError):
                return None
            continue
        except OSError:
            return None
        if os.fstat(child).st_dev != device:
            os.close(child)
            return None
        return child
    return None


def release_abandoned_scratch(under: str) -> list[str]:
    """Unmount the scratch tmpfs mounted at or below `under` by grader processes that are gone; their paths.
    Nothing happens for other mounts, for a live grader's scratch, or when this process may not unmount."""
    top = os.path.abspath(under)
    try:
        points = mounts.mount_points()
    except OSError:
        return []
    released = []
    for point in reversed(points):
        match = SCRATCH_NAME.search(point)
        inside = point == top or point.startswith(top.rstrip("/") + "/")
        if match is None or not inside or _alive(int(match.group(1))):
            continue
        try:
            mounts.unmount(point)
        except OSError:
            continue
        released.append(point)
    return released


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
