"""Hidden checks for 09_sequential: the course's network in one nn.Sequential, counting parameters, Flatten.

The grader makes every parameter and input: each layer the student's network holds is run alone on
them and compared with the course's layer at that position, computed here; the whole network is
compared with the course's network carrying the same parameters. The Sequential's attribute name is
free (the course calls it `model1`, the reference `model`).
"""

import pytest
import torch
import torch.nn.functional as F

from autograder.checking import (
    CheckFailed,
    NotJudged,
    StudentError,
    StudentProblem,
    Text,
    agrees,
    expect_close,
    expect_tensor,
    fail,
    not_judged_because,
    points,
)
from autograder.hidden.course_network import (
    COURSE_LAYER_NAMES,
    COURSE_LAYERS,
    LAYER_INPUTS,
    PARAMETERS,
    course_network,
    render,
)
from autograder.hidden.sequential_cases import (
    BATCH_ADVICE,
    COURSE_SPEC,
    FLATTEN_ADVICE,
    FROZEN_SPECS,
    counts_right,
    expect_course_output,
    expected_64,
    images,
    judge_counts,
    needs_the_course_layers,
    ran_64,
    random_specs,
    run_network,
)
from autograder.worker.probes import sequential as probes


@pytest.fixture(scope="module")
def layers(student):
    """Per position: the description of the student's layer, and whether it computes the course's layer."""
    generator = torch.Generator().manual_seed(93)
    inputs = [torch.randn(2, *shape, generator=generator) for shape in LAYER_INPUTS]
    got = student.probe(probes.layer_outputs, inputs, PARAMETERS)
    described = student.probe(probes.structure)
    with torch.no_grad():
        expected = [layer(x) for layer, x in zip(course_network(), inputs)]
    right = [
        index < len(got["layers"]) and agrees(got["layers"][index].get("output"), want, atol=1e-4)
        for index, want in enumerate(expected)
    ]
    return {"described": described, "count": got["count"], "right": right}


@points(1)
def test_net_keeps_its_layers_in_one_sequential(layers):
    """CIFAR10Net has exactly one child, an nn.Sequential holding every layer (any name: the course's is model1).
    中文：CIFAR10Net 只有一个子模块，即装着全部层的 nn.Sequential（名字不限：课程中叫 model1）"""  # noqa: E501
    described = layers["described"]
    if described["sequential"] is None or len(described["children"]) != 1:
        children = ", ".join(f"{name} ({kind})" for name, kind in described["children"]) or "none"
        fail(
            f"CIFAR10Net should hold all its layers in one nn.Sequential (e.g. self.model1 = "
            f"nn.Sequential(...)) and nothing else; its submodules are: {children}",
            f"CIFAR10Net 应把所有层放进一个 nn.Sequential（例如 self.model1 = nn.Sequential(...)），不要有别"
            f"的子模块；实际的子模块：{children}",
        )
    needs_the_course_layers(layers)


@points(3)
def test_layers_are_in_the_course_order(layers):
    """Conv, Pool, Conv, Pool, Conv, Pool, Flatten, Linear(1024, 64), Linear(64, 10), in that order: each layer,
    run alone with the grader's parameters, computes the course's layer at its position.
    中文：依次为 Conv、Pool、Conv、Pool、Conv、Pool、Flatten、Linear(1024, 64)、Linear(64, 10)：每一层单独装入评分程序的
    参数运行时，都与课程中同一位置的层结果相同"""  # noqa: E501
    described = layers["described"]["layers"]
    holder = layers["described"]["sequential"] or "CIFAR10Net"
    for index, right in enumerate(layers["right"]):
        if not right:
            have = render(described[index] if index < len(described) else None)
            want = COURSE_LAYER_NAMES[index]
            advice = FLATTEN_ADVICE if index >= 6 else Text("", "")
            fail(
                f"{holder}[{index}]: expected {want}, got {have}; the course's order is {COURSE_LAYERS}"
                + (f"; {advice.en}" if advice.en else ""),
                f"{holder}[{index}]：应为 {want}，实际为 {have}；课程中的顺序为 {COURSE_LAYERS}"
                + (f"；{advice.zh}" if advice.zh else ""),
            )
    if layers["count"] != len(LAYER_INPUTS):
        extra = ", ".join(render(layer) for layer in described[len(LAYER_INPUTS) :])
        fail(
            f"the network should have {len(LAYER_INPUTS)} layers; after the last one it also has {extra}",
            f"网络应有 {len(LAYER_INPUTS)} 层；最后一层之后还有 {extra}",
        )


@pytest.fixture(scope="module")
def network_64(student, layers):
    """The run on 64 images, asked once for the three checks of forward, or the verdict it met."""
    try:
        return run_network(student, layers, 64, 91)
    except (StudentProblem, CheckFailed, NotJudged) as verdict:
        return verdict


@points(1)
def test_forward_maps_64_images_to_64_by_10(network_64):
    """CIFAR10Net()(x) for x of shape (64, 3, 32, 32) returns a (64, 10) tensor (judged once it is the right one).
    中文：形状为 (64, 3, 32, 32) 的 x 经 CIFAR10Net()(x) 得到形状为 (64, 10) 的 tensor（输出正确时才评判）"""  # noqa: E501
    run = ran_64(network_64, charged=True)
    if run["output"] is None:
        fail(
            "CIFAR10Net()(x) returned None: forward() must `return` the Sequential's output",
            "CIFAR10Net()(x) 返回了 None：forward() 里要 `return` Sequential 的输出",
        )
    expect_tensor(
        run["output"],
        Text(
            "CIFAR10Net()(x) for x of shape (64, 3, 32, 32)", "形状为 (64, 3, 32, 32) 的 x 经 CIFAR10Net()(x)"
        ),
        shape=(64, 10),
    )
    if not run["installed"] or not agrees(run["output"], expected_64(), atol=1e-4):
        not_judged_because(
            "CIFAR10Net.forward",
            "CIFAR10Net()(x) is not yet the course's layers run in order (see "
            "forward_runs_the_course_layers_in_order)",
            "CIFAR10Net()(x) 还不是课程中的层依次运行的结果（见 forward_runs_the_course_layers_in_order）",
        )


@points(1)
def test_forward_runs_the_course_layers_in_order(network_64):
    """With the grader's parameters, CIFAR10Net()(x) equals the course's layers run in order on 64 images.
    中文：装入评分程序的参数后，CIFAR10Net()(x) 对 64 张图片的输出等于课程中的层依次运行的结果"""
    expect_course_output(ran_64(network_64), 64, 91)


@points(1)
def test_forward_works_for_any_batch_size(student, layers, network_64):
    """The same for a batch of 5: forward does not assume 64 images.
    中文：5 张图片的批次也一样：forward 不假定有 64 张图片"""
    first = ran_64(network_64)
    if (
        first["output"] is None
        or not first["installed"]
        or not agrees(first["output"], expected_64(), atol=1e-4)
    ):
        not_judged_because(
            "CIFAR10Net.forward",
            "forward does not give the course's output for 64 images yet (see "
            "forward_runs_the_course_layers_in_order)",
            "forward 对 64 张图片还没有得到课程中的输出（见 forward_runs_the_course_layers_in_order）",
        )
    expect_course_output(run_network(student, layers, 5, 96), 5, 96)


@points(1)
def test_count_parameters_of_the_course_network(student, reference):
    """count_parameters of the course's layers (built by the grader) is 145,578; any number type.
    中文：count_parameters 对课程中的网络（由评分程序搭建）得到 145,578；数字类型不限"""
    judge_counts(
        student,
        reference,
        COURSE_SPEC,
        Text("the course's network", "课程中的网络"),
        Text("add p.numel() for every parameter", "对每个参数累加 p.numel()"),
    )


@points(2)
def test_count_parameters_counts_every_element_of_every_parameter(student, reference):
    """Random models: the sum of p.numel() over all parameters (not the number of tensors; buffers excluded).
    中文：随机模型：对所有参数的 p.numel() 求和（不是张量的个数；不包括 buffer）"""
    judge_counts(
        student,
        reference,
        random_specs(9, frozen=False),
        Text("a model built from", "由以下结构搭建的模型"),
        Text(
            "count elements with p.numel(), over model.parameters() (BatchNorm's running statistics are "
            "buffers, not parameters)",
            "用 p.numel() 数元素个数，遍历 model.parameters()（BatchNorm 的 running 统计量是 buffer，不是参"
            "数）",
        ),
    )


@points(2)
def test_count_parameters_skips_frozen_parameters(student, reference):
    """Frozen parameters (requires_grad=False) are not counted: the course net frozen under a new head, random models.
    中文：冻结的参数（requires_grad=False）不计入：冻结的课程网络加新的输出层，以及随机模型"""  # noqa: E501
    if not counts_right(student, reference, random_specs(9, frozen=False)):
        not_judged_because(
            "count_parameters",
            "count_parameters does not count unfrozen models right yet (see "
            "count_parameters_counts_every_element_of_every_parameter)",
            "count_parameters 对未冻结的模型还数不对（见 "
            "count_parameters_counts_every_element_of_every_parameter）",
        )
    judge_counts(
        student,
        reference,
        FROZEN_SPECS,
        Text("a partly frozen model built from", "由以下结构搭建、部分冻结的模型"),
        Text(
            "count only trainable parameters: `if p.requires_grad`", "只数可训练的参数：`if p.requires_grad`"
        ),
    )


@points(3)
def test_flatten_linear_applies_linear_196608_to_10_to_the_flattened_batch(student):
    """flatten_linear of a (64, 3, 32, 32) batch is nn.Linear(196608, 10), with the grader's weights, applied to
    torch.flatten(images): 10 outputs.
    中文：flatten_linear 对 (64, 3, 32, 32) 的批次，用评分程序的权重，把 nn.Linear(196608, 10) 作用于
    torch.flatten(images)：得到 10 个输出"""  # noqa: E501
    batch = images(64, 92)
    generator = torch.Generator().manual_seed(94)
    weight = torch.randn(10, 196608, generator=generator) / 443.0
    bias = torch.randn(10, generator=generator)
    try:
        got = student.probe(probes.flatten_linear, batch, weight, bias)
    except StudentError as error:
        if "shapes cannot be multiplied" in str(error):
            fail(f"{str(error)[:200]}: {BATCH_ADVICE.en}", f"{str(error)[:200]}：{BATCH_ADVICE.zh}")
        raise
    if [196608, 10] not in got["linears"]:
        fail(
            f"flatten_linear should run one nn.Linear(196608, 10); the Linear layers it ran: "
            f"{got['linears']}",
            f"flatten_linear 应运行一个 nn.Linear(196608, 10)；实际运行的 Linear 层：{got['linears']}",
        )
    expect_close(
        got["output"],
        F.linear(torch.flatten(batch), weight, bias),
        Text(
            "flatten_linear(images), against Linear(196608, 10) on torch.flatten(images)",
            "flatten_linear(images) 与 Linear(196608, 10) 作用于 torch.flatten(images) 的结果相比",
        ),
        atol=1e-4,
        rtol=1e-4,
    )
