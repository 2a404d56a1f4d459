"""Hidden checks for 08_activations: ReLU and sigmoid by hand (values, stability, no built-ins),
ReLU in place, and the ReLU-then-Sigmoid network.

Every expected value is torch's own, computed here (torch.relu, torch.sigmoid). What the worker
reports about itself (the layers a forward pass called, whether relu_ returned x itself) only counts
together with a value the grader checked.
"""

import pytest
import torch

from autograder.checking import (
    StudentProblem,
    Text,
    agrees,
    describe_type,
    expect_close,
    expect_equal,
    expect_tensor,
    fail,
    not_judged_because,
    points,
)
from autograder.hidden.by_hand import ByHandCase, judge_by_hand
from autograder.worker.probes import activations as probes
from autograder.worker.probes import generic

COURSE_INPUT = torch.tensor([[1.0, -0.5], [-1.0, 3.0]])
SHAPES = [(7,), (3, 5), (2, 3, 4, 4)]


def fresh_inputs(seed: int, scale: float) -> list[torch.Tensor]:
    """Random tensors of several shapes, float32 and one float64, with exact zeros among them."""
    generator = torch.Generator().manual_seed(seed)
    made = [torch.randn(shape, generator=generator) * scale for shape in SHAPES]
    made.append((torch.randn(4, 6, generator=generator) * scale).double())
    made[1][0, :2] = 0.0
    return made


def shown(x: torch.Tensor) -> Text:
    dtype = str(x.dtype).removeprefix("torch.")
    return Text(f"a {dtype} tensor of shape {tuple(x.shape)}", f"形状为 {tuple(x.shape)} 的 {dtype} tensor")


def call(name: str, x: torch.Tensor) -> Text:
    described = shown(x)
    return Text(f"{name}({described.en})", f"{name}（{described.zh}）")


# ---------------------------------------------------------------- relu and sigmoid by hand


@points(2)
def test_relu_equals_the_built_in(student):
    """relu(x) equals torch.relu(x), dtype included, on float32 and float64 tensors of several shapes.
    中文：relu(x) 与 torch.relu(x) 相同（包括 dtype），覆盖多种形状的 float32 和 float64 tensor"""
    for x in fresh_inputs(80, 3.0):
        got = student.probe(probes.keeping_input, "relu", x.clone())["output"]
        expect_close(got, torch.relu(x), call("relu", x), atol=0, rtol=0, check_dtype=True)


@points(1)
def test_relu_leaves_its_input_unchanged(student):
    """relu(x) returns a new tensor; x keeps its negative values.
    中文：relu(x) 返回新的 tensor；x 的负值保持不变"""
    for x in fresh_inputs(81, 3.0):
        got = student.probe(probes.keeping_input, "relu", x.clone())
        if not agrees(got["output"], torch.relu(x), atol=0, rtol=0):
            not_judged_because(
                "relu",
                "relu does not give torch.relu's values yet (see relu_equals_the_built_in)",
                "relu 的结果与 torch.relu 还不一致（见 relu_equals_the_built_in）",
            )
        after = got["input_after"]
        if not isinstance(after, torch.Tensor) or not torch.equal(after, x):
            what = call("relu", x)
            fail(
                f"{what.en} changed its input; compute a new tensor and leave x as it was",
                f"{what.zh} 修改了输入；请生成新的 tensor，不要改动 x",
            )


def sigmoid_runs(student) -> list:
    return [
        (x, student.probe(probes.keeping_input, "sigmoid", x.clone())["output"])
        for x in fresh_inputs(82, 5.0)
    ]


@pytest.fixture(scope="module")
def sigmoid_moderate(student):
    """sigmoid on inputs between about -15 and 15, or the problem its code raised."""
    try:
        return sigmoid_runs(student)
    except StudentProblem as problem:
        return problem


@points(2)
def test_sigmoid_equals_the_built_in(sigmoid_moderate):
    """sigmoid(x) equals torch.sigmoid(x), dtype included, for inputs between about -15 and 15.
    中文：输入约在 -15 到 15 之间时，sigmoid(x) 与 torch.sigmoid(x) 相同（包括 dtype）"""
    if isinstance(sigmoid_moderate, StudentProblem):
        raise sigmoid_moderate
    for x, got in sigmoid_moderate:
        expect_close(got, torch.sigmoid(x), call("sigmoid", x), atol=1e-6, rtol=1e-5, check_dtype=True)


LARGE = [
    torch.tensor([-100.0, -88.0, -50.0, -20.0, 0.0, 20.0, 50.0, 88.0, 100.0]),
    torch.tensor([[-100.0, 100.0], [100.0, -100.0]]),
    torch.tensor([-1000.0, -710.0, -100.0, 0.0, 100.0, 710.0, 1000.0], dtype=torch.float64),
]


@points(2)
def test_sigmoid_is_stable_for_inputs_of_100(student, sigmoid_moderate):
    """sigmoid of -100 and 100 (and, in float64, of +-1000) is finite and equals torch.sigmoid: no exp overflow.
    中文：sigmoid(-100) 和 sigmoid(100)（float64 下还有 ±1000）是有限值且与 torch.sigmoid 相同：exp 不溢出"""  # noqa: E501
    if isinstance(sigmoid_moderate, StudentProblem) or not all(
        agrees(got, torch.sigmoid(x), atol=1e-6) for x, got in sigmoid_moderate
    ):
        not_judged_because(
            "sigmoid",
            "sigmoid is not right for moderate inputs yet (see sigmoid_equals_the_built_in)",
            "sigmoid 对一般大小的输入还不对（见 sigmoid_equals_the_built_in）",
        )
    for x in LARGE:
        what = f"sigmoid({x.tolist()})"
        got = expect_tensor(
            student.probe(probes.keeping_input, "sigmoid", x.clone())["output"], what, shape=tuple(x.shape)
        )
        if not bool(torch.isfinite(got).all()):
            index = int(torch.nonzero(~torch.isfinite(got).reshape(-1))[0])
            value, bad = x.reshape(-1)[index].item(), got.reshape(-1)[index].item()
            want = torch.sigmoid(x).reshape(-1)[index].item()
            fail(
                f"{what}: at x = {value:g} expected {want:.6g}, got {bad}; exp(x) overflows for large x: "
                f"compute with z = exp(-|x|), which is never above 1",
                f"{what}：x = {value:g} 处期望 {want:.6g}，实际 {bad}；x 很大时 exp(x) 会溢出："
                f"请用 z = exp(-|x|) 计算，它不会超过 1",
            )
        expect_close(got, torch.sigmoid(x), what, atol=1e-7, rtol=1e-5)


@points(1)
def test_activations_are_written_by_hand(student):
    """relu and sigmoid give torch's values with torch.relu, torch.sigmoid, their tensor methods, nn.ReLU,
    nn.Sigmoid and torch.nn.functional all out of reach.
    中文：在 torch.relu、torch.sigmoid、它们的 tensor 方法、nn.ReLU、nn.Sigmoid 和 torch.nn.functional 都不可用时，
    relu 和 sigmoid 仍得到与 torch 相同的值"""  # noqa: E501
    x = fresh_inputs(83, 4.0)[1]
    cases = [
        ByHandCase(
            name,
            lambda name=name: student.probe(generic.call_by_hand, name, "activations", x.clone()),
            expected,
            atol=1e-6,
        )
        for name, expected in (("relu", torch.relu(x)), ("sigmoid", torch.sigmoid(x)))
    ]
    judge_by_hand(
        cases, Text("use torch.where, torch.exp and arithmetic", "请使用 torch.where、torch.exp 和四则运算")
    )


# ---------------------------------------------------------------- relu_ in place


@points(1)
def test_relu_in_place_changes_its_input(student):
    """After relu_(x), x itself holds relu(x): the negative values are 0.
    中文：执行 relu_(x) 之后，x 本身就是 relu(x)：负值变为 0"""
    for x in fresh_inputs(84, 3.0):
        got = student.probe(probes.in_place, x.clone())
        what = Text(f"x after relu_(x) for {shown(x).en}", f"执行 relu_(x) 后的 x（{shown(x).zh}）")
        after = expect_tensor(got["input_after"], what)
        if torch.equal(after, x):
            fail(
                f"{what.en} still holds its negative values: change x itself (x.clamp_(min=0)), "
                f"do not compute a new tensor",
                f"{what.zh}仍有负值：请原地修改 x（x.clamp_(min=0)），不要生成新的 tensor",
            )
        expect_close(after, torch.relu(x), what, atol=0, rtol=0, check_dtype=True)


@points(1)
def test_relu_in_place_returns_the_same_tensor(student):
    """relu_(x) returns x itself (the same object, holding relu(x)), not a copy.
    中文：relu_(x) 返回 x 本身（同一个对象，其值为 relu(x)），而不是副本"""
    for x in fresh_inputs(85, 3.0):
        got = student.probe(probes.in_place, x.clone())
        what = call("relu_", x)
        if got["same_object"] is not True:
            fail(
                f"{what.en} returned {describe_type(got['returned'])} that is not x itself; return x",
                f"{what.zh} 返回的 {describe_type(got['returned'], zh=True)} 不是 x 本身；请返回 x",
            )
        if not agrees(got["returned"], torch.relu(x), atol=0, rtol=0):
            not_judged_because(
                "relu_",
                "the x that relu_ changed does not hold relu(x) (relu_in_place_changes_its_input charges it)",
                "relu_ 修改后的 x 不等于 relu(x)（已由 relu_in_place_changes_its_input 扣分）",
            )


# ---------------------------------------------------------------- ActivationNet


def course_batch() -> torch.Tensor:
    return torch.reshape(COURSE_INPUT, (-1, 1, 2, 2))


def net_inputs() -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(86)
    return [
        course_batch(),
        *(torch.randn(shape, generator=generator) * 4 for shape in [(8, 3, 32, 32), (5, 10)]),
    ]


@pytest.fixture(scope="module")
def net_runs(student):
    """ActivationNet()'s runs on the course's input and random batches, or the problem its code raised."""
    try:
        return [(x, student.probe(probes.net_run, x.clone())) for x in net_inputs()]
    except StudentProblem as problem:
        return problem


@points(3)
def test_net_equals_sigmoid_of_relu(net_runs):
    """ActivationNet on the course's [[1, -0.5], [-1, 3]] (reshaped to (-1, 1, 2, 2)) and on random batches
    equals torch.sigmoid(torch.relu(x)), float32.
    中文：ActivationNet 对课程中的 [[1, -0.5], [-1, 3]]（reshape 为 (-1, 1, 2, 2)）和随机批次的输出都等于
    torch.sigmoid(torch.relu(x))，float32"""
    if isinstance(net_runs, StudentProblem):
        raise net_runs
    for x, run in net_runs:
        what = Text(f"ActivationNet()({shown(x).en})", f"ActivationNet()（{shown(x).zh}）")
        expect_close(run["output"], torch.sigmoid(torch.relu(x)), what, atol=1e-6, check_dtype=True)


@points(1)
def test_net_applies_relu_then_sigmoid(net_runs):
    """ActivationNet's forward pass calls an nn.ReLU, then an nn.Sigmoid, and nothing else.
    中文：ActivationNet 的前向传播先调用 nn.ReLU，再调用 nn.Sigmoid，没有别的层"""
    if isinstance(net_runs, StudentProblem) or not all(
        agrees(run["output"], torch.sigmoid(torch.relu(x)), atol=1e-6) for x, run in net_runs
    ):
        not_judged_because(
            "ActivationNet",
            "ActivationNet's output is not sigmoid(relu(x)) yet (see net_equals_sigmoid_of_relu)",
            "ActivationNet 的输出还不是 sigmoid(relu(x))（见 net_equals_sigmoid_of_relu）",
        )
    expect_equal(
        net_runs[0][1]["layers"],
        ["ReLU", "Sigmoid"],
        Text(
            "the layers ActivationNet's forward pass called, in order (the course uses nn.ReLU and "
            "nn.Sigmoid modules)",
            "ActivationNet 前向传播依次调用的层（课程中用的是 nn.ReLU 和 nn.Sigmoid 模块）",
        ),
    )


@points(1)
def test_net_leaves_its_input_unchanged(student):
    """ActivationNet's forward pass leaves its input as it was (ReLU with the default inplace=False).
    中文：ActivationNet 的前向传播不修改输入（ReLU 保持默认的 inplace=False）"""
    x = torch.randn(6, 3, 8, 8, generator=torch.Generator().manual_seed(87))
    got = student.probe(probes.net_run, x.clone())
    if not agrees(got["output"], torch.sigmoid(torch.relu(x)), atol=1e-6):
        not_judged_because(
            "ActivationNet",
            "ActivationNet's output is not sigmoid(relu(x)) yet (see net_equals_sigmoid_of_relu)",
            "ActivationNet 的输出还不是 sigmoid(relu(x))（见 net_equals_sigmoid_of_relu）",
        )
    after = got["input_after"]
    if not isinstance(after, torch.Tensor) or not torch.equal(after, x):
        fail(
            "ActivationNet changed its input tensor: keep nn.ReLU's default inplace=False",
            "ActivationNet 修改了输入的 tensor：请保持 nn.ReLU 默认的 inplace=False",
        )
