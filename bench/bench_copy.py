"""What the safe copy of a submission costs: the copy into a sandbox, per exercise folder, and the
digest of a student folder (`grade-batch` discovery), against the old way of doing each.

    python bench/bench_copy.py            # prints a Markdown table (a few seconds)

The copy forks the grader (torch already imported, as while grading), drops privileges and streams the
files back; the old copy was `shutil.copyfile` of the folder's regular files, as root, following no
link only at the top level. Figures depend on the machine and its load: the script prints both.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402,F401  (the grader has torch loaded when it copies)

from autograder import catalog, isolation, safe_copy  # noqa: E402
from autograder.batch import students  # noqa: E402
from autograder.execution import Limits  # noqa: E402


def timed(action, runs: int) -> float:
    """Median seconds of `runs` calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def old_copy(folder: Path, target: Path) -> None:
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.is_symlink():
            shutil.copyfile(path, target / path.name)


def main() -> None:
    limits = Limits()
    caps = safe_copy.CopyCaps(max_files=limits.submission_files, max_bytes=limits.submission_bytes)
    folder = catalog.SOLUTIONS_DIR / "14_cifar10_training"
    uid = isolation.sandbox_uid()
    with tempfile.TemporaryDirectory() as scratch:
        counter = iter(range(10**6))

        def fresh() -> Path:
            target = Path(scratch) / f"t{next(counter)}"
            target.mkdir()
            return target

        new = timed(lambda: safe_copy.copy_sources(folder, fresh(), ("*.py",), caps, folder.name), 30)
        kit = timed(
            lambda: safe_copy.copy_sources(folder, fresh(), ("*.py",), caps, folder.name, trusted=True), 30
        )
        old = timed(lambda: old_copy(folder, fresh()), 30)
        student = Path(scratch) / "student"
        shutil.copytree(catalog.SOLUTIONS_DIR, student / "exercises")
        digest = timed(lambda: students.digest(student, "student"), 10)
    load = os.getloadavg()[0]
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, load {load:.1f}; Python "
        f"{platform.python_version()}\n"
    )
    print("| what | median |")
    print("| --- | --- |")
    print(
        f"| copy one exercise folder into a sandbox, safe copy (fork, "
        f"{'drop to uid ' + str(uid) if uid else 'same user'}) | {new * 1000:.1f} ms |"
    )
    print(f"| the kit's own reference (for a runner), same rules, read in the grader | {kit * 1000:.1f} ms |")
    print(f"| the same, old copy (shutil, as the grader) | {old * 1000:.1f} ms |")
    print(
        f"| digest of a student holding all {len(catalog.exercises())} exercise folders | "
        f"{digest * 1000:.1f} ms |"
    )


if __name__ == "__main__":
    main()
