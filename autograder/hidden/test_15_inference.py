"""Hidden checks for 15_inference: images as the network's input, predictions, and a GPU-saved model.

The grader writes the images itself: CIFAR-10 test images (the real ones when
the data root has them, else synthetic ones), plus the kinds that break the
course's `test.py`: a PNG with an alpha channel, a grayscale image, and a JPEG
that is not 32x32. The network is the course's CIFAR-10 model (kit code, with
dropout), its weights drawn from a seed and its last layer centred on training
images so that predictions spread over the classes; it is built here in a
fraction of a second and shared with the worker as a state_dict file.

Expected values are the reference's, computed here. A wrong load_image is told apart from the known
mistakes (ToTensor before Resize, a channels-last reshape) by computing those here too, and charged once:
the alpha and grayscale check then judges the conversion to RGB through the same steps the student's
load_image takes, and predict runs with the contract's load_image in place of the student's.
"""
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision import transforms as T

from autograder.checking import (
    CheckFailed,
    StudentError,
    Text,
    expect_equal,
    expect_tensor,
    fail,
    not_judged,
    points,
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
RESIZE_ADVICE = "Resize((32, 32)) before ToTensor: the network's input is (1, 3, 32, 32) whatever the image's size"
RESIZE_ADVICE_ZH = "ToTensor 之前要 Resize((32, 32))：无论图片原来多大，网络的输入都是 (1, 3, 32, 32)"
WEIGHTS_ONLY_ADVICE = ("since PyTorch 2.6 torch.load defaults to weights_only=True, which refuses whole models: "
                       "pass weights_only=False for a file you trust")
WEIGHTS_ONLY_ADVICE_ZH = ("自 PyTorch 2.6 起 torch.load 默认 weights_only=True，无法加载整个模型："
                          "对可信文件请传 weights_only=False")
CUDA_ADVICE = "a model saved on a GPU needs torch.load(path, map_location=torch.device('cpu')) on a CPU-only machine"
CUDA_ADVICE_ZH = "在 GPU 上保存的模型，在只有 CPU 的机器上需要 torch.load(path, map_location=torch.device('cpu'))"


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
        last = model.model[-1]
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
    Image.fromarray(test.images[chosen[10]]).resize((64, 48), Image.Resampling.BICUBIC).save(folder / "photo.jpg",
                                                                                            quality=90)
    return cifar


def margins(model: CourseNet, images: list[torch.Tensor]) -> list[float]:
    """How far apart the top two logits are, per image."""
    with torch.no_grad():
        top = model(torch.cat(images)).topk(2, dim=1).values
    return (top[:, 0] - top[:, 1]).tolist()


@pytest.fixture(scope="module")
def images():
    """Expected/got image pairs for the report page, for this exercise's run."""
    return ImagePairs()


@pytest.fixture(scope="module")
def inputs(student, reference, data):
    with tempfile.TemporaryDirectory(prefix="grader-inference-") as folder:
        folder = Path(folder)
        folder.chmod(0o755)  # the worker may run as another user: its copy keeps these permissions
        model = build_weights(data, folder / "weights.pth")
        cifar = write_images(data, folder)
        names = (*cifar, "photo.jpg")  # alpha and grayscale images are judged by load_image's own check
        gaps = margins(model, [reference.call("load_image", str(folder / name)) for name in names])
        confident = tuple(name for name, gap in zip(names, gaps) if gap > MIN_MARGIN)
        yield Inputs(folder, student.share(folder, "inference"), cifar, confident)


def raised(error: StudentError, when: str) -> None:
    """Explain the course's traps when the student's code hits them; re-raise anything else."""
    text = str(error)
    if any(sign in text for sign in ("invalid for input of size 4096", "invalid for input of size 1024",
                                     "to have 3 channels")):
        fail(f"{when} raised {text[:200]}; {RGB_ADVICE}", f"{when} 抛出 {text[:200]}；{RGB_ADVICE_ZH}")
    if "is invalid for input of size" in text:
        fail(f"{when} raised {text[:200]}; {RESIZE_ADVICE}", f"{when} 抛出 {text[:200]}；{RESIZE_ADVICE_ZH}")
    if "Weights only load failed" in text or "weights_only" in text:
        fail(f"{when} raised {text[:200]}... {WEIGHTS_ONLY_ADVICE}",
             f"{when} 抛出 {text[:200]}... {WEIGHTS_ONLY_ADVICE_ZH}")
    if "CUDA device" in text or "torch.cuda.is_available() is False" in text:
        fail(f"{when} raised {text[:200]}... {CUDA_ADVICE}", f"{when} 抛出 {text[:200]}... {CUDA_ADVICE_ZH}")
    raise error


# ---------------------------------------------------------------- load_image

def rgb_of(path: Path) -> Image.Image:
    with Image.open(path) as opened:
        return opened.convert("RGB")


RESIZE_THEN_TO_TENSOR = T.Compose([T.Resize((32, 32)), T.ToTensor()])
TO_TENSOR_THEN_RESIZE = T.Compose([T.ToTensor(), T.Resize((32, 32))])
STEPS = {
    "contract": lambda image: torch.reshape(RESIZE_THEN_TO_TENSOR(image), (1, 3, 32, 32)),
    "to-tensor-first": lambda image: torch.reshape(TO_TENSOR_THEN_RESIZE(image), (1, 3, 32, 32)),
    "channels-last": lambda image: torch.reshape(RESIZE_THEN_TO_TENSOR(image), (1, 32, 32, 3)).permute(0, 3, 1, 2),
}
CAUSES = {
    "to-tensor-first": Text("the values differ from Resize((32, 32)) then ToTensor() by at most 1/255: ToTensor runs "
                            "before Resize, so the image is resized as floats and never rounded to bytes; Resize the "
                            "PIL image first, then ToTensor(), as the course does",
                            "与先 Resize((32, 32)) 再 ToTensor() 的结果最多相差 1/255：ToTensor 在 Resize 之前，图片被"
                            "当作浮点数缩放，没有取整到字节；请像课程那样先对 PIL 图片 Resize，再 ToTensor()"),
    "channels-last": Text("the channels are mixed up: the (3, 32, 32) tensor was reshaped as (32, 32, 3); keep "
                          "ToTensor's (C, H, W) order and only add the batch dimension: torch.reshape(image, "
                          "(1, 3, 32, 32))",
                          "通道被打乱了：(3, 32, 32) 的张量被当作 (32, 32, 3) 重排；保持 ToTensor 的 (C, H, W) 顺序，"
                          "只增加 batch 维度：torch.reshape(image, (1, 3, 32, 32))"),
}


def same(got, expected: torch.Tensor) -> bool:
    return bool(isinstance(got, torch.Tensor) and got.shape == expected.shape
                and torch.allclose(got.detach().to(torch.float32), expected, atol=1e-6, rtol=0))


def steps_taken(got, image: Image.Image) -> str | None:
    """Which known way of making the input (`STEPS`) gives what the student's load_image gave; None if none."""
    return next((name for name, step in STEPS.items() if same(got, step(image))), None)


def student_image(student, inputs: Inputs, name: str):
    """load_image(name) from the student's code; a failed check naming the course's trap when it raises."""
    try:
        return student.call("load_image", inputs.student(name))
    except StudentError as error:
        raised(error, f"load_image({name!r})")


def expect_same_image(got, inputs: Inputs, name: str, step: str, images: ImagePairs, request) -> None:
    """load_image of one file gives what `step` makes of the file, converted to RGB; the known mistakes named."""
    what = f"load_image({name!r})"
    image = rgb_of(inputs.folder / name)
    expected = STEPS[step](image)
    if isinstance(got, torch.Tensor) and got.dim() == 4 and got.shape[1] in (1, 4):
        fail(f"{what} has {got.shape[1]} channel(s), shape {tuple(got.shape)}; {RGB_ADVICE}",
             f"{what} 有 {got.shape[1]} 个通道，形状为 {tuple(got.shape)}；{RGB_ADVICE_ZH}")
    try:
        got = expect_tensor(got, Text(what, what), shape=tuple(expected.shape))
        if same(got, expected):
            return
        cause = CAUSES.get(steps_taken(got, image) or "")
        if step == "contract" and cause:
            fail(f"{what}: {cause.en}", f"{what}：{cause.zh}")
        largest = float((got.detach().to(torch.float32) - expected).abs().max())
        fail(f"{what}: the pixel values differ from .convert('RGB'), Resize((32, 32)), ToTensor() and "
             f"torch.reshape(image, (1, 3, 32, 32)) (largest difference {largest:.3g})",
             f"{what}：像素值与 .convert('RGB')、Resize((32, 32))、ToTensor()、torch.reshape(image, (1, 3, 32, 32)) "
             f"的结果不同（最大差 {largest:.3g}）")
    except CheckFailed:
        images.add(request, Text(f"{name}: expected, then your load_image", f"{name}：左为期望，右为你的 load_image"),
                   expected, got)
        raise


@points(1)
def test_load_image_returns_a_1x3x32x32_float32_tensor(student, inputs):
    """load_image of a 64x48 JPEG returns the network's input: float32, shape (1, 3, 32, 32).

    中文：对 64x48 的 JPEG，load_image 返回网络的输入：float32，形状 (1, 3, 32, 32)。"""
    got = student_image(student, inputs, "photo.jpg")
    expect_tensor(got, Text("load_image('photo.jpg')", "load_image('photo.jpg')"), shape=(1, 3, 32, 32),
                  dtype=torch.float32)


def photo_input(student, inputs: Inputs):
    """load_image('photo.jpg'), or not judged when it fails or has the wrong shape:
    load_image_returns_a_1x3x32x32_float32_tensor charges that."""
    try:
        got = student_image(student, inputs, "photo.jpg")
    except (StudentError, CheckFailed):
        got = None
    if not isinstance(got, torch.Tensor) or tuple(got.shape) != (1, 3, 32, 32):
        not_judged("load_image", "not judged: load_image does not return a (1, 3, 32, 32) tensor, which "
                                 "load_image_returns_a_1x3x32x32_float32_tensor already charges",
                   "未评判：load_image 没有返回形状为 (1, 3, 32, 32) 的 tensor，已在 "
                   "load_image_returns_a_1x3x32x32_float32_tensor 中扣分")
    return got


@points(2)
def test_load_image_resizes_then_converts_with_to_tensor(student, inputs, images, request):
    """On CIFAR-10 test images and a 64x48 JPEG, load_image equals Resize((32, 32)), ToTensor(), reshape.

    中文：在 CIFAR-10 测试图片和一张 64x48 的 JPEG 上，load_image 等于 Resize((32, 32))、ToTensor() 再 reshape。"""
    for name in ("photo.jpg", *inputs.cifar):
        got = photo_input(student, inputs) if name == "photo.jpg" else student_image(student, inputs, name)
        expect_same_image(got, inputs, name, "contract", images, request)


@points(2)
def test_load_image_converts_alpha_and_grayscale_images_to_rgb(student, inputs, images, request):
    """A PNG with an alpha channel and a grayscale image both become 3-channel RGB input.

    中文：带透明通道的 PNG 和灰度图都要变成 3 通道的 RGB 输入。"""
    photo = photo_input(student, inputs)
    step = steps_taken(photo, rgb_of(inputs.folder / "photo.jpg"))
    if step is None:
        not_judged("load_image", "not judged: load_image already gives other values for an RGB photo, which "
                                 "load_image_resizes_then_converts_with_to_tensor charges",
                   "未评判：load_image 对 RGB 照片给出的值就已经不对，已在 load_image_resizes_then_converts_with_to_tensor 中扣分")
    for name in ("alpha.png", "gray.png"):
        expect_same_image(student_image(student, inputs, name), inputs, name, step, images, request)


# ---------------------------------------------------------------- predict

def run_predict(module, inputs: Inputs, names: tuple[str, ...], classes: list[str], side: str,
                train_mode: bool = False) -> dict:
    place = inputs.student if side == "student" else inputs.reference
    return module.probe(probes.predict, place("weights.pth"), [place(name) for name in names], classes, train_mode)


@dataclass(frozen=True)
class Predictions:
    """The reference's predictions, the student's with the model handed over in eval mode (for the answers)
    and in training mode (for the modes), or the student's error."""

    expected: dict
    in_eval: dict | StudentError
    in_training: dict | StudentError


@pytest.fixture(scope="module")
def predictions(student, reference, inputs):
    expected = run_predict(reference, inputs, inputs.confident, CLASSES, "reference")
    runs = []
    for train_mode in (False, True):
        try:
            runs.append(run_predict(student, inputs, inputs.confident, CLASSES, "student", train_mode))
        except StudentError as error:
            runs.append(error)
    return Predictions(expected, *runs)


def outcome(got: dict | StudentError) -> dict:
    if isinstance(got, StudentError):
        raised(got, "predict(model, image_path, classes)")
    return got


def expect_predictions(got: list, expected: list, names: tuple[str, ...]) -> None:
    for name, have, want in zip(names, got, expected):
        if not isinstance(have, (tuple, list)) or len(have) != 2:
            fail(f"predict should return (index, class_name), got {show(have)}",
                 f"predict 应返回 (index, class_name)，实际为 {show(have, zh=True)}")
        if type(have[0]) is not int:
            fail(f"the index predict returns should be a Python int, got {show(have[0])}: use output.argmax(1).item()",
                 f"predict 返回的 index 应为 Python int，实际为 {show(have[0], zh=True)}：请用 output.argmax(1).item()")
    wrong = [(name, tuple(have), tuple(want)) for name, have, want in zip(names, got, expected)
             if tuple(have) != tuple(want)]
    if wrong:
        name, have, want = wrong[0]
        fail(f"{len(wrong)} of {len(names)} predictions differ from the reference's; first: {name}: expected "
             f"{want}, got {have}",
             f"{len(names)} 个预测中有 {len(wrong)} 个与参考答案不同；例如 {name}：应为 {want}，实际为 {have}")


@points(3)
def test_predict_matches_the_reference_on_cifar10_test_images(predictions, inputs):
    """predict gives the reference's (index, class name) on CIFAR-10 test images and a 64x48 JPEG.

    中文：在 CIFAR-10 测试图片和一张 64x48 的 JPEG 上，predict 给出与参考答案相同的 (index, 类名)。"""
    got, expected = outcome(predictions.in_eval), predictions.expected
    expect_equal(len(got["returned"]), len(expected["returned"]), Text("the number of predictions", "预测的个数"))
    expect_predictions(got["returned"], expected["returned"], inputs.confident)


@points(1)
def test_predict_names_the_class_from_the_given_list(student, reference, inputs):
    """With other class names (Chinese ones), predict returns classes[index] from the list it is given.

    中文：换成另一组类名（中文类名）时，predict 返回所给列表中的 classes[index]。"""
    names = inputs.confident[:3]
    expected = run_predict(reference, inputs, names, CLASSES_ZH, "reference")
    try:
        got = run_predict(student, inputs, names, CLASSES_ZH, "student")
    except StudentError as error:
        raised(error, "predict(model, image_path, classes)")
    for name, have, want in zip(names, got["returned"], expected["returned"]):
        if not isinstance(have, (tuple, list)) or len(have) != 2:
            fail(f"predict should return (index, class_name), got {show(have)}",
                 f"predict 应返回 (index, class_name)，实际为 {show(have, zh=True)}")
        if have[1] != want[1]:
            fail(f"{name}: with the classes {CLASSES_ZH}, predict named the class {show(have[1])}, expected "
                 f"{want[1]!r}: return classes[index] from the list passed in",
                 f"{name}：类名列表为 {CLASSES_ZH} 时，predict 给出的类名是 {show(have[1], zh=True)}，应为 {want[1]!r}："
                 f"请返回传入列表中的 classes[index]")


def right_answers(predictions: Predictions) -> list[int]:
    """The images on which predict, given the model in eval mode, answers as the reference does; not judged when
    there are none (test_predict_matches_the_reference_on_cifar10_test_images charges that)."""
    if isinstance(predictions.in_eval, StudentError):
        outcome(predictions.in_eval)
    pairs = zip(predictions.in_eval["returned"], predictions.expected["returned"])
    right = [index for index, (have, want) in enumerate(pairs) if isinstance(have, (list, tuple))
             and tuple(have) == tuple(want)]
    if not right:
        not_judged("predict", "not judged: predict answers no image as the reference does, which "
                              "predict_matches_the_reference_on_cifar10_test_images already charges",
                   "未评判：predict 对每张图片的回答都与参考答案不同，已在 predict_matches_the_reference_on_cifar10_test_images 中扣分")
    return right


@points(1)
def test_predict_switches_to_eval_mode(predictions):
    """Every forward pass in predict runs with the model in eval mode, although it arrives in training mode.

    中文：即使模型以训练模式传入，predict 中的每次前向计算也都在 eval 模式下运行。"""
    right = right_answers(predictions)
    got = outcome(predictions.in_training)
    changed = [index for index in right if tuple(got["returned"][index]) != tuple(predictions.expected["returned"][index])]
    if got["calls"]["training"] != [False] or changed:
        fail("predict ran the model in training mode (dropout still active, so answers change); call model.eval() "
             "first",
             "predict 在训练模式下运行模型（dropout 仍然生效，答案会变）；请先调用 model.eval()")


@points(1)
def test_predict_turns_autograd_off(predictions):
    """Every forward pass in predict runs without autograd (torch.no_grad()).

    中文：predict 中的每次前向计算都关闭自动求导（torch.no_grad()）。"""
    right_answers(predictions)
    got = outcome(predictions.in_training)
    if got["calls"]["grad_enabled"] != [False]:
        fail("predict ran the model with autograd on; wrap the forward pass in `with torch.no_grad():`",
             "predict 运行模型时自动求导仍开启；请把前向计算放进 `with torch.no_grad():`")


# ---------------------------------------------------------------- load_model_cpu

@points(2)
def test_load_model_cpu_loads_a_whole_model_saved_on_a_gpu(student, reference, inputs):
    """A whole model written by torch.save on a GPU loads, with every tensor on the CPU, where no GPU exists.

    中文：在 GPU 上用 torch.save 保存的整个模型，在没有 GPU 的机器上能加载，且所有张量都在 CPU 上。"""
    try:
        got = student.probe(probes.load_model_cpu, inputs.student("weights.pth"))
    except StudentError as error:
        raised(error, "load_model_cpu(path)")
    expected = reference.probe(probes.load_model_cpu, inputs.reference("weights.pth"))
    expect_equal(got["loaded_type"], expected["loaded_type"], Text("type(load_model_cpu(path))",
                                                                   "type(load_model_cpu(path))"))
    expect_equal(got["devices"], expected["devices"], Text("the devices of the loaded model's tensors",
                                                           "加载后模型张量所在的设备"))
    for name, value in expected["original"].items():
        have = got["loaded"].get(name)
        if not isinstance(have, torch.Tensor) or not torch.equal(have, value):
            fail(f"the loaded model's {name} does not hold the saved values",
                 f"加载后模型的 {name} 不是保存时的值")
