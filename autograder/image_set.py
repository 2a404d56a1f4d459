"""The shape every data set takes in the kit: images and labels as arrays, and the error for unreadable data.

Kept apart from `autograder.data` so that the synthetic generators and the real-data readers can
share it without importing the store that uses them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder.errors import KitError

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


class DataError(KitError):
    """A data root or archive that cannot be read; the message names it."""


@dataclass(frozen=True)
class ImageSet:
    """Images as uint8 (N, H, W, 3), or (N, H, W) when grey, with int64 labels, plus where they came from."""

    images: np.ndarray
    labels: np.ndarray
    source: str

    def subset(self, chosen: np.ndarray, source: str) -> ImageSet:
        """The images at the positions `chosen`, in that order."""
        return ImageSet(self.images[chosen], self.labels[chosen], source)
