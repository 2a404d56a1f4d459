"""Helpers of 13_save_load's hidden checks: the advice for torch.load's two classic traps, a save read
back by the runner, and the judging of a checkpoint load against the values the grader wrote.

The seeds of a grading run are drawn in `test_13_save_load.py` itself and passed in.
"""

from __future__ import annotations

import re

import torch

from autograder.checking import StudentError, Text, expect_close, fail, not_judged_because
from autograder.hidden.saved_states import expect_same_state, expected_state, same_state
from autograder.worker.probes import save_load as probes
from autograder.worker.probes.save_load import momentum, trained

WEIGHTS_ONLY_ADVICE = Text(
    "since PyTorch 2.6 torch.load defaults to weights_only=True, which refuses whole models: "
    "pass weights_only=False for a file you trust",
    "自 PyTorch 2.6 起 torch.load 默认 weights_only=True，无法加载整个模型：对可信文件请传 "
    "weights_only=False",
)
CUDA_ADVICE = Text(
    "a file saved on a GPU needs torch.load(..., map_location=map_location) on a CPU-only machine",
    "在 GPU 上保存的文件，在只有 CPU 的机器上需要 torch.load(..., map_location=map_location)",
)


def plain(text: str) -> str:
    """An error message without terminal colour codes, one line, at most 200 characters."""
    return " ".join(re.sub(r"\x1b\[[0-9;]*m", "", text).split())[:200]


def probe_with_advice(student, *args, **kwargs):
    """Run a probe; explain the two classic torch.load traps when the student's code hits them."""
    try:
        return student.probe(*args, **kwargs)
    except StudentError as error:
        text = str(error)
        if "Weights only load failed" in text or "weights_only" in text:
            fail(f"{plain(text)}... {WEIGHTS_ONLY_ADVICE.en}", f"{plain(text)}... {WEIGHTS_ONLY_ADVICE.zh}")
        if "CUDA device" in text or "torch.cuda.is_available() is False" in text:
            fail(f"{plain(text)}... {CUDA_ADVICE.en}", f"{plain(text)}... {CUDA_ADVICE.zh}")
        raise


def read_save(student, runner, function: str, seed: int, on_cuda: bool = False) -> dict:
    """What the student's save wrote, opened by the runner with weights_only=True."""
    data = probe_with_advice(student, probes.save_with, function, seed, on_cuda)
    if data is None:
        fail(f"{function} wrote no file at the path it was given", f"{function} 没有在给定的路径写出文件")
    if len(data) > probes.FILE_CAP:
        fail(
            f"the file {function} wrote is larger than {probes.FILE_CAP // 2**20} MiB",
            f"{function} 写出的文件大于 {probes.FILE_CAP // 2**20} MiB",
        )
    opened = runner.probe(probes.read_file, data)
    if "error" in opened:
        fail(
            f"torch.load(path, weights_only=True) cannot open the file {function} wrote "
            f"({plain(opened['error'])}); save it with torch.save",
            f"torch.load(path, weights_only=True) 打不开 {function} 写出的文件"
            f"（{plain(opened['error'])}）；请用 torch.save 保存",
        )
    return {**opened, "bytes": data}


def loaded(loads, function: str) -> dict:
    if isinstance(loads[function], Exception):
        raise loads[function]
    return loads[function]


def judge_checkpoint_load(
    student,
    data: bytes,
    own: bool,
    seed: int,
    epoch: int,
    loss: float,
    atol: float = 0.0,
    real_cuda: bool = False,
) -> None:
    try:
        got = probe_with_advice(student, probes.load_with, "load_checkpoint", data, real_cuda)
        right = same_state(got["state"], expected_state(seed), atol)
    except StudentError:
        if own:
            raise
        got, right = None, False
    if not own and not right:
        not_judged_because(
            "save_checkpoint",
            "load_checkpoint was given a checkpoint in the reference's layout, because "
            "save_checkpoint's own is not right yet, and could not read it",
            "由于 save_checkpoint 的检查点还不对，load_checkpoint 拿到的是参考答案格式的检查点，并且没能读取",
        )
    returned = got["returned"]
    if not isinstance(returned, dict) or "epoch" not in returned or "loss" not in returned:
        fail(
            "load_checkpoint should return a dict with 'epoch' and 'loss'",
            "load_checkpoint 应返回包含 'epoch' 和 'loss' 的字典",
        )
    expect_close(returned["epoch"], epoch, "load_checkpoint(...)['epoch']", atol=0)
    expect_close(returned["loss"], loss, "load_checkpoint(...)['loss']", atol=1e-9)
    expect_same_state(
        got["state"],
        expected_state(seed),
        Text("the model after load_checkpoint", "load_checkpoint 之后的模型"),
        atol,
    )
    for index, want in enumerate(momentum(trained(seed)[1])):
        have = got["momentum"][index] if index < len(got["momentum"]) else None
        if have is None or not torch.allclose(have, want, atol=max(atol, 1e-12)):
            fail(
                f"the optimizer's momentum buffer {index} was not restored: load the optimizer's state_dict "
                f"too",
                f"优化器的动量缓冲 {index} 没有恢复：也要加载优化器的 state_dict",
            )


GPU_CASES = {
    "whole-model": ("load_full", "model"),
    "state-dict": ("load_state", "state"),
    "checkpoint": ("load_checkpoint", "checkpoint"),
}
