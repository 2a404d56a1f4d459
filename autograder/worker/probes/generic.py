"""Probes that fit every exercise: call a function, and watch which torch functions it used."""
from __future__ import annotations

from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from autograder.worker.probes import probe


class CallRecorder(TorchFunctionMode):
    """Records the qualified name of every torch function called while active."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.names.add(qualified_name(func))
        return func(*args, **(kwargs or {}))


def qualified_name(func: Any) -> str:
    """'torch.nn.functional.l1_loss', 'torch.Tensor.sigmoid', 'torch.sigmoid', ..."""
    owner = getattr(func, "__objclass__", None)
    if owner is not None:
        return f"torch.Tensor.{func.__name__}"
    if getattr(func, "__name__", "") in ("__get__", "__set__") and hasattr(func, "__self__"):
        return f"torch.Tensor.{getattr(func.__self__, '__name__', '?')}"
    module = getattr(func, "__module__", None) or "torch"
    if module == "torch._tensor":
        module = "torch.Tensor"
    elif module.startswith("torch._C"):
        module = "torch"
    return f"{module}.{getattr(func, '__name__', repr(func))}"


@probe
def call(module, name: str, *args: Any, **kwargs: Any) -> Any:
    """`module.<name>(*args, **kwargs)`: the plainest probe."""
    return getattr(module, name)(*args, **kwargs)


@probe
def call_recording(module, name: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Call like `call`, and also return the sorted names of the torch functions it used."""
    recorder = CallRecorder()
    with recorder:
        value = getattr(module, name)(*args, **kwargs)
    return {"value": value, "torch_calls": sorted(recorder.names)}


@probe
def has(module, name: str) -> bool:
    """Whether the module defines `name`."""
    return hasattr(module, name)


@probe
def call_each(module, name: str, cases: list[dict[str, Any]]) -> list[list[Any]]:
    """Call `module.<name>(**case)` for each case: `["ok", value]` or `["error", {type, message, file, line}]`."""
    from autograder.worker.serve import describe_exception

    function = getattr(module, name)
    outcomes: list[list[Any]] = []
    for kwargs in cases:
        try:
            outcomes.append(["ok", function(**kwargs)])
        except Exception as exc:
            error = describe_exception(exc, module.__file__)
            error.pop("traceback")
            outcomes.append(["error", error])
    return outcomes


@probe
def model_output(module, class_name: str, *inputs: Any, seed: int = 0, init: tuple = ()) -> Any:
    """Build `module.<class_name>(*init)` with torch seeded by `seed`, then call it on `inputs`."""
    torch.manual_seed(seed)
    model = getattr(module, class_name)(*init)
    return model(*inputs)


@probe
def model_run(module, class_name: str, *inputs: Any, seed: int = 0, init: tuple = ()) -> dict[str, Any]:
    """Like `model_output`, plus the model's named parameters (so the grader can recompute the output)."""
    torch.manual_seed(seed)
    model = getattr(module, class_name)(*init)
    output = model(*inputs)
    parameters = {name: value.detach() for name, value in model.named_parameters()}
    return {"output": output, "parameters": parameters}


@probe
def usage(module) -> dict[str, Any]:
    """This worker's peak resident memory (kB, shared pages included) and CPU seconds so far."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    return {"max_rss_kb": own.ru_maxrss, "cpu_s": own.ru_utime + own.ru_stime}


@probe
def cuda_state(module) -> dict[str, bool]:
    """Whether CUDA was started in this worker (without starting it): the template must never start it."""
    return {"initialized": torch.cuda.is_initialized()}
