"""Hidden checks for 13_save_load: whole models, state_dicts, checkpoints, and files saved on a GPU.

Each save and each load is judged on its own, against values the grader computes itself (the same
seeded model and optimizer, built here). A save's file comes back as bytes and is opened in a
sandboxed worker holding only the reference (`runner`), with weights_only=True. A load reads a file the
grader wrote from a seed drawn for this run and never sent to the worker, so only reading the file
tells what it holds; a checkpoint is written in the student's own layout (its keys, found in the file
save_checkpoint wrote) once save_checkpoint was judged right, else in the reference's.
"""

import secrets

import pytest

from autograder.checking import Text, cuda_only, fail, not_judged_because, points
from autograder.hidden.save_load_files import (
    GPU_CASES,
    judge_checkpoint_load,
    loaded,
    probe_with_advice,
    read_save,
)
from autograder.hidden.saved_states import checkpoint_layout, expect_same_state, expected_state, same_state
from autograder.worker.probes import save_load as probes
from autograder.worker.probes.save_load import EPOCH, LOSS, REFERENCE_LAYOUT, saved_bytes

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


@points(2)
def test_load_checkpoint_restores_model_optimizer_epoch_and_loss(student, checkpoint_save):
    """After load_checkpoint of a checkpoint the grader wrote: its parameters, momentum buffers, epoch and loss.
    中文：load_checkpoint 读取评分程序写出的检查点之后：参数、动量缓冲、epoch 和 loss 都与检查点一致"""  # noqa: E501
    data, own = checkpoint_for_load(checkpoint_save)
    judge_checkpoint_load(student, data, own, SEEDS["load_checkpoint"], LOADED_EPOCH, LOADED_LOSS)


@pytest.mark.parametrize("case", list(GPU_CASES))
@points(1)
def test_files_saved_on_a_gpu_load_on_a_cpu_only_machine(student, loads, checkpoint_save, case):
    """A file written on a GPU machine (tensors tagged cuda:0) loads here, onto the CPU.
    中文：在 GPU 机器上写出的文件（张量标记为 cuda:0）能在这里加载到 CPU 上"""
    function, what = GPU_CASES[case]
    if case == "checkpoint":
        data, own = checkpoint_for_load(checkpoint_save)
        try:
            judge_checkpoint_load(student, data, own, SEEDS["load_checkpoint"], LOADED_EPOCH, LOADED_LOSS)
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
        judge_checkpoint_load(student, data, own, SEEDS["load_checkpoint"], LOADED_EPOCH, LOADED_LOSS)
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
