"""Removing a folder tree the grader made (scratch, an unpacked archive) without ever raising.

Student code and student archives decide what such a tree holds: 3,000 nested folders, files without
write permission, links. `remove_tree` works iteratively (no recursion limit), never follows a link
(links are removed as entries), makes read-only folders writable to empty them, and gives up quietly on
what it cannot remove, returning how many entries are left so a caller can log it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def remove_tree(path: Path | str) -> int:
    """Remove `path` and everything under it; returns the number of entries that could not be removed."""
    path = os.fspath(path)
    try:
        info = os.lstat(path)
    except OSError:
        return 0
    if not stat.S_ISDIR(info.st_mode):
        return _unlink(path, None)
    parent, name = os.path.split(os.path.abspath(path))
    try:
        parent_fd = os.open(parent, _DIRECTORY)
    except OSError:
        return 1
    try:
        return _remove_directory(parent_fd, name)
    finally:
        os.close(parent_fd)


def _unlink(name: str, dir_fd: int | None) -> int:
    try:
        os.unlink(name, dir_fd=dir_fd)
        return 0
    except FileNotFoundError:
        return 0
    except OSError:
        return 1


def _open_child(parent_fd: int, name: str) -> int | None:
    """The folder `name` under `parent_fd`, made searchable and writable first if it was not."""
    for attempt in range(2):
        try:
            return os.open(name, _DIRECTORY, dir_fd=parent_fd)
        except PermissionError:
            if attempt:
                return None
            try:
                os.chmod(name, 0o700, dir_fd=parent_fd, follow_symlinks=False)
            except OSError:
                return None
        except OSError:
            return None
    return None


def _remove_directory(parent_fd: int, name: str) -> int:
    """Empty and remove the folder `name` under `parent_fd`, depth first, with an explicit stack
    (each folder is listed once: its files unlinked at once, its subfolders kept to visit)."""
    first = _open_child(parent_fd, name)
    if first is None:
        return 1
    left = 0
    stack: list[tuple[int, str, list[str]]] = []
    fd, own_name = first, name
    while True:
        files, subfolders = _listing(fd)
        left += sum(_unlink(child, fd) for child in files)
        stack.append((fd, own_name, subfolders))
        while stack:
            fd, own_name, subfolders = stack[-1]
            child_fd = None
            while subfolders and child_fd is None:
                child = subfolders.pop()
                child_fd = _open_child(fd, child)
                left += child_fd is None
            if child_fd is not None:
                fd, own_name = child_fd, child
                break
            stack.pop()
            os.close(fd)
            try:
                os.rmdir(own_name, dir_fd=stack[-1][0] if stack else parent_fd)
            except FileNotFoundError:
                pass
            except OSError:
                left += 1
        else:
            return left


def _listing(fd: int) -> tuple[list[str], list[str]]:
    """(files and links, subfolders) of the folder open as `fd`, made writable first so it can be emptied."""
    try:
        os.fchmod(fd, 0o700)
    except OSError:
        pass
    try:
        with os.scandir(fd) as entries:
            listed = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
    except OSError:
        return [], []
    return [child for child, is_dir in listed if not is_dir], [child for child, is_dir in listed if is_dir]
