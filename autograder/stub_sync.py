"""`autograder sync`: write the generated stubs into `exercises/` without ever overwriting a student's work.

`exercises/.stubs.json` records the text (by SHA-256) each stub had when sync last wrote it. A stub is
`fresh` (what sync would write now), `stale` (still what sync wrote last time, but the solution or its
hints changed since: safe to regenerate), `edited` (someone changed it: a student's work, left alone
unless `force`, and then kept as `<file>.<time>.bak`) or `missing`.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from autograder import catalog, hints
from autograder.catalog import Exercise
from autograder.stubs import MarkerError, make_stub

MANIFEST = ".stubs.json"


def backup_path(target: Path) -> Path:
    """A free name beside `target` for keeping its old text: `maxpool.py.20240501-101500.bak`."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = target.with_name(f"{target.name}.{stamp}.bak")
    counter = 1
    while candidate.exists():
        candidate = target.with_name(f"{target.name}.{stamp}-{counter}.bak")
        counter += 1
    return candidate


@dataclass(frozen=True)
class StubStatus:
    """One exercise's stub: its path, its state before sync, and what sync did about it."""

    exercise: str
    path: Path
    state: str  # "fresh", "stale", "edited" or "missing"
    action: str = "none"  # "none", "written", "refused" or "replaced" (edited, with force; backup kept)
    backup: Path | None = None


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def generated_stub(exercise: Exercise) -> str:
    """The stub sync would write for `exercise` now: the solution with its regions replaced, hints added."""
    source = exercise.solution_file
    if not source.exists():
        raise MarkerError(f"solution file {source} is missing for exercise {exercise.id}")
    return make_stub(source.read_text(encoding="utf-8"), str(source), hints.kit_hints(exercise.id))


def read_manifest(exercises_dir: Path) -> dict[str, str]:
    path = exercises_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return (
        {key: value for key, value in data.items() if isinstance(value, str)}
        if isinstance(data, dict)
        else {}
    )


def classify(current: str | None, wanted: str, recorded: str | None) -> str:
    if current is None:
        return "missing"
    if current == wanted:
        return "fresh"
    return "stale" if recorded is not None and digest(current) == recorded else "edited"


def sync(check_only: bool = False, force: bool = False) -> list[StubStatus]:
    """Compare (check_only) or regenerate every stub; an edited stub is replaced only with `force`."""
    exercises_dir = catalog.EXERCISES_DIR
    manifest = read_manifest(exercises_dir)
    statuses = []
    for exercise in catalog.exercises():
        wanted = generated_stub(exercise)
        target = exercise.stub_file
        key = f"{exercise.id}/{exercise.filename}"
        current = target.read_text(encoding="utf-8") if target.exists() else None
        state = classify(current, wanted, manifest.get(key))
        action, backup = "none", None
        if (
            not check_only
            and state in ("stale", "missing")
            or (state == "edited" and force and not check_only)
        ):
            if state == "edited":
                backup = backup_path(target)
                backup.write_text(current or "", encoding="utf-8")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(wanted, encoding="utf-8")
            action = "replaced" if state == "edited" else "written"
        elif state == "edited" and not check_only:
            action = "refused"
        if state != "edited" or action == "replaced":
            manifest[key] = digest(wanted)
        statuses.append(StubStatus(exercise.id, target, state, action, backup))
    if not check_only:
        (exercises_dir / MANIFEST).write_text(
            json.dumps(dict(sorted(manifest.items())), indent=1) + "\n", encoding="utf-8"
        )
    return statuses
