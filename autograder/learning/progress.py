"""Where a student stands on each exercise, from their files and the recorded runs, without running tests.

An exercise is `not_started` while its file is the stub as handed out, `done` when the last run of all
its visible tests passed on the file as it is now, and `in_progress` otherwise (with the last run's
count, and whether the file changed since).
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.catalog import Exercise
from autograder.i18n import Text
from autograder.learning import state
from autograder.learning.workspace import Workspace

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"


@dataclass(frozen=True)
class Progress:
    """One exercise's standing."""

    exercise: Exercise
    status: str
    run: state.Run | None
    changed_since_run: bool

    def describe(self) -> Text:
        """`done (8/8)`, `in progress: 3/8 visible tests pass`, `not started`, in both languages."""
        if self.status == NOT_STARTED:
            return Text("not started", "未开始")
        if self.status == DONE and self.run is not None:
            return Text(
                f"done ({self.run.passed}/{self.run.total})", f"已完成（{self.run.passed}/{self.run.total}）"
            )
        if self.run is None:
            return Text("in progress: not checked yet", "进行中：还没有运行测试")
        count = f"{self.run.passed}/{self.run.total}"
        if self.changed_since_run:
            return Text(
                f"in progress: {count} visible tests passed before your last change",
                f"进行中：上次修改之前可见测试通过 {count}",
            )
        return Text(f"in progress: {count} visible tests pass", f"进行中：可见测试通过 {count}")


def progress(workspace: Workspace) -> list[Progress]:
    """Every exercise of the workspace in course order."""
    runs = state.load(workspace.state_file)
    items = []
    for exercise in workspace.exercises():
        path = workspace.student_file(exercise)
        digest = state.file_digest(path)
        run = runs.get(exercise.id)
        changed = run is not None and run.digest != digest
        if path.exists() and path.read_text(encoding="utf-8") == workspace.original_stub(exercise):
            status = NOT_STARTED
        elif run is not None and not changed and run.all_passed:
            status = DONE
        else:
            status = IN_PROGRESS
        items.append(Progress(exercise, status, run, changed))
    return items


def next_exercise(items: list[Progress]) -> Progress | None:
    """The first exercise in course order that is not done."""
    return next((item for item in items if item.status != DONE), None)
