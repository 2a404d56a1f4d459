"""A worker's answers are never their own proof (issue 10, class 1), under the strict and reduced levels.

Student code owns its worker: it can replace the kit's probes there and answer anything. These
submissions do exactly that, or reach forbidden built-ins by the back door, and must get the fair
verdict: every expected value is the grader's own, so lies score nothing, and "by hand" is judged by
what the code can reach, not by what the worker says about itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder import grading, isolation
from autograder.sandbox import Sandbox
from mutants import copy_solution

LEVELS = ["strict", "reduced"]

LIAR = '''
import io
import torch
from autograder.worker import probes as _probes

_honest = _probes.lookup


def _state(seed):
    from autograder.worker.probes.save_load import make_model
    return {key: value.detach().clone() for key, value in make_model(seed).state_dict().items()}


def _network(args):
    images = next(a for a in args if isinstance(a, torch.Tensor) and a.dim() == 4)
    return torch.zeros(images.shape[0], 6, images.shape[2] - 2, images.shape[3] - 2)


def _liar(name):
    """Self-consistent answers for every probe of 06 and 13, old and new, without running student code."""
    def answer(module, *args, **kwargs):
        seed = next((a for a in args if type(a) is int), 0)
        if name in ("model_run", "model_with_parameters"):
            parameters = {"w": torch.zeros(6, 3, 3, 3), "b": torch.zeros(6)}
            return {"output": _network(args), "parameters": parameters,
                    "installed": True, "shapes": [[6, 3, 3, 3], [6]]}
        if name == "model_output":
            return _network(args)
        if not name.startswith("save_load."):
            return _honest(name)(module, *args, **kwargs)
        state = _state(seed)
        if name.endswith(("save_with", "checkpoint_on_real_gpu")):
            buffer = io.BytesIO()
            torch.save({"model_state_dict": state, "epoch": 7, "loss": 0.125}, buffer)
            return buffer.getvalue()
        return {"file_type": "TinyNet", "in_file": state, "loaded_type": "TinyNet", "loaded": state,
                "original": state, "file_keys": sorted(state), "devices": ["cpu"],
                "returned": {"epoch": 7, "loss": 0.125}, "momentum": [], "original_momentum": [],
                "type": "TinyNet", "state": state, "returned_is_model": True}
    return answer


_probes.lookup = _liar


def _not_written(*args, **kwargs):
    raise NotImplementedError("every function of this submission raises")
'''

RAISING_13 = LIAR + "".join(
    f"\n{name} = _not_written\n"
    for name in ("save_full", "load_full", "save_state", "load_state", "save_checkpoint", "load_checkpoint")
)
RAISING_06 = (
    LIAR
    + """
COURSE_INPUT = COURSE_KERNEL = [[0]]
conv2d_output_size = course_example = _not_written


class ConvNet(torch.nn.Module):
    def forward(self, x):
        raise NotImplementedError("every function of this submission raises")
"""
)


@pytest.fixture(scope="module", params=LEVELS)
def level_sandbox(request):
    if not isolation.detect().offers(request.param):
        pytest.skip(f"this machine does not offer the {request.param} level (see `autograder doctor`)")
    box = Sandbox(level=request.param).start()
    yield box
    box.close()


def graded(
    sandbox, tmp_path: Path, exercise: str, source: str | None = None, edit: tuple[str, str] | None = None
):
    """The one exercise's result for the reference with `source` in place of its module, or with `edit`."""
    folder = copy_solution(exercise, tmp_path)
    module = next(folder.glob("*.py"))
    text = source if source is not None else module.read_text(encoding="utf-8")
    if edit is not None:
        assert text.count(edit[0]) == 1, edit[0]
        text = text.replace(*edit)
    module.write_text(text, encoding="utf-8")
    result = grading.grade(
        folder, grading.GradeOptions(exercises=[exercise], device="cpu", threads=2), sandbox=sandbox
    )
    (exercise_result,) = result.exercises
    return exercise_result


def passed(exercise) -> list[str]:
    return [check.name for check in exercise.checks if check.status == "passed"]


@pytest.mark.parametrize(
    "exercise, source, lied_to",
    [
        ("13_save_load", RAISING_13, "save_full_writes_the_whole_model"),
        ("06_conv_shapes", RAISING_06, "forward_returns_the_convolution_output"),
    ],
    ids=["save-load", "conv-net"],
)
def test_replacing_the_probes_in_the_worker_earns_nothing(level_sandbox, tmp_path, exercise, source, lied_to):
    result = graded(level_sandbox, tmp_path, exercise, source)
    assert result.score == 0 and not passed(result), passed(result)
    answered = next(check for check in result.checks if check.name == lied_to)
    assert "every function of this submission raises" not in answered.message, "the lie was never told"


L1_BY_C_NN = (
    "return reduce((pred - target).abs(), reduction)",
    "return torch._C._nn.l1_loss(pred, target, {'none': 0, 'mean': 1, 'sum': 2}[reduction])",
)
MSE_WITH_TORCH_FUNCTIONS_OFF = (
    "return reduce((pred - target) ** 2, reduction)",
    "with torch._C.DisableTorchFunction():\n"
    "        return torch._C._nn.mse_loss(pred, target, {'none': 0, 'mean': 1, 'sum': 2}[reduction])",
)


@pytest.mark.parametrize(
    "edit, named",
    [(L1_BY_C_NN, "torch._C._nn.l1_loss"), (MSE_WITH_TORCH_FUNCTIONS_OFF, "aten::mse_loss")],
    ids=["torch-c-nn", "torch-functions-switched-off"],
)
def test_built_in_losses_by_the_back_door_lose_only_the_by_hand_point(level_sandbox, tmp_path, edit, named):
    result = graded(level_sandbox, tmp_path, "10_losses", edit=edit)
    lost = {check.name: check.message for check in result.checks if check.status != "passed"}
    assert list(lost) == ["losses_are_written_by_hand"], lost
    assert named in lost["losses_are_written_by_hand"]
