"""Hidden checks for 04_transforms: hand-written ToTensor and Normalize, and the pipeline.

Expected values are torchvision's own transforms applied here, in the grader, to the same pixels (and
the reference's pipeline). Where a check fails on images, the expected and the produced images are
kept for the report page. The "written by hand" checks belong with the other exercises' by-hand checks.
"""

import numpy as np
import pytest
import torch
from torchvision import transforms as T

from autograder.checking import (
    CheckFailed,
    StudentProblem,
    Text,
    expect_close,
    expect_equal,
    expect_tensor,
    fail,
    not_judged,
    points,
)
from autograder.hidden.by_hand import ByHandCase, judge_by_hand
from autograder.hidden.transform_cases import (
    close,
    normalize_case,
    normalize_right_on,
    shown,
    to_tensor_first,
)
from autograder.report_images import ImagePairs
from autograder.worker.probes import generic
from autograder.worker.probes import transforms as probes
from autograder.worker.probes.transforms import make_image

RNG = np.random.default_rng(40)
SIZES = [(1, 1), (7, 5), (32, 32), (45, 61)]
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


@pytest.fixture(scope="module")
def images():
    """Expected/got image pairs for the report page, for this exercise's run."""
    return ImagePairs()


def pixels(height: int, width: int, channels: int = 3) -> np.ndarray:
    shape = (height, width, channels) if channels > 1 else (height, width)
    return RNG.integers(0, 256, shape, dtype=np.uint8)


@pytest.mark.parametrize("mode", ["RGB", "L"])
@points(2)
def test_to_tensor_equals_torchvision(student, mode, images, request):
    """to_tensor(PIL image) equals transforms.ToTensor() for RGB and grayscale images of several sizes.

    中文：to_tensor(PIL 图片) 与 transforms.ToTensor() 相同，RGB 和灰度图、各种尺寸都要对。"""
    for height, width in SIZES:
        image_pixels = pixels(height, width, 3 if mode == "RGB" else 1)
        expected = T.ToTensor()(make_image(image_pixels, mode))
        got = student.probe(probes.to_tensor_of_image, image_pixels, mode)
        what = Text(
            f"to_tensor(a {mode} image of {width}x{height})", f"to_tensor({width}x{height} 的 {mode} 图片)"
        )
        try:
            expect_close(got, expected, what, atol=1e-6, rtol=0, check_dtype=True)
        except CheckFailed:
            images.add(
                request,
                Text(
                    f"a {mode} image of {width}x{height}: ToTensor(), then your to_tensor",
                    f"{width}x{height} 的 {mode} 图片：左为 ToTensor()，右为你的 to_tensor",
                ),
                expected,
                got,
            )
            raise


@points(1)
def test_to_tensor_accepts_an_hwc_uint8_array(student):
    """to_tensor(an H x W x C uint8 NumPy array) equals transforms.ToTensor() on it.

    中文：to_tensor(H×W×C 的 uint8 NumPy 数组) 与 transforms.ToTensor() 的结果相同。"""
    array = pixels(9, 13)
    expected = T.ToTensor()(array)
    got = student.call("to_tensor", array)
    if close(got, expected, 1e-6):
        return
    try:
        same_as_image = close(student.probe(probes.to_tensor_of_image, array, "RGB"), expected, 1e-6)
    except StudentProblem:
        same_as_image = False
    if not same_as_image:
        not_judged(
            "to_tensor",
            "not judged: to_tensor is also wrong on a PIL image of the same pixels, which "
            "to_tensor_equals_torchvision already charges",
            "未评判：to_tensor 对相同像素的 PIL 图片也不对，已在 to_tensor_equals_torchvision 中扣分",
        )
    expect_close(
        got,
        expected,
        Text("to_tensor(a 9x13x3 uint8 array)", "to_tensor(9x13x3 的 uint8 数组)"),
        atol=1e-6,
        rtol=0,
        check_dtype=True,
    )


@points(1)
def test_to_tensor_is_written_by_hand(student):
    """to_tensor gives ToTensor's values with torchvision's ToTensor, to_tensor, PILToTensor and their v2 forms
    out of reach (whatever your own classes are called).
    中文：在 torchvision 的 ToTensor、to_tensor、PILToTensor 及其 v2 版本都不可用时，to_tensor 仍得到与 ToTensor
    相同的值（你自己的类叫什么名字都可以）"""  # noqa: E501
    image_pixels = pixels(9, 13)
    judge_by_hand(
        [
            ByHandCase(
                "to_tensor",
                lambda: student.probe(probes.to_tensor_by_hand, image_pixels, "RGB"),
                T.ToTensor()(make_image(image_pixels, "RGB")),
                atol=1e-6,
            )
        ],
        Text(
            "use NumPy/torch operations (np.asarray, permute, division by 255)",
            "请用 NumPy/torch 运算（np.asarray、permute、除以 255）",
        ),
    )


@points(1)
def test_normalize_gives_the_course_figure(student):
    """0.6549 normalised with mean 0.5 and std 0.5 gives 0.3098 (the course's own numbers).

    中文：0.6549 用 mean 0.5、std 0.5 归一化得到 0.3098（课程里的数字）。"""
    pixel = torch.full((3, 2, 2), 0.6549)
    got = student.probe(probes.normalize_keeping_input, pixel, [0.5] * 3, [0.5] * 3)["output"]
    what = Text("normalize(0.6549, mean 0.5, std 0.5)", "normalize(0.6549, mean 0.5, std 0.5)")
    if not close(got, torch.full((3, 2, 2), 0.3098), 1e-4) and not normalize_right_on(student, (3, 8, 6)):
        not_judged(
            "normalize",
            "not judged: normalize also differs from transforms.Normalize on other values, "
            "which normalize_equals_torchvision already charges",
            "未评判：normalize 在其他取值上也与 transforms.Normalize 不同，已在 normalize_equals_torchvision "
            "中扣分",
        )
    expect_close(got, torch.full((3, 2, 2), 0.3098), what, atol=1e-4)


@pytest.mark.parametrize("shape", [(3, 8, 6), (1, 5, 5), (2, 3, 4, 4)], ids=["CHW", "one-channel", "batched"])
@points(1)
def test_normalize_equals_torchvision(student, shape):
    """normalize equals transforms.Normalize for per-channel means and stds, batched input included.

    中文：normalize 与 transforms.Normalize 相同：按通道的均值和标准差，批量输入也要对。"""
    tensor, mean, std = normalize_case(shape)
    expected = T.Normalize(mean, std)(tensor)
    got = student.probe(probes.normalize_keeping_input, tensor, mean, std)["output"]
    expect_close(
        got,
        expected,
        Text(
            f"normalize(a tensor of shape {shape}, mean, std)",
            f"normalize(形状为 {shape} 的 tensor, mean, std)",
        ),
        atol=1e-5,
        check_dtype=True,
    )


@points(1)
def test_normalize_leaves_its_input_unchanged(student):
    """normalize returns a new tensor; the tensor passed in keeps its values.

    中文：normalize 返回新的 tensor；传入的 tensor 保持原值。"""
    tensor = torch.rand(3, 4, 4, generator=torch.Generator().manual_seed(3))
    result = student.probe(probes.normalize_keeping_input, tensor.clone(), [0.2, 0.3, 0.4], [0.5, 0.6, 0.7])
    expect_close(
        result["input_after"],
        tensor,
        Text("the input tensor after normalize(...)", "调用 normalize(...) 之后的输入 tensor"),
        atol=0,
        rtol=0,
    )


@points(1)
def test_normalize_is_written_by_hand(student):
    """normalize gives Normalize's values with torchvision's Normalize and normalize (v2 included) out of reach.
    中文：在 torchvision 的 Normalize 和 normalize（包括 v2 版本）都不可用时，normalize 仍得到与 Normalize 相同的值"""  # noqa: E501
    tensor = torch.rand(3, 4, 4, generator=torch.Generator().manual_seed(44))
    mean, std = [0.2, 0.3, 0.4], [0.5, 0.6, 0.7]
    judge_by_hand(
        [
            ByHandCase(
                "normalize",
                lambda: student.probe(
                    generic.call_by_hand, "normalize", "normalize", tensor.clone(), mean, std
                ),
                T.Normalize(mean, std)(tensor),
                atol=1e-5,
            )
        ],
        Text("compute (tensor - mean) / std yourself", "请自己计算 (tensor - mean) / std"),
    )


@pytest.mark.parametrize("size", [(16, 16), (10, 24), 12], ids=["square", "rectangle", "shorter-side"])
@points(1)
def test_pipeline_resizes_converts_and_normalizes(student, reference, size, images, request):
    """build_pipeline(size, mean, std)(image) equals Resize -> ToTensor -> Normalize.

    中文：build_pipeline(size, mean, std)(image) 等于依次 Resize、ToTensor、Normalize。"""
    image_pixels = pixels(30, 45)
    expected = reference.probe(probes.pipeline_on_image, size, MEAN, STD, image_pixels)
    got = student.probe(probes.pipeline_on_image, size, MEAN, STD, image_pixels)
    what = Text(
        f"build_pipeline({size!r}, mean, std)(a 45x30 image)",
        f"build_pipeline({size!r}, mean, std)(45x30 的图片)",
    )
    try:
        expect_tensor(got, what, shape=tuple(expected.shape))
        if close(got, to_tensor_first(size, MEAN, STD, image_pixels), 1e-5) and not close(
            got, expected, 1e-5
        ):
            largest = float(((got - expected) * torch.tensor(STD)[:, None, None]).abs().max())
            fail(
                f"{what.en}: the values differ from Resize then ToTensor "
                f"by up to {largest:.4f} before Normalize "
                f"(at most 1/255): ToTensor runs before Resize, so the image is resized as floats; put "
                f"Resize first, on the PIL image",
                f"{what.zh}：与先 Resize 再 ToTensor 的结果相比，Normalize 前最多相差 {largest:.4f}（不超过 "
                f"1/255）：ToTensor 在 Resize 之前，图片被当作浮点数缩放；请先对 PIL 图片 Resize",
            )
        expect_close(got, expected, what, atol=1e-5)
    except CheckFailed:
        images.add(
            request,
            Text(
                f"Resize({size!r}) -> ToTensor -> Normalize, then your pipeline",
                f"左为 Resize({size!r}) -> ToTensor -> Normalize，右为你的 pipeline",
            ),
            shown(expected, MEAN, STD),
            shown(got, MEAN, STD),
        )
        raise


@points(1)
def test_pipeline_output_shape_for_the_course_resize(student, reference):
    """Resize((512, 512)) as in the course gives a (3, 512, 512) tensor.

    中文：按课程的 Resize((512, 512))，得到形状为 (3, 512, 512) 的 tensor。"""
    image_pixels = pixels(40, 50)
    what = Text("build_pipeline((512, 512), ...)(an image)", "build_pipeline((512, 512), ...)(一张图片)")
    try:
        got = student.probe(probes.pipeline_on_image, (512, 512), [0.5] * 3, [0.5] * 3, image_pixels)
        got = expect_tensor(got, what)
    except (StudentProblem, CheckFailed):
        square = pixels(30, 45)
        try:
            works = close(
                student.probe(probes.pipeline_on_image, (16, 16), MEAN, STD, square),
                reference.probe(probes.pipeline_on_image, (16, 16), MEAN, STD, square),
                1e-5,
            )
        except StudentProblem:
            works = False
        if not works:
            not_judged(
                "build_pipeline",
                "not judged: the pipeline also fails on a 16x16 resize, which "
                "pipeline_resizes_converts_and_normalizes already charges",
                "未评判：pipeline 在 16x16 的 Resize 上也出错，已在 pipeline_resizes_converts_and_normalizes "
                "中扣分",
            )
        raise
    expect_equal(tuple(got.shape), (3, 512, 512), Text("the pipeline's output shape", "pipeline 输出的形状"))
