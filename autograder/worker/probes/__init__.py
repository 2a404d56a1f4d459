"""Probes: kit code that exercises a student's module inside the worker and returns plain data.

A hidden check passes a probe function to `student.probe(...)` (`student.probe(conv_shapes.forward,
...)`): the worker runs it against the student's module, the grader runs the very same function on
the reference in its own process, and the check compares the two results there. Probe modules are
named after their exercise's topic (`probes/maxpool.py` would serve `07_maxpool`); the generic ones
live in `probes/generic.py`. The warm template imports every probe module (`load_all`) before any
sandbox layer hides the kit's files; the grader imports them as the checks do.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from collections.abc import Callable
from typing import Any

Probe = Callable[..., Any]
_REGISTRY: dict[str, Probe] = {}
NAME_PARAMETERS = ("name", "class_name", "function")


def probe(fn: Probe) -> Probe:
    """Register `fn` as `<probe module>.<function name>` (plain `<function name>` for generic probes)."""
    group = fn.__module__.rsplit(".", 1)[-1]
    name = fn.__name__ if group == "generic" else f"{group}.{fn.__name__}"
    fn.probe_name = name  # type: ignore[attr-defined]
    _REGISTRY[name] = fn
    return fn


def name_of(fn: Probe) -> str:
    """The registered name of a probe function; TypeError for anything else (a string, a plain function)."""
    name = getattr(fn, "probe_name", None)
    if not isinstance(name, str) or _REGISTRY.get(name) is not fn:
        raise TypeError(f"{fn!r} is not a registered probe: decorate it with @probe")
    return name


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


def student_functions(fn: Probe, args: tuple) -> list[str]:
    """The student's functions and classes a probe call exercises: `module.<name>` in the probe's own
    source, and the name it is given as its first argument (generic probes such as `call`).

    Read in the grader from the kit's source, never reported by the worker; used to show the hint
    of the function a failed check is about."""
    names = list(_attributes_of_module(fn))
    parameters = list(inspect.signature(fn).parameters)
    if len(parameters) > 1 and parameters[1] in NAME_PARAMETERS and args and isinstance(args[0], str):
        names.insert(0, args[0])
    return list(dict.fromkeys(names))


_ATTRIBUTES: dict[str, tuple[str, ...]] = {}


def _attributes_of_module(fn: Probe) -> tuple[str, ...]:
    name = name_of(fn)
    if name not in _ATTRIBUTES:
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        except (OSError, SyntaxError):
            _ATTRIBUTES[name] = ()
            return ()
        first = next(iter(inspect.signature(fn).parameters), "module")
        found = [
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == first
            and not node.attr.startswith("_")
        ]
        _ATTRIBUTES[name] = tuple(dict.fromkeys(found))
    return _ATTRIBUTES[name]
