"""What a student sees when a visible test fails: a short failure, their own frames only, and the hint.

`exercises/conftest.py` hands pytest's hooks to this module. A failure shows the test's message (or
the exception) and the lines of the student's own files that led to it, never library or kit frames.
Below it, level 1 of the hint of the function the failure is about, once per function per run. A file
that cannot be imported is reported once, with file, line and message; the exercise's other tests
say only that they did not run. At the end, one line per exercise, and the run is recorded for
`autograder status`.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from _pytest._code.code import TerminalRepr
from _pytest._io import TerminalWriter

from autograder import i18n
from autograder.i18n import Text
from autograder.learning import state
from autograder.learning.workspace import Workspace, exercise_of_path
from autograder.stubs import function_at

TODO_SUFFIX = "is not written yet / 尚未实现"
MAX_FRAMES = 3


class ImportFailure(Exception):
    """The student's module could not be imported; raised again for every test that needs it."""

    def __init__(self, path: Path, error: BaseException) -> None:
        super().__init__(f"{path.name} cannot be imported")
        self.path, self.error = path, error


@dataclass
class Session:
    """What one pytest run has shown and counted so far."""

    workspace: Workspace
    record: bool
    hints_shown: set[str] = field(default_factory=set)
    imports_shown: set[Path] = field(default_factory=set)
    counts: dict[str, list[int]] = field(default_factory=dict)  # exercise id -> [passed, total]
    first_failure: dict[str, str] = field(default_factory=dict)  # exercise id -> function


_KEY = pytest.StashKey[Session]()


@dataclass
class Crash:
    """The part of a failure pytest repeats in its short summary (`-r`) and in JUnit's message."""

    message: str


@dataclass(eq=False)
class StudentFailure(TerminalRepr):
    """A failing test as the student reads it: the failure, then the hint (shown in full below the test
    only; pytest's one-line summary, written out in full on CI, repeats the failure without the hint)."""

    failure: list[str]
    hint: list[str]

    @property
    def reprcrash(self) -> Crash:
        return Crash("\n".join(self.failure))

    def toterminal(self, tw: TerminalWriter) -> None:
        for line in self.failure + self.hint:
            tw.line(line)


def configure(config: pytest.Config, workspace: Workspace, record: bool) -> None:
    config.stash[_KEY] = Session(workspace, record)


def _rel(session: Session, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(session.workspace.root))
    except ValueError:
        return str(path)


def _is_student_file(session: Session, path: Path) -> bool:
    exercises = session.workspace.exercises_dir.resolve()
    path = path.resolve()
    return (
        path.parent.parent == exercises
        and path.suffix == ".py"
        and not path.name.startswith("test_")
        and path.name != "conftest.py"
    )


def _student_frames(session: Session, excinfo: pytest.ExceptionInfo) -> list[tuple[Path, int, str]]:
    """(file, 1-based line, code) of the student's own frames, innermost last."""
    frames = []
    for entry in excinfo.traceback:
        path = Path(str(entry.path))
        if _is_student_file(session, path):
            try:
                code = str(entry.statement).strip().splitlines()[0]
            except Exception:  # noqa: BLE001 - the source may be gone or empty
                code = ""
            frames.append((path, entry.lineno + 1, code))
    return frames[-MAX_FRAMES:]


def _first_lines(text: str, limit: int = 6) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    kept: list[str] = []
    for line in lines:
        if line.startswith("assert ") and kept:
            break  # pytest's own introspection below a test's message
        kept.append(line if len(line) <= 300 else line[:297] + "...")
    return "\n".join(kept[:limit])


def _tested_functions(item: pytest.Item) -> list[str]:
    """`module.<name>` uses in the test's own source, in order: the functions the test exercises."""
    function = getattr(item, "function", None)
    if function is None:
        return []
    fixtures = set(getattr(item, "fixturenames", ()))
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, SyntaxError, TypeError):
        return []
    names = [
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in fixtures
        and not node.attr.startswith("_")
    ]
    return list(dict.fromkeys(names))


def _describe(
    session: Session, item: pytest.Item, excinfo: pytest.ExceptionInfo
) -> tuple[list[str], list[str]]:
    """The failure's lines and the functions it is about (innermost student function first)."""
    error = excinfo.value
    if isinstance(error, ImportFailure):
        return _describe_import(session, error), []
    frames = _student_frames(session, excinfo)
    functions = []
    if frames:
        path, line, _ = frames[-1]
        where = function_at(path.read_text(encoding="utf-8"), line)
        if where:
            functions.append(where)
    message = str(error)
    if isinstance(error, NotImplementedError) and message.endswith(TODO_SUFFIX):
        function = message.removesuffix(TODO_SUFFIX).strip()
        lines = [f"TODO {_rel(session, frames[-1][0])}:{frames[-1][1]}" if frames else "TODO", f"  {message}"]
        return lines, [function, *functions]
    if isinstance(error, AssertionError):
        lines = [_first_lines(message) or Text("wrong answer", "答案不正确").render()]
        if i18n.language() == "both" and lines[0].count(i18n.SEPARATOR) == 1:
            lines = lines[0].split(i18n.SEPARATOR)  # a test's tr(en, zh): each language on its own line
    else:
        lines = [f"{type(error).__name__}: {_first_lines(message, 3)}"]
    for path, line, code in frames:
        lines.append(f"  {_rel(session, path)}:{line}: {code}")
    return lines, [*functions, *_tested_functions(item)]


def _describe_import(session: Session, failure: ImportFailure) -> list[str]:
    if failure.path in session.imports_shown:
        return [
            Text(
                f"not run: {failure.path.name} cannot be imported (see the first error above)",
                f"未运行：{failure.path.name} 无法导入（见上面第一个错误）",
            ).render()
        ]
    session.imports_shown.add(failure.path)
    error = failure.error
    if isinstance(error, SyntaxError):
        where = f"{_rel(session, Path(error.filename or failure.path))}, line {error.lineno}"
        lines = [f"{type(error).__name__}: {error.msg} ({where})"]
        if error.text:
            lines.append(f"    {error.text.rstrip()}")
        return lines
    lines = [
        Text(f"{failure.path.name} cannot be imported", f"{failure.path.name} 无法导入").render(),
        f"{type(error).__name__}: {_first_lines(str(error), 3)}",
    ]
    info = pytest.ExceptionInfo.from_exception(error)
    lines += [
        f"  {_rel(session, path)}:{line}: {code}" for path, line, code in _student_frames(session, info)
    ]
    return lines


def _lines(text: Text) -> list[str]:
    """A message as lines: English and Chinese on lines of their own when both are shown."""
    if i18n.language() == "both" and text.en != text.zh:
        return [text.en, text.zh]
    return [text.render()]


def _hint_lines(session: Session, item: pytest.Item, functions: list[str]) -> tuple[list[str], str | None]:
    exercise = exercise_of_path(Path(str(item.path)))
    hints = session.workspace.hints(exercise) if exercise else None
    hint = hints.first_for(functions) if hints else None
    if hint is None or exercise is None:
        return [], None
    if hint.function in session.hints_shown:
        return [], hint.function
    session.hints_shown.add(hint.function)
    number = exercise.id[:2]
    text = (
        Text(f"Hint for {hint.function}: ", f"{hint.function} 的提示：")
        + hint.level(1)
        + Text(
            f" (more: autograder hint {number} --level 2)", f"（更多：autograder hint {number} --level 2）"
        )
    )
    return ["", *_lines(text)], hint.function


def make_report(item: pytest.Item, call: pytest.CallInfo[Any]) -> pytest.TestReport | None:
    """A short report for a failing test of an exercise (None: leave pytest's own)."""
    session = item.config.stash.get(_KEY, None)
    report = pytest.TestReport.from_item_and_call(item, call)
    if session is None:
        return None
    exercise = exercise_of_path(Path(str(item.path)))
    if exercise is not None and (call.when == "call" or (call.when == "setup" and report.failed)):
        counts = session.counts.setdefault(exercise.id, [0, 0])
        counts[1] += 1
        counts[0] += 1 if report.passed else 0
    if call.excinfo is None or not report.failed or exercise is None:
        return report if exercise is not None else None
    lines, functions = _describe(session, item, call.excinfo)
    hint_lines, function = _hint_lines(session, item, functions)
    if function and exercise.id not in session.first_failure:
        session.first_failure[exercise.id] = function
    report.longrepr = StudentFailure(lines, hint_lines)
    return report


def summary_lines(config: pytest.Config) -> list[str]:
    """One line per exercise run: visible tests passed of total, and what to do next."""
    session = config.stash.get(_KEY, None)
    if session is None:
        return []
    lines = []
    for exercise_id, (passed, total) in sorted(session.counts.items()):
        if passed == total:
            lines += _lines(
                Text(
                    f"{exercise_id}: all {total} visible tests pass. The grader's hidden checks go further.",
                    f"{exercise_id}：{total} 个可见测试全部通过。评分时的隐藏检查会更严格。",
                )
            )
        else:
            lines += _lines(
                Text(
                    f"{exercise_id}: {passed} of {total} visible tests pass.",
                    f"{exercise_id}：可见测试通过 {passed}/{total}。",
                )
            )
    return lines


def finish(config: pytest.Config, complete: bool) -> None:
    """Record each exercise's run for `status` (only runs of all its tests, on the student's files)."""
    session = config.stash.get(_KEY, None)
    if session is None or not session.record or not complete:
        return
    for exercise in session.workspace.exercises():
        if exercise.id in session.counts:
            passed, total = session.counts[exercise.id]
            digest = state.file_digest(session.workspace.student_file(exercise))
            state.record(
                session.workspace.state_file,
                exercise.id,
                passed,
                total,
                digest,
                session.first_failure.get(exercise.id),
            )
