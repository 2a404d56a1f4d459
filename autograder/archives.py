"""Unpacking students' .zip submissions, which are hostile input.

Refused, with one message naming the archive and the member (`ArchiveError`, in both languages):
an archive that is not a readable zip; absolute names, `..` components and NUL bytes; links and other
special files (a member's Unix file type, when the archive was made on Unix; members with no type
bits, as Python's `zipfile.writestr` writes them, are regular files); a file and a folder with the
same name; names nested deeper than `max_depth` or longer than a file system holds; more than
`max_files` members; more than `max_bytes` once unpacked (counted while unpacking, so lying headers
do not help a zip bomb). Any other error of the file system while unpacking is an ArchiveError too,
never a crash. Files are written 0644 and folders 0755, whatever the archive says, so the sandbox's
unprivileged user can read them.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from autograder.errors import StudentFacingError
from autograder.i18n import Text

CHUNK = 1 << 20
UNIX = 3  # ZipInfo.create_system of archives made on Unix (the only ones whose mode bits mean file types)
MAX_NAME_BYTES = 255


class ArchiveError(StudentFacingError):
    """A submission archive that is unsafe or unreadable."""


def _refuse(archive: Path, en: str, zh: str) -> ArchiveError:
    return ArchiveError(Text(f"{archive.name}: {en}", f"{archive.name}：{zh}"))


def member_parts(info: zipfile.ZipInfo, archive: Path, max_depth: int) -> tuple[str, ...]:
    name = info.filename
    normalised = name.replace("\\", "/")
    if "\x00" in normalised:
        raise _refuse(
            archive, f"member {name!r} has a NUL byte in its name", f"成员 {name!r} 的名字中有 NUL 字节"
        )
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        raise _refuse(archive, f"member {name!r} has an absolute path", f"成员 {name!r} 使用了绝对路径")
    parts = tuple(part for part in PurePosixPath(normalised).parts if part not in ("", "."))
    if ".." in parts:
        raise _refuse(
            archive, f"member {name!r} points outside the archive (..)", f"成员 {name!r} 指向压缩包之外（..）"
        )
    if len(parts) > max_depth:
        raise _refuse(
            archive,
            f"member {name[:200]!r} is nested more than {max_depth} folders deep",
            f"成员 {name[:200]!r} 嵌套超过 {max_depth} 层文件夹",
        )
    if any(len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for part in parts):
        raise _refuse(
            archive,
            f"member {name[:200]!r} has a name longer than {MAX_NAME_BYTES} bytes",
            f"成员 {name[:200]!r} 的名字超过 {MAX_NAME_BYTES} 字节",
        )
    return parts


def is_special(info: zipfile.ZipInfo) -> bool:
    """A link, FIFO, socket or device: a Unix archive's member whose file-type bits say so."""
    if info.create_system != UNIX:
        return False
    file_type = stat.S_IFMT(info.external_attr >> 16)
    return file_type not in (0, stat.S_IFREG, stat.S_IFDIR)


def extract(
    archive: Path,
    target: Path,
    max_files: int = 2000,
    max_bytes: int = 100 * 1024 * 1024,
    max_depth: int = 32,
) -> Path:
    """Unpack `archive` into `target` (a new folder) safely; returns `target`."""
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse(
            archive, f"not a readable zip archive ({exc})", f"不是可读取的 zip 压缩包（{exc}）"
        ) from None
    with bundle:
        members = bundle.infolist()
        if len(members) > max_files:
            raise _refuse(
                archive,
                f"holds {len(members)} members; the limit is {max_files}",
                f"包含 {len(members)} 个成员；上限为 {max_files}",
            )
        kinds: dict[tuple[str, ...], str] = {}
        for info in members:
            parts = member_parts(info, archive, max_depth)
            if is_special(info):
                raise _refuse(
                    archive,
                    f"member {info.filename!r} is a link or a special file",
                    f"成员 {info.filename!r} 是链接或特殊文件",
                )
            _claim(kinds, parts, "dir" if info.is_dir() else "file", info.filename, archive)
        try:
            _unpack(bundle, members, archive, target, max_bytes, max_depth)
        except OSError as exc:
            raise _refuse(
                archive,
                f"cannot be unpacked here ({exc.strerror or exc})",
                f"无法在此解压（{exc.strerror or exc}）",
            ) from None
    return target


def _claim(
    kinds: dict[tuple[str, ...], str], parts: tuple[str, ...], kind: str, name: str, archive: Path
) -> None:
    """Record what each path is (its parents are folders); a file and a folder of one name are refused."""
    if kind == "file" and kinds.get(parts) == "file":
        raise _refuse(archive, f"member {name!r} appears twice", f"成员 {name!r} 出现了两次")
    for depth in range(1, len(parts) + 1):
        wanted = kind if depth == len(parts) else "dir"
        if kinds.setdefault(parts[:depth], wanted) != wanted:
            shown = "/".join(parts[:depth])
            raise _refuse(
                archive,
                f"{shown!r} is both a file and a folder (member {name!r})",
                f"{shown!r} 既是文件又是文件夹（成员 {name!r}）",
            )


def _unpack(
    bundle: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    archive: Path,
    target: Path,
    max_bytes: int,
    max_depth: int,
) -> None:
    target.mkdir(mode=0o755)
    os.chmod(target, 0o755)
    written = 0
    for info in members:
        parts = member_parts(info, archive, max_depth)
        if not parts:
            continue
        destination = target.joinpath(*parts)
        for depth in range(1, len(parts) + (1 if info.is_dir() else 0)):
            folder = target.joinpath(*parts[:depth])
            if not folder.is_dir():
                folder.mkdir(mode=0o755)
                os.chmod(folder, 0o755)
        if info.is_dir():
            continue
        try:
            with bundle.open(info) as source, open(destination, "xb") as sink:
                os.fchmod(sink.fileno(), 0o644)
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > max_bytes:
                        raise _refuse(
                            archive,
                            f"unpacks to more than {max_bytes // 2**20} MiB",
                            f"解压后超过 {max_bytes // 2**20} MiB",
                        )
                    sink.write(chunk)
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            zlib.error,
            RuntimeError,
            EOFError,
            ValueError,
            NotImplementedError,
            UnicodeError,
        ) as exc:
            raise _refuse(
                archive,
                f"member {info.filename!r} cannot be read ({exc})",
                f"无法读取成员 {info.filename!r}（{exc}）",
            ) from None
