"""Probes that fit every exercise: call a function (with forbidden built-ins out of reach), run a model."""

from __future__ import annotations

from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from autograder.worker.forbidden import ForbiddenCall, unreachable
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
def call_by_hand(module, name: str, kind: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """`module.<name>(*args, **kwargs)` with the built-ins of `kind` made unreachable (`forbidden.KINDS`):
    the value it returned (None when a built-in was reached) and the built-ins it reached."""
    with unreachable(kind) as reached:
        try:
            value = getattr(module, name)(*args, **kwargs)
        except ForbiddenCall:
            value = None
    return {"value": value, "forbidden": reached}


@probe
def has(module, name: str) -> bool:
    """Whether the module defines `name`."""
    return hasattr(module, name)


@probe
def call_each(module, name: str, cases: list[dict[str, Any]]) -> list[list[Any]]:
    """Call `module.<name>(**case)` for each case: `["ok", value]` or
    `["error", {type, message, file, line}]`."""
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
def model_with_parameters(
    module, class_name: str, parameters: list[torch.Tensor], *inputs: Any, init: tuple = ()
) -> dict[str, Any]:
    """Build `module.<class_name>(*init)`, give it the grader's `parameters` when they fit (same count and
    shapes, in the order of `model.parameters()`), then call it on `inputs` without autograd.

    The grader computes the expected output from the same parameters, so nothing it compares with comes
    from the worker. Returns the output, whether the parameters were installed, and the model's own
    parameter shapes (for messages)."""
    model = getattr(module, class_name)(*init)
    own = list(model.parameters())
    installed = len(own) == len(parameters) and all(
        tuple(mine.shape) == tuple(given.shape) for mine, given in zip(own, parameters)
    )
    with torch.no_grad():
        if installed:
            for mine, given in zip(own, parameters):
                mine.copy_(given)
        output = model(*inputs)
    return {"output": output, "installed": installed, "shapes": [list(p.shape) for p in own]}


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
