"""Data for the exercises: found (real sets under a data root), made (synthetic), or fetched.

Nothing is downloaded at grading or test time.  By default everything is
small synthetic data, generated deterministically on first use into a cache.
Real data is used when a data root is named (`--data-root` or the
`AUTOGRADER_DATA` environment variable); under it the grader recognises
`hymenoptera_data/`, a CIFAR-10 image folder (`cifar10/{train,test}/<class>/`),
torchvision's `cifar-10-batches-py/`, the `cifar10-jpg.tar.gz` archive of that
image folder, and torchvision's `MNIST/` folder.  `fetch_real` downloads the
real sets where a network is reachable.  Accuracy is measured on held-out sets
drawn with a key only the grader can read (`autograder.heldout`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np

from autograder.heldout import derived_seed, key_id, load_key
from autograder.image_set import CIFAR10_CLASSES, DataError, ImageSet
from autograder.real_data import read_archive, read_batches, read_image_folder, read_mnist
from autograder.synthetic_data import synthetic_cifar, synthetic_digits, write_synthetic_image_folder

__all__ = [
    "CIFAR10_CLASSES",
    "DataError",
    "DataStore",
    "ImageSet",
    "default_cache",
    "default_root",
    "fetch_real",
    "synthetic_cifar",
    "synthetic_digits",
    "write_synthetic_image_folder",
]

CIFAR10_ARCHIVE = "cifar10-jpg.tar.gz"
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff")
HYMENOPTERA_URL = "https://download.pytorch.org/tutorial/hymenoptera_data.zip"
SYNTHETIC_VERSION = 1


def default_cache() -> Path:
    """`$AUTOGRADER_CACHE`, else ~/.cache/torch-exercise-kit."""
    configured = os.environ.get("AUTOGRADER_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "torch-exercise-kit"


def default_root() -> Path | None:
    """`$AUTOGRADER_DATA` when set (real data), else None (synthetic data)."""
    configured = os.environ.get("AUTOGRADER_DATA")
    return Path(configured) if configured else None


# ---------------------------------------------------------------- the store


class DataStore:
    """Where the grader gets its data: real under `root` when present, else synthetic, cached."""

    def __init__(
        self, root: Path | None = None, cache: Path | None = None, heldout_key: bytes | None = None
    ) -> None:
        self.root = Path(root) if root else None
        self.cache = Path(cache) if cache else default_cache()
        self._key = heldout_key
        if self.root is not None and not self.root.is_dir():
            raise DataError(f"data root {self.root} is not a folder")

    # ------------------------------------------------------------ image folder (ants/bees)

    def real_image_folder(self) -> Path | None:
        """`<root>/hymenoptera_data/train` when present."""
        if self.root is None:
            return None
        candidate = self.root / "hymenoptera_data" / "train"
        return candidate if (candidate / "ants").is_dir() and (candidate / "bees").is_dir() else None

    def image_folder(self) -> Path:
        """A folder with `ants/` and `bees/`: the real one when present, else the synthetic one."""
        real = self.real_image_folder()
        if real is not None:
            return real
        target = self.cache / f"synthetic-v{SYNTHETIC_VERSION}" / "hymenoptera"
        if not target.exists():
            partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
            shutil.rmtree(partial, ignore_errors=True)
            write_synthetic_image_folder(partial)
            try:
                os.rename(partial, target)
            except OSError:  # another grader made it first
                shutil.rmtree(partial, ignore_errors=True)
        return target

    # ------------------------------------------------------------ CIFAR-10

    def real_cifar_source(self) -> Path | None:
        """The first real CIFAR-10 source under the root, in order of preference."""
        if self.root is None:
            return None
        for candidate in (
            self.root / "cifar10",
            self.root / "cifar-10-batches-py",
            self.root / CIFAR10_ARCHIVE,
        ):
            if candidate.exists():
                return candidate
        return None

    def cifar(self, split: str) -> ImageSet:
        """CIFAR-10 `split` ("train" or "test"): real when present, else synthetic."""
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', not {split!r}")
        source = self.real_cifar_source()
        if source is None:
            count, seed = (2500, 101) if split == "train" else (1000, 202)
            return self._cached(
                f"synthetic-v{SYNTHETIC_VERSION}-cifar-{split}", lambda: synthetic_cifar(count, seed)
            )
        key = hashlib.sha256(f"{source.resolve()}:{source.stat().st_mtime_ns}".encode()).hexdigest()[:16]
        return self._cached(f"real-cifar-{split}-{key}", lambda: self._read_real_cifar(source, split))

    @staticmethod
    def _read_real_cifar(source: Path, split: str) -> ImageSet:
        if source.name == CIFAR10_ARCHIVE:
            return read_archive(source, split)
        if source.name == "cifar-10-batches-py":
            return read_batches(source, split)
        return read_image_folder(source / split)

    @property
    def uses_real_cifar(self) -> bool:
        return self.real_cifar_source() is not None

    # ------------------------------------------------------------ MNIST

    def real_mnist_source(self) -> Path | None:
        """`<root>/MNIST`, torchvision's MNIST folder, when present."""
        if self.root is None:
            return None
        candidate = self.root / "MNIST"
        return candidate if candidate.is_dir() else None

    def mnist(self, split: str) -> ImageSet:
        """MNIST `split` ("train" or "test") as uint8 (N, 28, 28): real when present, else synthetic."""
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', not {split!r}")
        source = self.real_mnist_source()
        if source is None:
            count, seed = (2500, 303) if split == "train" else (1000, 404)
            return self._cached(
                f"synthetic-v{SYNTHETIC_VERSION}-digits-{split}", lambda: synthetic_digits(count, seed)
            )
        return read_mnist(source.parent, split)

    @property
    def uses_real_mnist(self) -> bool:
        return self.real_mnist_source() is not None

    # ------------------------------------------------------------ held-out sets (see autograder.heldout)

    def heldout_key(self) -> bytes:
        """The grader's secret key for held-out draws (given, or from `autograder.heldout.load_key`)."""
        if self._key is None:
            self._key = load_key(self.cache)
        return self._key

    def heldout_cifar(self, count: int) -> ImageSet:
        """`count` CIFAR-10 images to measure accuracy on, drawn with the held-out key: a fresh synthetic
        draw, or a secret choice from the real test split. Never sent to a worker."""
        return self._heldout("cifar", count, self.uses_real_cifar, self.cifar, synthetic_cifar)

    def heldout_mnist(self, count: int) -> ImageSet:
        """`count` digits to measure accuracy on, drawn like `heldout_cifar`."""
        return self._heldout("digits", count, self.uses_real_mnist, self.mnist, synthetic_digits)

    def _heldout(self, name: str, count: int, real: bool, split, generate) -> ImageSet:
        key = self.heldout_key()
        seed = derived_seed(key, f"{name}-heldout")
        if not real:

            def draw() -> ImageSet:  # the seed stays in the grader: the description does not name it
                made = generate(count, seed)
                return ImageSet(made.images, made.labels, f"synthetic {name}, held out")

            return self._cached(f"synthetic-v{SYNTHETIC_VERSION}-{name}-heldout-{key_id(key)}-{count}", draw)
        test = split("test")
        chosen = np.random.default_rng(seed).permutation(len(test.labels))[:count]
        return test.subset(chosen, f"{test.source}: {len(chosen)} images chosen with the held-out key")

    def _cached(self, name: str, make) -> ImageSet:
        path = self.cache / f"{name}.npz"
        if path.exists():
            with np.load(path, allow_pickle=False) as stored:
                return ImageSet(stored["images"], stored["labels"], str(stored["source"]))
        data = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial.npz")
        np.savez(partial, images=data.images, labels=data.labels, source=np.asarray(data.source))
        os.replace(partial, path)
        return data

    def describe(self) -> str:
        """One line naming the data in use."""
        cifar = self.real_cifar_source()
        mnist = self.real_mnist_source()
        folder = self.real_image_folder()
        return (
            f"CIFAR-10: {cifar or 'synthetic'}; MNIST: {mnist or 'synthetic'}; "
            f"ants/bees: {folder or 'synthetic'} (cache {self.cache})"
        )


# ---------------------------------------------------------------- fetching


def fetch_real(root: Path) -> list[str]:
    """Download real CIFAR-10 and MNIST (torchvision, checksums verified) and ants/bees into `root`.

    Returns one line per set; raises DataError with a clear reason when the
    network is unreachable.
    """
    import urllib.error
    import zipfile

    import torchvision

    root.mkdir(parents=True, exist_ok=True)
    done = []
    try:
        torchvision.datasets.CIFAR10(str(root), train=True, download=True)
        torchvision.datasets.CIFAR10(str(root), train=False, download=True)
        done.append(f"CIFAR-10: {root / 'cifar-10-batches-py'}")
        torchvision.datasets.MNIST(str(root), train=True, download=True)
        torchvision.datasets.MNIST(str(root), train=False, download=True)
        done.append(f"MNIST: {root / 'MNIST'}")
        if not (root / "hymenoptera_data").is_dir():
            archive = root / "hymenoptera_data.zip"
            torchvision.datasets.utils.download_url(HYMENOPTERA_URL, str(root), archive.name)
            with zipfile.ZipFile(archive) as bundle:
                for member in bundle.namelist():
                    if member.startswith("/") or ".." in Path(member).parts:
                        raise DataError(f"{archive}: unsafe member name {member!r}")
                bundle.extractall(root)
        done.append(f"ants/bees: {root / 'hymenoptera_data'}")
    except (urllib.error.URLError, OSError, RuntimeError) as exc:
        raise DataError(
            f"could not download the real data sets ({exc}); is a network reachable? "
            f"Copy them by hand under {root} instead (see datasets/README.md)."
        ) from exc
    return done
