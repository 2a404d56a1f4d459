"""Visible tests for exercise 04 (transforms by hand). Run: pytest exercises/04_transforms"""

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision import transforms as T


@pytest.fixture
def rgb_image():
    rng = np.random.default_rng(4)
    return Image.fromarray(rng.integers(0, 256, (20, 30, 3), dtype=np.uint8))


def test_to_tensor_gives_channels_first_float32_in_0_1(transforms, rgb_image):
    out = transforms.to_tensor(rgb_image)
    assert out.shape == (3, 20, 30)
    assert out.dtype == torch.float32
    assert 0.0 <= out.min() and out.max() <= 1.0


def test_to_tensor_equals_torchvision(transforms, rgb_image):
    assert torch.allclose(transforms.to_tensor(rgb_image), T.ToTensor()(rgb_image))


def test_to_tensor_handles_grayscale(transforms, rgb_image):
    gray = rgb_image.convert("L")
    assert torch.allclose(transforms.to_tensor(gray), T.ToTensor()(gray))


def test_normalize_matches_the_course_figure(transforms):
    pixel = torch.full((3, 1, 1), 0.6549)
    out = transforms.normalize(pixel, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5])
    assert round(out[0, 0, 0].item(), 4) == 0.3098


def test_normalize_equals_torchvision(transforms, rgb_image):
    tensor = T.ToTensor()(rgb_image)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    assert torch.allclose(transforms.normalize(tensor, mean, std), T.Normalize(mean, std)(tensor), atol=1e-6)


def test_pipeline_resizes_then_normalizes(transforms, rgb_image):
    pipeline = transforms.build_pipeline((16, 16), [0.5] * 3, [0.5] * 3)
    out = pipeline(rgb_image)
    assert out.shape == (3, 16, 16)
    assert -1.0 <= out.min() and out.max() <= 1.0
