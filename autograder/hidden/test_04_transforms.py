"""Hidden checks for 04_transforms: hand-written ToTensor and Normalize, and the pipeline."""
import numpy as np
import pytest
import torch
from torchvision import transforms as T

from autograder.checking import Text, expect_close, expect_equal, expect_tensor, points
from autograder.hidden.by_hand import ByHandCase, judge_by_hand
from autograder.worker.probes import generic
from autograder.worker.probes import transforms as probes

RNG = np.random.default_rng(40)
SIZES = [(1, 1), (7, 5), (32, 32), (45, 61)]


def pixels(height: int, width: int, channels: int = 3) -> np.ndarray:
    shape = (height, width, channels) if channels > 1 else (height, width)
    return RNG.integers(0, 256, shape, dtype=np.uint8)


@pytest.mark.parametrize("mode", ["RGB", "L"])
@points(2)
def test_to_tensor_equals_torchvision(student, mode):
    """to_tensor(PIL image) equals transforms.ToTensor() for RGB and grayscale images of several sizes."""
    from autograder.worker.probes.transforms import make_image

    for height, width in SIZES:
        image_pixels = pixels(height, width, 3 if mode == "RGB" else 1)
        expected = T.ToTensor()(make_image(image_pixels, mode))
        got = student.probe(probes.to_tensor_of_image, image_pixels, mode)
        expect_close(got, expected, f"to_tensor(a {mode} image of {width}x{height})", atol=1e-6, rtol=0,
                     check_dtype=True)


def judge_array_conversion(student) -> None:
    array = pixels(9, 13)
    expect_close(student.call("to_tensor", array), T.ToTensor()(array), "to_tensor(a 9x13x3 uint8 array)",
                 atol=1e-6, rtol=0, check_dtype=True)


def judge_course_figure(student) -> None:
    pixel = torch.full((3, 2, 2), 0.6549)
    got = student.probe(probes.normalize_keeping_input, pixel, [0.5] * 3, [0.5] * 3)["output"]
    expect_close(got, torch.full((3, 2, 2), 0.3098), "normalize(0.6549, mean 0.5, std 0.5)", atol=1e-4)


@points(1)
def test_to_tensor_accepts_an_hwc_uint8_array(student):
    """to_tensor(an H x W x C uint8 NumPy array) equals transforms.ToTensor() on it."""
    judge_array_conversion(student)


@points(1)
def test_to_tensor_is_written_by_hand(student):
    """to_tensor gives ToTensor's values with torchvision's ToTensor, to_tensor, PILToTensor and their v2 forms
    out of reach (whatever your own classes are called).
    中文：在 torchvision 的 ToTensor、to_tensor、PILToTensor 及其 v2 版本都不可用时，to_tensor 仍得到与 ToTensor
    相同的值（你自己的类叫什么名字都可以）"""
    from autograder.worker.probes.transforms import make_image

    image_pixels = pixels(9, 13)
    judge_by_hand([ByHandCase("to_tensor", lambda: student.probe(probes.to_tensor_by_hand, image_pixels, "RGB"),
                              T.ToTensor()(make_image(image_pixels, "RGB")), atol=1e-6)],
                  Text("use NumPy/torch operations (np.asarray, permute, division by 255)",
                       "请用 NumPy/torch 运算（np.asarray、permute、除以 255）"))


@points(1)
def test_normalize_gives_the_course_figure(student):
    """0.6549 normalised with mean 0.5 and std 0.5 gives 0.3098 (the course's own numbers)."""
    judge_course_figure(student)


@pytest.mark.parametrize("shape", [(3, 8, 6), (1, 5, 5), (2, 3, 4, 4)], ids=["CHW", "one-channel", "batched"])
@points(1)
def test_normalize_equals_torchvision(student, shape):
    """normalize equals transforms.Normalize for per-channel means and stds, batched input included."""
    generator = torch.Generator().manual_seed(sum(shape))
    tensor = torch.rand(shape, generator=generator)
    channels = shape[-3]
    mean = torch.rand(channels, generator=generator).tolist()
    std = (torch.rand(channels, generator=generator) + 0.1).tolist()
    expected = T.Normalize(mean, std)(tensor)
    got = student.probe(probes.normalize_keeping_input, tensor, mean, std)["output"]
    expect_close(got, expected, f"normalize(a tensor of shape {shape}, mean, std)", atol=1e-5, check_dtype=True)


@points(1)
def test_normalize_leaves_its_input_unchanged(student):
    """normalize returns a new tensor; the tensor passed in keeps its values."""
    tensor = torch.rand(3, 4, 4, generator=torch.Generator().manual_seed(3))
    result = student.probe(probes.normalize_keeping_input, tensor.clone(), [0.2, 0.3, 0.4], [0.5, 0.6, 0.7])
    expect_close(result["input_after"], tensor, "the input tensor after normalize(...)", atol=0, rtol=0)


@points(1)
def test_normalize_is_written_by_hand(student):
    """normalize gives Normalize's values with torchvision's Normalize and normalize (v2 included) out of reach.
    中文：在 torchvision 的 Normalize 和 normalize（包括 v2 版本）都不可用时，normalize 仍得到与 Normalize 相同的值"""
    tensor = torch.rand(3, 4, 4, generator=torch.Generator().manual_seed(44))
    mean, std = [0.2, 0.3, 0.4], [0.5, 0.6, 0.7]
    judge_by_hand([ByHandCase("normalize", lambda: student.probe(generic.call_by_hand, "normalize", "normalize",
                                                                 tensor.clone(), mean, std),
                              T.Normalize(mean, std)(tensor), atol=1e-5)],
                  Text("compute (tensor - mean) / std yourself", "请自己计算 (tensor - mean) / std"))


@pytest.mark.parametrize("size", [(16, 16), (10, 24), 12], ids=["square", "rectangle", "shorter-side"])
@points(1)
def test_pipeline_resizes_converts_and_normalizes(student, reference, size):
    """build_pipeline(size, mean, std)(image) equals Resize -> ToTensor -> Normalize."""
    image_pixels = pixels(30, 45)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    expected = reference.probe(probes.pipeline_on_image, size, mean, std, image_pixels)
    got = student.probe(probes.pipeline_on_image, size, mean, std, image_pixels)
    expect_tensor(got, f"build_pipeline({size!r}, mean, std)(a 45x30 image)", shape=tuple(expected.shape))
    expect_close(got, expected, f"build_pipeline({size!r}, mean, std)(a 45x30 image)", atol=1e-5)


@points(1)
def test_pipeline_output_shape_for_the_course_resize(student):
    """Resize((512, 512)) as in the course gives a (3, 512, 512) tensor."""
    got = student.probe(probes.pipeline_on_image, (512, 512), [0.5] * 3, [0.5] * 3, pixels(40, 50))
    got = expect_tensor(got, "build_pipeline((512, 512), ...)(an image)")
    expect_equal(tuple(got.shape), (3, 512, 512), "the pipeline's output shape")
