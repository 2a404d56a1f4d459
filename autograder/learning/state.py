"""The results of the last visible-test runs, kept so `status` answers without running anything.

`.autograder/state.json` holds, per exercise, how many visible tests passed of how many, the SHA-256
of the student's file they ran on (a later edit makes the result "not checked since"), when, and the
function the first failure was about (what `hint` shows by default).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """One complete run of an exercise's visible tests."""

    passed: int
    total: int
    digest: str
    when: float
    failing_function: str | None = None

    @property
    def all_passed(self) -> bool:
        return self.total > 0 and self.passed == self.total


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes ("" when it is missing)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def load(path: Path) -> dict[str, Run]:
    """The recorded runs by exercise id; {} when there are none or the file is unreadable."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        runs = raw["runs"]
        return {key: Run(**value) for key, value in runs.items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def record(
    path: Path, exercise: str, passed: int, total: int, digest: str, failing_function: str | None
) -> Run:
    """Store one run (atomically: a crash never leaves half a file)."""
    runs = load(path)
    run = Run(passed, total, digest, time.time(), failing_function)
    runs[exercise] = run
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"runs": {key: asdict(value) for key, value in sorted(runs.items())}}
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".state-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=1)
    os.replace(temporary, path)
    return run
