"""Hidden checks for 02_custom_dataset, on the ants/bees folder the grader uses.

The folder is the real `hymenoptera_data/train` when a data root holds it (the
course's counts: 124 ants, 121 bees, 245 in all, one palette GIF), else the
kit's synthetic folder (odd-case extensions, RGBA/L/P images, `.DS_Store`,
`notes.txt`). Expected values always come from the reference on the same folder.
"""
import pytest

from autograder.checking import expect_equal, fail, points
from autograder.worker.probes import custom_dataset as probes


@pytest.fixture(scope="module")
def folders(student, data):
    """(path the worker sees, path the grader reads) of the image folder."""
    source = data.image_folder()
    return student.share(source, "images"), str(source)


def sample(length: int) -> list[int] | None:
    """All items of a small folder; a spread of indices (ends and middle) of a large one."""
    if length <= 40:
        return None
    return sorted({0, 1, 2, length // 3, length // 2, length - 2, length - 1})


def compare_items(got: dict, expected: dict, what: str) -> None:
    expect_equal(got.get("length"), expected["length"], f"len({what})")
    for index, want in expected["items"].items():
        have = got.get("items", {}).get(index)
        if have == want:
            continue
        if have is None or have.get("kind") != want["kind"]:
            kind = None if have is None else have.get("kind")
            fail(f"{what}[{index}]: expected an (image, label) pair with a {want['kind']}, got {kind}",
                 f"{what}[{index}]：应返回 (图片, 标签)，图片类型为 {want['kind']}，实际为 {kind}")
        if have.get("label") != want["label"]:
            fail(f"{what}[{index}]: expected label {want['label']!r}, got {have.get('label')!r}",
                 f"{what}[{index}]：标签应为 {want['label']!r}，实际为 {have.get('label')!r}")
        if want["kind"] == "image" and have.get("mode") != want["mode"]:
            fail(f"{what}[{index}]: expected an RGB image, got mode {have.get('mode')!r}; use .convert('RGB')",
                 f"{what}[{index}]：应为 RGB 图片，实际模式 {have.get('mode')!r}；请使用 .convert('RGB')")
        fail(f"{what}[{index}] is not the image expected at that position; are the file names sorted?",
             f"{what}[{index}] 不是该位置应有的图片；文件名排序了吗？")


@pytest.mark.parametrize("label", ["ants", "bees"])
@points(2)
def test_length_counts_only_image_files(student, reference, folders, label):
    """len() counts image files by extension (any case) and skips .DS_Store, notes.txt and the like."""
    got = student.probe(probes.folder, folders[0], label, indices=[])
    expected = reference.probe(probes.folder, folders[1], label, indices=[])
    expect_equal(got["length"], expected["length"], f"len(LabeledImageFolder(root, {label!r}))")


@pytest.mark.parametrize("label", ["ants", "bees"])
@points(2)
def test_items_are_rgb_images_in_sorted_file_name_order(student, reference, folders, label):
    """Item i is the i-th image file in sorted order, converted to RGB, labelled with the folder name."""
    expected = reference.probe(probes.folder, folders[1], label, indices=None)
    indices = sample(expected["length"])
    if indices is not None:
        expected = reference.probe(probes.folder, folders[1], label, indices=indices)
    got = student.probe(probes.folder, folders[0], label, indices=indices)
    compare_items(got, expected, f"LabeledImageFolder(root, {label!r})")


@points(1)
def test_transform_is_applied_to_each_image(student, reference, folders):
    """With transform=ToTensor(), items are (tensor, label), identical to the reference's."""
    expected = reference.probe(probes.folder, folders[1], "bees", transform="to_tensor", indices=[0, 1, 2])
    got = student.probe(probes.folder, folders[0], "bees", transform="to_tensor", indices=[0, 1, 2])
    compare_items(got, expected, "LabeledImageFolder(root, 'bees', transform=ToTensor())")


@pytest.mark.parametrize("labels", [["ants", "bees"], ["bees", "ants"]])
@points(2)
def test_build_dataset_concatenates_in_the_given_order(student, reference, folders, labels):
    """build_dataset(root, labels) is one folder dataset per label, joined in the order given."""
    counted = reference.probe(probes.combined, folders[1], labels, indices=[])
    first = reference.probe(probes.folder, folders[1], labels[0], indices=[])["length"]
    indices = sorted({0, first - 1, first, counted["length"] - 1})
    expected = reference.probe(probes.combined, folders[1], labels, indices=indices)
    got = student.probe(probes.combined, folders[0], labels, indices=indices)
    compare_items(got, expected, f"build_dataset(root, {labels})")


@points(1)
def test_build_dataset_passes_the_transform_on(student, reference, folders):
    """build_dataset(root, labels, transform) gives every folder the transform."""
    indices = [0, 1]
    counted = reference.probe(probes.combined, folders[1], ["ants", "bees"], indices=[])
    indices.append(counted["length"] - 1)
    expected = reference.probe(probes.combined, folders[1], ["ants", "bees"], transform="resize16",
                               indices=indices)
    got = student.probe(probes.combined, folders[0], ["ants", "bees"], transform="resize16",
                        indices=indices)
    compare_items(got, expected, "build_dataset(root, ['ants', 'bees'], transform)")
