"""Who is in a class: one student per folder or .zip in SUBMISSIONS, with a file-name-safe key, a
digest of what they handed in (for `--resume`), and the deterministic shards of a class.

Discovery never stops on one student: a link in place of a student's folder, a folder over the caps
(`STUDENT_CAPS`, nested too deep, or a .zip larger than `MAX_ARCHIVE_BYTES`) is a student with a
`problem`, graded as an error row that says why. Two entries that would be one student (`alice/`
beside `alice.zip`) are kept apart, each named by its full entry name, with a warning.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from autograder.errors import KitError
from autograder.i18n import Text
from autograder.tree import (
    Node,
    TreeCaps,
    TreeProblem,
    link_refused,
    open_beneath,
    open_folder,
    read_chunks,
    walk,
)

SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
MAX_KEY = 80  # characters of a key; longer keys end in a hash of the whole name
STUDENT_CAPS = TreeCaps(max_entries=100_000, max_depth=64)
MAX_FILE_HASHED = (
    32 * 1024 * 1024
)  # larger files are digested by size only: the grader never reads them whole
MAX_BYTES_HASHED = 256 * 1024 * 1024  # per student; past it, further files are digested by size only
MAX_ARCHIVE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Student:
    """One submission: its id (as named), a file-name-safe key, where it is, its digest, and the
    problem that makes it ungradable (None when it can be graded)."""

    id: str
    key: str
    path: Path
    sha256: str
    problem: Text | None = None


@dataclass
class Roster:
    """The students found, and what the instructor should know about the folder (skipped entries, clashes)."""

    students: list[Student]
    warnings: list[Text] = field(default_factory=list)


def student_key(name: str) -> str:
    """A short file-name-safe key: safe ASCII kept, other bytes percent-encoded (non-UTF-8 names too);
    past MAX_KEY characters, a prefix and a hash of the whole name."""
    raw = name.encode("utf-8", "surrogateescape")
    tokens = [chr(b) if chr(b) in SAFE else f"%{b:02X}" for b in raw]
    key = "".join(tokens) or "%00"
    if len(key) <= MAX_KEY:
        return key
    prefix, suffix = "", "~" + hashlib.sha256(raw).hexdigest()[:16]
    for token in tokens:
        if len(prefix) + len(token) > MAX_KEY - len(suffix):
            break
        prefix += token
    return prefix + suffix


def display_id(name: str) -> str:
    """The name as text a CSV can hold: undecodable bytes shown as \\xNN."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# ---------------------------------------------------------------- digests


def digest(path: Path, label: str) -> tuple[str, Text | None]:
    """(sha256 of what `path` holds, the problem that makes it ungradable or None).

    A .zip: its bytes. A folder: every entry's path and kind, links' targets (never followed), files'
    sizes, and files' contents streamed in chunks, up to MAX_FILE_HASHED per file and MAX_BYTES_HASHED
    per student (beyond, by size only). Over STUDENT_CAPS, the digest is of the problem itself."""
    try:
        if stat.S_ISREG(os.lstat(path).st_mode):
            return _archive_digest(path, label)
        root_fd = open_folder(path, label)
    except TreeProblem as problem:
        return _problem_digest(problem.text), problem.text
    except OSError as error:
        text = Text(f"{label} cannot be read ({error.strerror})", f"无法读取 {label}（{error.strerror}）")
        return _problem_digest(text), text
    try:
        return _folder_digest(root_fd, label), None
    except TreeProblem as problem:
        return _problem_digest(problem.text), problem.text
    finally:
        os.close(root_fd)


def _problem_digest(text: Text) -> str:
    return hashlib.sha256(b"problem\0" + text.en.encode("utf-8", "surrogatepass")).hexdigest()


def _archive_digest(path: Path, label: str) -> tuple[str, Text | None]:
    size = os.lstat(path).st_size
    if size > MAX_ARCHIVE_BYTES:
        text = Text(
            f"{label}.zip is {size / 2**20:.0f} MiB; the grader takes archives up to "
            f"{MAX_ARCHIVE_BYTES // 2**20} MiB",
            f"{label}.zip 有 {size / 2**20:.0f} MiB；"
            f"评分程序接受的压缩包最大为 {MAX_ARCHIVE_BYTES // 2**20} MiB",
        )
        return _problem_digest(text), text
    hasher = hashlib.sha256()
    parent_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)  # the instructor's folder
    try:
        for chunk in read_chunks(parent_fd, (path.name,), MAX_ARCHIVE_BYTES):
            hasher.update(chunk)
    finally:
        os.close(parent_fd)
    return hasher.hexdigest(), None


def _folder_digest(root_fd: int, label: str) -> str:
    hasher = hashlib.sha256()
    budget = MAX_BYTES_HASHED
    for node in walk(root_fd, STUDENT_CAPS, label):
        name = "/".join(node.parts).encode("utf-8", "surrogateescape")
        hasher.update(node.kind.encode() + b"\0" + name + b"\0")
        if node.kind == "link":
            hasher.update(_link_target(root_fd, node))
        elif node.kind == "file":
            hasher.update(node.size.to_bytes(8, "big"))
            if node.size <= min(MAX_FILE_HASHED, budget):
                budget -= node.size
                content = hashlib.sha256()
                for chunk in read_chunks(root_fd, node.parts, node.size):
                    content.update(chunk)
                hasher.update(content.digest())
    return hasher.hexdigest()


def _link_target(root_fd: int, node: Node) -> bytes:
    parent = open_beneath(root_fd, node.parts[:-1], directory=True)
    try:
        return os.readlink(node.parts[-1], dir_fd=parent).encode("utf-8", "surrogateescape")
    finally:
        os.close(parent)


# ---------------------------------------------------------------- discovery


def discover(submissions: Path) -> Roster:
    """Every folder or .zip directly inside `submissions` (hidden names skipped), sorted by name."""
    if not submissions.is_dir():
        raise KitError(f"{submissions} is not a folder of submissions")
    entries, warnings = [], []
    try:
        with os.scandir(submissions) as listing:
            listed = sorted(listing, key=lambda e: os.fsencode(e.name))
    except OSError as error:
        raise KitError(f"{submissions} cannot be read ({error.strerror})") from None
    for entry in listed:
        if entry.name.startswith("."):
            continue
        is_zip = entry.is_file(follow_symlinks=False) and entry.name.lower().endswith(".zip")
        if entry.is_dir(follow_symlinks=False) or entry.is_symlink() or is_zip:
            entries.append((entry.name[:-4] if is_zip else entry.name, entry))
        else:
            warnings.append(
                Text(
                    f"skipped {display_id(entry.name)}: not a folder or a .zip",
                    f"已跳过 {display_id(entry.name)}：既不是文件夹也不是 .zip",
                )
            )
    names = [name for name, _entry in entries]
    clashes = sorted({name for name in names if names.count(name) > 1})
    for name in clashes:
        shown = ", ".join(display_id(entry.name) for other, entry in entries if other == name)
        warnings.append(
            Text(
                f"{shown} would all be student {display_id(name)}: each is graded under its full "
                f"name; keep one of them",
                f"{shown} 都会被当作学生 {display_id(name)}：各自按完整名称评分；请只保留其中一个",
            )
        )
    students = [
        _student(entry.name if name in clashes else name, Path(entry.path), entry.is_symlink())
        for name, entry in entries
    ]
    if not students:
        raise KitError(f"{submissions} holds no student folders or .zip files")
    return Roster(students, warnings)


def _student(name: str, path: Path, is_link: bool) -> Student:
    shown = display_id(name)
    if is_link:
        problem = link_refused(shown)
        return Student(shown, student_key(name), path, _problem_digest(problem.text), problem.text)
    sha256, trouble = digest(path, shown)
    return Student(shown, student_key(name), path, sha256, trouble)


# ---------------------------------------------------------------- shards


def parse_shard(text: str) -> tuple[int, int]:
    """'I/N' (1 <= I <= N) as (I, N)."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise KitError(f"--shard {text!r}: expected I/N, for example 2/4") from None
    if not 1 <= index <= count:
        raise KitError(f"--shard {text!r}: I must be between 1 and N")
    return index, count


def shard(students: list[Student], index: int, count: int) -> list[Student]:
    """Shard `index` of `count`: students ordered by a hash of their key, dealt out in turn.

    The order depends only on the students' names, so every machine computes the same
    slices, each student lands in exactly one, and slice sizes differ by at most one."""
    ordered = sorted(students, key=lambda s: hashlib.sha256(s.key.encode()).hexdigest())
    return sorted(ordered[index - 1 :: count], key=lambda s: s.key)
