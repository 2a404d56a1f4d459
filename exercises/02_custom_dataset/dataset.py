"""Exercise 02 · A custom Dataset (自定义 Dataset).

The course's first dataset: a folder per label (`train/ants`, `train/bees`),
each holding image files. A `torch.utils.data.Dataset` needs two methods:
`__len__` (how many items) and `__getitem__(idx)` (one item). Real folders are
messy: the course's `train/ants` holds a palette GIF (`imageNotFound.gif`) and a
`.jpeg` among its `.jpg` files; folders copied from a Mac hold `.DS_Store` files,
and images found online are often PNGs with an alpha channel or grayscale.
"""
import os

from PIL import Image
from torch.utils.data import ConcatDataset, Dataset

# File extensions that count as images (compare in lower case).
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff")


class LabeledImageFolder(Dataset):
    """The image files of `root_dir/label_dir`, in sorted file-name order, labelled `label_dir`.

    Each item is `(image, label)`: the image opened with PIL and converted to
    RGB (then passed through `transform` when one is given), the label the
    folder's name. Files that are not images (by extension) are skipped.
    """

    def __init__(self, root_dir, label_dir, transform=None):
        # Hint: os.listdir(os.path.join(root_dir, label_dir)), keep names whose lower-cased extension is in IMAGE_EXTENSIONS, sort them.
        # YOUR CODE HERE
        raise NotImplementedError('LabeledImageFolder.__init__ is not written yet / 尚未实现')

    def __getitem__(self, idx):
        # Hint: Image.open(path).convert("RGB") turns palette, RGBA and grayscale images into 3-channel RGB.
        # YOUR CODE HERE
        raise NotImplementedError('LabeledImageFolder.__getitem__ is not written yet / 尚未实现')

    def __len__(self):
        # YOUR CODE HERE
        raise NotImplementedError('LabeledImageFolder.__len__ is not written yet / 尚未实现')


def build_dataset(root_dir, label_dirs, transform=None):
    """One LabeledImageFolder per label in `label_dirs`, concatenated in that order (the course's `ants + bees`)."""
    # Hint: adding two datasets (`a + b`) or torch.utils.data.ConcatDataset joins them.
    # YOUR CODE HERE
    raise NotImplementedError('build_dataset is not written yet / 尚未实现')
