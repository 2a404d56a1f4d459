"""Built-ins that a "by hand" function must not reach, made unreachable while the student's function runs.

`unreachable(kind)` is a context manager a probe wraps around one call of the student's function. While
it is active, every path to the forbidden library code raises `ForbiddenCall` (a BaseException, so an
`except Exception` in the student's code does not swallow it) and is recorded, whatever name, alias or
module attribute reached it:

- torchvision's functions and the forbidden classes' methods have their code swapped for a trap, so an
  alias or a reference taken at import (`from ... import to_tensor as tt`) is caught too;
- a TorchFunctionMode refuses forbidden torch functions however they are reached (`torch.relu`,
  `x.relu()`, `torch.nn.functional.*`, `torch._C._nn.*` bindings, `torch.ops.aten.*`);
- a TorchDispatchMode refuses their kernels (`aten::mse_loss`, ...), even with torch functions
  switched off;
- a global module pre-hook refuses the modules (`nn.CrossEntropyLoss`, `nn.ReLU`, ...), so the
  message names the module that was called.

The worker's record is testimony: the grader only grants a "by hand" point when the value computed
meanwhile is the one it computed itself. Code written to switch these traps off (or to replace the
kit's probes) is outside what a worker can defend; README's section on checks says so.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode


class ForbiddenCall(BaseException):
    """A forbidden built-in was reached; `label` names it as the student would recognise it."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label


_record: list[str] = []


def tripped(label: str) -> None:
    """Record `label` and refuse the call (the traps' code calls this)."""
    if label not in _record:
        _record.append(label)
    raise ForbiddenCall(label)


LOSS_NAMES = frozenset(
    {
        "cross_entropy",
        "kl_div",
        "binary_cross_entropy",
        "binary_cross_entropy_with_logits",
        "nll_loss2d",
        "nll_loss_nd",
        "ctc_loss",
    }
)
ACTIVATION_NAMES = frozenset({"relu", "relu_", "sigmoid", "sigmoid_", "special_expit", "expit"})


def is_loss_name(name: str) -> bool:
    """Whether a torch function or aten operator name is one of torch's built-in losses."""
    name = name.removesuffix("_forward").removesuffix("_backward")
    return name.endswith("_loss") or name in LOSS_NAMES


@dataclass(frozen=True)
class Forbidden:
    """What one "by hand" requirement forbids."""

    torch_function: Callable[[Any], bool] = lambda func: False  # a torch function (TorchFunctionMode)
    aten_op: Callable[[str], bool] = lambda name: False  # an operator's packet name (TorchDispatchMode)
    module: Callable[[torch.nn.Module], bool] = lambda module: False  # an nn.Module being called
    python: tuple[tuple[str, str], ...] = field(default=())  # (module path, attribute path) of Python code


def _loss_function(func: Any) -> bool:
    return is_loss_name(getattr(func, "__name__", "") or "")


def _activation_function(func: Any) -> bool:
    module = getattr(func, "__module__", "") or ""
    return getattr(func, "__name__", "") in ACTIVATION_NAMES or module in (
        "torch.nn.functional",
        "torch._C._nn",
    )


def _dropout_or_batch_norm_name(name: str) -> bool:
    return "dropout" in name or "batch_norm" in name


def _dropout_or_batch_norm_function(func: Any) -> bool:
    module = getattr(func, "__module__", "") or ""
    return _dropout_or_batch_norm_name(getattr(func, "__name__", "") or "") or module in (
        "torch.nn.functional",
        "torch._C._nn",
    )


_TO_TENSOR = (
    ("torchvision.transforms.functional", "to_tensor"),
    ("torchvision.transforms.functional", "pil_to_tensor"),
    ("torchvision.transforms.functional", "convert_image_dtype"),
    ("torchvision.transforms.v2.functional", "to_tensor"),
    ("torchvision.transforms.v2.functional", "to_image"),
    ("torchvision.transforms.v2.functional", "to_dtype"),
    ("torchvision.transforms.v2.functional", "to_dtype_image"),
    ("torchvision.transforms", "ToTensor.__call__"),
    ("torchvision.transforms", "PILToTensor.__call__"),
    ("torchvision.transforms", "ConvertImageDtype.forward"),
    ("torchvision.transforms.v2", "ToTensor.transform"),
    ("torchvision.transforms.v2", "ToImage.transform"),
    ("torchvision.transforms.v2", "ToDtype.transform"),
    ("torchvision.transforms.v2", "PILToTensor.transform"),
)
_NORMALIZE = (
    ("torchvision.transforms.functional", "normalize"),
    ("torchvision.transforms._functional_tensor", "normalize"),
    ("torchvision.transforms.v2.functional", "normalize"),
    ("torchvision.transforms.v2.functional", "normalize_image"),
    ("torchvision.transforms", "Normalize.forward"),
    ("torchvision.transforms.v2", "Normalize.transform"),
)

KINDS: dict[str, Forbidden] = {
    "losses": Forbidden(
        torch_function=_loss_function,
        aten_op=is_loss_name,
        module=lambda module: isinstance(module, torch.nn.modules.loss._Loss),
    ),
    "activations": Forbidden(
        torch_function=_activation_function,
        aten_op=lambda name: name in ACTIVATION_NAMES,
        module=lambda module: type(module).__module__ == "torch.nn.modules.activation",
    ),
    "dropout_batch_norm": Forbidden(
        torch_function=_dropout_or_batch_norm_function,
        aten_op=_dropout_or_batch_norm_name,
        module=lambda module: isinstance(
            module, (torch.nn.modules.dropout._DropoutNd, torch.nn.modules.batchnorm._NormBase)
        ),
    ),
    "to_tensor": Forbidden(python=_TO_TENSOR),
    "normalize": Forbidden(python=_NORMALIZE),
}


def label_of(func: Any) -> str:
    """'torch.nn.functional.l1_loss', 'torch._C._nn.l1_loss', 'Tensor.relu', 'torch.ops.aten.relu', ..."""
    name = getattr(func, "__name__", None) or type(func).__name__
    if getattr(func, "__objclass__", None) is not None:
        return f"Tensor.{name}"
    module = getattr(func, "__module__", None) or "torch"
    if name.startswith("special_"):
        name = name.removeprefix("special_")
    module = {
        "torch._ops.aten": "torch.ops.aten",
        "torch._C._special": "torch.special",
        "torch._tensor": "Tensor",
    }.get(module, module)
    return f"{module}.{name}"


class _FunctionTrap(TorchFunctionMode):
    def __init__(self, refuse: Callable[[Any], bool]) -> None:
        super().__init__()
        self.refuse = refuse

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if self.refuse(func):
            tripped(label_of(func))
        return func(*args, **(kwargs or {}))


class _KernelTrap(TorchDispatchMode):
    def __init__(self, refuse: Callable[[str], bool]) -> None:
        super().__init__()
        self.refuse = refuse

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "_opname", "") or ""
        if self.refuse(name):
            tripped(f"aten::{name}")
        return func(*args, **(kwargs or {}))


def _trap_code(label: str) -> CodeType:
    source = (
        "def trap(*args, **kwargs):\n"
        f"    __import__('autograder.worker.forbidden', fromlist=['tripped']).tripped({label!r})\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, "<forbidden>", "exec"), namespace)
    return namespace["trap"].__code__


def _python_targets(paths: tuple[tuple[str, str], ...]) -> list[tuple[Any, str]]:
    """The functions to trap (a class's method only where the class itself defines it), each with the
    label a student would recognise: the module's public path and the function's or class's name."""
    found = []
    for module_name, attribute in paths:
        owner_name, _, method = attribute.partition(".")
        try:
            owner: Any = getattr(importlib.import_module(module_name), owner_name)
        except (ImportError, AttributeError):
            continue
        function = vars(owner).get(method) if method else owner
        if hasattr(function, "__code__") and not function.__code__.co_freevars:
            found.append((function, f"{module_name}.{owner_name}"))
    return found


@contextlib.contextmanager
def _swapped_code(targets: list[tuple[Any, str]]) -> Iterator[None]:
    saved: list[tuple[Any, CodeType]] = []
    try:
        for function, label in targets:
            if any(function is done for done, _ in saved):
                continue
            saved.append((function, function.__code__))
            function.__code__ = _trap_code(label)
        yield
    finally:
        for function, code in saved:
            function.__code__ = code


@contextlib.contextmanager
def unreachable(kind: str) -> Iterator[list[str]]:
    """While active, every forbidden built-in of `kind` raises ForbiddenCall. Yields a list that holds,
    once the block has ended, the labels of those reached."""
    forbidden = KINDS[kind]
    reached: list[str] = []
    _record.clear()

    def pre_hook(module: torch.nn.Module, inputs: Any) -> None:
        if forbidden.module(module):
            tripped(f"nn.{type(module).__name__}")

    handle = torch.nn.modules.module.register_module_forward_pre_hook(pre_hook)
    try:
        with (
            _swapped_code(_python_targets(forbidden.python)),
            _FunctionTrap(forbidden.torch_function),
            _KernelTrap(forbidden.aten_op),
        ):
            yield reached
    finally:
        handle.remove()
        reached.extend(_record)
        _record.clear()
