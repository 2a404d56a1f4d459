"""The images, weights and known ways of making the network's input that 15_inference's checks use.

The grader writes the images itself (CIFAR-10 test images, a PNG with alpha, a grayscale image, a 64x48
JPEG) and builds the weights from a seed. `STEPS` are ways of turning an image into the (1, 3, 32, 32)
input: the contract's, and the known mistakes (ToTensor before Resize, a channels-last reshape), each
computed here so that a wrong load_image is told apart and charged once. `raised` explains the course's
traps when the student's code hits them.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, cast

import numpy as np
import torch
from PIL import Image
from torch import nn
from torchvision import transforms as T

from autograder.checking import (
    CheckFailed,
    StudentError,
    Text,
    expect_tensor,
    fail,
    not_judged,
    show,
)
from autograder.data import CIFAR10_CLASSES
from autograder.report_images import ImagePairs
from autograder.worker.probes import inference as probes
from autograder.worker.probes.inference import CourseNet

SEED = 15
CLASSES = list(CIFAR10_CLASSES)
CLASSES_ZH = ["飞机", "汽车", "鸟", "猫", "鹿", "狗", "青蛙", "马", "船", "卡车"]
MIN_MARGIN = 0.05  # predictions are compared only where the top two logits are this far apart
RGB_ADVICE = "call .convert('RGB') after Image.open: a PNG with alpha has 4 channels, a grayscale image 1"
RGB_ADVICE_ZH = "Image.open 之后要调用 .convert('RGB')：带透明通道的 PNG 有 4 个通道，灰度图只有 1 个"
RESIZE_ADVICE = (
    "Resize((32, 32)) before ToTensor: the network's input is (1, 3, 32, 32) whatever the image's size"
)
RESIZE_ADVICE_ZH = "ToTensor 之前要 Resize((32, 32))：无论图片原来多大，网络的输入都是 (1, 3, 32, 32)"
WEIGHTS_ONLY_ADVICE = (
    "since PyTorch 2.6 torch.load defaults to weights_only=True, which refuses whole models: "
    "pass weights_only=False for a file you trust"
)
WEIGHTS_ONLY_ADVICE_ZH = (
    "自 PyTorch 2.6 起 torch.load 默认 weights_only=True，无法加载整个模型：对可信文件请传 weights_only=False"
)
CUDA_ADVICE = (
    "a model saved on a GPU needs torch.load(path, map_location=torch.device('cpu')) on a CPU-only machine"
)
CUDA_ADVICE_ZH = (
    "在 GPU 上保存的模型，在只有 CPU 的机器上需要 torch.load(path, map_location=torch.device('cpu'))"
)


@dataclass(frozen=True)
class Inputs:
    """The image files and the weights, in a folder of the grader's and as the worker sees it."""

    folder: Path
    shared: str
    cifar: tuple[str, ...]
    confident: tuple[str, ...]

    def student(self, name: str) -> str:
        return f"{self.shared}/{name}"

    def reference(self, name: str) -> str:
        return str(self.folder / name)


def build_weights(data, path: Path) -> CourseNet:
    """A seeded CourseNet whose last layer is centred and scaled on 256 training images; saved to `path`."""
    train = data.cifar("train")
    chosen = np.random.default_rng(SEED).permutation(len(train.labels))[:256]
    images = torch.as_tensor(train.images[chosen]).permute(0, 3, 1, 2).to(torch.float32) / 255
    torch.manual_seed(SEED)
    model = CourseNet().eval()
    with torch.no_grad():
        logits = model(images)
        last = cast(nn.Linear, model.model[-1])  # torch types a submodule as Tensor | Module
        spread = logits.std(dim=0)
        last.bias.sub_(logits.mean(dim=0)).div_(spread)
        last.weight.div_(spread[:, None])
    torch.save(model.state_dict(), path)
    return model


def write_images(data, folder: Path) -> tuple[str, ...]:
    """Eight CIFAR-10 test images as PNGs, and the three kinds that break the course's test.py."""
    test = data.cifar("test")
    chosen = np.random.default_rng(SEED).permutation(len(test.labels))[:11]
    cifar = tuple(f"cifar-{i}.png" for i in range(8))
    for name, index in zip(cifar, chosen):
        Image.fromarray(test.images[index]).save(folder / name)
    alpha = Image.fromarray(test.images[chosen[8]]).resize((48, 40), Image.Resampling.BICUBIC).convert("RGBA")
    alpha.putalpha(Image.fromarray(np.random.default_rng(SEED).integers(64, 256, (40, 48), dtype=np.uint8)))
    alpha.save(folder / "alpha.png")
    Image.fromarray(test.images[chosen[9]]).resize((36, 36)).convert("L").save(folder / "gray.png")
    Image.fromarray(test.images[chosen[10]]).resize((64, 48), Image.Resampling.BICUBIC).save(
        folder / "photo.jpg", quality=90
    )
    return cifar


def margins(model: CourseNet, images: list[torch.Tensor]) -> list[float]:
    """How far apart the top two logits are, per image."""
    with torch.no_grad():
        top = model(torch.cat(images)).topk(2, dim=1).values
    return (top[:, 0] - top[:, 1]).tolist()


def raised(error: StudentError, when: str) -> NoReturn:
    """Explain the course's traps when the student's code hits them; re-raise anything else."""
    text = str(error)
    if any(
        sign in text
        for sign in ("invalid for input of size 4096", "invalid for input of size 1024", "to have 3 channels")
    ):
        fail(f"{when} raised {text[:200]}; {RGB_ADVICE}", f"{when} 抛出 {text[:200]}；{RGB_ADVICE_ZH}")
    if "is invalid for input of size" in text:
        fail(f"{when} raised {text[:200]}; {RESIZE_ADVICE}", f"{when} 抛出 {text[:200]}；{RESIZE_ADVICE_ZH}")
    if "Weights only load failed" in text or "weights_only" in text:
        fail(
            f"{when} raised {text[:200]}... {WEIGHTS_ONLY_ADVICE}",
            f"{when} 抛出 {text[:200]}... {WEIGHTS_ONLY_ADVICE_ZH}",
        )
    if "CUDA device" in text or "torch.cuda.is_available() is False" in text:
        fail(f"{when} raised {text[:200]}... {CUDA_ADVICE}", f"{when} 抛出 {text[:200]}... {CUDA_ADVICE_ZH}")
    raise error


def rgb_of(path: Path) -> Image.Image:
    with Image.open(path) as opened:
        return opened.convert("RGB")


RESIZE_THEN_TO_TENSOR = T.Compose([T.Resize((32, 32)), T.ToTensor()])
TO_TENSOR_THEN_RESIZE = T.Compose([T.ToTensor(), T.Resize((32, 32))])
STEPS = {
    "contract": lambda image: torch.reshape(RESIZE_THEN_TO_TENSOR(image), (1, 3, 32, 32)),
    "to-tensor-first": lambda image: torch.reshape(TO_TENSOR_THEN_RESIZE(image), (1, 3, 32, 32)),
    "channels-last": lambda image: torch.reshape(RESIZE_THEN_TO_TENSOR(image), (1, 32, 32, 3)).permute(
        0, 3, 1, 2
    ),
}


CAUSES = {
    "to-tensor-first": Text(
        "the values differ from Resize((32, 32)) then ToTensor() by at most 1/255: ToTensor runs "
        "before Resize, so the image is resized as floats and never rounded to bytes; Resize the "
        "PIL image first, then ToTensor(), as the course does",
        "与先 Resize((32, 32)) 再 ToTensor() 的结果最多相差 1/255：ToTensor 在 Resize 之前，图片被"
        "当作浮点数缩放，没有取整到字节；请像课程那样先对 PIL 图片 Resize，再 ToTensor()",
    ),
    "channels-last": Text(
        "the channels are mixed up: the (3, 32, 32) tensor was reshaped as (32, 32, 3); keep "
        "ToTensor's (C, H, W) order and only add the batch dimension: torch.reshape(image, "
        "(1, 3, 32, 32))",
        "通道被打乱了：(3, 32, 32) 的张量被当作 (32, 32, 3) 重排；保持 ToTensor 的 (C, H, W) 顺序，"
        "只增加 batch 维度：torch.reshape(image, (1, 3, 32, 32))",
    ),
}


def same(got, expected: torch.Tensor) -> bool:
    return bool(
        isinstance(got, torch.Tensor)
        and got.shape == expected.shape
        and torch.allclose(got.detach().to(torch.float32), expected, atol=1e-6, rtol=0)
    )


def steps_taken(got, image: Image.Image) -> str | None:
    """Which known way of making the input (`STEPS`) gives what the student's load_image gave, if any."""
    return next((name for name, step in STEPS.items() if same(got, step(image))), None)


def student_image(student, inputs: Inputs, name: str):
    """load_image(name) from the student's code; a failed check naming the course's trap when it raises."""
    try:
        return student.call("load_image", inputs.student(name))
    except StudentError as error:
        raised(error, f"load_image({name!r})")


def expect_same_image(got, inputs: Inputs, name: str, step: str, images: ImagePairs, request) -> None:
    """load_image of one file gives what `step` makes of it, converted to RGB; known mistakes named."""
    what = f"load_image({name!r})"
    image = rgb_of(inputs.folder / name)
    expected = STEPS[step](image)
    if isinstance(got, torch.Tensor) and got.dim() == 4 and got.shape[1] in (1, 4):
        fail(
            f"{what} has {got.shape[1]} channel(s), shape {tuple(got.shape)}; {RGB_ADVICE}",
            f"{what} 有 {got.shape[1]} 个通道，形状为 {tuple(got.shape)}；{RGB_ADVICE_ZH}",
        )
    try:
        got = expect_tensor(got, Text(what, what), shape=tuple(expected.shape))
        if same(got, expected):
            return
        cause = CAUSES.get(steps_taken(got, image) or "")
        if step == "contract" and cause:
            fail(f"{what}: {cause.en}", f"{what}：{cause.zh}")
        largest = float((got.detach().to(torch.float32) - expected).abs().max())
        fail(
            f"{what}: the pixel values differ from .convert('RGB'), Resize((32, 32)), ToTensor() and "
            f"torch.reshape(image, (1, 3, 32, 32)) (largest difference {largest:.3g})",
            f"{what}：像素值与 .convert('RGB')、Resize((32, 32))、ToTensor()、torch.reshape(image, (1, 3, "
            f"32, 32)) 的结果不同（最大差 {largest:.3g}）",
        )
    except CheckFailed:
        images.add(
            request,
            Text(f"{name}: expected, then your load_image", f"{name}：左为期望，右为你的 load_image"),
            expected,
            got,
        )
        raise


def photo_input(student, inputs: Inputs):
    """load_image('photo.jpg'), or not judged when it fails or has the wrong shape:
    load_image_returns_a_1x3x32x32_float32_tensor charges that."""
    try:
        got = student_image(student, inputs, "photo.jpg")
    except (StudentError, CheckFailed):
        got = None
    if not isinstance(got, torch.Tensor) or tuple(got.shape) != (1, 3, 32, 32):
        not_judged(
            "load_image",
            "not judged: load_image does not return a (1, 3, 32, 32) tensor, which "
            "load_image_returns_a_1x3x32x32_float32_tensor already charges",
            "未评判：load_image 没有返回形状为 (1, 3, 32, 32) 的 tensor，已在 "
            "load_image_returns_a_1x3x32x32_float32_tensor 中扣分",
        )
    return got


def run_predict(
    module, inputs: Inputs, names: tuple[str, ...], classes: list[str], side: str, train_mode: bool = False
) -> dict:
    place = inputs.student if side == "student" else inputs.reference
    return module.probe(
        probes.predict, place("weights.pth"), [place(name) for name in names], classes, train_mode
    )


def outcome(got: dict | StudentError) -> dict:
    if isinstance(got, StudentError):
        raised(got, "predict(model, image_path, classes)")
    return got


def expect_predictions(got: list, expected: list, names: tuple[str, ...]) -> None:
    for name, have, want in zip(names, got, expected):
        if not isinstance(have, (tuple, list)) or len(have) != 2:
            fail(
                f"predict should return (index, class_name), got {show(have)}",
                f"predict 应返回 (index, class_name)，实际为 {show(have, zh=True)}",
            )
        if type(have[0]) is not int:
            fail(
                f"the index predict returns should be a Python int, got {show(have[0])}: "
                f"use output.argmax(1).item()",
                f"predict 返回的 index 应为 Python int，实际为 {show(have[0], zh=True)}：请用 "
                f"output.argmax(1).item()",
            )
    wrong = [
        (name, tuple(have), tuple(want))
        for name, have, want in zip(names, got, expected)
        if tuple(have) != tuple(want)
    ]
    if wrong:
        name, have, want = wrong[0]
        fail(
            f"{len(wrong)} of {len(names)} predictions differ from the reference's; first: {name}: expected "
            f"{want}, got {have}",
            f"{len(names)} 个预测中有 {len(wrong)} 个与参考答案不同；例如 {name}：应为 {want}，实际为 {have}",
        )
