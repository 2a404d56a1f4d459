"""Hidden checks for 12_vgg16_modify, on VGG16 built on the meta device (no weights, no download).

The expected layers are the reference's, described here. The new head (classifier[6] on) is also made
real in the worker and run with weights and an input from the grader's seed; the grader computes what
that head must give, so a layer description alone never earns a point.
"""

import pytest
import torch
import torch.nn.functional as F

from autograder.checking import Text, agrees, expect_equal, fail, not_judged_because, points
from autograder.worker.probes import vgg16_modify as probes
from autograder.worker.probes.vgg16_modify import head_weights

SEED = 12


def expected_head(sizes: list[list[int]], seed: int = SEED) -> torch.Tensor:
    """What a head of Linear layers of these sizes gives on the seeded input, with the seeded weights."""
    x, weights = head_weights(sizes, seed)
    for weight, bias in weights:
        x = F.linear(x, weight, bias)
    return x


def model_of(got: dict, what: str) -> dict:
    """The described model the student's function left; fails when it is not a VGG16."""
    model = got.get("model", got)
    if model.get("kind") != "model":
        fail(
            f"{what} should leave a VGG16 model, got a {model.get('kind')}",
            f"{what} 应得到 VGG16 模型，实际是 {model.get('kind')}",
        )
    return model


def head_runs(model: dict, sizes: list[list[int]]) -> bool:
    """Whether the head has exactly these Linear sizes and, run on the grader's numbers, gives their
    output."""
    head = model.get("head") or {}
    return head.get("sizes") == sizes and agrees(head.get("output"), expected_head(sizes), atol=1e-4)


def expect_head(model: dict, sizes: list[list[int]], what: str) -> None:
    if not head_runs(model, sizes):
        layers = " -> ".join(f"Linear({a}, {b})" for a, b in sizes)
        got = (model.get("head") or {}).get("sizes")
        fail(
            f"{what}: classifier[6:] should be {layers}, got layers of sizes {got}",
            f"{what}：classifier[6:] 应为 {layers}，实际各层尺寸为 {got}",
        )


def without_outputs(classifier: list[list]) -> list[list]:
    """[name, type, in] per layer: the number of classes is judged by its own check."""
    return [layer[:3] for layer in classifier]


@pytest.fixture(scope="module")
def appended(student, reference):
    return student.probe(probes.modify, "append_layer"), reference.probe(probes.modify, "append_layer")


@points(2)
def test_append_layer_adds_add_linear_after_the_classifier(appended):
    """append_layer adds a layer named add_linear, a Linear(1000, num_classes), after the 7 classifier layers.
    中文：append_layer 在分类器原有的 7 层之后添加名为 add_linear 的 Linear(1000, num_classes)"""
    got, expected = appended
    model = model_of(got, "append_layer(model)")
    layers, wanted = without_outputs(model["classifier"]), without_outputs(expected["model"]["classifier"])
    expect_equal(
        layers[:7],
        wanted[:7],
        Text(
            "the first 7 layers of model.classifier after append_layer(model), as [name, type, in_features]",
            "append_layer(model) 之后 model.classifier 的前 7 层（每层为 [名字, 类型, in_features]）",
        ),
    )
    if len(layers) != 8:
        fail(
            f"append_layer(model) should leave 8 layers in model.classifier, got {len(layers)}",
            f"append_layer(model) 之后 model.classifier 应有 8 层，实际为 {len(layers)} 层",
        )
    if layers[7][0] != "add_linear":
        fail(
            f"the layer append_layer added is named {layers[7][0]!r}: name it add_linear, "
            f'model.classifier.add_module("add_linear", ...)',
            f"append_layer 添加的层名为 {layers[7][0]!r}：请命名为 add_linear，"
            f'model.classifier.add_module("add_linear", ...)',
        )
    expect_head(model, [[4096, 1000], [1000, model["classifier"][-1][-1]]], "append_layer(model)")


def append_right(appended) -> None:
    """Not judged until append_layer's new layer, whatever its name, runs as Linear(1000, k) after
    classifier[6]."""
    model = appended[0].get("model", {})
    last = model.get("classifier", [[None]])[-1]
    if model.get("kind") != "model" or not head_runs(model, [[4096, 1000], [1000, last[-1]]]):
        not_judged_because(
            "append_layer",
            "append_layer does not add a Linear(1000, num_classes) after classifier[6] yet "
            "(see append_layer_adds_add_linear_after_the_classifier)",
            "append_layer 还没有在 classifier[6] 之后添加 Linear(1000, num_classes)"
            "（见 append_layer_adds_add_linear_after_the_classifier）",
        )


@points(1)
def test_append_layer_uses_num_classes(student, appended):
    """append_layer(model, 7) appends Linear(1000, 7): the model then gives 7 outputs.
    中文：append_layer(model, 7) 添加 Linear(1000, 7)：模型随后输出 7 个值"""
    append_right(appended)
    model = model_of(student.probe(probes.modify, "append_layer", 7), "append_layer(model, 7)")
    expect_equal(
        model["output_shape"],
        [2, 7],
        Text(
            "the output shape for 2 images after append_layer(model, 7)",
            "append_layer(model, 7) 之后 2 张图片的输出形状",
        ),
    )
    expect_head(model, [[4096, 1000], [1000, 7]], "append_layer(model, 7)")


def expect_same_model(got: dict, function: str) -> None:
    if got["same_object"] is not True:
        fail(
            f"{function}(model) returned {got['returned']}, not the model it was given: change the model in "
            f"place and `return model`",
            f"{function}(model) 返回的是 {got['returned']}，不是传入的模型：请原地修改模型并 `return model`",
        )


@points(1)
def test_append_layer_modifies_in_place_and_returns_the_model(appended):
    """append_layer changes the model it is given and returns that same object (not a copy).
    中文：append_layer 原地修改传入的模型，并返回同一个对象"""
    append_right(appended)
    expect_same_model(appended[0], "append_layer")


@pytest.fixture(scope="module")
def replaced(student):
    return student.probe(probes.modify, "replace_head")


@points(2)
def test_replace_head_swaps_classifier_6(replaced):
    """replace_head puts a Linear(4096, num_classes) at classifier[6]; the classifier keeps its 7 layers.
    中文：replace_head 把 classifier[6] 换成 Linear(4096, num_classes)；分类器仍是 7 层"""
    model = model_of(replaced, "replace_head(model)")
    names = [layer[0] for layer in model["classifier"]]
    expect_equal(
        names,
        [str(index) for index in range(7)],
        Text(
            "the names of model.classifier's layers after replace_head(model)",
            "replace_head(model) 之后 model.classifier 各层的名字",
        ),
    )
    layer = model["classifier"][6]
    if layer[1] != "Linear" or layer[2] != 4096:
        fail(
            f"classifier[6] after replace_head(model) should be Linear(4096, num_classes), got {layer[1:]}",
            f"replace_head(model) 之后 classifier[6] 应为 Linear(4096, num_classes)，实际为 {layer[1:]}",
        )
    expect_head(model, [[4096, layer[3]]], "replace_head(model)")


@pytest.fixture(scope="module")
def replaced_5(student):
    return student.probe(probes.modify, "replace_head", 5)


@points(1)
def test_replace_head_uses_num_classes(replaced_5):
    """replace_head(model, 5) puts Linear(4096, 5) at classifier[6]: 5 outputs.
    中文：replace_head(model, 5) 把 classifier[6] 换成 Linear(4096, 5)：输出 5 个值"""
    model = model_of(replaced_5, "replace_head(model, 5)")
    expect_equal(
        model["output_shape"],
        [2, 5],
        Text(
            "the output shape for 2 images after replace_head(model, 5)",
            "replace_head(model, 5) 之后 2 张图片的输出形状",
        ),
    )
    expect_head(model, [[4096, 5]], "replace_head(model, 5)")


@points(1)
def test_replace_head_returns_the_model(replaced_5):
    """replace_head returns the model it was given (the same object), now with the new head.
    中文：replace_head 返回传入的模型（同一个对象），带着新的输出层"""
    if not head_runs(replaced_5.get("model", {}), [[4096, 5]]):
        not_judged_because(
            "replace_head",
            "replace_head does not put Linear(4096, 5) at classifier[6] yet (see "
            "replace_head_uses_num_classes)",
            "replace_head 还没有把 classifier[6] 换成 Linear(4096, 5)（见 replace_head_uses_num_classes）",
        )
    expect_same_model(replaced_5, "replace_head")


@points(2)
def test_build_vgg16_cifar10_is_vgg16_with_a_10_class_head(student, reference, replaced_5):
    """build_vgg16_cifar10(): VGG16's feature layers, classifier[6] = Linear(4096, 10), 10 outputs, no download.
    中文：build_vgg16_cifar10()：VGG16 的特征层，classifier[6] = Linear(4096, 10)，输出 10 个值，不下载权重"""  # noqa: E501
    built = student.probe(probes.build)
    if built.get("kind") != "model" and replaced_5["same_object"] is not True:
        not_judged_because(
            "replace_head",
            "build_vgg16_cifar10 got no model back, and replace_head does not return the "
            "model (see replace_head_returns_the_model)",
            "build_vgg16_cifar10 没有得到模型，而 replace_head 不返回模型（见 "
            "replace_head_returns_the_model）",
        )
    got = model_of(built, "build_vgg16_cifar10()")
    expected = reference.probe(probes.build)
    expect_equal(
        got["features"],
        expected["features"],
        Text("the feature layers of build_vgg16_cifar10()", "build_vgg16_cifar10() 的特征层"),
    )
    if not head_runs(got, [[4096, 10]]) and not head_runs(replaced_5.get("model", {}), [[4096, 5]]):
        not_judged_because(
            "replace_head",
            "replace_head does not give the new head yet (see replace_head_uses_num_classes)",
            "replace_head 还没有得到新的输出层（见 replace_head_uses_num_classes）",
        )
    expect_equal(
        without_outputs(got["classifier"]),
        without_outputs(expected["classifier"]),
        Text("the classifier of build_vgg16_cifar10()", "build_vgg16_cifar10() 的分类器"),
    )
    expect_head(got, [[4096, 10]], "build_vgg16_cifar10()")
