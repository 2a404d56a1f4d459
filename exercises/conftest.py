"""Test setup for students: each test receives the exercise's module as a fixture.

`pytest exercises/07_maxpool` (or `autograder check 07`) tests your `exercises/07_maxpool/maxpool.py`.
A test asks for the module by name: `def test_something(maxpool): ...`. Failures are short: the
test's message, the lines of your own code that led to it, and a hint (see autograder/learning/).
In the instructor's checkout, `--solutions` runs the same tests on `solutions/`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

EXERCISES = Path(__file__).resolve().parent
SOLUTIONS = EXERCISES.parent / "solutions"

try:
    import autograder  # noqa: F401
except ImportError:  # run without installing: the package sits beside exercises/
    sys.path.insert(0, str(EXERCISES.parent))

from autograder import i18n  # noqa: E402
from autograder.learning import feedback  # noqa: E402
from autograder.learning.workspace import Workspace  # noqa: E402


def pytest_addoption(parser):
    group = parser.getgroup("exercises")
    group.addoption(
        "--lang",
        choices=i18n.LANGUAGES,
        default=None,
        help="language of messages and hints: en, zh or both (default: from the locale)",
    )
    if SOLUTIONS.is_dir():
        group.addoption(
            "--solutions",
            action="store_true",
            default=False,
            help="run the visible tests against solutions/ instead of your exercises/",
        )


def _use_solutions(config) -> bool:
    return SOLUTIONS.is_dir() and bool(config.getoption("solutions"))


def pytest_configure(config):
    """Import test files without putting their folders on sys.path (pytest's importlib mode): a folder
    there would let 03_tensorboard's `logging.py` stand in for Python's own `logging` module."""
    config.option.importmode = "importlib"
    if config.getoption("lang"):
        i18n.set_language(config.getoption("lang"))
    feedback.configure(config, Workspace(EXERCISES.parent), record=not _use_solutions(config))


_failed_imports: dict[Path, BaseException] = {}


def load(folder_name: str, module_name: str, use_solutions: bool):
    """Import exercises/<folder>/<module>.py (or the solution) under a name that shadows nothing.

    An import that fails is tried once per run; later tests get the same failure, reported once."""
    root = SOLUTIONS if use_solutions else EXERCISES
    path = root / folder_name / f"{module_name}.py"
    if not path.exists():
        raise pytest.UsageError(
            i18n.tr(
                f"{path} does not exist (autograder reset {folder_name[:2]} restores it)",
                f"{path} 不存在（autograder reset {folder_name[:2]} 可以恢复）",
            )
        )
    if path in _failed_imports:
        raise feedback.ImportFailure(path, _failed_imports[path])
    name = f"{'solution' if use_solutions else 'exercise'}_{module_name}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001 - any error in the student's module is theirs to see
        sys.modules.pop(name, None)
        _failed_imports[path] = error
        raise feedback.ImportFailure(path, error) from None
    return module


def _fixture_for(module_name: str):
    @pytest.fixture(name=module_name, scope="module")
    def fixture(request):
        return load(request.path.parent.name, module_name, _use_solutions(request.config))

    return fixture


# One fixture per exercise module, named after it: test_maxpool.py tests maxpool.py.
for _test_file in sorted(EXERCISES.glob("[0-9]*/test_*.py")):
    _module = _test_file.stem.removeprefix("test_")
    globals()[f"_{_module}_fixture"] = _fixture_for(_module)


def pytest_runtest_makereport(item, call):
    return feedback.make_report(item, call)


_deselected: list = []


def pytest_deselected(items):
    _deselected.extend(items)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for line in feedback.summary_lines(config):
        terminalreporter.write_line(line)


def pytest_sessionfinish(session, exitstatus):
    complete = not _deselected and not session.shouldstop and exitstatus in (0, 1)
    feedback.finish(session.config, complete)
