"""02 written the way the course writes `Mydata`, adapted to the contract: the same attribute names
(`self.path`, `self.img_path`), `os.listdir` (sorted and filtered by extension, as the contract asks),
`Image.open(img_item_path)` without a `with` block, the transform applied with `if self.transform:`, and
the course's `ants_set + bees_set` to join the folders."""
import os

from PIL import Image
from torch.utils.data import Dataset

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff")


class LabeledImageFolder(Dataset):

    def __init__(self, root_dir, label_dir, transform=None):
        self.root_dir = root_dir
        self.label_dir = label_dir
        self.transform = transform
        self.path = os.path.join(root_dir, label_dir)
        self.img_path = sorted(name for name in os.listdir(self.path) if name.lower().endswith(IMAGE_EXTENSIONS))

    def __getitem__(self, idx):
        img_name = self.img_path[idx]
        img_item_path = os.path.join(self.root_dir, self.label_dir, img_name)
        img = Image.open(img_item_path)
        img = img.convert("RGB")
        if self.transform:
            img = self.transform(img)
        label = self.label_dir
        return img, label

    def __len__(self):
        return len(self.img_path)


def build_dataset(root_dir, label_dirs, transform=None):
    train_data = LabeledImageFolder(root_dir, label_dirs[0], transform)
    for label_dir in label_dirs[1:]:
        train_data = train_data + LabeledImageFolder(root_dir, label_dir, transform)
    return train_data
