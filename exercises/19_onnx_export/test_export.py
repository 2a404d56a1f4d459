"""Visible tests for exercise 19 (ONNX export). Run: pytest exercises/19_onnx_export

The model is shaped like the course's MLP for MNIST (784 -> 100 -> 10); the
grader exports a different network, traced on a batch of another size.
"""

import numpy as np
import pytest
import torch
from torch import nn

REASON = "needs the onnx extra: pip install onnx onnxruntime onnxscript"
onnx = pytest.importorskip("onnx", reason=REASON)
onnxruntime = pytest.importorskip("onnxruntime", reason=REASON)
pytest.importorskip("onnxscript", reason=REASON)


def course_mlp():
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Flatten(), nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10), nn.LogSoftmax(dim=1)
    )


@pytest.fixture(scope="module")
def exported(export, tmp_path_factory):
    """(model, path): the course's MLP exported once, traced on a batch of 4 images."""
    model = course_mlp()
    path = tmp_path_factory.mktemp("onnx") / "mlp.onnx"
    export.export_onnx(model, torch.rand(4, 1, 28, 28), str(path))
    return model.eval(), path


def run(path, images):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: images.numpy()})[0]


def test_export_writes_the_file_at_the_given_path(exported):
    _model, path = exported
    assert path.is_file()
    onnx.checker.check_model(str(path))


def test_one_image_gives_pytorchs_output(exported):
    model, path = exported
    image = torch.rand(1, 1, 28, 28)
    assert np.allclose(run(path, image), model(image).detach().numpy(), atol=1e-4)


def test_a_batch_of_7_gives_pytorchs_output(exported):
    model, path = exported
    images = torch.rand(7, 1, 28, 28)
    out = run(path, images)
    assert out.shape == (7, 10)
    assert np.allclose(out, model(images).detach().numpy(), atol=1e-4)


def test_the_graph_input_and_output_are_named_input_and_output(exported):
    _model, path = exported
    graph = onnx.load(str(path)).graph
    assert [item.name for item in graph.input] == ["input"]
    assert [item.name for item in graph.output] == ["output"]


@pytest.fixture
def doubler(tmp_path):
    """A one-node ONNX file, built by hand, that doubles an input named "pixels" (any batch size)."""
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Add", ["pixels", "pixels"], ["doubled"])],
        "doubler",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["batch", 3])],
        [helper.make_tensor_value_info("doubled", TensorProto.FLOAT, ["batch", 3])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = tmp_path / "doubler.onnx"
    onnx.save(model, str(path))
    return str(path)


def test_run_onnx_returns_a_numpy_array(export, doubler):
    out = export.run_onnx(doubler, np.ones((7, 3), dtype=np.float32))
    assert isinstance(out, np.ndarray)
    assert out.shape == (7, 3)
    assert np.allclose(out, 2.0)


def test_run_onnx_works_whatever_the_input_is_called(export, doubler):
    out = export.run_onnx(doubler, np.arange(3, dtype=np.float32).reshape(1, 3))
    assert out.tolist() == [[0.0, 2.0, 4.0]]
