"""A whole `grade-batch` run: find the students, take a shard, decide what a resume regrades, grade
them on the chosen backend, and rebuild the gradebook (also when the run stops early)."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder.batch import folder, resume, students
from autograder.batch.progress import Progress
from autograder.errors import KitError
from autograder.fingerprint import compute
from autograder.i18n import Text
from autograder.options import BatchOptions, resolve_device


@dataclass
class BatchRun:
    """What a run did: the summary of the results folder, and the roster it graded from."""

    summary: dict
    roster: students.Roster
    plan: resume.ResumePlan


def say_on_stderr(text: Text) -> None:
    print(text.render(), file=sys.stderr)


def threads_per_slot(jobs: int) -> int:
    """Torch threads for each of `jobs` slots sharing this machine's cores."""
    return max(1, (os.cpu_count() or 1) // max(1, jobs))


def run(
    submissions: Path,
    out: Path,
    options: BatchOptions,
    shard: str | None = None,
    say: Callable[[Text], None] = say_on_stderr,
) -> BatchRun:
    """Grade the class in `submissions` into `out`; `say` receives the lines for the instructor."""
    roster = students.discover(submissions)
    for warning in roster.warnings:
        say(Text("warning: ", "警告：") + warning)
    chosen = roster.students
    grade = dataclasses.replace(options.grade, device=resolve_device(options.grade.device))
    if (
        options.nbgrader and not grade.exercises
    ):  # every shard grades the same exercises: those anyone submitted
        from autograder.nbgrader import submissions as notebooks

        grade.exercises = notebooks.exercises_found([s.path for s in chosen if s.problem is None])
        if not grade.exercises:
            raise KitError(f"no student folder in {submissions} holds an exercise notebook")
    options = dataclasses.replace(options, grade=grade)
    if shard:
        chosen = students.shard(chosen, *students.parse_shard(shard))
        say(Text(f"shard {shard}: {len(chosen)} students", f"分片 {shard}：{len(chosen)} 名学生"))
    plan = resume.plan(out, chosen, compute(grade.exercises, grade.device, grade.data_root), options.resume)
    if options.resume:
        say(resume.describe(plan))
    if (
        plan.todo and options.backend == "local"
    ):  # a level this machine lacks: one clear line, before any slot
        from autograder.sandbox import machine, resolve_level

        resolve_level(grade.isolation, machine())
    out.mkdir(parents=True, exist_ok=True)
    progress = Progress(len(plan.todo))
    try:
        if plan.todo and options.backend == "ray":
            from autograder.batch import ray_backend

            ray_backend.run(plan.todo, out, options, progress)
        elif plan.todo:
            from autograder.batch import local

            local.run(plan.todo, out, options, progress)
    finally:
        progress.finish()
        summary = folder.rebuild(out)
    return BatchRun(summary, roster, plan)
