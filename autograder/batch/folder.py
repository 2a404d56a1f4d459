"""The results folder of `grade-batch --out RESULTS`: what is on disk, and everything rebuilt from it.

Each student's result is `RESULTS/students/<key>.json`, written atomically (a temporary file, then a
rename) the moment it is done, so a kill at any point loses no finished student. `gradebook.csv` and
`summary.json` are rebuilt from those files alone, so shards merge by copying files (the CSV by the
reports' one CSV writer, which neutralises spreadsheet formulas). Text is made
valid Unicode before it is written (a lone surrogate from a worker becomes U+FFFD), so no message
can stop a result from being saved.
"""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path
from typing import Any

from autograder import catalog
from autograder.batch.students import Student
from autograder.errors import KitError
from autograder.reports.gradebook import gradebook_csv
from autograder.textsafe import valid_unicode


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so readers and crashes never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def valid_text(value: Any) -> Any:
    """`value` (JSON-ready data) with every string made valid Unicode (`textsafe.valid_unicode`)."""
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, dict):
        return {valid_text(key): valid_text(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [valid_text(item) for item in value]
    return value


def result_path(out: Path, student: Student) -> Path:
    return out / "students" / f"{student.key}.json"


def save_result(out: Path, student: Student, data: dict) -> None:
    """The student's result file, written atomically, its text made valid first."""
    write_atomically(
        result_path(out, student), json.dumps(valid_text(data), ensure_ascii=False, indent=1) + "\n"
    )


def load_result(out: Path, student: Student) -> dict | None:
    """The student's saved result, or None when there is none or it cannot be read."""
    try:
        data = json.loads(result_path(out, student).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def load_results(out: Path) -> list[dict]:
    """Every readable result in the folder (unreadable files are skipped: they are rewritten by a resume)."""
    results = []
    for path in sorted((out / "students").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            results.append(data)
    return results


def summarise(results: list[dict]) -> dict:
    """Mean, median, per-exercise mean and pass rate (share with full marks), and the graders (fingerprints)
    that made the results."""
    totals = [r["score"] for r in results if isinstance(r.get("score"), (int, float))]
    exercises: dict[str, dict] = {}
    for exercise in catalog.exercises():
        rows = [x for r in results for x in r.get("exercises", []) if x.get("id") == exercise.id]
        if rows:
            exercises[exercise.id] = {
                "mean": round(statistics.fmean(x["score"] for x in rows), 3),
                "max_score": max(x["max_score"] for x in rows),
                "pass_rate": round(
                    sum(x["max_score"] > 0 and x["score"] == x["max_score"] for x in rows) / len(rows), 3
                ),
            }
    fingerprints: dict[str, int] = {}
    for result in results:
        key = str(result.get("fingerprint") or "none")
        fingerprints[key] = fingerprints.get(key, 0) + 1
    return {
        "students": len(results),
        "errors": sum(1 for r in results if r.get("error")),
        "mean": round(statistics.fmean(totals), 3) if totals else None,
        "median": statistics.median(totals) if totals else None,
        "max_score": max((r["max_score"] for r in results if "max_score" in r), default=None),
        "exercises": exercises,
        "fingerprints": fingerprints,
    }


def rebuild(out: Path) -> dict:
    """gradebook.csv and summary.json from the per-student files; returns the summary."""
    results = load_results(out)
    write_atomically(out / "gradebook.csv", gradebook_csv(results))
    summary = summarise(results)
    write_atomically(out / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return summary


def merge(result_dirs: list[Path], out: Path) -> dict:
    """One results folder from shards: every students/*.json copied into `out`, then rebuilt.

    The same student in two shards is accepted only when both graded the same submission with the same
    grader to the same score; anything else is a conflict, refused with both folders named."""
    chosen: dict[str, tuple[Path, dict]] = {}
    for folder in result_dirs:
        students = folder / "students"
        if not students.is_dir():
            raise KitError(f"{folder} has no students/ folder: not a grade-batch results folder")
        for path in sorted(students.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise KitError(f"{path}: not a readable result ({exc})") from None
            earlier = chosen.get(path.name)
            if earlier is None:
                chosen[path.name] = (folder, data)
            elif _outcome(earlier[1]) != _outcome(data):
                raise KitError(
                    f"student {data.get('student')!r} was graded differently in {earlier[0]} and "
                    f"{folder} (different submission, grader or score); remove one before merging"
                )
    for name, (_folder, data) in chosen.items():
        write_atomically(
            out / "students" / name, json.dumps(valid_text(data), ensure_ascii=False, indent=1) + "\n"
        )
    return rebuild(out)


def _outcome(result: dict) -> tuple:
    return (
        result.get("submission_sha256"),
        result.get("fingerprint"),
        result.get("score"),
        result.get("max_score"),
        result.get("error"),
    )
