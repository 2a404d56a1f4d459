"""Unpacking students' .zip submissions, which are hostile input.

Refused, with a message naming the archive and the member: absolute names,
`..` components, links and other special files, more than `max_files` members,
more than `max_bytes` once unpacked (counted while unpacking, so lying headers
do not help a zip bomb), and names the file system cannot hold.
"""
from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from autograder.errors import KitError

CHUNK = 1 << 20


class ArchiveError(KitError):
    """A submission archive that is unsafe or unreadable."""


def _safe_member_path(name: str, archive: Path) -> PurePosixPath:
    normalised = name.replace("\\", "/")
    path = PurePosixPath(normalised)
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        raise ArchiveError(f"{archive.name}: member {name!r} has an absolute path")
    if ".." in path.parts:
        raise ArchiveError(f"{archive.name}: member {name!r} points outside the archive (..)")
    if "\x00" in normalised:
        raise ArchiveError(f"{archive.name}: member {name!r} has a NUL byte in its name")
    return path


def _is_special(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return bool(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def extract(archive: Path, target: Path, max_files: int = 2000, max_bytes: int = 100 * 1024 * 1024) -> Path:
    """Unpack `archive` into the empty folder `target` safely; returns `target`."""
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"{archive.name} is not a readable zip archive ({exc})") from None
    with bundle:
        members = bundle.infolist()
        if len(members) > max_files:
            raise ArchiveError(f"{archive.name} holds {len(members)} members; the limit is {max_files}")
        written = 0
        for info in members:
            relative = _safe_member_path(info.filename, archive)
            if _is_special(info):
                raise ArchiveError(f"{archive.name}: member {info.filename!r} is a link or a special file")
            destination = target.joinpath(*relative.parts)
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                with bundle.open(info) as source, open(destination, "xb") as sink:
                    while chunk := source.read(CHUNK):
                        written += len(chunk)
                        if written > max_bytes:
                            raise ArchiveError(f"{archive.name} unpacks to more than {max_bytes // 2**20} MiB")
                        sink.write(chunk)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, EOFError) as exc:
                raise ArchiveError(f"{archive.name}: member {info.filename!r} cannot be read ({exc})") from None
            except (OSError, UnicodeEncodeError) as exc:
                raise ArchiveError(f"{archive.name}: member {info.filename!r} cannot be written here ({exc})") from None
    return target


def unwrap(folder: Path) -> Path:
    """Descend through lone wrapper folders (`alice/`, `alice/submission/`) to where the content starts."""
    while True:
        entries = [entry for entry in folder.iterdir() if entry.name not in ("__MACOSX", ".DS_Store")]
        if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
            if entries[0].name[:2].isdigit() or entries[0].name == "exercises":
                return folder
            folder = entries[0]
        else:
            return folder
