"""Hidden checks for 13_save_load: whole models, state_dicts, checkpoints, and files saved on a GPU."""
import pytest
import torch

from autograder.checking import StudentError, cuda_only, expect_close, expect_equal, fail, points
from autograder.worker.probes import save_load as probes

WEIGHTS_ONLY_ADVICE = ("since PyTorch 2.6 torch.load defaults to weights_only=True, which refuses whole models: "
                       "pass weights_only=False for a file you trust")
WEIGHTS_ONLY_ADVICE_ZH = "自 PyTorch 2.6 起 torch.load 默认 weights_only=True，无法加载整个模型：对可信文件请传 weights_only=False"
CUDA_ADVICE = "a file saved on a GPU needs torch.load(..., map_location=map_location) on a CPU-only machine"
CUDA_ADVICE_ZH = "在 GPU 上保存的文件，在只有 CPU 的机器上需要 torch.load(..., map_location=map_location)"


def expect_same_state(got: dict, expected: dict, what: str) -> None:
    if not isinstance(got, dict) or set(got) != set(expected):
        names = sorted(got) if isinstance(got, dict) else got
        fail(f"{what}: expected the entries {sorted(expected)}, got {names}",
             f"{what}：应包含 {sorted(expected)}，实际为 {names}")
    for name, value in expected.items():
        if not isinstance(got[name], torch.Tensor) or not torch.equal(got[name], value):
            fail(f"{what}: {name} does not hold the saved values", f"{what}：{name} 不是保存时的值")


def probe_with_advice(student, name, *args, **kwargs) -> dict:
    """Run a probe; explain the two classic torch.load traps when the student's code hits them."""
    try:
        return student.probe(name, *args, **kwargs)
    except StudentError as error:
        text = str(error)
        if "Weights only load failed" in text or "weights_only" in text:
            fail(f"{text[:200]}... {WEIGHTS_ONLY_ADVICE}", f"{text[:200]}... {WEIGHTS_ONLY_ADVICE_ZH}")
        if "CUDA device" in text or "torch.cuda.is_available() is False" in text:
            fail(f"{text[:200]}... {CUDA_ADVICE}", f"{text[:200]}... {CUDA_ADVICE_ZH}")
        raise


@points(2)
def test_save_full_writes_the_whole_model(student):
    """The file written by save_full unpickles (weights_only=False) to the same module with the same values."""
    got = probe_with_advice(student, probes.full_round_trip, 1)
    expect_equal(got["file_type"], "TinyNet", "the type of what save_full wrote (torch.load(path, weights_only=False))")
    expect_same_state(got["in_file"], got["original"], "the model in the file save_full wrote")


@points(2)
def test_load_full_loads_a_whole_pickled_model(student):
    """load_full(path) of torch.save(model, path) returns that model with its parameters and buffers."""
    got = probe_with_advice(student, probes.load_full_of_saved_model, 2)
    expect_equal(got["loaded_type"], "TinyNet", "type(load_full(path))")
    expect_same_state(got["loaded"], got["original"], "load_full(path).state_dict()")


@points(1)
def test_save_state_writes_only_the_state_dict(student):
    """save_state's file loads with weights_only=True and holds exactly the model's state_dict keys."""
    got = probe_with_advice(student, probes.state_round_trip, 3)
    expect_equal(got["file_keys"], sorted(got["original"]), "the keys in the file save_state wrote")


@points(2)
def test_load_state_restores_parameters_and_buffers(student):
    """load_state(fresh_model, path) gives the fresh model the saved parameters and buffers."""
    got = probe_with_advice(student, probes.state_round_trip, 4)
    expect_same_state(got["loaded"], got["original"], "the model after load_state")


@points(3)
def test_checkpoint_restores_model_optimizer_epoch_and_loss(student):
    """After save_checkpoint/load_checkpoint: same parameters, same momentum buffers, epoch 7 and loss 0.125."""
    got = probe_with_advice(student, probes.checkpoint_round_trip, 5)
    returned = got["returned"]
    if not isinstance(returned, dict) or "epoch" not in returned or "loss" not in returned:
        fail("load_checkpoint should return a dict with 'epoch' and 'loss'",
             "load_checkpoint 应返回包含 'epoch' 和 'loss' 的字典")
    expect_equal(returned["epoch"], 7, "load_checkpoint(...)['epoch']")
    expect_close(returned["loss"], 0.125, "load_checkpoint(...)['loss']", atol=1e-9)
    expect_same_state(got["loaded"], got["original"], "the model after load_checkpoint")
    for index, (have, want) in enumerate(zip(got["momentum"], got["original_momentum"])):
        if have is None or not torch.equal(have, want):
            fail(f"the optimizer's momentum buffer {index} was not restored: load the optimizer's state_dict too",
                 f"优化器的动量缓冲 {index} 没有恢复：也要加载优化器的 state_dict")


@pytest.mark.parametrize("probe", ["load_full_of_saved_model", "state_round_trip", "checkpoint_round_trip"],
                         ids=["whole-model", "state-dict", "checkpoint"])
@points(1)
def test_files_saved_on_a_gpu_load_on_a_cpu_only_machine(student, probe):
    """A file written on a GPU machine (tensors tagged cuda:0) loads here, onto the CPU."""
    got = probe_with_advice(student, getattr(probes, probe), 6, on_cuda=True)
    expect_same_state(got["loaded"], got["original"], "the model loaded from a GPU-saved file")


@cuda_only
@points(2)
def test_checkpoint_saved_on_a_real_gpu_loads_on_a_cpu_only_machine(student):
    """A checkpoint saved while model and optimizer live on the GPU loads where torch sees no GPU."""
    got = probe_with_advice(student, probes.checkpoint_round_trip, 8, real_cuda=True)
    expect_same_state(got["loaded"], got["original"], "the model loaded from a checkpoint saved on the GPU")
