"""Test setup for students: each test receives the exercise's module as a fixture.

`pytest exercises/07_maxpool` tests your `exercises/07_maxpool/maxpool.py`;
`pytest exercises/07_maxpool --solutions` runs the same tests on the reference
in `solutions/07_maxpool/maxpool.py`.  A test asks for the module by name:
`def test_something(maxpool): ...`.
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

EXERCISES = Path(__file__).resolve().parent
SOLUTIONS = EXERCISES.parent / "solutions"


def pytest_addoption(parser):
    parser.addoption("--solutions", action="store_true", default=False,
                     help="run the visible tests against solutions/ instead of your exercises/")


def pytest_configure(config):
    """Import test files without putting their folders on sys.path (pytest's importlib mode): a folder
    there would let 03_tensorboard's `logging.py` stand in for Python's own `logging` module."""
    config.option.importmode = "importlib"


def load(folder_name: str, module_name: str, use_solutions: bool):
    """Import exercises/<folder>/<module>.py (or the solution) under a name that shadows nothing."""
    root = SOLUTIONS if use_solutions else EXERCISES
    path = root / folder_name / f"{module_name}.py"
    if not path.exists():
        raise pytest.UsageError(f"{path} does not exist")
    name = f"{'solution' if use_solutions else 'exercise'}_{module_name}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _fixture_for(module_name: str):
    @pytest.fixture(name=module_name, scope="module")
    def fixture(request):
        return load(request.path.parent.name, module_name, request.config.getoption("solutions"))

    return fixture


# One fixture per exercise module, named after it: test_maxpool.py tests maxpool.py.
for _test_file in sorted(EXERCISES.glob("[0-9]*/test_*.py")):
    _module = _test_file.stem.removeprefix("test_")
    globals()[f"_{_module}_fixture"] = _fixture_for(_module)


HINT = re.compile(r"#\s*(Hint|提示)\s*[:：]\s*(?P<text>.+)")


def _hint_above(path: Path, line_index: int) -> str | None:
    """The `# Hint: ...` comment just above a line of the stub, if any."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = line_index - 1
    while index >= 0 and lines[index].strip().startswith("#"):
        match = HINT.match(lines[index].strip())
        if match:
            return match.group("text")
        index -= 1
    return None


def pytest_runtest_makereport(item, call):
    """Turn the stubs' NotImplementedError into a short, friendly TODO with the hint."""
    if call.excinfo is None or not call.excinfo.errisinstance(NotImplementedError):
        return None
    entry = next((e for e in reversed(call.excinfo.traceback) if Path(e.path).parent.parent == EXERCISES), None)
    lines = [str(call.excinfo.value) or "not written yet / 尚未实现"]
    if entry is not None:
        lines.insert(0, f"TODO {Path(entry.path).relative_to(EXERCISES.parent)}:{entry.lineno + 1}")
        hint = _hint_above(Path(entry.path), entry.lineno)
        if hint:
            lines.append(f"Hint / 提示: {hint}")
    report = pytest.TestReport.from_item_and_call(item, call)
    report.longrepr = "\n  ".join(lines)
    return report
