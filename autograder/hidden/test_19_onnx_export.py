"""Hidden checks for 19_onnx_export.

The student's export_onnx writes a seeded network into its worker's scratch
folder. The grader reads that file as untrusted bytes (no links, a size cap)
and runs it with ONNX Runtime in a sandboxed worker of its own, which holds
the reference module, at batch sizes 1, 3 (the example's) and 7, then
compares with PyTorch's output computed here. run_onnx is judged on small ONNX
files the grader builds itself.
"""

import importlib.util
import tempfile
from pathlib import Path

import numpy as np
import pytest

from autograder.checking import StudentError, StudentProblem, Text, expect_equal, fail, points
from autograder.hidden.onnx_files import (
    BATCHES,
    DYNAMIC_BATCHES,
    EXAMPLE_BATCH,
    FILE,
    SEED,
    expect_matches_pytorch,
    expect_run_like_the_reference,
    inputs_for,
    loaded,
    read_untrusted,
    right_at_the_example_batch,
)
from autograder.worker.probes import onnx_export as probes

REQUIRED = ("onnx", "onnxscript", "onnxruntime")


class MissingDependency(RuntimeError):
    """The grading machine lacks a package this exercise needs."""


@pytest.fixture(scope="module", autouse=True)
def onnx_installed():
    """Say plainly, in every check, when the grading machine cannot export or run ONNX."""
    missing = [name for name in REQUIRED if importlib.util.find_spec(name) is None]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise MissingDependency(
            f"{', '.join(missing)} {verb} not installed where the grader runs, so ONNX "
            f"export cannot be graded here; install the kit's onnx extra: "
            f"pip install 'torch-exercise-kit[onnx]'"
        )


@pytest.fixture(scope="module")
def exported(student, runner):
    """ONNX Runtime's view of the student's export of a seeded ExportNet, or the problem met on the way."""
    try:
        student.probe(probes.export, SEED, EXAMPLE_BATCH, FILE)
    except StudentProblem as problem:
        return problem
    files = read_untrusted(Path(student.work_dir), FILE)
    if FILE not in files:
        return {"missing": True}
    try:
        return runner.probe(probes.run_file, files, FILE, [inputs_for(batch) for batch in BATCHES])
    except StudentProblem as problem:
        return {"load_error": f"ONNX Runtime did not finish running the file: {problem}"}


@points(1)
def test_export_writes_an_onnx_file_that_onnx_runtime_loads(exported):
    """export_onnx writes one ONNX file at the given path, and ONNX Runtime loads it (and runs it right).
    中文：export_onnx 在给定路径写出一个 ONNX 文件，ONNX Runtime 能加载它（并且运行结果正确）"""
    loaded(exported, charged=True)
    right_at_the_example_batch(exported)


@points(2)
def test_onnx_output_matches_pytorch_at_the_example_batch_size(exported):
    """The exported file, run by ONNX Runtime on a batch as large as the example (3), gives PyTorch's eval-mode
    output within 1e-4.
    中文：ONNX Runtime 用导出的文件处理与示例输入同样大小（3）的批次，结果与 PyTorch eval 模式的输出相差不超过 1e-4"""  # noqa: E501
    expect_matches_pytorch(exported, EXAMPLE_BATCH)


@points(2)
def test_onnx_batch_dimension_is_dynamic(exported):
    """The batch dimension is dynamic: batches of 1 and 7 (the example had 3) give PyTorch's output within 1e-4.
    中文：batch 维是动态的：1 张和 7 张图片的批次（示例输入是 3 张）也与 PyTorch 的输出相差不超过 1e-4"""  # noqa: E501
    right_at_the_example_batch(exported)
    for batch in DYNAMIC_BATCHES:
        expect_matches_pytorch(exported, batch)


@points(2)
def test_graph_input_and_output_are_named_input_and_output(exported):
    """The graph has one input named "input" and one output named "output".
    中文：计算图有一个名为 "input" 的输入和一个名为 "output" 的输出"""
    result = loaded(exported)
    right_at_the_example_batch(exported)
    expect_equal(
        [name for name, _shape in result["inputs"]],
        ["input"],
        Text(
            'the graph\'s input names (pass input_names=["input"])',
            '计算图的输入名（请传入 input_names=["input"]）',
        ),
    )
    expect_equal(
        [name for name, _shape in result["outputs"]],
        ["output"],
        Text(
            'the graph\'s output names (pass output_names=["output"])',
            '计算图的输出名（请传入 output_names=["output"]）',
        ),
    )


def write_mlp_onnx(path: Path, seed: int, input_name: str) -> None:
    """A small ONNX network (12 -> 16 -> ReLU -> 5 -> LogSoftmax) with a dynamic batch, built directly."""
    from onnx import TensorProto, helper, numpy_helper, save_model

    rng = np.random.default_rng(seed)
    weights = {
        "w1": rng.normal(0, 0.5, (12, 16)),
        "b1": rng.normal(0, 0.1, 16),
        "w2": rng.normal(0, 0.5, (16, 5)),
        "b2": rng.normal(0, 0.1, 5),
    }
    nodes = [
        helper.make_node("MatMul", [input_name, "w1"], ["h1"]),
        helper.make_node("Add", ["h1", "b1"], ["h2"]),
        helper.make_node("Relu", ["h2"], ["h3"]),
        helper.make_node("MatMul", ["h3", "w2"], ["h4"]),
        helper.make_node("Add", ["h4", "b2"], ["h5"]),
        helper.make_node("LogSoftmax", ["h5"], ["scores"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "grader_mlp",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["batch", 12])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["batch", 5])],
        initializer=[
            numpy_helper.from_array(value.astype(np.float32), name) for name, value in weights.items()
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    save_model(model, str(path))


@pytest.fixture(scope="module")
def grader_files(student):
    """Two ONNX files made here, with inputs named "input" and "pixels":
    {name: (local path, worker's path)}."""
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for index, name in enumerate(("input", "pixels")):
            path = Path(folder) / f"grader_{name}.onnx"
            write_mlp_onnx(path, SEED + index, name)
            files[name] = (str(path), student.share(path, path.name))
        yield files


@points(2)
def test_run_onnx_returns_the_first_output_as_a_numpy_array(student, reference, grader_files):
    """run_onnx(path, array) on a file the grader made returns ONNX Runtime's first output, a NumPy array.
    中文：对评分程序生成的文件，run_onnx(path, array) 返回 ONNX Runtime 的第一个输出，一个 NumPy 数组"""
    for batch in BATCHES:
        expect_run_like_the_reference(student, reference, grader_files, "input", batch)


@points(1)
def test_run_onnx_reads_the_input_name_from_the_file(student, reference, grader_files):
    """run_onnx works on a file whose input is called "pixels": it asks the session for the input's name.
    中文：输入名为 "pixels" 的文件上 run_onnx 也能运行：它向会话查询输入的名字"""
    try:
        expect_run_like_the_reference(student, reference, grader_files, "pixels", 7, judge_type=False)
    except StudentError as error:
        text = str(error)
        if "pixels" not in text and "input" not in text:
            raise
        fail(
            f'run_onnx failed on a file whose input is named "pixels" ({text[:200]}); take the name from '
            f"the file: session.get_inputs()[0].name",
            f'输入名为 "pixels" 的文件上 run_onnx 出错（{text[:200]}）；请从文件中读取输入名：'
            f"session.get_inputs()[0].name",
        )
