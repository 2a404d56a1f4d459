"""Hidden checks for 09_sequential: the course's network in one nn.Sequential, counting parameters, Flatten."""
import random

import pytest
import torch
import torch.nn.functional as F

from autograder.checking import StudentError, expect_close, expect_equal, expect_tensor, fail, points
from autograder.worker.probes import generic
from autograder.worker.probes import sequential as probes

FLATTEN_ADVICE = ("after three MaxPool2d(2) a 32x32 image is 4x4, so nn.Flatten() must come before the first "
                  "Linear and give it 64 * 4 * 4 = 1024 features")
FLATTEN_ADVICE_ZH = "三次 MaxPool2d(2) 之后 32×32 的图片变成 4×4，所以第一个 Linear 之前要有 nn.Flatten()，输入特征数为 64 * 4 * 4 = 1024"
NET_ADVICE = (FLATTEN_ADVICE, FLATTEN_ADVICE_ZH)
BATCH_ADVICE = ("flatten the whole batch first: torch.flatten(images) has 64 * 3 * 32 * 32 = 196608 values, the input "
                "size of Linear(196608, 10)",
                "先把整批图片展平：torch.flatten(images) 有 64 * 3 * 32 * 32 = 196608 个数，正是 Linear(196608, 10) 的输入大小")


def size(pair: list) -> str:
    """5 for [5, 5], (3, 5) otherwise."""
    return str(pair[0]) if pair[0] == pair[1] else str(tuple(pair))


def render(layer: list) -> str:
    """A layer description as code: 'Conv2d(3, 32, kernel_size=5, stride=1, padding=2)', 'MaxPool2d(2)', ..."""
    kind, *sizes = layer
    if kind == "Conv2d":
        channels_in, channels_out, kernel, stride, padding = sizes
        return (f"Conv2d({channels_in}, {channels_out}, kernel_size={size(kernel)}, stride={size(stride)}, "
                f"padding={size(padding)})")
    if kind == "MaxPool2d":
        kernel, stride, padding = sizes
        if stride == kernel and padding == [0, 0]:
            return f"MaxPool2d({size(kernel)})"
        return f"MaxPool2d({size(kernel)}, stride={size(stride)}, padding={size(padding)})"
    if kind == "Flatten":
        return "Flatten()" if sizes == [1, -1] else f"Flatten(start_dim={sizes[0]}, end_dim={sizes[1]})"
    if kind == "Linear":
        return f"Linear({sizes[0]}, {sizes[1]})"
    return f"{kind}()"


def probe_with_advice(student, advice: tuple[str, str], name, *args, **kwargs):
    """Run a probe; explain a Linear that gets the wrong number of features (a missing Flatten, a wrong size)."""
    try:
        return student.probe(name, *args, **kwargs)
    except StudentError as error:
        text = str(error)
        if "shapes cannot be multiplied" in text:
            fail(f"{text[:200]}: {advice[0]}", f"{text[:200]}：{advice[1]}")
        raise


@pytest.fixture(scope="module")
def structures(student, reference):
    return student.probe(probes.structure), reference.probe(probes.structure)


@points(1)
def test_net_keeps_its_layers_in_one_sequential_named_model(structures):
    """CIFAR10Net has exactly one child, `self.model`, an nn.Sequential holding every layer."""
    got, _expected = structures
    if not got["is_sequential"]:
        fail(f"CIFAR10Net().model should be an nn.Sequential, got {got['model_type']}",
             f"CIFAR10Net().model 应是 nn.Sequential，实际为 {got['model_type']}")
    expect_equal(got["children"], ["model"], "the submodules of CIFAR10Net (all layers go inside self.model)")


@points(2)
def test_layers_are_in_the_course_order(structures):
    """model holds Conv, Pool, Conv, Pool, Conv, Pool, Flatten, Linear(1024, 64), Linear(64, 10), in that order."""
    got, expected = structures
    for index, want in enumerate(expected["layers"]):
        have = got["layers"][index] if index < len(got["layers"]) else None
        if have != want:
            shown = render(have) if have else "nothing"
            fail(f"model[{index}]: expected {render(want)}, got {shown}; the course's order is "
                 f"{', '.join(render(layer) for layer in expected['layers'])}",
                 f"model[{index}]：应为 {render(want)}，实际为 {shown}；课程中的顺序为 "
                 f"{', '.join(render(layer) for layer in expected['layers'])}")
    if len(got["layers"]) != len(expected["layers"]):
        extra = ", ".join(render(layer) for layer in got["layers"][len(expected["layers"]):])
        fail(f"model should have {len(expected['layers'])} layers; after the last one it also has {extra}",
             f"model 应有 {len(expected['layers'])} 层；最后一层之后还有 {extra}")


@points(1)
def test_net_has_145578_parameters(structures):
    """CIFAR10Net() has exactly the course's 145,578 parameters."""
    got, expected = structures
    if got["parameter_count"] != expected["parameter_count"]:
        fail(f"CIFAR10Net() has {got['parameter_count']:,} parameters, expected {expected['parameter_count']:,}; "
             f"{FLATTEN_ADVICE}",
             f"CIFAR10Net() 有 {got['parameter_count']:,} 个参数，应为 {expected['parameter_count']:,}；"
             f"{FLATTEN_ADVICE_ZH}")


def images(batch: int, seed: int) -> torch.Tensor:
    return torch.randn(batch, 3, 32, 32, generator=torch.Generator().manual_seed(seed))


@points(1)
def test_forward_maps_64_images_to_64_by_10(student):
    """CIFAR10Net()(x) for x of shape (64, 3, 32, 32) is a (64, 10) tensor."""
    run = probe_with_advice(student, NET_ADVICE, generic.model_run, "CIFAR10Net", images(64, 90))
    if run["output"] is None:
        fail("CIFAR10Net()(x) returned None: forward() must `return self.model(x)`",
             "CIFAR10Net()(x) 返回了 None：forward() 里要 `return self.model(x)`")
    expect_tensor(run["output"], "CIFAR10Net()(x) for x of shape (64, 3, 32, 32)", shape=(64, 10))


@pytest.mark.parametrize("batch", [64, 5])
@points(1)
def test_forward_runs_the_course_layers_in_order(student, reference, batch):
    """The output equals the course's layers run in order with the network's own parameters (any batch size)."""
    inputs = images(batch, 91 + batch)
    run = probe_with_advice(student, NET_ADVICE, generic.model_run, "CIFAR10Net", inputs, seed=batch)
    net = reference.module.CIFAR10Net()
    try:
        net.load_state_dict(run["parameters"], strict=True)
    except (RuntimeError, TypeError) as exc:
        fail(f"the network's parameters do not fit the course's layers ({str(exc)[:160]})",
             f"网络的参数与课程中的层不匹配（{str(exc)[:160]}）")
    with torch.no_grad():
        expected = net(inputs)
    expect_close(run["output"], expected, f"CIFAR10Net()(x) for x of shape {tuple(inputs.shape)}",
                 atol=1e-4, rtol=1e-4)


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
                layers.append(["conv", rng.randint(1, 8), rng.randint(1, 8), rng.randint(1, 5), rng.random() < 0.7])
            elif kind == "norm":
                layers.append(["norm", rng.randint(1, 16)])
            else:
                layers.append(["relu"])
        layers.append(["linear", rng.randint(2, 30), rng.randint(2, 30), True])
        chosen = rng.sample(range(len(layers)), k=rng.randint(1, len(layers) - 1)) if frozen else []
        specs.append({"layers": layers, "frozen": sorted(chosen)})
    return specs


def judge_counts(student, reference, specs: list[dict], what: str, advice: str, advice_zh: str) -> None:
    for spec in specs:
        got = student.probe(probes.count, spec)
        expected = reference.probe(probes.count, spec)
        if isinstance(got, torch.Tensor) or type(got) is bool or not isinstance(got, (int, float)) or got != expected:
            fail(f"count_parameters({what} {spec}): expected {expected}, got {got!r:.80}; {advice}",
                 f"count_parameters（{what} {spec}）：期望 {expected}，实际 {got!r:.80}；{advice_zh}")


@points(1)
def test_count_parameters_of_the_course_network(student, reference):
    """count_parameters of the course's layers (built by the grader) is 145,578."""
    judge_counts(student, reference, [{"layers": [["course"]]}], "the course's network",
                 "add p.numel() for every parameter", "对每个参数累加 p.numel()")


@points(2)
def test_count_parameters_counts_every_element_of_every_parameter(student, reference):
    """Random models: the sum of p.numel() over all parameters (not the number of tensors; buffers excluded)."""
    judge_counts(student, reference, random_specs(9, frozen=False), "a model built from",
                 "count elements with p.numel(), over model.parameters() (BatchNorm's running statistics are "
                 "buffers, not parameters)",
                 "用 p.numel() 数元素个数，遍历 model.parameters()（BatchNorm 的 running 统计量是 buffer，不是参数）")


@points(2)
def test_count_parameters_skips_frozen_parameters(student, reference):
    """Frozen parameters (requires_grad=False) are not counted: the course net frozen under a new head, random models."""
    specs = [{"layers": [["course"], ["linear", 10, 5, True]], "frozen": [0]}, *random_specs(19, frozen=True)]
    judge_counts(student, reference, specs, "a partly frozen model built from",
                 "count only trainable parameters: `if p.requires_grad`",
                 "只数可训练的参数：`if p.requires_grad`")


@pytest.fixture(scope="module")
def flattened(student):
    batch = images(64, 92)
    return batch, probe_with_advice(student, BATCH_ADVICE, probes.flatten_linear, batch)


@points(1)
def test_flatten_linear_gives_10_outputs(flattened):
    """flatten_linear of a (64, 3, 32, 32) batch returns a tensor of shape (10,)."""
    _batch, got = flattened
    expect_tensor(got["output"], "flatten_linear(a batch of shape (64, 3, 32, 32))", shape=(10,))


@points(2)
def test_flatten_linear_applies_linear_196608_to_10_to_the_flattened_batch(flattened):
    """The output is nn.Linear(196608, 10) (its own weights) applied to torch.flatten(images)."""
    batch, got = flattened
    linears = got["linears"]
    if len(linears) != 1 or (linears[0]["in"], linears[0]["out"]) != (196608, 10):
        sizes = [(layer["in"], layer["out"]) for layer in linears]
        fail(f"flatten_linear should run one nn.Linear(196608, 10); the Linear layers it ran: {sizes}",
             f"flatten_linear 应运行一个 nn.Linear(196608, 10)；实际运行的 Linear 层：{sizes}")
    layer = linears[0]
    expected = F.linear(torch.flatten(batch), layer["weight"], layer["bias"])
    expect_close(got["output"], expected, "flatten_linear(images) compared with its Linear on torch.flatten(images)",
                 atol=1e-4, rtol=1e-4)
