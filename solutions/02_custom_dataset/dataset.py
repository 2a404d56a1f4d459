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
        ### BEGIN SOLUTION
        self.root_dir = root_dir
        self.label_dir = label_dir
        self.transform = transform
        folder = os.path.join(root_dir, label_dir)
        self.image_names = sorted(
            name
            for name in os.listdir(folder)
            if name.lower().endswith(IMAGE_EXTENSIONS) and os.path.isfile(os.path.join(folder, name))
        )
        ### END SOLUTION

    def __getitem__(self, idx):
        ### BEGIN SOLUTION
        path = os.path.join(self.root_dir, self.label_dir, self.image_names[idx])
        with Image.open(path) as opened:
            image = opened.convert("RGB")
        if self.transform is not None:
            image = self.transform(image)
        return image, self.label_dir
        ### END SOLUTION

    def __len__(self):
        ### BEGIN SOLUTION
        return len(self.image_names)
        ### END SOLUTION


def build_dataset(root_dir, label_dirs, transform=None):
    """One LabeledImageFolder per label in `label_dirs`, concatenated in that order
    (the course's `ants + bees`)."""
    ### BEGIN SOLUTION
    return ConcatDataset([LabeledImageFolder(root_dir, label, transform) for label in label_dirs])
    ### END SOLUTION
