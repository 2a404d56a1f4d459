"""Hidden checks for 02_custom_dataset, on the ants/bees folder the grader uses.

The folder is the real `hymenoptera_data/train` when a data root holds it (the course's counts: 124
ants, 121 bees, 245 in all; among the ants' JPEGs one palette GIF, `imageNotFound.gif`, and one
`.jpeg`), else the kit's synthetic folder (odd-case extensions, RGBA/L/P images, `.DS_Store`,
`notes.txt`). The grader lists the folder itself for the expected file names; the expected items come
from the reference on the same folder. Items are matched to files by the names the student's code
opened, so each check judges one behaviour: a dataset that keeps a non-image file loses only the
length check, and one that forgets `.convert('RGB')` only the check that asks for RGB.
"""

import os
from pathlib import Path

import pytest

from autograder.checking import Text, fail, not_judged, points
from autograder.data import IMAGE_EXTENSIONS
from autograder.hidden.dataset_items import Item, judge_order, judge_pair, resolve
from autograder.report_images import ImagePairs
from autograder.worker.probes import custom_dataset as probes

TRANSFORM_NAMES = {"to_tensor": "ToTensor()", "resize16": "Compose([Resize((16, 16)), ToTensor()])"}


@pytest.fixture(scope="module")
def folders(student, data):
    """(path the worker sees, path the grader reads) of the image folder."""
    source = data.image_folder()
    return student.share(source, "images"), str(source)


@pytest.fixture(scope="module")
def images():
    """Expected/got image pairs for the report page, for this exercise's run."""
    return ImagePairs()


def image_files(root: str, label: str) -> list[str]:
    """The grader's own listing: 'label/name' of the image files in root/label (by extension), sorted."""
    folder = Path(root) / label
    return [
        f"{label}/{name}"
        for name in sorted(os.listdir(folder))
        if name.lower().endswith(IMAGE_EXTENSIONS) and (folder / name).is_file()
    ]


def sample(files: list[str]) -> list[int] | None:
    """All items of a small folder; of a large one, a spread of indices (ends and middle) and every file
    that is not a JPEG (the real ants' palette GIF is where a missing .convert('RGB') shows)."""
    length = len(files)
    if length <= 40:
        return None
    odd = {index for index, name in enumerate(files) if not name.lower().endswith((".jpg", ".jpeg"))}
    return sorted({0, 1, 2, length // 3, length // 2, length - 2, length - 1} | odd)


def reference_items(reference, root: str, wanted: set[str], transform: str | None) -> dict:
    """The reference's description of each wanted file ('label/name'), read through its own dataset."""
    by_label: dict[str, list[int]] = {}
    for name in wanted:
        label = name.split("/", 1)[0]
        by_label.setdefault(label, []).append(image_files(root, label).index(name))
    found = {}
    for label, indices in by_label.items():
        described = reference.probe(probes.folder, root, label, transform=transform, indices=sorted(indices))
        found.update({item["files"][-1]: item for item in described["items"].values()})
    return found


def plain_items(root: str, wanted: set[str], transform: str) -> dict:
    """What each file gives without .convert('RGB'), transformed: accepted by the transform checks, which
    leave the conversion to the check that asks for RGB."""
    return {
        name: probes.describe_item(
            (probes.open_file(str(Path(root) / name), transform, False), name.split("/")[0])
        )
        for name in wanted
    }


@pytest.mark.parametrize("label", ["ants", "bees"])
@points(2)
def test_length_counts_only_image_files(student, folders, label):
    """len() counts image files by extension (any case) and skips .DS_Store, notes.txt and the like.

    中文：len() 只按扩展名（不分大小写）统计图片文件，跳过 .DS_Store、notes.txt 之类。"""
    got = student.probe(probes.folder, folders[0], label, indices=[])
    want = len(image_files(folders[1], label))
    if got["length"] != want:
        fail(
            f"len(LabeledImageFolder(root, {label!r})): expected {want} image files, got {got['length']}; "
            f"keep only names whose lower-cased extension is in IMAGE_EXTENSIONS",
            f"len(LabeledImageFolder(root, {label!r}))：应有 {want} 个图片文件，实际为 {got['length']}；"
            f"只保留小写扩展名在 IMAGE_EXTENSIONS 中的文件",
        )


@pytest.mark.parametrize("label", ["ants", "bees"])
@points(2)
def test_items_are_rgb_images_in_sorted_file_name_order(student, reference, folders, label, images, request):
    """Item i is the i-th image file in sorted order, converted to RGB, labelled with the folder name.

    中文：第 i 项是按文件名排序后的第 i 个图片文件，已转换为 RGB，标签是文件夹名。"""
    files = image_files(folders[1], label)
    what = f"LabeledImageFolder(root, {label!r})"
    got = student.probe(probes.folder, folders[0], label, indices=sample(files), again=True)
    items = resolve(got, files)
    expected = reference_items(reference, folders[1], {item.file for item in items}, None)
    for item in items:
        judge_pair(
            item,
            [expected[item.file]],
            what,
            label,
            rgb=True,
            shown=lambda item=item: show_pair(student, folders, [label], item, None, images, request),
        )
    judge_order(items, files if got["length"] == len(files) else None, what)
    again = resolve({"length": got["length"], "items": got["again"]}, files)
    for item in again:
        judge_pair(
            item,
            [expected[item.file]],
            Text(f"{what} (read a second time)", f"{what}（第二次读取）"),
            label,
            rgb=True,
        )


def show_pair(
    student, folders, labels: list[str], item: Item, transform: str | None, images: ImagePairs, request
) -> None:
    """Keep the student's item beside the expected image for the report page (on failure only)."""
    got = student.probe(probes.thumbnail, folders[0], labels, item.index, transform)
    expected = probes.small_pixels(probes.open_file(str(Path(folders[1]) / item.file), transform, True))
    images.add(
        request,
        Text(
            f"{item.file}: expected, then your dataset's item {item.index}",
            f"{item.file}：左为期望，右为你的数据集第 {item.index} 项",
        ),
        expected,
        got,
    )


def transformed_items(student, reference, folders, labels: list[str], transform: str, indices) -> tuple:
    files = [name for label in labels for name in image_files(folders[1], label)]
    what = (
        f"LabeledImageFolder(root, {labels[0]!r}, transform={TRANSFORM_NAMES[transform]})"
        if len(labels) == 1
        else f"build_dataset(root, {labels}, transform={TRANSFORM_NAMES[transform]})"
    )
    if len(labels) == 1:
        got = student.probe(probes.folder, folders[0], labels[0], transform=transform, indices=indices)
    else:
        got = student.probe(probes.combined, folders[0], labels, transform=transform, indices=indices)
    items = resolve(got, files)
    wanted = {item.file for item in items}
    return (
        items,
        reference_items(reference, folders[1], wanted, transform),
        plain_items(folders[1], wanted, transform),
        what,
    )


@points(1)
def test_transform_is_applied_to_each_image(student, reference, folders, images, request):
    """With transform=ToTensor(), each item is (ToTensor() of its image, label).

    中文：transform=ToTensor() 时，每一项都是（图片经 ToTensor() 的结果, 标签）。"""
    items, expected, plain, what = transformed_items(
        student, reference, folders, ["bees"], "to_tensor", [0, 1, 2, 3]
    )
    if not items:
        not_judged(
            "LabeledImageFolder",
            "not judged: no item of the bees folder could be read",
            "未评判：bees 文件夹中没有能读取的条目",
        )
    for item in items:
        judge_pair(
            item,
            [expected[item.file], plain[item.file]],
            what,
            "bees",
            rgb=False,
            shown=lambda item=item: show_pair(student, folders, ["bees"], item, "to_tensor", images, request),
        )


def build_indices(student, folders, labels: list[str], transform: str | None = None) -> list[int]:
    """Indices around both ends and the boundary between the folders, for the student's length."""
    first = len(image_files(folders[1], labels[0]))
    length = student.probe(probes.combined, folders[0], labels, transform=transform, indices=[])["length"]
    near = [0, 1, 2, *range(first - 3, first + 4), length - 3, length - 2, length - 1]
    return sorted({i for i in near if 0 <= i < length})


@pytest.mark.parametrize("labels", [["ants", "bees"], ["bees", "ants"]])
@points(2)
def test_build_dataset_concatenates_in_the_given_order(student, reference, folders, labels):
    """build_dataset(root, labels) is one folder dataset per label, joined in the order given.

    中文：build_dataset(root, labels) 为每个标签建一个文件夹数据集，按给定顺序拼接。"""
    files = [name for label in labels for name in image_files(folders[1], label)]
    what = f"build_dataset(root, {labels})"
    got = student.probe(probes.combined, folders[0], labels, indices=build_indices(student, folders, labels))
    items = resolve(got, files)
    order = [item.file.split("/")[0] for item in items]
    ranks = [labels.index(folder) for folder in order]
    if items and (ranks != sorted(ranks) or order[0] != labels[0] or order[-1] != labels[-1]):
        seen = [f"{item.index}: {folder}" for item, folder in zip(items, order)]
        fail(
            f"{what}: items come from the folders {', '.join(seen)}; expected {labels[0]!r} first and "
            f"{labels[-1]!r} last, in the order of label_dirs",
            f"{what}：各项来自的文件夹为 {', '.join(seen)}；应按 label_dirs 的顺序，先 {labels[0]!r} 后 "
            f"{labels[-1]!r}",
        )
    expected = reference_items(reference, folders[1], {item.file for item in items}, None)
    plain = plain_items(folders[1], {item.file for item in items}, None)
    for item in items:
        judge_pair(item, [expected[item.file], plain[item.file]], what, item.file.split("/")[0], rgb=False)


@points(1)
def test_build_dataset_passes_the_transform_on(student, reference, folders, images, request):
    """build_dataset(root, labels, transform) gives every folder the transform.

    中文：build_dataset(root, labels, transform) 把 transform 传给每个文件夹数据集。"""
    labels = ["ants", "bees"]
    alone = student.probe(probes.folder, folders[0], "ants", transform="resize16", indices=[0, 1, 2, 3])
    if not any(item.get("kind") == "tensor" for item in alone["items"].values()):
        not_judged(
            "LabeledImageFolder",
            "not judged: LabeledImageFolder does not apply its transform, which "
            "transform_is_applied_to_each_image already charges",
            "未评判：LabeledImageFolder 本身没有应用 transform，已在 transform_is_applied_to_each_image 中扣"
            "分",
        )
    indices = build_indices(student, folders, labels, "resize16")
    items, expected, plain, what = transformed_items(student, reference, folders, labels, "resize16", indices)
    if {item.file.split("/")[0] for item in items} != set(labels):
        not_judged(
            "build_dataset",
            f"not judged: {what} gave no readable item from each of {labels}",
            f"未评判：{what} 没有从 {labels} 中的每个文件夹给出可读取的条目",
        )
    for item in items:
        judge_pair(
            item,
            [expected[item.file], plain[item.file]],
            what,
            item.file.split("/")[0],
            rgb=False,
            shown=lambda item=item: show_pair(student, folders, labels, item, "resize16", images, request),
        )
