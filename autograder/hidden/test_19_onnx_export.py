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
import torch

from autograder.checking import (
    StudentError,
    StudentProblem,
    Text,
    agrees,
    describe_type,
    expect_close,
    expect_equal,
    fail,
    not_judged_because,
    points,
)
from autograder.worker.probes import onnx_export as probes
from autograder.worker.probes.onnx_export import INPUT_SHAPE, build
from autograder.worker_files import Caps, TooLarge, TooMany, read_worker_files

REQUIRED = ("onnx", "onnxscript", "onnxruntime")
FILE = "model.onnx"
FILE_CAP = 32 * 1024 * 1024
MAX_FILES = 16
SEED = 19
EXAMPLE_BATCH = 3
DYNAMIC_BATCHES = (1, 7)
BATCHES = (1, EXAMPLE_BATCH, 7)
DYNAMIC_ADVICE = (
    "the file accepts only the example's batch size: declare the first dimension dynamic, e.g. "
    'dynamic_shapes=({0: torch.export.Dim("batch")},)',
    "这个文件只接受示例输入的 batch 大小：请把第一维声明为动态，例如 "
    'dynamic_shapes=({0: torch.export.Dim("batch")},)',
)


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


def read_untrusted(folder: Path, prefix: str) -> dict[str, bytes]:
    """The regular files directly in `folder` whose names start with `prefix`, read by the audited reader
    (no links, capped): the worker wrote them, so nothing about them is trusted."""
    try:
        return read_worker_files(
            folder, accept=lambda name: name.startswith(prefix), caps=Caps(files=MAX_FILES, bytes=FILE_CAP)
        ).files
    except TooMany:
        fail(
            f"export_onnx wrote more than {MAX_FILES} files named {prefix}*; expected one ONNX file",
            f"export_onnx 写了超过 {MAX_FILES} 个名为 {prefix}* 的文件；应只有一个 ONNX 文件",
        )
    except TooLarge:
        fail(
            f"the exported files are larger than {FILE_CAP // 2**20} MiB",
            f"导出的文件大于 {FILE_CAP // 2**20} MiB",
        )


def inputs_for(batch: int) -> np.ndarray:
    return np.random.default_rng(SEED + batch).standard_normal((batch, *INPUT_SHAPE)).astype(np.float32)


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


def loaded(exported, charged: bool = False) -> dict:
    """The run of the exported file. With `charged` (the check that a loadable file is written) a missing
    or unloadable file fails; the other checks are not judged then."""
    if not charged and (
        isinstance(exported, StudentProblem) or exported.get("missing") or "load_error" in exported
    ):
        not_judged_because(
            "export_onnx",
            "export_onnx did not write a file ONNX Runtime loads (see "
            "export_writes_an_onnx_file_that_onnx_runtime_loads)",
            "export_onnx 没有写出 ONNX Runtime 能加载的文件（见 "
            "export_writes_an_onnx_file_that_onnx_runtime_loads）",
        )
    if isinstance(exported, StudentProblem):
        raise exported
    if exported.get("missing"):
        fail(
            f"export_onnx(model, example_input, path) wrote no file at path (a file named {FILE} in the "
            f"working folder; links are not followed)",
            f"export_onnx(model, example_input, path) 没有在 path（工作目录中的 {FILE}）写出文件（不跟随链"
            f"接）",
        )
    if "load_error" in exported:
        fail(
            f"ONNX Runtime could not load the exported file: {exported['load_error'][:300]}",
            f"ONNX Runtime 无法加载导出的文件：{exported['load_error'][:300]}",
        )
    return exported


def expected_output(batch: int) -> np.ndarray:
    with torch.no_grad():
        return build(SEED).eval()(torch.from_numpy(inputs_for(batch))).numpy()


def expect_matches_pytorch(exported, batch: int) -> None:
    kind, value = loaded(exported)["results"][BATCHES.index(batch)]
    if kind != "ok":
        reason = " ".join(str(value).split()).split(" Please fix")[0][:300]
        if "dimension" in reason:
            fail(
                f"ONNX Runtime refused a batch of {batch}: {reason}; {DYNAMIC_ADVICE[0]}",
                f"ONNX Runtime 拒绝了大小为 {batch} 的 batch：{reason}；{DYNAMIC_ADVICE[1]}",
            )
        fail(
            f"ONNX Runtime failed on a batch of {batch}: {reason}",
            f"ONNX Runtime 在大小为 {batch} 的 batch 上出错：{reason}",
        )
    expect_close(
        value,
        expected_output(batch),
        Text(
            f"ONNX Runtime's output for a batch of {batch}, against PyTorch's",
            f"ONNX Runtime 对大小为 {batch} 的 batch 的输出与 PyTorch 的相比",
        ),
        atol=1e-4,
        rtol=0,
    )


def right_at_the_example_batch(exported) -> None:
    """Not judged until the file gives PyTorch's output at the example's batch size: a file that loads, or the
    names in it, count only together with an output the grader computed."""
    kind, value = loaded(exported)["results"][BATCHES.index(EXAMPLE_BATCH)]
    if kind != "ok" or not agrees(value, expected_output(EXAMPLE_BATCH), atol=1e-4, rtol=0):
        not_judged_because(
            "export_onnx",
            "the file does not give PyTorch's output at the example's batch size yet (see "
            "onnx_output_matches_pytorch_at_the_example_batch_size)",
            "这个文件在示例输入的 batch 大小上还没有得到 PyTorch 的输出（见 "
            "onnx_output_matches_pytorch_at_the_example_batch_size）",
        )


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


def expect_run_like_the_reference(
    student, reference, grader_files, input_name: str, batch: int, judge_type: bool = True
) -> None:
    """run_onnx on a grader-made file equals the reference's run; without `judge_type`, a list of outputs
    (a mistake the type check charges) is judged by its first item."""
    local, remote = grader_files[input_name]
    array = np.random.default_rng(SEED + batch).standard_normal((batch, 12)).astype(np.float32)
    got = student.call("run_onnx", remote, array)
    expected = reference.call("run_onnx", local, array)
    if not judge_type and isinstance(got, list) and got:
        got = got[0]
    if isinstance(got, list):
        fail(
            "run_onnx should return a NumPy array, got a list: session.run(...) returns a list with one "
            "array per output; return its first item",
            "run_onnx 应返回 NumPy 数组，实际是列表：session.run(...) 返回的是每个输出一个数组的列表；请返回"
            "第一个元素",
        )
    if not isinstance(got, np.ndarray):
        fail(
            f"run_onnx should return a NumPy array, got {describe_type(got)}",
            f"run_onnx 应返回 NumPy 数组，实际是 {describe_type(got, zh=True)}",
        )
    expect_close(
        got,
        expected,
        Text(
            f"run_onnx(path, an array of shape {array.shape})",
            f"run_onnx（path，形状为 {array.shape} 的数组）",
        ),
        atol=1e-5,
    )


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
