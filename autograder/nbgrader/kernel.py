"""The kit's hidden checks inside an nbgrader kernel: what the notebooks' check cells call.

`autograder nbgrader build` gives every hidden check its own test cell, whose hidden
part is `hidden_check("07_maxpool", "<check name>", globals())`. The first such call
in a kernel runs all of the exercise's hidden checks (the same files, fixtures and
reference the grader uses) against the notebook's own namespace, and remembers the
results; each cell then passes or raises for its own check, so nbgrader scores the
cell with exactly the kit's points.

This is nbgrader's trust model, kept on purpose: the student's code and the checks
share one process, and the checks see the student's objects themselves. Whatever
the student's code changes in that process (an `__eq__` that is always true, a
patched torch function) changes what the checks see. `autograder grade --nbgrader`
grades the same notebooks with the sandboxed grader instead. (A check that needs a
worker of its own, to run files the student's code wrote, still gets one: the kit's
sandbox is started for it on first use.)
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import types
from pathlib import Path
from typing import Any

import pytest

from autograder import catalog, judge
from autograder.catalog import Exercise
from autograder.check_collection import exercise_of
from autograder.cleanup import remove_tree
from autograder.data import DataStore, default_root
from autograder.execution import RunSettings
from autograder.i18n import Text, tr
from autograder.options import GradeOptions
from autograder.problems import StudentError
from autograder.proxies import LocalModule, ModuleProxy, RemoteModule
from autograder.reports.table import STATUS
from autograder.results import CheckResult
from autograder.sandbox import Sandbox
from autograder.worker import probes
from autograder.worker.serve import describe_exception

NOTEBOOK_FILE = "<notebook>"

_results: dict[str, dict[str, CheckResult]] = {}


class CheckNotPassed(AssertionError):
    """A hidden check the notebook did not pass; the message says why, as the kit's feedback does."""


class LazySandbox:
    """The kit's sandbox, started on first use: some checks run untrusted files (an exported ONNX model)
    in a worker of their own, whatever runs the student's code."""

    def __init__(self) -> None:
        self.box: Sandbox | None = None

    def get(self) -> Sandbox:
        if self.box is None:
            self.box = GradeOptions().start_sandbox()
            self.box.wait_ready()
        return self.box

    def close(self) -> None:
        if self.box is not None:
            self.box.close()


class KernelModule(ModuleProxy):
    """The notebook's namespace behind the interface hidden checks use for `student`."""

    def __init__(
        self,
        exercise: Exercise,
        namespace: dict[str, Any],
        work_dir: Path,
        settings: RunSettings,
        sandbox: LazySandbox,
    ) -> None:
        super().__init__(exercise)
        self.namespace = namespace
        self.module = types.ModuleType(exercise.module)
        self.module.__dict__.update(namespace)
        self.module.__file__ = NOTEBOOK_FILE
        self.work_dir = work_dir
        self.settings = settings
        self._sandbox = sandbox

    def _run(self, fn: probes.Probe, name: str, args: tuple, kwargs: dict) -> Any:
        try:
            return fn(self.module, *args, **kwargs)
        except (Exception, SystemExit) as exc:
            raise StudentError(describe_exception(exc, NOTEBOOK_FILE)) from None

    def source(self) -> str | None:
        """The code cells run so far in this kernel (IPython's `In`), or None outside IPython."""
        cells = self.namespace.get("In")
        return (
            "\n\n".join(cell for cell in cells if isinstance(cell, str)) if isinstance(cells, list) else None
        )

    def runner_for(self, reference: LocalModule) -> RemoteModule:
        """A sandboxed worker holding the reference, for files the notebook's code wrote."""
        return RemoteModule(
            self._sandbox.get(),
            self.exercise,
            reference.path.parent,
            self.settings,
            label="runner",
            trusted=True,
        )


class KernelPlugin(judge.GradingPlugin):
    """The grader's pytest plugin, with `student` bound to the notebook's namespace."""

    def __init__(
        self, context: judge.GradingContext, namespace: dict[str, Any], work_dir: Path, sandbox: LazySandbox
    ) -> None:
        super().__init__(context)
        self.namespace = namespace
        self.work_dir = work_dir
        self.lazy_sandbox = sandbox

    @pytest.fixture(scope="module")
    def student(self, request) -> KernelModule:
        exercise = exercise_of(Path(request.module.__file__))
        module = KernelModule(
            exercise, self.namespace, self.work_dir, self.context.settings, self.lazy_sandbox
        )
        self.proxies[exercise.id] = module
        return module


def run_in_kernel(exercise: Exercise, namespace: dict[str, Any]) -> dict[str, CheckResult]:
    """Every hidden check of `exercise` against `namespace`, by check name.

    Runs in a scratch folder (the checks' work_dir) with output captured: nbgrader gives a
    test cell no points when it writes anything to stderr."""
    work_dir = Path(tempfile.mkdtemp(prefix=f"autograder-{exercise.id}-"))
    context = judge.GradingContext(None, {}, RunSettings(device="cpu"), DataStore(default_root()))
    sandbox = LazySandbox()
    previous = os.getcwd()
    os.chdir(work_dir)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            (result,) = judge.run_checks(
                context, [exercise], KernelPlugin(context, namespace, work_dir, sandbox)
            )
    finally:
        sandbox.close()
        os.chdir(previous)
        remove_tree(work_dir)  # the notebook's code wrote there: iterative, never raises
    return {check.name: check for check in result.checks}


def hidden_check(exercise_id: str, check: str, namespace: dict[str, Any]) -> None:
    """Pass, or raise CheckNotPassed, for one hidden check; the first call runs them all."""
    if exercise_id not in _results:
        _results[exercise_id] = run_in_kernel(catalog.get(exercise_id), namespace)
    result = _results[exercise_id].get(check)
    if result is None:
        raise CheckNotPassed(
            tr(
                f"the check {check!r} did not run: the checks were stopped early (by the cell's time "
                f"limit?), or the course is older than the kit (the instructor rebuilds it with autograder "
                f"nbgrader build)",
                f"检查 {check!r} 没有运行：检查被提前中止（单元格的时间限制？），或课程比工具包旧（老师需要"
                f"用 autograder nbgrader build 重新生成）",
            )
        )
    message = result.text.render()
    if result.status != "passed":
        raise CheckNotPassed(f"{STATUS.get(result.status, Text.plain(result.status)).render()}: {message}")
    passed = Text("passed", "通过").render()
    print(f"{passed}: {result.description.render() or check}" + (f" ({message})" if message else ""))
