"""Visible tests for exercise 02 (custom Dataset). Run: pytest exercises/02_custom_dataset

The tests build a small messy folder of their own; with the real ants/bees
data (hymenoptera_data) the course's counts are 124 ants, 121 bees, 245 in all.
"""

import numpy as np
import pytest
import torch
from PIL import Image

from autograder.i18n import tr


@pytest.fixture
def folder(tmp_path):
    """train/ants: 2 JPEGs, an RGBA PNG, a palette GIF, .DS_Store; train/bees: 1 JPEG, 1 grayscale PNG."""
    rng = np.random.default_rng(0)

    def image(mode):
        return Image.fromarray(rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)).convert(mode)

    ants, bees = tmp_path / "train" / "ants", tmp_path / "train" / "bees"
    ants.mkdir(parents=True)
    bees.mkdir(parents=True)
    image("RGB").save(ants / "b.jpg")
    image("RGB").save(ants / "a.JPG")
    image("RGBA").save(ants / "c.png")
    image("P").save(ants / "d.gif")
    (ants / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    image("RGB").save(bees / "x.jpeg")
    image("L").save(bees / "y.png")
    return tmp_path / "train"


def test_length_counts_only_image_files(dataset, folder):
    assert len(dataset.LabeledImageFolder(folder, "ants")) == 4


def test_items_follow_sorted_file_names(dataset, folder):
    ants = dataset.LabeledImageFolder(folder, "ants")
    first, _ = ants[0]
    with Image.open(folder / "ants" / "a.JPG") as expected:
        assert np.array_equal(np.asarray(first), np.asarray(expected.convert("RGB")))


def test_every_image_is_rgb_and_labelled_with_its_folder(dataset, folder):
    ants = dataset.LabeledImageFolder(folder, "ants")
    for index in range(len(ants)):
        image, label = ants[index]
        assert image.mode == "RGB", f"item {index} has mode {image.mode}"
        assert label == "ants"


def test_transform_is_applied_to_the_image(dataset, folder):
    bees = dataset.LabeledImageFolder(folder, "bees", transform=lambda img: torch.ones(3, 2, 2))
    image, label = bees[1]
    assert torch.equal(image, torch.ones(3, 2, 2)) and label == "bees"


def test_build_dataset_concatenates_in_the_given_order(dataset, folder):
    both = dataset.build_dataset(folder, ["ants", "bees"])
    assert len(both) == 6
    assert both[3][1] == "ants" and both[4][1] == "bees"


def test_files_that_are_not_images_are_skipped_not_only_dotfiles(dataset, folder):
    (folder / "ants" / "notes.txt").write_text("not an image")
    (folder / "ants" / "Thumbs.db").write_bytes(b"\0" * 16)
    ants = dataset.LabeledImageFolder(folder, "ants")
    assert len(ants) == 4, tr(
        f"{len(ants)} items for 4 images: keep only files whose extension is an image's (IMAGE_EXTENSIONS, "
        f"any case); skipping names that start with '.' still keeps notes.txt and Thumbs.db",
        f"4 张图片却有 {len(ants)} 项：只保留扩展名属于图片的文件（IMAGE_EXTENSIONS，不分大小写）；"
        "只跳过以 '.' 开头的文件仍会留下 notes.txt 和 Thumbs.db",
    )
