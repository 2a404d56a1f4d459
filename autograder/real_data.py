"""Readers for the real data sets under a data root: CIFAR-10 (three layouts) and MNIST.

Files are read, never executed: torchvision's CIFAR-10 batch files are pickles, so they are
loaded with an unpickler that allows NumPy arrays and nothing else.
"""

from __future__ import annotations

import io
import pickle
import tarfile
from pathlib import Path

import numpy as np
from PIL import Image

from autograder.image_set import CIFAR10_CLASSES, DataError, ImageSet


def read_mnist(root: Path, split: str) -> ImageSet:
    """torchvision's MNIST files under `root/MNIST`, read by torchvision without downloading."""
    from torchvision.datasets import MNIST

    try:
        dataset = MNIST(str(root), train=split == "train", download=False)
    except (RuntimeError, OSError, ValueError, AssertionError) as exc:
        raise DataError(f"cannot read MNIST under {root / 'MNIST'}: {exc}") from exc
    return ImageSet(
        dataset.data.numpy(), dataset.targets.numpy().astype(np.int64), f"{root / 'MNIST'} ({split})"
    )


def read_image_folder(folder: Path) -> ImageSet:
    """A CIFAR-10 image folder split (`<folder>/<class>/*`), resized to 32x32 RGB."""
    images, labels = [], []
    for label, name in enumerate(CIFAR10_CLASSES):
        for path in sorted((folder / name).iterdir()):
            with Image.open(path) as image:
                images.append(np.asarray(image.convert("RGB").resize((32, 32))))
            labels.append(label)
    return ImageSet(np.stack(images), np.asarray(labels, dtype=np.int64), str(folder))


def read_batches(folder: Path, split: str) -> ImageSet:
    """torchvision's `cifar-10-batches-py` files of `split`."""
    names = [f"data_batch_{i}" for i in range(1, 6)] if split == "train" else ["test_batch"]
    images, labels = [], []
    for name in names:
        with open(folder / name, "rb") as handle:
            batch = restricted_cifar_load(handle)
        images.append(np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        labels.extend(batch[b"labels"])
    return ImageSet(np.concatenate(images), np.asarray(labels, dtype=np.int64), str(folder))


class _CifarUnpickler(pickle.Unpickler):
    """torchvision's batch files are pickles of dicts of NumPy arrays: allow nothing else."""

    ALLOWED = {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise DataError(f"unexpected object {module}.{name} in a CIFAR-10 batch file")
        return super().find_class(module, name)


def restricted_cifar_load(handle) -> dict:
    """One batch file's dict, unpickled with NumPy arrays allowed and nothing else."""
    return _CifarUnpickler(handle, encoding="bytes").load()


def read_archive(archive: Path, split: str) -> ImageSet:
    """Decode `cifar10/<split>/<class>/*.jpg` straight from the tar.gz, without extracting it."""
    found: dict[str, np.ndarray] = {}
    prefix = f"cifar10/{split}/"
    try:
        with tarfile.open(archive) as tar:
            for member in tar:
                if (
                    member.isfile()
                    and member.name.startswith(prefix)
                    and member.name.lower().endswith(".jpg")
                ):
                    handle = tar.extractfile(member)
                    if handle is None:
                        continue
                    data = handle.read()
                    with Image.open(io.BytesIO(data)) as image:
                        found[member.name] = np.asarray(image.convert("RGB"))
    except (tarfile.TarError, OSError) as exc:
        raise DataError(f"cannot read {archive}: {exc}") from exc
    images, labels = [], []
    for name in sorted(found):
        class_name = name[len(prefix) :].split("/", 1)[0]
        if class_name not in CIFAR10_CLASSES:
            raise DataError(f"{archive}: unknown class folder {class_name!r}")
        images.append(found[name])
        labels.append(CIFAR10_CLASSES.index(class_name))
    if not images:
        raise DataError(f"{archive} holds no {prefix}<class>/*.jpg images")
    return ImageSet(np.stack(images), np.asarray(labels, dtype=np.int64), f"{archive} ({split})")
