"""Hidden checks for 12_vgg16_modify, on VGG16 built on the meta device (no weights, no download)."""
from autograder.checking import expect_equal, fail, points
from autograder.worker.probes import vgg16_modify as probes


def expect_model(description: dict, what: str) -> dict:
    if description.get("kind") != "model":
        fail(f"{what} should return the VGG16 model, got a {description.get('kind')}",
             f"{what} 应返回 VGG16 模型，实际返回 {description.get('kind')}")
    return description


@points(2)
def test_append_layer_adds_add_linear_after_the_classifier(student, reference):
    """append_layer adds a layer named add_linear, Linear(1000, 10), after the 7 classifier layers."""
    got = student.probe(probes.modify, "append_layer")
    expected = reference.probe(probes.modify, "append_layer")
    expect_equal(expect_model(got["model"], "append_layer(model)")["classifier"], expected["model"]["classifier"],
                 "model.classifier after append_layer(model) as [name, type, in, out] per layer")


@points(1)
def test_append_layer_uses_num_classes(student, reference):
    """append_layer(model, 7) appends Linear(1000, 7): the model then gives 7 outputs."""
    got = student.probe(probes.modify, "append_layer", 7)
    expected = reference.probe(probes.modify, "append_layer", 7)
    expect_equal(expect_model(got["model"], "append_layer(model, 7)")["output_shape"],
                 expected["model"]["output_shape"], "the output shape for 2 images after append_layer(model, 7)")


@points(1)
def test_append_layer_modifies_in_place_and_returns_the_model(student):
    """append_layer changes the model it is given and returns that same object."""
    got = student.probe(probes.modify, "append_layer")
    expect_equal(got["same_object"], True, "append_layer(model) is model")


@points(2)
def test_replace_head_swaps_classifier_6(student, reference):
    """replace_head puts Linear(4096, 10) at classifier[6]; the classifier keeps its 7 layers."""
    got = student.probe(probes.modify, "replace_head")
    expected = reference.probe(probes.modify, "replace_head")
    expect_equal(expect_model(got["model"], "replace_head(model)")["classifier"], expected["model"]["classifier"],
                 "model.classifier after replace_head(model) as [name, type, in, out] per layer")


@points(1)
def test_replace_head_uses_num_classes_and_returns_the_model(student):
    """replace_head(model, 5) gives 5 outputs and returns the same model object."""
    got = student.probe(probes.modify, "replace_head", 5)
    expect_equal(expect_model(got["model"], "replace_head(model, 5)")["output_shape"], [2, 5],
                 "the output shape for 2 images after replace_head(model, 5)")
    expect_equal(got["same_object"], True, "replace_head(model) is model")


@points(2)
def test_build_vgg16_cifar10_is_vgg16_with_a_10_class_head(student, reference):
    """build_vgg16_cifar10(): VGG16's feature layers, classifier[6] = Linear(4096, 10), 10 outputs."""
    got = expect_model(student.probe(probes.build), "build_vgg16_cifar10()")
    expected = reference.probe(probes.build)
    expect_equal(got["features"], expected["features"], "the feature layers of build_vgg16_cifar10()")
    expect_equal(got["classifier"], expected["classifier"], "the classifier of build_vgg16_cifar10()")
    expect_equal(got["output_shape"], [2, 10], "the output shape for 2 CIFAR-10 images")
