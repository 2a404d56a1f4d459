"""Whether 18_mnist's networks are the course's: their layers, and their outputs for their own parameters.

The student's network runs on fresh random inputs in the worker; the grader loads the parameters it
used, in registration order, into the reference's network and computes the expected log-probabilities
itself. `network_verdict` says what is wrong, or stops a check as not judged when the layers already are.
"""

from __future__ import annotations

import numpy as np
import torch

from autograder.checking import CheckFailed, StudentError, Text, expect_close, fail, not_judged
from autograder.worker.probes import generic
from autograder.worker.probes import mnist as probes
from autograder.worker.probes.mnist import to_inputs

SEED = 18
SHAPES = {
    "MLP": [(100, 784), (100,), (10, 100), (10,)],
    "CNN": [
        (8, 1, 3, 3),
        (8,),
        (32, 8, 3, 3),
        (32,),
        (200, 1568),
        (200,),
        (100, 200),
        (100,),
        (10, 100),
        (10,),
    ],
}
FLATTEN_ADVICE = {
    "MLP": (
        "MLP.forward receives the images as they are, shaped (N, 1, 28, 28): flatten them inside forward "
        "with x = x.view(-1, 784)",
        "MLP.forward 收到的是原样的图片，形状为 (N, 1, 28, 28)：请在 forward 里用 x = x.view(-1, 784) 展平",
    ),
    "CNN": (
        "flatten the (N, 32, 7, 7) feature maps after the convolutions, one row per image: "
        "x.view(x.size(0), -1) gives (N, 1568), while x.view(-1, 784) would give (2N, 784)",
        "请在卷积之后展平 (N, 32, 7, 7) 的特征图，每张图片一行：x.view(x.size(0), -1) 得到 (N, 1568)，"
        "而 x.view(-1, 784) 会得到 (2N, 784)",
    ),
}


def fresh_images(count: int, seed: int) -> torch.Tensor:
    """Random pixels, normalised as the digits are: inputs no network has seen."""
    return to_inputs(np.random.default_rng(seed).integers(0, 256, size=(count, 28, 28), dtype=np.uint8))


def layers_of(student, class_name: str) -> list:
    return student.probe(probes.layers, class_name)


def network_verdict(student, reference, class_name: str) -> Text | None:
    """Why `class_name` does not compute the reference's log-probabilities (None when it does); not judged
    when its layers are not the course's (the layers check charges that)."""
    if layers_of(student, class_name) != SHAPES[class_name]:
        not_judged(
            class_name,
            f"{class_name}()'s layers are not the course's (another check charges this)",
            f"{class_name}() 的层与课程不同（由另一项检查扣分）",
        )
    for count, seed in ((5, SEED), (1, SEED + 1)):
        inputs = fresh_images(count, seed)
        try:
            got = student.probe(generic.model_run, class_name, inputs, seed=seed)
        except StudentError as error:
            if "shape" not in str(error) and "size" not in str(error):
                raise
            en, zh = FLATTEN_ADVICE[class_name]
            return Text(
                f"{class_name}()(images of shape {tuple(inputs.shape)}) raised {str(error)[:200]}; {en}",
                f"{class_name}()(形状为 {tuple(inputs.shape)} 的图片) 出错：{str(error)[:200]}；{zh}",
            )
        model = getattr(reference.module, class_name)()
        with torch.no_grad():
            for target, value in zip(model.parameters(), got["parameters"].values()):
                target.copy_(value)
            expected = model.eval()(inputs)
        try:
            expect_close(
                got["output"],
                expected,
                Text(
                    f"{class_name}()(images of shape {tuple(inputs.shape)}), "
                    f"compared with the reference's log-probabilities for the same "
                    f"parameters",
                    f"{class_name}()(形状为 {tuple(inputs.shape)} 的图片)与相同参数下参考实现的对数概率相比",
                ),
                atol=1e-5,
                rtol=1e-4,
            )
        except CheckFailed as failure:
            return failure.text
    return None


def expect_course_layers(student, class_name: str) -> None:
    got, expected = layers_of(student, class_name), SHAPES[class_name]
    if got != expected:
        fail(
            f"the parameter shapes of {class_name}(), in order: expected {expected}, got {got}",
            f"{class_name}() 的参数形状（按顺序）：期望 {expected}，实际 {got}",
        )
