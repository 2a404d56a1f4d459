"""Reading a student's folder without following links: what it holds, listed within caps.

Everything here works relative to directory descriptors: a folder is opened with `O_NOFOLLOW`
(so a link in its place is an error, never followed), its entries are examined with `lstat`
semantics, and a file is opened beneath its folder with `O_NOFOLLOW | O_NONBLOCK` and checked to
be a regular file after opening (a link or a FIFO swapped in meanwhile is refused, never followed
and never waited on). Callers decide what a link or a special file means (refused, or hashed as a
name); this module only reports them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass

from autograder.i18n import Text

DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
CHUNK = 1 << 20


@dataclass(frozen=True)
class TreeCaps:
    """How much of a folder is examined before it is refused: entries (files, folders, links) and depth."""

    max_entries: int = 10_000
    max_depth: int = 16


@dataclass(frozen=True)
class Node:
    """One entry under the root: its path components, its kind, and (for files) its size in bytes."""

    parts: tuple[str, ...]
    kind: str  # "dir", "file", "link" or "other" (FIFO, socket, device)
    size: int = 0

    def shown(self, label: str) -> str:
        """The entry as a student reads it: `label/inner/name` (undecodable bytes shown as \\xNN)."""
        text = "/".join((label, *self.parts))
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class TreeProblem(Exception):
    """The folder cannot be taken as it is; `text` says why in both languages, naming the entry."""

    def __init__(self, text: Text) -> None:
        self.text = text
        super().__init__(text.en)


def unreadable(where: str, error: OSError) -> TreeProblem:
    reason = error.strerror or type(error).__name__
    return TreeProblem(
        Text(
            f"the grader cannot read {where} ({reason}); the submission must be readable by every user "
            f"(an instructor can run chmod -R a+rX on it)",
            f"评分程序无法读取 {where}（{reason}）；"
            f"提交的文件必须对所有用户可读（老师可对其运行 chmod -R a+rX）",
        )
    )


def open_folder(path: os.PathLike | str, label: str) -> int:
    """A descriptor for the folder at `path` itself, refusing a link in its place."""
    try:
        return os.open(path, DIRECTORY_FLAGS)
    except OSError as error:
        if os.path.islink(path):
            raise link_refused(label) from None
        raise unreadable(label, error) from None


def link_refused(where: str) -> TreeProblem:
    return TreeProblem(
        Text(
            f"{where} is a link (symlink); links are not graded: hand in the file or folder itself",
            f"{where} 是一个链接（符号链接）；链接不会被评分：请提交文件或文件夹本身",
        )
    )


def special_refused(where: str) -> TreeProblem:
    return TreeProblem(
        Text(
            f"{where} is not a regular file or folder (a pipe, socket or device); remove it",
            f"{where} 不是普通文件或文件夹（是管道、套接字或设备）；请删除它",
        )
    )


def open_beneath(root_fd: int, parts: tuple[str, ...], directory: bool = False) -> int:
    """Open `parts` under `root_fd`, one component at a time, never following a link; a file must be
    a regular file once opened (OSError otherwise)."""
    fd = os.dup(root_fd)
    try:
        for index, name in enumerate(parts):
            last = index == len(parts) - 1
            flags = FILE_FLAGS if last and not directory else DIRECTORY_FLAGS
            child = os.open(name, flags, dir_fd=fd)
            os.close(fd)
            fd = child
        if not directory and not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{'/'.join(parts)} is not a regular file")
        if not directory:
            os.set_blocking(fd, True)
        return fd
    except BaseException:
        os.close(fd)
        raise


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    return "link" if stat.S_ISLNK(mode) else "other"


def walk(root_fd: int, caps: TreeCaps, label: str) -> list[Node]:
    """Every entry under `root_fd`, sorted by path, links and special files reported (not followed).

    TreeProblem past `caps` (more entries, or folders nested deeper) or when a folder cannot be read;
    the listing stops there, so a million-entry folder costs no more than the cap."""
    nodes: list[Node] = []
    pending: list[tuple[str, ...]] = [()]
    while pending:
        parts = pending.pop()
        where = Node(parts, "dir").shown(label)
        try:
            fd = open_beneath(root_fd, parts, directory=True)
        except OSError as error:
            raise unreadable(where, error) from None
        try:
            found = _list(fd, parts, caps.max_entries - len(nodes), caps.max_entries, label)
        except OSError as error:
            raise unreadable(where, error) from None
        finally:
            os.close(fd)
        for node in found:
            if node.kind == "dir":
                if len(node.parts) > caps.max_depth:
                    raise TreeProblem(
                        Text(
                            f"{node.shown(label)} is nested more than {caps.max_depth} folders deep; "
                            f"the grader reads at most {caps.max_depth} levels",
                            f"{node.shown(label)} 嵌套超过 {caps.max_depth} 层文件夹；"
                            f"评分程序最多读取 {caps.max_depth} 层",
                        )
                    )
                pending.append(node.parts)
        nodes.extend(found)
    return sorted(nodes, key=lambda node: node.parts)


def _list(fd: int, parts: tuple[str, ...], room: int, cap: int, label: str) -> list[Node]:
    found: list[Node] = []
    with os.scandir(fd) as entries:
        for entry in entries:
            if len(found) >= room:
                raise TreeProblem(
                    Text(
                        f"{label} holds more than {cap} files and folders, the most the grader reads; "
                        f"remove data sets, environments and caches from it",
                        f"{label} 中的文件和文件夹超过 {cap} 个，超出评分程序的读取上限；"
                        f"请删除其中的数据集、虚拟环境和缓存",
                    )
                )
            info = entry.stat(follow_symlinks=False)
            found.append(Node((*parts, entry.name), _kind(info.st_mode), info.st_size))
    return found


def read_chunks(root_fd: int, parts: tuple[str, ...], limit: int) -> Iterator[bytes]:
    """The file's bytes in chunks, at most `limit` of them; OSError if it is not a regular file."""
    fd = open_beneath(root_fd, parts)
    try:
        left = limit
        while left > 0:
            chunk = os.read(fd, min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
    finally:
        os.close(fd)
