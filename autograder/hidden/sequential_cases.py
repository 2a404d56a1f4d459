"""Helpers of 09_sequential's hidden checks: the advice about Flatten, the course network's expected
output, a run of the student's CIFAR10Net with the grader's parameters (or the verdict it met), and the
models whose parameters count_parameters counts.
"""

from __future__ import annotations

import functools
import random

import torch

from autograder.checking import (
    NotJudged,
    StudentError,
    Text,
    agrees,
    expect_close,
    fail,
    not_judged_because,
    number_value,
    show,
)
from autograder.hidden.course_network import LAYER_INPUTS, PARAMETERS, course_network
from autograder.worker.probes import generic
from autograder.worker.probes import sequential as probes

FLATTEN_ADVICE = Text(
    "after three MaxPool2d(2) a 32x32 image is 4x4, so nn.Flatten() must come before the first "
    "Linear and give it 64 * 4 * 4 = 1024 features",
    "三次 MaxPool2d(2) 之后 32×32 的图片变成 4×4，所以第一个 Linear 之前要有 nn.Flatten()，"
    "输入特征数为 64 * 4 * 4 = 1024",
)
BATCH_ADVICE = Text(
    "flatten the whole batch first: torch.flatten(images) has 64 * 3 * 32 * 32 = 196608 values, the "
    "input size of Linear(196608, 10)",
    "先把整批图片展平：torch.flatten(images) 有 64 * 3 * 32 * 32 = 196608 个数，正是 Linear(196608, 10) 的输"
    "入大小",
)


def images(batch: int, seed: int) -> torch.Tensor:
    return torch.randn(batch, 3, 32, 32, generator=torch.Generator().manual_seed(seed))


def layers_right(layers) -> bool:
    return all(layers["right"]) and layers["count"] == len(LAYER_INPUTS)


def needs_the_course_layers(layers) -> None:
    if not layers_right(layers):
        not_judged_because(
            "CIFAR10Net",
            "its layers are not yet the course's (see layers_are_in_the_course_order)",
            "它的层还不是课程中的层（见 layers_are_in_the_course_order）",
        )


def run_network(student, layers, batch: int, seed: int) -> dict:
    """CIFAR10Net() with the grader's parameters on a batch; not judged while its layers are wrong."""
    needs_the_course_layers(layers)
    flat = [value for values in PARAMETERS for value in values]
    try:
        return student.probe(generic.model_with_parameters, "CIFAR10Net", flat, images(batch, seed))
    except StudentError as error:
        if "shapes cannot be multiplied" in str(error):
            fail(f"{str(error)[:200]}: {FLATTEN_ADVICE.en}", f"{str(error)[:200]}：{FLATTEN_ADVICE.zh}")
        raise


def ran_64(network_64, charged: bool = False) -> dict:
    """The run on 64 images. A problem it met is charged by forward_maps_64_images_to_64_by_10 (`charged`);
    the other checks of forward are not judged then (unless it is the layers' verdict, not judged already)."""
    if isinstance(network_64, Exception) and (charged or isinstance(network_64, NotJudged)):
        raise network_64
    if isinstance(network_64, Exception):
        not_judged_because(
            "CIFAR10Net.forward",
            "CIFAR10Net()(x) did not run (see forward_maps_64_images_to_64_by_10)",
            "CIFAR10Net()(x) 没能运行（见 forward_maps_64_images_to_64_by_10）",
        )
    return network_64


@functools.cache
def expected_64() -> torch.Tensor:
    with torch.no_grad():
        return course_network()(images(64, 91))


def expect_course_output(run: dict, batch: int, seed: int) -> None:
    if run["output"] is None:
        not_judged_because(
            "CIFAR10Net.forward",
            "CIFAR10Net()(x) returned None (forward_maps_64_images_to_64_by_10 charges it)",
            "CIFAR10Net()(x) 返回了 None（已由 forward_maps_64_images_to_64_by_10 扣分）",
        )
    if not run["installed"]:
        shapes = [tuple(shape) for shape in run["shapes"]]
        fail(
            f"CIFAR10Net has parameters beyond the course's layers (their shapes: {shapes}); keep only the "
            f"Sequential",
            f"CIFAR10Net 有课程中的层之外的参数（形状：{shapes}）；只保留那个 Sequential",
        )
    with torch.no_grad():
        expected = expected_64() if (batch, seed) == (64, 91) else course_network()(images(batch, seed))
    expect_close(
        run["output"],
        expected,
        Text(
            f"CIFAR10Net()(x) for x of shape ({batch}, 3, 32, 32)",
            f"形状为 ({batch}, 3, 32, 32) 的 x 经 CIFAR10Net()(x)",
        ),
        atol=1e-4,
        rtol=1e-4,
    )


def random_specs(seed: int, frozen: bool) -> list[dict]:
    """Small random models (Linear, Conv2d with or without bias, BatchNorm, ReLU), some layers frozen."""
    rng = random.Random(seed)
    specs = []
    for _ in range(4):
        layers = []
        for _ in range(rng.randint(2, 5)):
            kind = rng.choice(["linear", "conv", "norm", "relu"])
            if kind == "linear":
                layers.append(["linear", rng.randint(1, 40), rng.randint(1, 40), rng.random() < 0.7])
            elif kind == "conv":
                layers.append(
                    ["conv", rng.randint(1, 8), rng.randint(1, 8), rng.randint(1, 5), rng.random() < 0.7]
                )
            elif kind == "norm":
                layers.append(["norm", rng.randint(1, 16)])
            else:
                layers.append(["relu"])
        layers.append(["linear", rng.randint(2, 30), rng.randint(2, 30), True])
        chosen = rng.sample(range(len(layers)), k=rng.randint(1, len(layers) - 1)) if frozen else []
        specs.append({"layers": layers, "frozen": sorted(chosen)})
    return specs


COURSE_SPEC = [{"layers": [["course"]]}]
FROZEN_SPECS = [
    {"layers": [["course"], ["linear", 10, 5, True]], "frozen": [0]},
    *random_specs(19, frozen=True),
]


def counts_right(student, reference, specs: list[dict]) -> bool:
    try:
        return all(
            agrees(student.probe(probes.count, spec), reference.probe(probes.count, spec), atol=0, rtol=0)
            for spec in specs
        )
    except StudentError:
        return False


def judge_counts(student, reference, specs: list[dict], what: Text, advice: Text) -> None:
    for spec in specs:
        got, expected = student.probe(probes.count, spec), reference.probe(probes.count, spec)
        if number_value(got) != expected:
            fail(
                f"count_parameters({what.en} {spec}): expected {expected}, got {show(got)}; {advice.en}",
                f"count_parameters（{what.zh} {spec}）：期望 {expected}，实际 "
                f"{show(got, zh=True)}；{advice.zh}",
            )
