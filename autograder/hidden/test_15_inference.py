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

import pytest
import torch

from autograder.checking import (
    StudentError,
    Text,
    expect_equal,
    expect_tensor,
    fail,
    not_judged,
    points,
    show,
)
from autograder.hidden.inference_inputs import (
    CLASSES,
    CLASSES_ZH,
    MIN_MARGIN,
    Inputs,
    build_weights,
    expect_predictions,
    expect_same_image,
    margins,
    outcome,
    photo_input,
    raised,
    rgb_of,
    run_predict,
    steps_taken,
    student_image,
    write_images,
)
from autograder.report_images import ImagePairs
from autograder.worker.probes import inference as probes


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


# ---------------------------------------------------------------- load_image


@points(1)
def test_load_image_returns_a_1x3x32x32_float32_tensor(student, inputs):
    """load_image of a 64x48 JPEG returns the network's input: float32, shape (1, 3, 32, 32).

    中文：对 64x48 的 JPEG，load_image 返回网络的输入：float32，形状 (1, 3, 32, 32)。"""
    got = student_image(student, inputs, "photo.jpg")
    expect_tensor(
        got,
        Text("load_image('photo.jpg')", "load_image('photo.jpg')"),
        shape=(1, 3, 32, 32),
        dtype=torch.float32,
    )


@points(2)
def test_load_image_resizes_then_converts_with_to_tensor(student, inputs, images, request):
    """On CIFAR-10 test images and a 64x48 JPEG, load_image equals Resize((32, 32)), ToTensor(), reshape.

    中文：在 CIFAR-10 测试图片和一张 64x48 的 JPEG 上，load_image 等于 Resize((32, 32))、ToTensor() 再 reshape。"""  # noqa: E501
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
        not_judged(
            "load_image",
            "not judged: load_image already gives other values for an RGB photo, which "
            "load_image_resizes_then_converts_with_to_tensor charges",
            "未评判：load_image 对 RGB 照片给出的值就已经不对，已在 "
            "load_image_resizes_then_converts_with_to_tensor 中扣分",
        )
    for name in ("alpha.png", "gray.png"):
        expect_same_image(student_image(student, inputs, name), inputs, name, step, images, request)


# ---------------------------------------------------------------- predict


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


@points(3)
def test_predict_matches_the_reference_on_cifar10_test_images(predictions, inputs):
    """predict gives the reference's (index, class name) on CIFAR-10 test images and a 64x48 JPEG.

    中文：在 CIFAR-10 测试图片和一张 64x48 的 JPEG 上，predict 给出与参考答案相同的 (index, 类名)。"""
    got, expected = outcome(predictions.in_eval), predictions.expected
    expect_equal(
        len(got["returned"]), len(expected["returned"]), Text("the number of predictions", "预测的个数")
    )
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
            fail(
                f"predict should return (index, class_name), got {show(have)}",
                f"predict 应返回 (index, class_name)，实际为 {show(have, zh=True)}",
            )
        if have[1] != want[1]:
            fail(
                f"{name}: with the classes {CLASSES_ZH}, predict named the class {show(have[1])}, expected "
                f"{want[1]!r}: return classes[index] from the list passed in",
                f"{name}：类名列表为 {CLASSES_ZH} 时，predict 给出的类名是 {show(have[1], zh=True)}，应为 "
                f"{want[1]!r}：请返回传入列表中的 classes[index]",
            )


def right_answers(predictions: Predictions) -> list[int]:
    """The images on which predict, given the model in eval mode, answers as the reference does; not judged
    when there are none (test_predict_matches_the_reference_on_cifar10_test_images charges that)."""
    pairs = zip(outcome(predictions.in_eval)["returned"], predictions.expected["returned"])
    right = [
        index
        for index, (have, want) in enumerate(pairs)
        if isinstance(have, (list, tuple)) and tuple(have) == tuple(want)
    ]
    if not right:
        not_judged(
            "predict",
            "not judged: predict answers no image as the reference does, which "
            "predict_matches_the_reference_on_cifar10_test_images already charges",
            "未评判：predict 对每张图片的回答都与参考答案不同，已在 "
            "predict_matches_the_reference_on_cifar10_test_images 中扣分",
        )
    return right


@points(1)
def test_predict_switches_to_eval_mode(predictions):
    """Every forward pass in predict runs with the model in eval mode, although it arrives in training mode.

    中文：即使模型以训练模式传入，predict 中的每次前向计算也都在 eval 模式下运行。"""
    right = right_answers(predictions)
    got = outcome(predictions.in_training)
    changed = [
        index
        for index in right
        if tuple(got["returned"][index]) != tuple(predictions.expected["returned"][index])
    ]
    if got["calls"]["training"] != [False] or changed:
        fail(
            "predict ran the model in training mode (dropout still active, so answers change); "
            "call model.eval() "
            "first",
            "predict 在训练模式下运行模型（dropout 仍然生效，答案会变）；请先调用 model.eval()",
        )


@points(1)
def test_predict_turns_autograd_off(predictions):
    """Every forward pass in predict runs without autograd (torch.no_grad()).

    中文：predict 中的每次前向计算都关闭自动求导（torch.no_grad()）。"""
    right_answers(predictions)
    got = outcome(predictions.in_training)
    if got["calls"]["grad_enabled"] != [False]:
        fail(
            "predict ran the model with autograd on; wrap the forward pass in `with torch.no_grad():`",
            "predict 运行模型时自动求导仍开启；请把前向计算放进 `with torch.no_grad():`",
        )


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
    expect_equal(
        got["loaded_type"],
        expected["loaded_type"],
        Text("type(load_model_cpu(path))", "type(load_model_cpu(path))"),
    )
    expect_equal(
        got["devices"],
        expected["devices"],
        Text("the devices of the loaded model's tensors", "加载后模型张量所在的设备"),
    )
    for name, value in expected["original"].items():
        have = got["loaded"].get(name)
        if not isinstance(have, torch.Tensor) or not torch.equal(have, value):
            fail(
                f"the loaded model's {name} does not hold the saved values",
                f"加载后模型的 {name} 不是保存时的值",
            )
