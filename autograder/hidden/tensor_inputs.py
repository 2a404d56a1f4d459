"""The inputs 01_tensors' checks draw: nested lists, arrays and tensors of several dtypes and shapes, made
from fixed seeds so that every grading run judges the same cases.
"""

from typing import Any

import numpy as np
import torch

NESTED_KINDS = {
    "integers": "整数",
    "floats": "浮点数",
    "booleans": "布尔值",
    "integers and floats": "整数和浮点数",
    "three-level integers": "三层的整数",
}


def nested_lists(seed: int) -> dict[str, list]:
    rng = np.random.default_rng(seed)
    return {
        "integers": rng.integers(-50, 50, size=(3, 4)).tolist(),
        "floats": np.round(rng.normal(size=(2, 5)), 3).tolist(),
        "booleans": (rng.random(size=(2, 3)) > 0.5).tolist(),
        "integers and floats": [[int(rng.integers(0, 9)), 0.5], [2, float(rng.normal())]],
        "three-level integers": rng.integers(0, 255, size=(2, 2, 3)).tolist(),
    }


ARRAYS = [("float32", (2, 3)), ("int64", (7,)), ("float64", (2, 2, 2)), ("int32", (3, 1)), ("uint8", (5, 4))]


def fresh_arrays(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 100, size=shape).astype(dtype) for dtype, shape in ARRAYS]


def like_inputs(seed: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return [
        torch.randint(-5, 5, (3, 4), generator=generator),
        torch.randn(2, 5, generator=generator).double(),
        torch.randn(2, 3, 4, generator=generator),
        torch.randint(0, 9, (40, 50), generator=generator),
    ]


def pairs(seed: int, shapes: list[tuple[int, int]]) -> list[tuple[torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(seed)
    made = []
    for index, shape in enumerate(shapes):
        if index % 2:
            made.append((torch.randn(shape, generator=generator), torch.randn(shape, generator=generator)))
        else:
            made.append(
                (
                    torch.randint(-9, 10, shape, generator=generator),
                    torch.randint(-9, 10, shape, generator=generator),
                )
            )
    return made


def add_cases(seed: int) -> list[tuple[torch.Tensor, Any]]:
    generator = torch.Generator().manual_seed(seed)
    return [
        (torch.randn(3, 4, generator=generator), 2.5),
        (torch.randn(2, 4, generator=generator).double(), torch.randn(4, generator=generator).double()),
        (torch.ones(2, 2), torch.ones(2, 2)),
    ]


def six_element_arrays(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [
        rng.permutation(6) + 1,
        np.round(rng.normal(size=6), 3),
        rng.permutation(6).astype(np.float32) * 1.5,
        rng.integers(0, 100, size=6).astype(np.int32),
    ]


def bgr_images(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, size=shape, dtype=np.uint8) for shape in [(5, 7, 3), (32, 32, 3), (1, 1, 3)]]
