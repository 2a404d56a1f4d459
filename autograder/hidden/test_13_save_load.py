"""Hidden checks for 13_save_load: whole models, state_dicts, checkpoints, and files saved on a GPU.

Each save and each load is judged on its own, against values the grader computes itself (the same
seeded model and optimizer, built here). A save's file comes back as bytes and is opened in a
sandboxed worker holding only the reference (`runner`), with weights_only=True. A load reads a file the
grader wrote from a seed drawn for this run and never sent to the worker, so only reading the file
tells what it holds; a checkpoint is written in the student's own layout (its keys, found in the file
save_checkpoint wrote) once save_checkpoint was judged right, else in the reference's.
"""

import re
import secrets

import pytest
import torch

from autograder.checking import (
    StudentError,
    Text,
    cuda_only,
    expect_close,
    fail,
    not_judged_because,
    points,
)
from autograder.hidden.saved_states import checkpoint_layout, expect_same_state, expected_state, same_state
from autograder.worker.probes import save_load as probes
from autograder.worker.probes.save_load import (
    EPOCH,
    LOSS,
    REFERENCE_LAYOUT,
    momentum,
    saved_bytes,
    trained,
)

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
RUN = secrets.randbelow(2**30)
SEEDS = {
    name: RUN + offset
    for offset, name in enumerate(
        (
            "save_full",
            "load_full",
            "save_state",
            "load_state",
            "checkpoint",
            "load_checkpoint",
            "gpu",
            "real_gpu",
        )
    )
}
LOADED_EPOCH, LOADED_LOSS = 3 + RUN % 90, (RUN % 997) / 1000 + 0.001


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


@points(2)
def test_save_full_writes_the_whole_model(student, runner):
    """The file save_full writes holds the whole model: the same module class, with the model's values.
    中文：save_full 写出的文件包含整个模型：同一个模型类，且参数与模型相同"""
    content = read_save(student, runner, "save_full", SEEDS["save_full"])["content"]
    if not isinstance(content, dict) or "$model" not in content:
        fail(
            "save_full's file holds the state_dict, not the whole model: torch.save(model, path) (save_state "
            "saves the state_dict)"
            if isinstance(content, dict)
            else f"save_full's file holds a {type(content).__name__}, not the model: torch.save(model, path)",
            "save_full 的文件里是 state_dict，不是整个模型：torch.save(model, path)（state_dict 由 "
            "save_state 保存）"
            if isinstance(content, dict)
            else f"save_full 的文件里是 {type(content).__name__}，不是模型：torch.save(model, path)",
        )
    expect_same_state(
        content["state"],
        expected_state(SEEDS["save_full"]),
        Text("the model in the file save_full wrote", "save_full 写出的文件中的模型"),
    )


@pytest.fixture(scope="module")
def loads(student):
    """Each load function on a file the grader wrote (CPU), or the problem its code raised."""
    found = {}
    for function, what in (("load_full", "model"), ("load_state", "state")):
        seed = SEEDS[function]
        try:
            found[function] = probe_with_advice(student, probes.load_with, function, saved_bytes(seed, what))
        except Exception as problem:  # StudentProblem or CheckFailed: raised again by the check that owns it
            found[function] = problem
    return found


def loaded(loads, function: str) -> dict:
    if isinstance(loads[function], Exception):
        raise loads[function]
    return loads[function]


@points(2)
def test_load_full_loads_a_whole_pickled_model(loads):
    """load_full(path) of torch.save(model, path) returns that model with its parameters and buffers.
    中文：对 torch.save(model, path) 保存的文件，load_full(path) 返回该模型及其参数和 buffer"""
    got = loaded(loads, "load_full")
    if got["type"] != "TinyNet":
        fail(
            f"load_full(path) returned a {got['type']}, not the saved model: return what torch.load gives",
            f"load_full(path) 返回的是 {got['type']}，不是保存的模型：请返回 torch.load 的结果",
        )
    expect_same_state(
        got["state"],
        expected_state(SEEDS["load_full"]),
        Text("load_full(path).state_dict()", "load_full(path).state_dict()"),
    )


@points(1)
def test_save_state_writes_only_the_state_dict(student, runner):
    """save_state's file opens with weights_only=True and holds exactly the model's state_dict.
    中文：save_state 写出的文件可用 weights_only=True 打开，且恰好是模型的 state_dict"""
    content = read_save(student, runner, "save_state", SEEDS["save_state"])["content"]
    if isinstance(content, dict) and "$model" in content:
        fail(
            "save_state's file holds the whole model: save only model.state_dict()",
            "save_state 的文件里是整个模型：只保存 model.state_dict()",
        )
    expect_same_state(
        content,
        expected_state(SEEDS["save_state"]),
        Text("the file save_state wrote", "save_state 写出的文件"),
    )


@points(2)
def test_load_state_restores_parameters_and_buffers(loads):
    """load_state(fresh_model, path) gives the fresh model the saved parameters and buffers.
    中文：load_state(新模型, path) 让新模型得到保存的参数和 buffer"""
    expect_same_state(
        loaded(loads, "load_state")["state"],
        expected_state(SEEDS["load_state"]),
        Text("the model after load_state", "load_state 之后的模型"),
    )


@points(1)
def test_load_state_returns_the_model(loads):
    """load_state returns the model it loaded into (the same object), as its docstring says.
    中文：load_state 返回装入参数的那个模型（同一个对象），与文档字符串一致"""
    if isinstance(loads["load_state"], Exception) or not same_state(
        loads["load_state"]["state"], expected_state(SEEDS["load_state"])
    ):
        not_judged_because(
            "load_state",
            "load_state does not restore the model yet (see load_state_restores_parameters_and_buffers)",
            "load_state 还没有恢复模型（见 load_state_restores_parameters_and_buffers）",
        )
    got = loads["load_state"]
    if got["returned_is_model"] is not True:
        fail(
            f"load_state(model, path) returned {got['returned']}, not the model: end with `return model`",
            f"load_state(model, path) 返回的是 {got['returned']}，不是模型：最后要 `return model`",
        )


@pytest.fixture(scope="module")
def checkpoint_save(student, runner):
    """The student's checkpoint: its layout and what it lacks, or the problem met on the way."""
    try:
        saved = read_save(student, runner, "save_checkpoint", SEEDS["checkpoint"])
    except Exception as problem:  # raised again by the save check; the load check uses the reference's layout
        return problem
    layout, missing = checkpoint_layout(saved["content"], SEEDS["checkpoint"])
    return {"layout": layout, "missing": missing}


@points(2)
def test_save_checkpoint_holds_model_optimizer_epoch_and_loss(checkpoint_save):
    """save_checkpoint's file is one dict holding the model's and the optimizer's state_dicts, the epoch and the
    loss, under keys of your choice.
    中文：save_checkpoint 的文件是一个字典，包含模型和优化器的 state_dict、epoch 和 loss（键名自定）"""  # noqa: E501
    if isinstance(checkpoint_save, Exception):
        raise checkpoint_save
    if checkpoint_save["missing"]:
        missing = checkpoint_save["missing"]
        fail(
            f"the checkpoint should be one dict holding model.state_dict(), optimizer.state_dict(), the "
            f"epoch and the loss; it lacks {', '.join(m.en for m in missing)}",
            f"检查点应是一个字典，包含 model.state_dict()、"
            f"optimizer.state_dict()、epoch 和 loss；缺少 {'、'.join(m.zh for m in missing)}",
        )


def checkpoint_for_load(checkpoint_save, on_cuda: bool = False) -> tuple[bytes, bool]:
    """A checkpoint of values the worker has never seen, in the student's own layout when save_checkpoint was
    judged right (else the reference's): (bytes, whether the layout is the student's)."""
    own = not isinstance(checkpoint_save, Exception) and not checkpoint_save["missing"]
    layout = checkpoint_save["layout"] if own else REFERENCE_LAYOUT
    return saved_bytes(
        SEEDS["load_checkpoint"], "checkpoint", on_cuda, layout, LOADED_EPOCH, LOADED_LOSS
    ), own


def judge_checkpoint_load(
    student,
    data: bytes,
    own: bool,
    seed: int,
    epoch: int = LOADED_EPOCH,
    loss: float = LOADED_LOSS,
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


@points(2)
def test_load_checkpoint_restores_model_optimizer_epoch_and_loss(student, checkpoint_save):
    """After load_checkpoint of a checkpoint the grader wrote: its parameters, momentum buffers, epoch and loss.
    中文：load_checkpoint 读取评分程序写出的检查点之后：参数、动量缓冲、epoch 和 loss 都与检查点一致"""  # noqa: E501
    data, own = checkpoint_for_load(checkpoint_save)
    judge_checkpoint_load(student, data, own, SEEDS["load_checkpoint"])


GPU_CASES = {
    "whole-model": ("load_full", "model"),
    "state-dict": ("load_state", "state"),
    "checkpoint": ("load_checkpoint", "checkpoint"),
}


@pytest.mark.parametrize("case", list(GPU_CASES))
@points(1)
def test_files_saved_on_a_gpu_load_on_a_cpu_only_machine(student, loads, checkpoint_save, case):
    """A file written on a GPU machine (tensors tagged cuda:0) loads here, onto the CPU.
    中文：在 GPU 机器上写出的文件（张量标记为 cuda:0）能在这里加载到 CPU 上"""
    function, what = GPU_CASES[case]
    if case == "checkpoint":
        data, own = checkpoint_for_load(checkpoint_save)
        try:
            judge_checkpoint_load(student, data, own, SEEDS["load_checkpoint"])
            cpu_right = True
        except Exception:  # the CPU check charges it
            cpu_right = False
    else:
        cpu_right = not isinstance(loads[function], Exception) and same_state(
            loads[function]["state"], expected_state(SEEDS[function])
        )
    if not cpu_right:
        not_judged_because(
            function,
            f"{function} does not load a CPU file right yet",
            f"{function} 还不能正确加载 CPU 上保存的文件",
        )
    if case == "checkpoint":
        data, own = checkpoint_for_load(checkpoint_save, on_cuda=True)
        judge_checkpoint_load(student, data, own, SEEDS["load_checkpoint"])
        return
    got = probe_with_advice(
        student, probes.load_with, function, saved_bytes(SEEDS["gpu"], what, on_cuda=True)
    )
    expect_same_state(
        got["state"],
        expected_state(SEEDS["gpu"]),
        Text("the model loaded from a GPU-saved file", "从 GPU 上保存的文件加载的模型"),
    )


@cuda_only
@points(2)
def test_checkpoint_saved_on_a_real_gpu_loads_on_a_cpu_only_machine(student):
    """A checkpoint saved while model and optimizer live on the GPU loads where torch sees no GPU.
    中文：模型和优化器都在 GPU 上时保存的检查点，能在 torch 看不到 GPU 的地方加载"""
    data = probe_with_advice(student, probes.checkpoint_on_real_gpu, SEEDS["real_gpu"])
    if data is None:
        fail(
            "save_checkpoint wrote no file at the path it was given",
            "save_checkpoint 没有在给定的路径写出文件",
        )
    judge_checkpoint_load(student, data, True, SEEDS["real_gpu"], EPOCH, LOSS, atol=1e-5, real_cuda=True)
