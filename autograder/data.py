"""Data for the exercises: found (real sets under a data root), made (synthetic), or fetched.

Nothing is downloaded at grading or test time.  By default everything is
small synthetic data, generated deterministically on first use into a cache.
Real data is used when a data root is named (`--data-root` or the
`AUTOGRADER_DATA` environment variable); under it the grader recognises
`hymenoptera_data/`, a CIFAR-10 image folder (`cifar10/{train,test}/<class>/`),
torchvision's `cifar-10-batches-py/`, the `cifar10-jpg.tar.gz` archive of that
image folder, and torchvision's `MNIST/` folder.  `fetch_real` downloads the
real sets where a network is reachable.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from autograder.errors import KitError

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
CIFAR10_ARCHIVE = "cifar10-jpg.tar.gz"
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff")
HYMENOPTERA_URL = "https://download.pytorch.org/tutorial/hymenoptera_data.zip"
SYNTHETIC_VERSION = 1


class DataError(KitError):
    """A data root or archive that cannot be read; the message names it."""


def default_cache() -> Path:
    """`$AUTOGRADER_CACHE`, else ~/.cache/torch-exercise-kit."""
    configured = os.environ.get("AUTOGRADER_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "torch-exercise-kit"


def default_root() -> Path | None:
    """`$AUTOGRADER_DATA` when set (real data), else None (synthetic data)."""
    configured = os.environ.get("AUTOGRADER_DATA")
    return Path(configured) if configured else None


@dataclass(frozen=True)
class ImageSet:
    """Images as uint8 (N, H, W, 3), or (N, H, W) when grey, with int64 labels, plus where they came from."""

    images: np.ndarray
    labels: np.ndarray
    source: str


# ---------------------------------------------------------------- synthetic data

def synthetic_cifar(count: int, seed: int) -> ImageSet:
    """A CIFAR-10-like set: 10 classes of 32x32 RGB, each a colour and a stripe orientation, plus noise.

    The course network learns it to high accuracy within a few hundred SGD
    steps, so a correct training loop passes a threshold that broken loops miss.
    """
    rng = np.random.default_rng(seed)
    palette = np.random.default_rng(1234).uniform(40, 215, size=(10, 3))
    angles = np.linspace(0, np.pi, 10, endpoint=False)
    labels = rng.integers(0, 10, size=count)
    yy, xx = np.mgrid[0:32, 0:32].astype(np.float32)
    images = np.empty((count, 32, 32, 3), dtype=np.uint8)
    for index, label in enumerate(labels):
        angle = angles[label] + rng.normal(0, 0.08)
        phase = rng.uniform(0, 2 * np.pi)
        stripes = np.sin((xx * np.cos(angle) + yy * np.sin(angle)) * 0.7 + phase)
        colour = palette[label] + rng.normal(0, 8, size=3)
        pixels = colour[None, None, :] + 35 * stripes[..., None] + rng.normal(0, 12, size=(32, 32, 3))
        images[index] = np.clip(pixels, 0, 255).astype(np.uint8)
    return ImageSet(images, labels.astype(np.int64), f"synthetic CIFAR-like (seed {seed})")


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float,
         steps: int = 16) -> list[tuple[float, float]]:
    """Points along an ellipse from `start` to `end` degrees (clockwise on screen: y points down)."""
    angles = np.radians(np.linspace(start, end, steps))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]


# Each digit as pen strokes (polylines) in a unit box, x to the right and y downwards.
DIGIT_STROKES = {
    0: [_arc(0.5, 0.5, 0.27, 0.4, 0, 360, 24)],
    1: [[(0.36, 0.24), (0.52, 0.1), (0.52, 0.9)]],
    2: [_arc(0.5, 0.32, 0.25, 0.22, 190, 390) + [(0.24, 0.9), (0.78, 0.9)]],
    3: [_arc(0.48, 0.3, 0.22, 0.2, 200, 450), _arc(0.48, 0.7, 0.26, 0.2, 270, 520)],
    4: [[(0.66, 0.9), (0.66, 0.1), (0.2, 0.64), (0.82, 0.64)]],
    5: [[(0.76, 0.1), (0.32, 0.1), (0.28, 0.46)] + _arc(0.5, 0.66, 0.26, 0.24, 225, 510)],
    6: [[(0.7, 0.1), (0.42, 0.34), (0.27, 0.66)], _arc(0.5, 0.68, 0.23, 0.21, 0, 360, 20)],
    7: [[(0.2, 0.1), (0.8, 0.1), (0.42, 0.9)]],
    8: [_arc(0.5, 0.29, 0.2, 0.19, 0, 360, 20), _arc(0.5, 0.7, 0.25, 0.21, 0, 360, 20)],
    9: [_arc(0.5, 0.31, 0.23, 0.21, 0, 360, 20), [(0.73, 0.31), (0.64, 0.9)]],
}


def synthetic_digits(count: int, seed: int) -> ImageSet:
    """An MNIST-like set: 28x28 grey digits 0-9 drawn as pen strokes, white on black, each one slanted,
    stretched, shifted and thickened at random, anti-aliased, dimmed and noisy.

    Drawn at 4x size in the central 20x20 box, as MNIST's digits sit, then shrunk. The course's MLP
    learns it to about 92% held-out accuracy in two epochs of 2,000 images; broken loops stay far below.
    """
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=count)
    images = np.empty((count, 28, 28), dtype=np.uint8)
    for index, label in enumerate(labels):
        angle, shear = np.radians(rng.normal(0, 10)), rng.normal(0, 0.15)
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        matrix = rotation @ np.array([[rng.uniform(0.75, 1.1), shear], [0, rng.uniform(0.85, 1.1)]])
        shift = rng.normal(0, 0.05, size=2)
        width = int(rng.integers(7, 15))
        canvas = Image.new("L", (112, 112))
        draw = ImageDraw.Draw(canvas)
        for stroke in DIGIT_STROKES[label]:
            points = np.asarray(stroke) - 0.5 + rng.normal(0, 0.025, size=(len(stroke), 2))
            path = [(float(x), float(y)) for x, y in 16 + 80 * (points @ matrix.T + 0.5 + shift)]
            draw.line(path, fill=255, width=width, joint="curve")
            for x, y in (path[0], path[-1]):
                draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)
        small = np.asarray(canvas.resize((28, 28), Image.Resampling.BOX), dtype=np.float32)
        pixels = small * rng.uniform(0.7, 1.0) + rng.normal(0, 10, size=(28, 28))
        images[index] = np.clip(pixels, 0, 255).astype(np.uint8)
    return ImageSet(images, labels.astype(np.int64), f"synthetic MNIST-like (seed {seed})")


def write_synthetic_image_folder(root: Path) -> Path:
    """An ants/bees-like folder: JPEGs, a palette GIF, an RGBA PNG, a grayscale PNG, odd-case
    extensions, and non-image files (`.DS_Store`, `notes.txt`) that a dataset must skip."""
    rng = np.random.default_rng(2024)
    layout = {
        "ants": ["a01.jpg", "a02.JPG", "a03.jpeg", "a04.png", "a05.gif", "a06.bmp", "a07.webp"],
        "bees": ["b01.jpg", "b02.png", "b03.tif", "b04.TIFF", "b05.jpg"],
    }
    for label, names in layout.items():
        folder = root / label
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            height, width = int(rng.integers(20, 60)), int(rng.integers(20, 60))
            pixels = rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)
            image = Image.fromarray(pixels, "RGB")
            if name.endswith(".gif"):
                image = image.convert("P", palette=Image.Palette.ADAPTIVE)
            elif name == "a04.png":
                image = image.convert("RGBA")
            elif name == "b02.png":
                image = image.convert("L")
            image.save(folder / name)
        (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
        (folder / "notes.txt").write_text("not an image\n")
    return root


# ---------------------------------------------------------------- real data

def _read_mnist(root: Path, split: str) -> ImageSet:
    """torchvision's MNIST files under `root/MNIST`, read by torchvision without downloading."""
    from torchvision.datasets import MNIST

    try:
        dataset = MNIST(str(root), train=split == "train", download=False)
    except (RuntimeError, OSError, ValueError, AssertionError) as exc:
        raise DataError(f"cannot read MNIST under {root / 'MNIST'}: {exc}") from exc
    return ImageSet(dataset.data.numpy(), dataset.targets.numpy().astype(np.int64),
                    f"{root / 'MNIST'} ({split})")


def _read_image_folder(folder: Path) -> ImageSet:
    images, labels = [], []
    for label, name in enumerate(CIFAR10_CLASSES):
        for path in sorted((folder / name).iterdir()):
            with Image.open(path) as image:
                images.append(np.asarray(image.convert("RGB").resize((32, 32))))
            labels.append(label)
    return ImageSet(np.stack(images), np.asarray(labels, dtype=np.int64), str(folder))


def _read_batches(folder: Path, split: str) -> ImageSet:
    names = [f"data_batch_{i}" for i in range(1, 6)] if split == "train" else ["test_batch"]
    images, labels = [], []
    for name in names:
        with open(folder / name, "rb") as handle:
            batch = _restricted_cifar_load(handle)
        images.append(np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        labels.extend(batch[b"labels"])
    return ImageSet(np.concatenate(images), np.asarray(labels, dtype=np.int64), str(folder))


class _CifarUnpickler(pickle.Unpickler):
    """torchvision's batch files are pickles of dicts of NumPy arrays: allow nothing else."""

    ALLOWED = {("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "_reconstruct"),
               ("numpy._core.multiarray", "_reconstruct")}

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise DataError(f"unexpected object {module}.{name} in a CIFAR-10 batch file")
        return super().find_class(module, name)


def _restricted_cifar_load(handle) -> dict:
    return _CifarUnpickler(handle, encoding="bytes").load()


def _read_archive(archive: Path, split: str) -> ImageSet:
    """Decode `cifar10/<split>/<class>/*.jpg` straight from the tar.gz, without extracting it."""
    found: dict[str, np.ndarray] = {}
    prefix = f"cifar10/{split}/"
    try:
        with tarfile.open(archive) as tar:
            for member in tar:
                if member.isfile() and member.name.startswith(prefix) and member.name.lower().endswith(".jpg"):
                    data = tar.extractfile(member).read()
                    with Image.open(io.BytesIO(data)) as image:
                        found[member.name] = np.asarray(image.convert("RGB"))
    except (tarfile.TarError, OSError) as exc:
        raise DataError(f"cannot read {archive}: {exc}") from exc
    images, labels = [], []
    for name in sorted(found):
        class_name = name[len(prefix):].split("/", 1)[0]
        if class_name not in CIFAR10_CLASSES:
            raise DataError(f"{archive}: unknown class folder {class_name!r}")
        images.append(found[name])
        labels.append(CIFAR10_CLASSES.index(class_name))
    if not images:
        raise DataError(f"{archive} holds no {prefix}<class>/*.jpg images")
    return ImageSet(np.stack(images), np.asarray(labels, dtype=np.int64), f"{archive} ({split})")


# ---------------------------------------------------------------- the store

class DataStore:
    """Where the grader gets its data: real under `root` when present, else synthetic, cached."""

    def __init__(self, root: Path | None = None, cache: Path | None = None) -> None:
        self.root = Path(root) if root else None
        self.cache = Path(cache) if cache else default_cache()
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
        for candidate in (self.root / "cifar10", self.root / "cifar-10-batches-py", self.root / CIFAR10_ARCHIVE):
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
            return self._cached(f"synthetic-v{SYNTHETIC_VERSION}-cifar-{split}",
                                lambda: synthetic_cifar(count, seed))
        key = hashlib.sha256(f"{source.resolve()}:{source.stat().st_mtime_ns}".encode()).hexdigest()[:16]
        return self._cached(f"real-cifar-{split}-{key}", lambda: self._read_real_cifar(source, split))

    @staticmethod
    def _read_real_cifar(source: Path, split: str) -> ImageSet:
        if source.name == CIFAR10_ARCHIVE:
            return _read_archive(source, split)
        if source.name == "cifar-10-batches-py":
            return _read_batches(source, split)
        return _read_image_folder(source / split)

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
            return self._cached(f"synthetic-v{SYNTHETIC_VERSION}-digits-{split}",
                                lambda: synthetic_digits(count, seed))
        return _read_mnist(source.parent, split)

    @property
    def uses_real_mnist(self) -> bool:
        return self.real_mnist_source() is not None

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
        return (f"CIFAR-10: {cifar or 'synthetic'}; MNIST: {mnist or 'synthetic'}; "
                f"ants/bees: {folder or 'synthetic'} (cache {self.cache})")


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
        raise DataError(f"could not download the real data sets ({exc}); is a network reachable? "
                        f"Copy them by hand under {root} instead (see datasets/README.md).") from exc
    return done
