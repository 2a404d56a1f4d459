"""Which of the kit's optional extras grading an exercise needs, read from the imports its code makes.

A Gradescope bundle installs the kit with exactly these extras: exercise 19's checks and reference
import `onnx` and `onnxruntime`, which only the `onnx` extra brings, and a bundle installed without it
turned every ONNX check into "the grader hit an internal error". The code read for an exercise is
what grading it runs: its hidden checks, the probe modules they reach, and its reference solution
(whose imports the student's module mirrors, inside the sandbox, with the same installed packages).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from importlib import metadata
from pathlib import Path

from autograder.catalog import HIDDEN_DIR, KIT_ROOT, Exercise
from autograder.errors import KitError

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (Gradescope's Ubuntu 22.04 image)
    import tomli as tomllib

PYPROJECT = KIT_ROOT / "pyproject.toml"
PROBES = HIDDEN_DIR.parent / "worker" / "probes"
PROBE_PACKAGE = "autograder.worker.probes"
KIT_ONLY_EXTRAS = ("test",)  # for the kit's own tests; grading never needs them
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them: `PyYAML` and `pyyaml`, `onnx_ir` and `onnx-ir`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """The distribution a PEP 508 requirement names: `onnx>=1.16` -> `onnx`."""
    match = _NAME.match(requirement)
    if not match:
        raise KitError(f"pyproject.toml: cannot read the requirement {requirement!r}")
    return normalize(match.group(1))


def imports_of(path: Path) -> set[str]:
    """Dotted names of every absolute import in `path`, those inside functions included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def grading_files(exercise: Exercise) -> list[Path]:
    """The code grading `exercise` runs: hidden checks, the probe modules they reach, the solution."""
    files, queue, seen = [], [exercise.hidden_checks], set()
    while queue:
        path = queue.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        files.append(path)
        for name in imports_of(path):
            if name.startswith(PROBE_PACKAGE + "."):
                queue.append(PROBES / (name.split(".")[3] + ".py"))
    solution_folder = exercise.solution_file.parent
    return sorted(files) + sorted(solution_folder.glob("*.py"))


def third_party_modules(files: Iterable[Path]) -> set[str]:
    """Top-level modules imported by `files` that are neither the standard library, the kit, nor a
    sibling module of the file that imports it (a solution split over two files)."""
    found = set()
    for path in files:
        siblings = {p.stem for p in path.parent.glob("*.py")}
        for name in imports_of(path):
            top = name.split(".")[0]
            if top not in sys.stdlib_module_names and top != "autograder" and top not in siblings:
                found.add(top)
    return found


@lru_cache(maxsize=1)
def declared_requirements() -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """pyproject.toml's dependencies and each extra's, as PEP 508 strings (an extra that names the
    kit itself, `torch-exercise-kit[onnx]`, is replaced by that extra's requirements)."""
    with open(PYPROJECT, "rb") as handle:
        project = tomllib.load(handle)["project"]
    own = normalize(project["name"])
    raw = project.get("optional-dependencies", {})
    extras = {}
    for extra, requirements in raw.items():
        expanded: list[str] = []
        for requirement in requirements:
            if requirement_name(requirement) == own:
                inner = requirement[requirement.index("[") + 1 : requirement.index("]")]
                expanded += [r for part in inner.split(",") for r in raw[part.strip()]]
            else:
                expanded.append(requirement)
        extras[extra] = tuple(expanded)
    return tuple(project.get("dependencies", [])), extras


def declared() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """The kit's own dependencies and each extra's, as normalized names."""
    core, extras = declared_requirements()
    return (
        frozenset(requirement_name(r) for r in core),
        {
            extra: frozenset(requirement_name(r) for r in requirements)
            for extra, requirements in extras.items()
        },
    )


@cache
def installed_closure(names: frozenset[str]) -> frozenset[str]:
    """`names` and, for those installed here, everything they require (without their own extras)."""
    closure, queue = set(), [normalize(n) for n in names]
    while queue:
        name = queue.pop()
        if name in closure:
            continue
        closure.add(name)
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        queue += [
            requirement_name(r) for r in requirements if "extra ==" not in r.replace("extra==", "extra ==")
        ]
    return frozenset(closure)


@lru_cache(maxsize=1)
def _module_owners() -> Mapping[str, list[str]]:
    return metadata.packages_distributions()


def distributions_of(module: str) -> set[str]:
    """Distributions that install top-level `module` here; by convention its own name when none is."""
    return {normalize(d) for d in _module_owners().get(module, [module])}


def owner(module: str) -> tuple[str | None, str | None]:
    """Where pyproject.toml declares what installs `module`: (the direct dependency, None),
    (None, the extra), or (None, None) when nothing declares it."""
    core, extras = declared()
    dists = distributions_of(module)
    for name in sorted(core):
        if dists & installed_closure(frozenset([name])):
            return name, None
    for extra in sorted(extras):
        if extra not in KIT_ONLY_EXTRAS and dists & installed_closure(extras[extra]):
            return None, extra
    return None, None


def extras_for(exercises: Iterable[Exercise]) -> list[str]:
    """The extras to install so that every third-party import of these exercises' grading resolves.

    KitError when an import is declared nowhere: pyproject.toml must list it before a bundle ships."""
    needed = set()
    for exercise in exercises:
        for module in sorted(third_party_modules(grading_files(exercise))):
            dependency, extra = owner(module)
            if dependency is None and extra is None:
                raise KitError(
                    f"{exercise.id}: grading imports {module!r}, which neither the kit's dependencies "
                    f"nor any extra in pyproject.toml declares; add it there first"
                )
            if extra:
                needed.add(extra)
    return sorted(needed)
