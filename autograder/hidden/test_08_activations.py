"""Hidden checks for 08_activations: ReLU and sigmoid by hand (values, stability, no built-ins),
ReLU in place, and the ReLU-then-Sigmoid network."""
import torch

from autograder.checking import describe_type, expect_close, expect_equal, expect_tensor, fail, points
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


def shown(x: torch.Tensor) -> str:
    return f"a {str(x.dtype).removeprefix('torch.')} tensor of shape {tuple(x.shape)}"


def expect_unchanged(after: torch.Tensor, before: torch.Tensor, what: str) -> None:
    if not isinstance(after, torch.Tensor) or not torch.equal(after, before):
        fail(f"{what} changed its input; compute a new tensor and leave x as it was",
             f"{what} 修改了输入；请生成新的 tensor，不要改动 x")


# ---------------------------------------------------------------- relu and sigmoid by hand

@points(2)
def test_relu_equals_the_built_in(student):
    """relu(x) equals torch.relu(x), dtype included, on float32 and float64 tensors of several shapes."""
    for x in fresh_inputs(80, 3.0):
        got = student.probe(probes.keeping_input, "relu", x.clone())["output"]
        expect_close(got, torch.relu(x), f"relu({shown(x)})", atol=0, rtol=0, check_dtype=True)


@points(1)
def test_relu_leaves_its_input_unchanged(student):
    """relu(x) returns a new tensor; x keeps its negative values."""
    for x in fresh_inputs(81, 3.0):
        expect_unchanged(student.probe(probes.keeping_input, "relu", x.clone())["input_after"], x,
                         f"relu({shown(x)})")


@points(2)
def test_sigmoid_equals_the_built_in(student):
    """sigmoid(x) equals torch.sigmoid(x), dtype included, for inputs between about -15 and 15."""
    for x in fresh_inputs(82, 5.0):
        got = student.probe(probes.keeping_input, "sigmoid", x.clone())["output"]
        expect_close(got, torch.sigmoid(x), f"sigmoid({shown(x)})", atol=1e-6, rtol=1e-5, check_dtype=True)


LARGE = [
    torch.tensor([-100.0, -88.0, -50.0, -20.0, 0.0, 20.0, 50.0, 88.0, 100.0]),
    torch.tensor([[-100.0, 100.0], [100.0, -100.0]]),
    torch.tensor([-1000.0, -710.0, -100.0, 0.0, 100.0, 710.0, 1000.0], dtype=torch.float64),
]


@points(2)
def test_sigmoid_is_stable_for_inputs_of_100(student):
    """sigmoid of -100 and 100 (and, in float64, of +-1000) is finite and equals torch.sigmoid: no exp overflow."""
    for x in LARGE:
        what = f"sigmoid({x.tolist()})"
        got = expect_tensor(student.probe(probes.keeping_input, "sigmoid", x.clone())["output"], what,
                            shape=tuple(x.shape))
        if not bool(torch.isfinite(got).all()):
            index = int(torch.nonzero(~torch.isfinite(got).reshape(-1))[0])
            value, bad = x.reshape(-1)[index].item(), got.reshape(-1)[index].item()
            fail(f"{what}: at x = {value:g} expected {torch.sigmoid(x).reshape(-1)[index].item():.6g}, got {bad}; "
                 f"exp(x) overflows for large x: compute with z = exp(-|x|), which is never above 1",
                 f"{what}：x = {value:g} 处期望 {torch.sigmoid(x).reshape(-1)[index].item():.6g}，实际 {bad}；"
                 f"x 很大时 exp(x) 会溢出：请用 z = exp(-|x|) 计算，它不会超过 1")
        expect_close(got, torch.sigmoid(x), what, atol=1e-7, rtol=1e-5)


FORBIDDEN_WORDS = ("relu", "sigmoid", "expit")


def built_ins(torch_calls: list[str]) -> list[str]:
    """The recorded calls that are torch's own ReLU or sigmoid, or anything from torch.nn.functional."""
    return sorted(name for name in torch_calls
                  if name.startswith("torch.nn.functional.")
                  or any(word in name.rsplit(".", 1)[-1] for word in FORBIDDEN_WORDS))


@points(1)
def test_activations_are_written_by_hand(student):
    """relu and sigmoid work without torch.relu, torch.sigmoid, their tensor methods or torch.nn.functional."""
    x = fresh_inputs(83, 4.0)[1]
    used = set()
    for name, built_in in (("relu", torch.relu), ("sigmoid", torch.sigmoid)):
        result = student.probe(generic.call_recording, name, x.clone())
        expect_close(result["value"], built_in(x), f"{name}({shown(x)})", atol=1e-6)
        used |= set(built_ins(result["torch_calls"]))
    if used:
        fail(f"relu and sigmoid must be written by hand, but they call {', '.join(sorted(used))}; "
             f"use torch.where, torch.exp and arithmetic",
             f"relu 和 sigmoid 需要手写，但调用了 {', '.join(sorted(used))}；请使用 torch.where、torch.exp 和四则运算")


# ---------------------------------------------------------------- relu_ in place

@points(1)
def test_relu_in_place_changes_its_input(student):
    """After relu_(x), x itself holds relu(x): the negative values are 0."""
    for x in fresh_inputs(84, 3.0):
        got = student.probe(probes.in_place, x.clone())
        what = f"x after relu_(x) for {shown(x)}"
        after = expect_tensor(got["input_after"], what)
        if torch.equal(after, x):
            fail(f"{what} still holds its negative values: change x itself (x.clamp_(min=0)), "
                 f"do not compute a new tensor",
                 f"执行 relu_(x) 后 x（{shown(x)}）仍有负值：请原地修改 x（x.clamp_(min=0)），不要生成新的 tensor")
        expect_close(after, torch.relu(x), what, atol=0, rtol=0, check_dtype=True)


@points(1)
def test_relu_in_place_returns_the_same_tensor(student):
    """relu_(x) returns x itself (the same object), not a copy."""
    for x in fresh_inputs(85, 3.0):
        got = student.probe(probes.in_place, x.clone())
        if got["same_object"] is not True:
            fail(f"relu_({shown(x)}) returned {describe_type(got['returned'])} that is not x itself; return x",
                 f"relu_（{shown(x)}）返回的 {describe_type(got['returned'])} 不是 x 本身；请返回 x")
        expect_close(got["returned"], torch.relu(x), f"relu_({shown(x)})", atol=0, rtol=0, check_dtype=True)


# ---------------------------------------------------------------- ActivationNet

def course_batch() -> torch.Tensor:
    return torch.reshape(COURSE_INPUT, (-1, 1, 2, 2))


@points(1)
def test_net_applies_relu_then_sigmoid(student):
    """ActivationNet's forward pass calls an nn.ReLU, then an nn.Sigmoid, and nothing else."""
    got = student.probe(probes.net_run, course_batch())
    expect_equal(got["layers"], ["ReLU", "Sigmoid"], "the layers ActivationNet's forward pass called, in order")


@points(1)
def test_net_gives_the_course_figure(student, reference):
    """ActivationNet on [[1, -0.5], [-1, 3]] reshaped to (-1, 1, 2, 2): sigmoid of [[1, 0], [0, 3]]."""
    got = student.probe(probes.net_run, course_batch())["output"]
    expect_close(got, reference.probe(probes.net_run, course_batch())["output"],
                 "ActivationNet()(the course's input of shape (1, 1, 2, 2))", atol=1e-6, check_dtype=True)


@points(2)
def test_net_equals_sigmoid_of_relu_on_random_inputs(student, reference):
    """ActivationNet on random batches of several shapes equals torch.sigmoid(torch.relu(x))."""
    generator = torch.Generator().manual_seed(86)
    for shape in [(4, 1, 2, 2), (8, 3, 32, 32), (5, 10)]:
        x = torch.randn(shape, generator=generator) * 4
        got = student.probe(probes.net_run, x.clone())["output"]
        expected = reference.probe(probes.net_run, x.clone())["output"]
        expect_close(got, expected, f"ActivationNet()({shown(x)})", atol=1e-6, check_dtype=True)


@points(1)
def test_net_leaves_its_input_unchanged(student):
    """ActivationNet's forward pass leaves its input as it was (ReLU with the default inplace=False)."""
    x = torch.randn(6, 3, 8, 8, generator=torch.Generator().manual_seed(87))
    after = student.probe(probes.net_run, x.clone())["input_after"]
    if not isinstance(after, torch.Tensor) or not torch.equal(after, x):
        fail("ActivationNet changed its input tensor: keep nn.ReLU's default inplace=False",
             "ActivationNet 修改了输入的 tensor：请保持 nn.ReLU 默认的 inplace=False")
