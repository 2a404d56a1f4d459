"""Exercise 18 on real handwriting: scikit-learn's bundled 8x8 digits, upsampled to MNIST's 28x28.

scikit-learn is in the `test` extra; without it these tests are skipped, saying so.
"""

import importlib.util

import numpy as np
import pytest
import torch
from PIL import Image
from torch.utils.data import DataLoader, TensorDataset

from autograder import catalog
from autograder.data import DataStore
from autograder.worker.probes.mnist import to_inputs


def reference():
    exercise = catalog.get("18_mnist")
    spec = importlib.util.spec_from_file_location("handwriting_mnist", exercise.solution_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def handwriting():
    """(uint8 images (1797, 28, 28), labels): each 8x8 digit scaled to 20x20 and centred, as MNIST's digits
    are."""
    datasets = pytest.importorskip(
        "sklearn.datasets", reason="scikit-learn is not installed: pip install -e '.[test]'"
    )
    digits = datasets.load_digits()
    images = np.zeros((len(digits.target), 28, 28), dtype=np.uint8)
    for index, image in enumerate(digits.images):
        small = Image.fromarray((image * 255 / 16).astype(np.uint8))
        images[index, 4:24, 4:24] = np.asarray(small.resize((20, 20), Image.Resampling.BILINEAR))
    return images, digits.target.astype(np.int64)


def loader(images, labels, shuffle=False):
    dataset = TensorDataset(to_inputs(images), torch.as_tensor(labels))
    return DataLoader(dataset, batch_size=64, shuffle=shuffle, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("class_name", ["MLP", "CNN"])
def test_the_reference_networks_learn_real_handwriting(handwriting, class_name):
    images, labels = handwriting
    mnist = reference()
    order = np.random.default_rng(0).permutation(len(labels))
    train, heldout = order[:1400], order[1400:]
    torch.manual_seed(0)
    model = getattr(mnist, class_name)()
    mnist.train_mnist(model, loader(images[train], labels[train], shuffle=True), 3, 0.002, "cpu")
    # Seeds 0-5 give 91-95% (MLP) and 90-95% (CNN) on the 397 held-out digits.
    assert mnist.accuracy(model, loader(images[heldout], labels[heldout]), "cpu") >= 0.85


def write_idx(path, array: np.ndarray) -> None:
    """MNIST's idx format: two zero bytes, 0x08 (uint8), the number of dimensions, each size as a big-endian
    int32."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(size).to_bytes(4, "big") for size in array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def test_the_grader_reads_torchvision_mnist_files(handwriting, tmp_path):
    images, labels = handwriting
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix, part in (("train", slice(0, 1400)), ("t10k", slice(1400, None))):
        write_idx(raw / f"{prefix}-images-idx3-ubyte", images[part])
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", labels[part])
    store = DataStore(tmp_path, cache=tmp_path / "cache")
    train, test = store.mnist("train"), store.mnist("test")
    assert store.uses_real_mnist and "MNIST: " + str(tmp_path / "MNIST") in store.describe()
    assert np.array_equal(train.images, images[:1400]) and np.array_equal(train.labels, labels[:1400])
    assert test.images.shape == (397, 28, 28) and test.labels.dtype == np.int64
