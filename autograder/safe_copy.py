"""Copying a student's source files into a worker's scratch: no link followed, never read as root.

A student's folder is hostile input: a link in it (or in place of it) must not make the grader copy
the reference solutions into the sandbox. The copy is done by a forked child that, before opening
anything of the student's, confines its own reads to beneath the folder (Landlock, where the kernel
has it) and drops to the sandbox's unprivileged user when the grader is root; it walks the folder
relative to directory descriptors with `O_NOFOLLOW` (`autograder.tree`), refuses links and special
files at any depth, and streams the matching files back through a pipe. The grader writes them
into scratch, checking every name and the caps again: it trusts the child's code, not its data.

The child starts from a descriptor the grader opened, so the folders above the exercise folder need
not be readable to it; where Landlock confines it, it keeps CAP_DAC_READ_SEARCH and can read a folder
only root may read; without Landlock the folder must be readable by the unprivileged user.
"""

from __future__ import annotations

import fnmatch
import json
import os
import select
import signal
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from autograder import isolation
from autograder.i18n import Text
from autograder.tree import (
    TreeCaps,
    TreeProblem,
    link_refused,
    open_folder,
    read_chunks,
    special_refused,
    unreadable,
    walk,
)
from autograder.worker import confine, landlock

HEADER = struct.Struct("!cI")  # record kind, length of what follows (a path, or a problem as JSON)
SIZE = struct.Struct("!Q")
DEADLINE_S = 120.0


@dataclass(frozen=True)
class CopyCaps:
    """What one exercise folder may hold: files and bytes copied (the worker's `Limits` give them),
    and the walk's own caps."""

    max_files: int
    max_bytes: int
    tree: TreeCaps = field(default_factory=TreeCaps)


def copy_sources(
    folder: Path, target: Path, patterns: tuple[str, ...], caps: CopyCaps, label: str, trusted: bool = False
) -> list[str]:
    """Copy the files under `folder` whose names match `patterns` to the same relative paths under
    `target`; returns those paths ('/'-separated). TreeProblem when the folder is or holds a link or a
    special file, is over `caps`, or cannot be read. A student's folder is read by the confined child;
    the kit's own (`trusted`: the reference a runner holds) is read here, with the same rules."""
    root_fd = open_folder(folder, label)
    try:
        if trusted:
            return _write(target, _sources(root_fd, patterns, caps, label), caps, label)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            _child(root_fd, write_end, patterns, caps, label)
        os.close(write_end)
        try:
            return _write(target, _receive(read_end, caps.max_bytes + 1, label), caps, label)
        finally:
            os.close(read_end)
            _reap(pid)
    finally:
        os.close(root_fd)


def _sources(
    root_fd: int, patterns: tuple[str, ...], caps: CopyCaps, label: str
) -> Iterator[tuple[str, bytes]]:
    """(relative path, contents) of each file to copy, after refusing links, special files and caps."""
    nodes = walk(root_fd, caps.tree, label)
    for node in nodes:
        if node.kind == "link":
            raise link_refused(node.shown(label))
        if node.kind == "other":
            raise special_refused(node.shown(label))
    chosen = [
        node
        for node in nodes
        if node.kind == "file" and any(fnmatch.fnmatchcase(node.parts[-1], p) for p in patterns)
    ]
    _check_caps(len(chosen), sum(node.size for node in chosen), caps, label)
    for node in chosen:
        try:
            data = b"".join(read_chunks(root_fd, node.parts, caps.max_bytes + 1))
        except OSError as error:
            raise unreadable(node.shown(label), error) from None
        yield "/".join(node.parts), data


# ---------------------------------------------------------------- the child (reads)


def _child(root_fd: int, out: int, patterns: tuple[str, ...], caps: CopyCaps, label: str) -> None:
    """Confine, drop, walk, send; never returns."""
    try:
        _confine(root_fd, isolation.sandbox_uid())
        for relative, data in _sources(root_fd, patterns, caps, label):
            path = relative.encode("utf-8", "surrogateescape")
            _write_all(out, HEADER.pack(b"F", len(path)) + path + SIZE.pack(len(data)) + data)
        _write_all(out, HEADER.pack(b"E", 0))
    except TreeProblem as problem:
        _send_problem(out, problem.text)
    except OSError as error:
        _send_problem(
            out,
            Text(
                f"the grader could not read {label} ({error.strerror or error})",
                f"评分程序无法读取 {label}（{error.strerror or error}）",
            ),
        )
    except BaseException:  # noqa: BLE001 - the child must always reach _exit
        pass
    finally:
        os._exit(0)


def _confine(root_fd: int, uid: int | None) -> None:
    """Reads only beneath the folder (Landlock, where the kernel has it), then the unprivileged uid.

    While still root, Landlock is set up from /proc/self/fd. Where it holds, the child keeps one
    capability, CAP_DAC_READ_SEARCH, so that a submission only root may read (a folder under /root, a
    0700 upload) can still be copied: Landlock already keeps every read beneath the folder, and no link
    is followed. Without Landlock the child drops every capability and reads as the unprivileged user."""
    try:
        landlock.apply_landlock([f"/proc/self/fd/{root_fd}"], [])
        confined = True
    except OSError:
        confined = False
    if uid is not None:
        if confined:
            confine.keep_capabilities_across_setuid()
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        if confined:
            confine.raise_capabilities([confine.CAP_DAC_READ_SEARCH])
    confine.die_with_parent()


def _check_caps(files: int, size: int, caps: CopyCaps, label: str) -> None:
    if files > caps.max_files:
        raise TreeProblem(
            Text(
                f"{label} holds {files} source files; the grader copies at most {caps.max_files}",
                f"{label} 中有 {files} 个源文件；评分程序最多复制 {caps.max_files} 个",
            )
        )
    if size > caps.max_bytes:
        mib = caps.max_bytes // 2**20
        raise TreeProblem(
            Text(
                f"the source files in {label} add up to more than {mib} MiB, the most the grader copies",
                f"{label} 中的源文件总计超过 {mib} MiB，超出评分程序的复制上限",
            )
        )


def _send_problem(out: int, text: Text) -> None:
    payload = json.dumps(text.to_dict()).encode()
    _write_all(out, HEADER.pack(b"P", len(payload)) + payload)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


# ---------------------------------------------------------------- the grader (writes)


def _receive(fd: int, largest: int, label: str) -> Iterator[tuple[str, bytes]]:
    """The child's records as (relative path, contents); its problem raised as TreeProblem."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        kind, length = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline, label))
        if kind == b"E":
            return
        if kind == b"P":
            raise TreeProblem(
                Text.from_dict(json.loads(_read_exactly(fd, min(length, 1 << 16), deadline, label)))
            )
        if kind != b"F" or not 0 < length <= 4096:
            raise _lost(label)
        relative = _safe_relative(_read_exactly(fd, length, deadline, label), label)
        (size,) = SIZE.unpack(_read_exactly(fd, SIZE.size, deadline, label))
        if size > largest:
            raise _lost(label)
        yield relative, _read_exactly(fd, size, deadline, label)


def _write(target: Path, files: Iterator[tuple[str, bytes]], caps: CopyCaps, label: str) -> list[str]:
    """Write each file under `target` (folders made as needed), checking the caps again as it goes."""
    copied: list[str] = []
    total = 0
    for relative, data in files:
        total += len(data)
        _check_caps(len(copied) + 1, total, caps, label)
        destination = target.joinpath(*relative.split("/"))
        destination.parent.mkdir(parents=True, exist_ok=True)
        with open(destination, "xb") as sink:
            sink.write(data)
        os.chmod(destination, 0o644)
        copied.append(relative)
    return copied


def _safe_relative(raw: bytes, label: str) -> str:
    """A relative path the child sent, checked: no absolute path, no empty, '.' or '..' component, no NUL."""
    text = raw.decode("utf-8", "surrogateescape")
    parts = text.split("/")
    if "\0" in text or any(part in ("", ".", "..") for part in parts):
        raise _lost(label)
    return text


def _read_exactly(fd: int, count: int, deadline: float, label: str) -> bytes:
    data = bytearray()
    while len(data) < count:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TreeProblem(
                Text(
                    f"reading {label} took longer than {DEADLINE_S:.0f} s",
                    f"读取 {label} 超过了 {DEADLINE_S:.0f} 秒",
                )
            )
        chunk = os.read(fd, count - len(data))
        if not chunk:
            raise _lost(label)
        data += chunk
    return bytes(data)


def _lost(label: str) -> TreeProblem:
    return TreeProblem(
        Text(
            f"the grader could not copy {label} (its copying process stopped)",
            f"评分程序无法复制 {label}（复制进程中途停止）",
        )
    )


def _reap(pid: int) -> None:
    """Kill the child if it is still there (a deadline passed), and wait for it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
