"""Matching a student's dataset items to the image files they came from, for 02_custom_dataset's checks.

The probe reports, for each item, the files `PIL.Image.open` was asked for while the item was read.
An item is matched to the last of those that is one of the folder's image files (as the grader lists
them); without a name (a dataset that opens files another way) it is matched by its position. Items
that failed on a file that is not an image are left out: keeping such files is the length check's
mistake, not the others'. Each item is then judged against what the reference gives for that file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograder.checking import StudentError, Text, fail

KINDS = {"image": ("a PIL image", "PIL 图片"), "tensor": ("a tensor", "tensor")}


@dataclass(frozen=True)
class Item:
    """One item of the student's dataset and the image file it came from ('label/name')."""

    index: int
    file: str
    described: dict[str, Any]
    named: bool  # matched by the name the student's code opened (else by its position)


def resolve(got: dict[str, Any], files: list[str]) -> list[Item]:
    """The student's described items matched to image files, in index order; an item that failed on a
    non-image file is left out, any other failure is raised as the student's error."""
    images = set(files)
    items = []
    for index, described in sorted(got["items"].items()):
        opened = described.get("files") or []
        matched = [name for name in opened if name in images]
        if described.get("kind") == "error":
            if opened and opened[-1] not in images:
                continue
            raise StudentError(described.get("error"))
        if matched:
            items.append(Item(index, matched[-1], described, True))
        elif index < len(files):
            items.append(Item(index, files[index], described, False))
    return items


def _kind(kind: str, zh: bool = False) -> str:
    names = KINDS.get(kind)
    return names[1 if zh else 0] if names else kind


def _en(what: str | Text) -> str:
    return what.en if isinstance(what, Text) else what


def _zh(what: str | Text) -> str:
    return what.zh if isinstance(what, Text) else what


def judge_pair(
    item: Item,
    accepted: list[dict[str, Any]],
    what: str | Text,
    label: str,
    rgb: bool,
    shown: Callable[[], None] | None = None,
) -> None:
    """The item is an (image, label) pair equal to one of `accepted` (descriptions of its file), labelled
    `label`, in RGB when `rgb`; `shown` keeps the pictures for the report page when the pixels are wrong."""
    have, want = item.described, accepted[0]
    at, at_zh = f"{_en(what)}[{item.index}]", f"{_zh(what)}[{item.index}]"
    if have.get("kind") != want["kind"]:
        if want["kind"] == "tensor" and have.get("kind") == "image":
            fail(
                f"{at} is a PIL image: the transform was not applied; return (self.transform(image), label) "
                f"when a transform is given",
                f"{at_zh} 是 PIL 图片：没有应用 transform；给定 transform 时应返回 (self.transform(image), "
                f"label)",
            )
        fail(
            f"{at}: expected an (image, label) pair with {_kind(want['kind'])}, "
            f"got {_kind(str(have.get('kind')))}",
            f"{at_zh}：应返回 (图片, 标签)，图片为 {_kind(want['kind'], True)}，实际为 "
            f"{_kind(str(have.get('kind')), True)}",
        )
    if have.get("label") != label:
        fail(
            f"{at}: expected label {label!r}, got {have.get('label')!r}",
            f"{at_zh}：标签应为 {label!r}，实际为 {have.get('label')!r}",
        )
    if rgb and have.get("mode") != "RGB":
        if shown:
            shown()
        fail(
            f"{at} ({item.file}): expected an RGB image, got mode {have.get('mode')!r}; use .convert('RGB')",
            f"{at_zh}（{item.file}）：应为 RGB 图片，实际模式 {have.get('mode')!r}；请使用 .convert('RGB')",
        )
    if any(have.get("digest") == option.get("digest") for option in accepted):
        return
    if shown:
        shown()
    if item.named:
        fail(
            f"{at} was read from {item.file}, but its pixels are not that file's",
            f"{at_zh} 读取的是 {item.file}，但像素与该文件的不同",
        )
    fail(
        f"{at} is not the image expected at that position ({item.file}); are the file names sorted?",
        f"{at_zh} 不是该位置应有的图片（{item.file}）；文件名排序了吗？",
    )


def judge_order(items: list[Item], files: list[str] | None, what: str) -> None:
    """Items named by their files come in sorted file-name order: at their own positions when the dataset
    has the right length (`files`), in increasing order otherwise."""
    named = [item for item in items if item.named]
    for item in named:
        if files is not None and item.file != files[item.index]:
            fail(
                f"{what}[{item.index}] is {item.file}, expected {files[item.index]}: sort the file names, "
                f"sorted(os.listdir(folder))",
                f"{what}[{item.index}] 是 {item.file}，应为 {files[item.index]}："
                f"请对文件名排序，sorted(os.listdir(folder))",
            )
    sequence = [item.file for item in named]
    if sequence != sorted(sequence):
        fail(
            f"{what}: the items are not in sorted file-name order ({', '.join(sequence[:4])}, ...); "
            f"sort the file names, sorted(os.listdir(folder))",
            f"{what}：条目没有按文件名排序（{', '.join(sequence[:4])}, ...）；请对文件名排序，"
            f"sorted(os.listdir(folder))",
        )
