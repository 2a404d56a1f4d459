"""The one audited reader for files a worker wrote (an event file, an exported ONNX model).

Everything under a worker's scratch folder may have been made by student code: a name can be a
link to a secret, a FIFO that blocks the reader, a sparse file of many gigabytes, or one of a
million entries. `read_worker_files` reads such a folder the only way the grader does: each path
component opened relative to the directory above it without following links, only regular files
with a single link read, the entries scanned, files counted and bytes read all capped. It returns
bytes, never parsed data: parsing happens in a sandboxed worker (the `runner` fixture).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.i18n import Text

FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Caps:
    """How much of a worker's folder the grader reads at most."""

    files: int = 16  # names accepted by the caller's filter
    bytes: int = 32 * 1024 * 1024  # in all, over every file read
    entries: int = 4096  # directory entries scanned, whatever their names


@dataclass
class WorkerFiles:
    """The accepted regular files of one folder (name -> content, in name order), and the accepted
    names that were not read, with the reason (a link, a FIFO, a folder, a file with other links)."""

    files: dict[str, bytes] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)


class WorkerFilesProblem(Exception):
    """The folder cannot be read within the rules; `text` says why, in both languages."""

    def __init__(self, text: Text) -> None:
        self.text = text
        super().__init__(text.en)


class FolderMissing(WorkerFilesProblem):
    """The folder does not exist."""


class NotAFolder(WorkerFilesProblem):
    """A path component is a link, a file or anything but a plain folder (or climbs out with '..')."""


class TooMany(WorkerFilesProblem):
    """More accepted files, or more entries, than the caps allow."""


class TooLarge(WorkerFilesProblem):
    """The accepted files hold more bytes than the cap allows."""


def read_worker_files(
    root: Path | str, folder: str = "", accept: Callable[[str], bool] = lambda name: True, caps: Caps = Caps()
) -> WorkerFiles:
    """The regular files directly in `root/folder` whose names `accept` takes, read within `caps`.

    `root` is a folder the grader made (a worker's scratch folder); `folder` is a relative path
    inside it that student code may have made or replaced. Raises a `WorkerFilesProblem` when the
    folder is missing or not a plain folder, or when the caps are exceeded."""
    folder_fd = _open_folder(Path(root), folder)
    try:
        names = _accepted_names(folder_fd, folder, accept, caps)
        found = WorkerFiles()
        total = 0
        for name in names:
            content = _read_regular(folder_fd, name, caps.bytes - total, found)
            if content is None:
                continue
            total += len(content)
            if total > caps.bytes:
                raise TooLarge(
                    Text(
                        f"the files in {folder or 'the working folder'} hold more than "
                        f"{caps.bytes // 2**20} MiB",
                        f"{folder or '工作目录'} 中的文件超过 {caps.bytes // 2**20} MiB",
                    )
                )
            found.files[name] = content
        return found
    finally:
        os.close(folder_fd)


def _open_folder(root: Path, folder: str) -> int:
    """A descriptor of `root/folder`, every component opened without following a link."""
    parts = [part for part in folder.split("/") if part not in ("", ".")]
    if folder.startswith("/") or ".." in parts:
        raise NotAFolder(
            Text(f"{folder} is not a folder inside the working folder", f"{folder} 不是工作目录中的文件夹")
        )
    fd = os.open(root, FOLDER_FLAGS)
    for part in parts:
        try:
            inner = os.open(part, FOLDER_FLAGS, dir_fd=fd)
        except FileNotFoundError:
            os.close(fd)
            raise FolderMissing(
                Text(f"the folder {folder} does not exist", f"文件夹 {folder} 不存在")
            ) from None
        except OSError:
            os.close(fd)
            raise NotAFolder(
                Text(
                    f"{folder} is not a plain folder (a link or a file)",
                    f"{folder} 不是普通文件夹（是链接或文件）",
                )
            ) from None
        os.close(fd)
        fd = inner
    return fd


def _accepted_names(folder_fd: int, folder: str, accept: Callable[[str], bool], caps: Caps) -> list[str]:
    names: list[str] = []
    with os.scandir(folder_fd) as entries:
        for scanned, entry in enumerate(entries, start=1):
            if scanned > caps.entries:
                raise TooMany(
                    Text(
                        f"{folder or 'the working folder'} holds more than {caps.entries} entries",
                        f"{folder or '工作目录'} 中的条目超过 {caps.entries} 个",
                    )
                )
            if accept(entry.name):
                names.append(entry.name)
    if len(names) > caps.files:
        raise TooMany(
            Text(
                f"{folder or 'the working folder'} holds {len(names)} such files; at most "
                f"{caps.files} are read",
                f"{folder or '工作目录'} 中有 {len(names)} 个这样的文件；最多读取 {caps.files} 个",
            )
        )
    return sorted(names)


def _read_regular(folder_fd: int, name: str, budget: int, found: WorkerFiles) -> bytes | None:
    """The content of `name` (at most `budget` + 1 bytes) when it is a regular file with one link; None
    (the reason kept in `found.refused`) otherwise."""
    try:
        fd = os.open(name, FILE_FLAGS, dir_fd=folder_fd)
    except OSError as error:
        try:
            link = stat.S_ISLNK(os.stat(name, dir_fd=folder_fd, follow_symlinks=False).st_mode)
        except OSError:
            link = False
        found.refused[name] = "a link" if link else (error.strerror or "unreadable")
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            found.refused[name] = "not a regular file"
            return None
        if info.st_nlink != 1:
            found.refused[name] = "a file with other hard links"
            return None
        chunks, wanted = [], budget + 1
        while wanted > 0:
            chunk = os.read(fd, min(CHUNK, wanted))
            if not chunk:
                break
            chunks.append(chunk)
            wanted -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
