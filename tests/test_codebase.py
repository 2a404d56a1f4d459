"""The codebase's shape: no import loop anywhere in autograder/, read statically from the source.

Every `import` and `from ... import` counts, wherever it is written: at the top of a module, inside a
function (a lazy import still runs, just later), or under `if TYPE_CHECKING:` (a loop there is a loop a
type checker and a reader must untangle too). `from package import name` is an edge to the submodule
when `name` is one, else to the package (whose `__init__` runs).
"""

from __future__ import annotations

import ast
from pathlib import Path

from autograder import catalog

PACKAGE_ROOT = catalog.KIT_ROOT / "autograder"


def module_names(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file under the package `root` (named by its folder)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def import_graph(root: Path) -> dict[str, set[str]]:
    """module -> the modules of the same package it imports (anywhere in its source)."""
    modules = module_names(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(name, path.name == "__init__.py", node)
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    targets.append(submodule if submodule in modules else source)
            for target in targets:
                while target and target not in modules:  # `import a.b.c` of a name inside a.b.c
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def loops(graph: dict[str, set[str]]) -> list[tuple[list[str], list[str]]]:
    """Every import loop: (the modules entangled in it, one path through them back to the start),
    one per strongly connected component."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[list[str], list[str]]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append((sorted(component), _loop_through(sorted(component), graph)))
    return found


def _loop_through(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the component's first module back to itself, inside the component."""
    members, start = set(component), component[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start] if len(path) > 1 else [start, node, start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return component


def test_autograder_has_no_import_loop():
    found = loops(import_graph(PACKAGE_ROOT))
    assert not found, "import loops: " + "; ".join(
        f"{' -> '.join(path)} (entangled: {', '.join(members)})" for members, path in found
    )


def test_the_sandbox_is_built_in_one_place():
    """Every `Sandbox(...)` in the package is `GradeOptions.start_sandbox`, so its options come from one
    object."""
    built = []
    for name, path in module_names(PACKAGE_ROOT).items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Sandbox"
            ):
                built.append(name)
    assert built == ["autograder.options"]


MAX_MODULE_LINES = 300  # a few screens; CONTRIBUTING.md says the same


def test_every_module_fits_on_a_few_screens():
    """A module that outgrows this holds more than one concern: split it by concern, as batch/ and
    sandbox/ are."""
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in module_names(PACKAGE_ROOT).items()
    }
    too_long = {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES}
    assert not too_long, f"modules over {MAX_MODULE_LINES} lines: {too_long}"


def test_the_loop_finder_names_a_loop_made_by_a_lazy_import(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("def later():\n    from .. import c\n")
    (package / "c.py").write_text("import typing\nif typing.TYPE_CHECKING:\n    import pkg.a\n")
    (package / "d.py").write_text("from pkg import a\n")
    assert loops(import_graph(package)) == [
        (["pkg.a", "pkg.c", "pkg.sub.b"], ["pkg.a", "pkg.sub.b", "pkg.c", "pkg.a"])
    ]


def test_the_loop_finder_accepts_a_package_that_re_exports_its_leaves(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from pkg.leaf import thing\n")
    (package / "leaf.py").write_text("import os\nthing = os.sep\n")
    (package / "user.py").write_text("from pkg import thing\nfrom pkg.leaf import thing as again\n")
    assert loops(import_graph(package)) == []
