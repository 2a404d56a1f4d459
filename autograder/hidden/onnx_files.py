"""Helpers of 19_onnx_export's hidden checks: the batches and the seeded network the export is judged on,
reading the exported file back as untrusted bytes, PyTorch's expected output, and judging ONNX Runtime's
output of the student's file (and of run_onnx on the grader's files) against it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from autograder.checking import (
    StudentProblem,
    Text,
    agrees,
    describe_type,
    expect_close,
    fail,
    not_judged_because,
)
from autograder.worker.probes.onnx_export import INPUT_SHAPE, build
from autograder.worker_files import Caps, TooLarge, TooMany, read_worker_files

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
