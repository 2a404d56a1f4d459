"""Judging: run the hidden checks with pytest, in the grader's process, and collect points.

The hidden checks under `autograder/hidden/` are ordinary pytest tests marked
with `@points(n)`.  `run_checks` runs them through `pytest.main` with the
`GradingPlugin` below, which supplies the fixtures (`student`, `reference`,
`data`, `device`) and turns each test's outcome into a `CheckResult`
(`check_outcomes`: titles, statuses, bounded messages). Collecting them without
running them, and the points each exercise is worth, is `check_collection`'s.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from _pytest.reports import TestReport

from autograder import catalog, hints
from autograder.catalog import Exercise
from autograder.check_collection import exercise_of, hidden_check_args
from autograder.check_outcomes import CUDA_ONLY, bounded, check_title, classify
from autograder.errors import KitError
from autograder.execution import RunSettings
from autograder.i18n import Text
from autograder.problems import NotJudged, StudentProblem, missing_file
from autograder.proxies import LocalModule, ModuleProxy, RemoteModule
from autograder.results import CheckResult, ExerciseResult
from autograder.sandbox import Sandbox
from autograder.verdicts import take_attachments, take_notes


class GraderError(KitError):
    """The grader itself could not run (a broken hidden check, a missing solution, ...)."""


@dataclass
class GradingContext:
    """What the fixtures need for one submission."""

    sandbox: Sandbox | None  # None in a notebook kernel, whose plugin runs the student's code itself
    folders: dict[str, Path | None]
    settings: RunSettings
    data: Any
    reference_root: Path = catalog.SOLUTIONS_DIR
    problems: dict[str, Text] = field(default_factory=dict)  # why an exercise's folder is None, when known


class GradingPlugin:
    """pytest plugin: fixtures for hidden checks, and result collection."""

    def __init__(self, context: GradingContext) -> None:
        self.context = context
        self.results: dict[str, ExerciseResult] = {}
        self.proxies: dict[str, ModuleProxy] = {}
        self.internal_errors: list[str] = []
        self.defects: list[str] = []
        self._pending_duration = 0.0
        self.reported_unrun = 0  # checks reported at collection (skipped, or their exercise's file missing)
        self.hints: dict[str, hints.ExerciseHints | None] = {}
        # The student's functions each shared fixture (a module-scoped grid of calls) exercised, so every
        # check that uses the fixture names them, not only the first check, during whose setup it ran.
        self.fixture_functions: dict[tuple[str, str], list[str]] = {}

    # ------------------------------------------------------------ fixtures

    @pytest.fixture(scope="module")
    def student(self, request) -> Iterator[RemoteModule]:
        exercise = exercise_of(Path(request.module.__file__))
        if self.context.sandbox is None:
            raise GraderError("no sandbox to run the student's code in")
        remote = RemoteModule(
            self.context.sandbox, exercise, self.context.folders.get(exercise.id), self.context.settings
        )
        self.proxies[exercise.id] = remote
        yield remote
        remote.close()
        self._result(exercise).output = remote.output()

    @pytest.fixture(scope="module")
    def reference(self, request) -> LocalModule:
        exercise = exercise_of(Path(request.module.__file__))
        return LocalModule(exercise, self.context.reference_root / exercise.id)

    @pytest.fixture(scope="module")
    def runner(self, student, reference) -> Iterator[RemoteModule]:
        """A sandboxed worker holding the reference: where files the student's code wrote are opened."""
        remote = student.runner_for(reference)
        yield remote
        remote.close()

    @pytest.fixture(scope="session")
    def data(self) -> Any:
        return self.context.data

    @pytest.fixture(scope="session")
    def device(self) -> str:
        return self.context.settings.device

    # ------------------------------------------------------------ hooks

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef, request) -> Any:
        """Note which of the student's functions a fixture's own calls exercised."""
        if fixturedef.scope == "session":  # shared by every exercise: it calls no student code
            return (yield)
        exercise = exercise_of(Path(request.node.fspath))
        proxy = self.proxies.get(exercise.id)
        earlier = proxy.take_functions() if proxy is not None else []
        try:
            return (yield)
        finally:
            proxy = self.proxies.get(exercise.id)
            if proxy is not None:
                made = proxy.take_functions()
                self.fixture_functions[(exercise.id, fixturedef.argname)] = made
                proxy.note_functions(earlier + made)

    def _result(self, exercise: Exercise) -> ExerciseResult:
        if exercise.id not in self.results:
            self.results[exercise.id] = ExerciseResult(
                exercise.id, exercise.title, title_zh=exercise.title_zh
            )
        return self.results[exercise.id]

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call) -> TestReport:
        """Record the check's result, and hand pytest a cheap report: pytest's own would format a full
        traceback of every failure (most of the grading time of a half-done submission), which nobody
        reads."""
        exercise = exercise_of(Path(item.fspath))
        result = self._result(exercise)
        result.duration_s += call.duration
        self._pending_duration += call.duration
        failed = call.excinfo is not None
        if call.when == "call" or (call.when == "setup" and failed):
            check = self._check_result(item, call)
            check.duration_s, self._pending_duration = self._pending_duration, 0.0
            proxy = self.proxies.get(exercise.id)
            own = proxy.take_functions() if proxy is not None else []
            shared = [
                name
                for fixture in item.fixturenames
                for name in self.fixture_functions.get((exercise.id, fixture), [])
            ]
            check.functions = list(dict.fromkeys(own + shared))
            if check.status in ("failed", "error", "timeout"):
                check.hint = hints.failure_hint(self._hints(exercise), check.functions)
            result.checks.append(check)
            result.artifacts.update(take_attachments())
        skipped = failed and call.excinfo.errisinstance(pytest.skip.Exception)
        longrepr = (
            (str(item.path), item.location[1], str(call.excinfo.value))
            if skipped
            else (str(call.excinfo.value)[:200] if failed else None)
        )
        return TestReport(
            item.nodeid,
            item.location,
            {},
            "skipped" if skipped else "failed" if failed else "passed",
            longrepr,
            call.when,
            duration=call.duration,
            start=call.start,
            stop=call.stop,
        )

    def _hints(self, exercise: Exercise) -> hints.ExerciseHints | None:
        """The exercise's hints (the single source, read once per run) for failed checks."""
        if exercise.id not in self.hints:
            self.hints[exercise.id] = hints.kit_hints(exercise.id)
        return self.hints[exercise.id]

    def _check_result(self, item, call) -> CheckResult:
        marker = item.get_closest_marker("points")
        if marker is None:
            self.defects.append(f"hidden check {item.nodeid} has no @points marker")
        worth = float(marker.args[0]) if marker else 0.0
        name = item.name.removeprefix("test_")
        description = check_title(item.function.__doc__)
        notes = take_notes()
        if call.excinfo is None:
            return CheckResult.of(name, worth, worth, "passed", notes and bounded(notes), description)
        error = call.excinfo.value
        if isinstance(error, NotJudged):
            error = self._unusable_module(item) or error
        status, message = self._classify(item, error)
        check = CheckResult.of(name, 0.0, worth, status, bounded(message), description)
        check.blocked_by = getattr(error, "blocked_by", None)
        return check

    def _unusable_module(self, item) -> StudentProblem | None:
        """The student's module's own problem (missing, or it could not be imported): every check is charged
        with it, none is "not judged" because of a function that never existed."""
        proxy = self.proxies.get(exercise_of(Path(item.fspath)).id)
        return (
            getattr(proxy, "missing", None)
            or getattr(proxy, "import_error", None)
            or getattr(proxy, "import_crash", None)
        )

    def _classify(self, item, error: BaseException) -> tuple[str, Text]:
        status, message, internal = classify(error)
        if internal is not None:
            self.internal_errors.append(f"{item.nodeid}: {internal}")
        return status, message

    def pytest_collection_modifyitems(self, config, items) -> None:
        """Checks marked `cuda` run only on a CUDA device, elsewhere they are reported as skipped; the checks
        of an exercise whose file the submission lacks are reported at once, without running them."""
        cuda = self.context.settings.device.startswith("cuda")
        kept = []
        for item in items:
            exercise = exercise_of(Path(item.fspath))
            name, title = item.name.removeprefix("test_"), check_title(item.function.__doc__)
            if item.get_closest_marker("cuda") is not None and not cuda:
                self._result(exercise).checks.append(
                    CheckResult.of(
                        name,
                        0.0,
                        0.0,
                        "skipped",
                        CUDA_ONLY,
                        title,
                    )
                )
            elif exercise.id in self.context.folders and self.context.folders[exercise.id] is None:
                marker = item.get_closest_marker("points")
                worth = float(marker.args[0]) if marker else 0.0
                problem = (
                    self.context.problems.get(exercise.id)
                    or missing_file(f"{exercise.id}/{exercise.filename}").text
                )
                self._result(exercise).checks.append(
                    CheckResult.of(name, 0.0, worth, "error", problem, title)
                )
            else:
                kept.append(item)
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        self.reported_unrun += len(items) - len(kept)
        items[:] = kept

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.defects.append(f"could not load hidden checks {report.nodeid}: {report.longreprtext[-800:]}")


def run_checks(
    context: GradingContext, exercises: list[Exercise], plugin: GradingPlugin | None = None
) -> list[ExerciseResult]:
    """Run the hidden checks of `exercises` against one submission; one result per exercise.

    `plugin` replaces the default GradingPlugin (the notebook kernel supplies its own `student`)."""
    plugin = plugin or GradingPlugin(context)
    files = [str(exercise.hidden_checks) for exercise in exercises]
    for path in files:
        if not Path(path).exists():
            raise GraderError(f"hidden checks {path} are missing")
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        code = pytest.main(hidden_check_args(files), plugins=[plugin])
    if plugin.defects:
        raise GraderError("; ".join(plugin.defects))
    nothing_ran = code == pytest.ExitCode.NO_TESTS_COLLECTED and not plugin.reported_unrun
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR) or nothing_ran:
        raise GraderError(
            f"pytest could not run the hidden checks (exit code {int(code)}): {sink.getvalue()[-800:]}"
        )
    return [plugin._result(exercise) for exercise in exercises]
