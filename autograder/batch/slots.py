"""A grading slot: one warm sandbox grading students one after another, for both backends.

`SlotGrader.grade` never raises for one student: whatever goes wrong while grading them (their archive,
their layout, the grader's own failure, a sandbox that died) becomes that student's error row, saying
whose side it was on (`error_source`: "submission" or "grader"; `--resume` regrades the latter). A
sandbox that fails is restarted; one that fails on `MAX_SANDBOX_FAILURES` students in a row means the
machine cannot grade, and `SlotBroken` stops the slot.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import time
from pathlib import Path

from autograder import catalog, check_collection, fingerprint, judge
from autograder.batch.students import Student
from autograder.errors import KitError, StudentFacingError
from autograder.i18n import Text
from autograder.options import BatchOptions
from autograder.sandbox import SandboxError

GIB = 1024**3
MAX_SANDBOX_FAILURES = 3


class SlotBroken(KitError):
    """The slot's sandbox keeps failing: this machine cannot grade (the message says why)."""


def error_result(
    student: Student, text: Text, max_points: dict[str, float], seconds: float, source: str
) -> dict:
    """A result for a student who could not be graded: 0 of each exercise's points, and why."""
    exercises = [
        {
            "id": e.id,
            "title": e.title,
            "score": 0.0,
            "max_score": max_points.get(e.id, 0.0),
            "duration_s": 0.0,
            "checks": [],
        }
        for e in catalog.exercises()
        if e.id in max_points
    ]
    return {
        "schema": 1,
        "score": 0.0,
        "max_score": round(sum(max_points.values()), 6),
        "duration_s": round(seconds, 3),
        "exercises": exercises,
        "student": student.id,
        "submission_sha256": student.sha256,
        "error": text.render(),
        "error_messages": text.to_dict(),
        "error_source": source,
    }


def selected(options: BatchOptions) -> list[catalog.Exercise]:
    """The exercises the batch grades: those asked for, else all."""
    return (
        [catalog.get(i) for i in options.grade.exercises]
        if options.grade.exercises
        else list(catalog.exercises())
    )


@functools.lru_cache(maxsize=4)
def _points(exercises: tuple[str, ...], device: str) -> dict[str, float]:
    return check_collection.max_points([catalog.get(i) for i in exercises], device)


def max_points_for(options: BatchOptions) -> dict[str, float]:
    """Points each selected exercise is worth on the batch's device (collected once per process)."""
    return dict(_points(tuple(e.id for e in selected(options)), options.grade.device))


class SlotGrader:
    """One slot's grader: a warm sandbox, the points each exercise is worth, the batch's fingerprint."""

    def __init__(self, options: BatchOptions, workdir: Path) -> None:
        """Start the sandbox and wait until it is ready, so a machine that cannot sandbox fails here, at
        the slot's start (SandboxError), not on each student."""
        import torch

        self.options, self.workdir = options, workdir
        self.sandbox = options.grade.start_sandbox(scratch_parent=workdir)
        torch.set_num_threads(options.grade.threads)  # the grader's own reference work shares the cores too
        self.max_points = max_points_for(options)
        self.fingerprint = fingerprint.of(options.grade, options.grade.device)
        self.failures = 0
        self.sandbox.wait_ready()

    def grade(self, student: Student, source: Path | None = None) -> dict:
        """The student's result (from `source` when given, else `student.path`), or their error row."""
        started = time.monotonic()
        try:
            if student.problem is not None:
                data = self._error(student, student.problem, started, "submission")
            else:
                data = self._grade(source or student.path)
                data.update(student=student.id, submission_sha256=student.sha256, error=None)
            self.failures = 0
        except SandboxError as exc:
            self._restart(exc)
            data = self._error(
                student,
                Text(f"the grader's sandbox failed: {exc}", f"评分程序的沙箱出错：{exc}"),
                started,
                "grader",
            )
        except StudentFacingError as exc:
            data = self._error(student, exc.text, started, "submission")
        except judge.GraderError as exc:
            text = Text(f"the grader could not run its checks: {exc}", f"评分程序无法运行其检查：{exc}")
            data = self._error(student, text, started, "grader")
        except KitError as exc:
            data = self._error(student, Text.plain(str(exc)), started, "submission")
        except Exception as exc:  # noqa: BLE001 - any failure on one student is that student's row
            detail = f"{type(exc).__name__}: {exc}"
            data = self._error(
                student,
                Text(
                    f"the grader failed on this submission ({detail})",
                    f"评分程序在评此提交时出错（{detail}）",
                ),
                started,
                "grader",
            )
        data["fingerprint"] = self.fingerprint
        return data

    def _grade(self, path: Path) -> dict:
        from autograder import grading

        if not self.options.nbgrader:
            return grading.grade(
                path, self.options.grade, sandbox=self.sandbox, workdir=self.workdir
            ).to_dict()
        from autograder.nbgrader import submissions as notebooks
        from autograder.submission import opened

        with opened(path, self.workdir) as folder:
            return notebooks.grade(
                folder, self.options.grade, sandbox=self.sandbox, workdir=self.workdir
            ).to_dict()

    def _error(self, student: Student, text: Text, started: float, source: str) -> dict:
        return error_result(student, text, self.max_points, time.monotonic() - started, source)

    def _restart(self, cause: Exception) -> None:
        """A fresh sandbox; SlotBroken after MAX_SANDBOX_FAILURES students in a row."""
        self.failures += 1
        self.close()
        if self.failures >= MAX_SANDBOX_FAILURES:
            raise SlotBroken(f"the sandbox failed on {self.failures} students in a row; last: {cause}")
        self.sandbox = self.options.grade.start_sandbox(scratch_parent=self.workdir)

    def close(self) -> None:
        try:
            self.sandbox.close()
        except Exception:  # noqa: BLE001 - closing a broken sandbox must not end the slot
            pass


def default_jobs() -> int:
    """Slots the machine can hold: one per core, each allowed about 3 GiB (grader, template, worker)."""
    cores = os.cpu_count() or 1
    available = 3 * GIB
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                available = int(line.split()[1]) * 1024
    except OSError:
        pass
    return max(1, min(cores, available // (3 * GIB)))


def gpu_plan(options: BatchOptions, jobs: int) -> tuple[list[str | None], BatchOptions]:
    """Which GPU each slot sees, and the options slots grade with.

    With `--device cuda` and several GPUs, slot i sees GPU i mod count only (as its cuda:0), and
    slots sharing a GPU split its memory. `cuda:N` pins every slot to GPU N; CPU grading sees none."""
    device = options.grade.device
    if not device.startswith("cuda"):
        return [None] * jobs, options
    import torch

    count = torch.cuda.device_count()
    if count == 0:
        raise KitError(f"--device {device} was asked for, but CUDA is not available on this machine")
    gpus: list[str | None] = (
        [device.split(":", 1)[1]] * jobs if ":" in device else [str(i % count) for i in range(jobs)]
    )
    sharing = max(gpus.count(g) for g in gpus)
    grade = dataclasses.replace(options.grade, device="cuda", gpu_memory_fraction=0.9 / sharing)
    return gpus, dataclasses.replace(options, grade=grade)
