"""Probes: kit code that exercises a student's module inside the worker and returns plain data.

A hidden check asks a worker to run a probe by name (`"conv_shapes.forward"`)
and runs the very same probe on the reference solution in the grader's own
process, then compares the two results there.  Probes are registered with
`@probe`.  The warm template imports every probe module (`load_all`) before
any sandbox layer hides the kit's files; the grader imports them on demand.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

Probe = Callable[..., Any]
_REGISTRY: dict[str, Probe] = {}


def probe(fn: Probe) -> Probe:
    """Register `fn` as `<probe module>.<function name>` ("call" for the generic module)."""
    group = fn.__module__.rsplit(".", 1)[-1]
    name = fn.__name__ if group == "generic" else f"{group}.{fn.__name__}"
    _REGISTRY[name] = fn
    return fn


def lookup(name: str) -> Probe:
    """The probe registered under `name` (importing its module if needed); KeyError when there is none."""
    if name not in _REGISTRY:
        group = name.split(".", 1)[0] if "." in name else "generic"
        if group in {info.name for info in pkgutil.iter_modules(__path__)}:
            importlib.import_module(f"{__name__}.{group}")
    if name not in _REGISTRY:
        raise KeyError(f"no probe named {name!r}")
    return _REGISTRY[name]


def load_all() -> None:
    """Import every probe module of this package (idempotent)."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
