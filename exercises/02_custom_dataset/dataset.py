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
        # Hint: Remember where the images are and which files are images: list the folder once, keep
        #   only image files, sorted.
        # 提示：记住图片在哪、哪些文件是图片：列出文件夹一次，只保留图片文件，并排序。
        # More / 更多: autograder hint 02 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("LabeledImageFolder.__init__ is not written yet / 尚未实现")

    def __getitem__(self, idx):
        # Hint: Item idx is the idx-th image file: open it, make it RGB, transform it if asked, and
        #   pair it with the folder's name.
        # 提示：第 idx 项就是第 idx 个图片文件：打开、转成 RGB、需要时做
        #   transform，再和文件夹名配对。
        # More / 更多: autograder hint 02 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("LabeledImageFolder.__getitem__ is not written yet / 尚未实现")

    def __len__(self):
        # Hint: The length is the number of image files you kept, not the number of files in the
        #   folder.
        # 提示：长度是你保留下来的图片文件个数，而不是文件夹里所有文件的个数。
        # More / 更多: autograder hint 02 --level 2
        # YOUR CODE HERE
        raise NotImplementedError("LabeledImageFolder.__len__ is not written yet / 尚未实现")


def build_dataset(root_dir, label_dirs, transform=None):
    """One LabeledImageFolder per label in `label_dirs`, concatenated in that order
    (the course's `ants + bees`)."""
    # Hint: One dataset per label, joined end to end in the order given: the course's ants + bees.
    # 提示：每个标签一个数据集，按给定顺序首尾相接：就是课程里的 ants + bees。
    # More / 更多: autograder hint 02 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("build_dataset is not written yet / 尚未实现")
