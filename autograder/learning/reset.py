"""`autograder reset NN`: put one exercise's original stub back, keeping the student's file beside it."""

from __future__ import annotations

from pathlib import Path

from autograder.catalog import Exercise
from autograder.learning.workspace import Workspace
from autograder.stub_sync import backup_path


def reset(workspace: Workspace, exercise: Exercise) -> Path | None:
    """Write the original stub; return where the student's file was kept (None: it was the stub already)."""
    target = workspace.student_file(exercise)
    original = workspace.original_stub(exercise)
    current = target.read_text(encoding="utf-8") if target.exists() else None
    if current == original:
        return None
    backup = None
    if current is not None:
        backup = backup_path(target)
        backup.write_text(current, encoding="utf-8")
    target.write_text(original, encoding="utf-8")
    return backup
