"""Finding the exercises in what a student handed in.

A submission may be a .zip (unpacked first, into a temporary folder), a repository root holding
`exercises/`, a folder of exercise folders (a student's `exercises/`, or the kit's `solutions/`), a
single exercise folder such as `07_maxpool/` (`autograder grade .` inside it grades that exercise
only), or a flat folder of module files (`maxpool.py`, `conv.py`, ...) as students upload them to
Gradescope; any of these may sit inside lone wrapper folders (GitHub's "Download ZIP" gives
`repo-main/exercises/...`). Everything below the path the grader was given is read without following
links: `exercises/` as a link refuses the submission, an exercise folder or module file that is a link
is mapped here and refused for its exercise when it is copied (`autograder.safe_copy`).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from autograder import archives, catalog
from autograder.cleanup import remove_tree
from autograder.errors import StudentFacingError
from autograder.i18n import Text

WRAPPER_DEPTH = 3
IGNORED = ("__MACOSX", "Thumbs.db")  # what archivers add beside the content; hidden names are ignored too


class SubmissionError(StudentFacingError):
    """The path holds nothing the grader can grade; the message names the path."""


@dataclass
class Submission:
    """Where each exercise's folder is (None when the student's copy lacks it); `path` is where the
    exercises were found (inside any wrapper folders). `problems` says, for an exercise whose folder is
    None although the student handed something in (a notebook whose answers cannot be read), why: its
    checks report that instead of a missing file."""

    path: Path
    folders: dict[str, Path | None]
    problems: dict[str, Text] = field(default_factory=dict)


def _lkind(path: Path) -> str:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "missing"
    return (
        "link"
        if stat.S_ISLNK(mode)
        else "dir"
        if stat.S_ISDIR(mode)
        else "file"
        if stat.S_ISREG(mode)
        else "other"
    )


def _visible(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as entries:
            return [e for e in entries if not e.name.startswith(".") and e.name not in IGNORED]
    except OSError as error:
        raise SubmissionError(
            Text(f"{folder} cannot be read ({error.strerror})", f"无法读取 {folder}（{error.strerror}）")
        ) from None


def locate(path: Path) -> Submission:
    """Map every exercise found at `path` (a folder) to its folder; SubmissionError when none is found."""
    given = Path(path)
    path = Path(os.path.abspath(given))  # `grade .` inside 07_maxpool/ names 07_maxpool, links unresolved
    kind = _lkind(path)
    if kind == "missing":
        raise SubmissionError(Text(f"{given} does not exist", f"{given} 不存在"))
    if not path.is_dir():
        raise SubmissionError(
            Text(f"{given} is not a folder or a .zip archive", f"{given} 不是文件夹或 .zip 压缩包")
        )
    for _level in range(WRAPPER_DEPTH + 1):
        found = _layout(path)
        if found is not None:
            return found
        entries = _visible(path)
        if len(entries) != 1 or not entries[0].is_dir(follow_symlinks=False):
            break
        path = Path(entries[0].path)  # a lone wrapper folder: look inside
    example = catalog.exercises()[0]
    raise SubmissionError(
        Text(
            f"no exercise folders (such as {example.id}/) or module files (such as {example.filename}) "
            f"found in {given}",
            f"在 {given} 中找不到练习文件夹（例如 {example.id}/）或模块文件（例如 {example.filename}）",
        )
    )


def _layout(path: Path) -> Submission | None:
    """The exercises at `path` if it is one of the layouts above, else None (perhaps a wrapper)."""
    known = {exercise.id for exercise in catalog.exercises()}
    if path.name in known:
        return Submission(path, {path.name: path})
    root = path
    exercises_kind = _lkind(path / "exercises")
    if exercises_kind == "link":
        raise SubmissionError(
            Text(
                f"{path.name}/exercises is a link (symlink); links are not graded: hand in the folder itself",
                f"{path.name}/exercises 是一个链接（符号链接）；链接不会被评分：请提交文件夹本身",
            )
        )
    if exercises_kind == "dir":
        root = path / "exercises"
    present = {
        entry.name
        for entry in _visible(root)
        if entry.name in known and (entry.is_dir(follow_symlinks=False) or entry.is_symlink())
    }
    if present:
        return Submission(
            path, {e.id: (root / e.id if e.id in present else None) for e in catalog.exercises()}
        )
    flat = {e.id for e in catalog.exercises() if _lkind(root / e.filename) in ("file", "link")}
    if flat:
        return Submission(path, {e.id: (root if e.id in flat else None) for e in catalog.exercises()})
    return None


@contextlib.contextmanager
def opened(path: Path, workdir: Path | None = None) -> Iterator[Path]:
    """The folder to look for exercises in: `path` itself, or a .zip at `path` unpacked (safely, with
    `autograder.archives`' caps) into a temporary folder under `workdir`, removed afterwards."""
    path = Path(path)
    if not (_lkind(path) == "file" and path.suffix.lower() == ".zip"):
        yield path
        return
    scratch = Path(tempfile.mkdtemp(prefix="autograder-zip-", dir=workdir))
    try:
        unpacked = scratch / "unpacked"
        archives.extract(path, unpacked)
        yield unpacked
    finally:
        remove_tree(scratch)
