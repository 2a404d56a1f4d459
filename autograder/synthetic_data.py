"""Synthetic stand-ins for the course's data sets, drawn deterministically from a seed.

CIFAR-10-like colour images, MNIST-like digits and an ants/bees-like image folder: small, made
in seconds, and learnable by the course's networks in a few hundred steps, so that a correct
training loop clears a threshold that broken loops miss. Anyone can run these generators (they
are part of the kit): the grader's held-out draws are protected by their seeds, not by this code
(see `autograder.heldout`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from autograder.image_set import ImageSet


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


def _arc(
    cx: float, cy: float, rx: float, ry: float, start: float, end: float, steps: int = 16
) -> list[tuple[float, float]]:
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
