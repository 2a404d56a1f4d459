"""The local backend: slot processes on this machine, each with its own warm sandbox.

The driver hands one student at a time to each idle slot over that slot's own pipe, so it always
knows whom each slot is grading. A slot whose process dies (a crash of the grader itself, the
kernel's OOM killer) or that runs past the per-student deadline is killed and replaced, and its
student gets an error row; the batch goes on. Slots that cannot even start (a sandbox level this
machine lacks) stop the batch with their reason, leaving the rest for `--resume`.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from autograder.batch.folder import rebuild, save_result
from autograder.batch.progress import Progress
from autograder.batch.slots import SlotGrader, error_result, gpu_plan, max_points_for, selected
from autograder.batch.students import Student
from autograder.cleanup import remove_tree
from autograder.errors import KitError
from autograder.i18n import Text
from autograder.options import BatchOptions

MAX_START_FAILURES = 3
REBUILD_EVERY_S = 2.0


def student_deadline(options: BatchOptions) -> float:
    """How long one student may take in a slot: twice the exercises' time budgets, plus start-up."""
    return 2 * sum(e.budget_s for e in selected(options)) * options.grade.time_scale + 300


def run_slot(conn: Connection, options: BatchOptions, out: Path, gpu: str | None, workdir: Path) -> None:
    """A slot process: start a grader, then grade each student the driver sends until it sends None.

    `gpu` is the GPU this slot may see (CUDA_VISIBLE_DEVICES), set before anything starts CUDA;
    `workdir` (made by the driver, removed by it too) holds the sandbox's scratch and unpacked archives."""
    if gpu is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = gpu
    from autograder.worker import confine

    confine.die_with_parent()
    grader = None
    try:
        grader = SlotGrader(options, workdir)
        conn.send(("ready", None))
        while (student := conn.recv()) is not None:
            data = grader.grade(student)
            try:
                save_result(out, student, data)
            except Exception as exc:  # noqa: BLE001 - a result that cannot be saved is saved as an error row
                text = Text(
                    f"the grader could not save this result ({type(exc).__name__}: {exc})",
                    f"评分程序无法保存此结果（{type(exc).__name__}: {exc}）",
                )
                data = error_result(student, text, grader.max_points, 0.0, "grader")
                save_result(out, student, data)
            conn.send(("done", data["score"]))
    except (EOFError, KeyboardInterrupt):
        return
    except Exception as exc:  # noqa: BLE001 - tell the driver why, then exit; it replaces the slot
        try:
            conn.send(("broken", f"{type(exc).__name__}: {exc}"))
        except OSError:
            pass
    finally:
        if grader is not None:
            grader.close()


@dataclass
class Slot:
    """The driver's view of one slot process."""

    process: Any
    conn: Connection
    workdir: Path
    ready: bool = False
    student: Student | None = None
    since: float = 0.0
    reason: str = ""


class LocalBatch:
    """Slot processes fed from a queue of students; results are saved by the slots, and here the rows of
    students whose slot was lost."""

    def __init__(self, todo: list[Student], out: Path, options: BatchOptions, progress: Progress) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.pending = deque(todo)
        self.out, self.progress = out, progress
        self.jobs = max(1, min(options.jobs, len(todo)))
        self.gpus, self.options = gpu_plan(options, self.jobs)
        self.deadline = student_deadline(options)
        self.slots: list[Slot | None] = [None] * self.jobs
        self.start_failures: list[str] = []
        self.scratch = Path(tempfile.mkdtemp(prefix="autograder-batch-"))
        os.chmod(self.scratch, 0o711)  # the sandbox's user walks through it to its workspace
        self.started = 0

    def _start(self, index: int) -> None:
        self.started += 1
        workdir = self.scratch / f"slot-{index}-{self.started}"
        workdir.mkdir(mode=0o711)
        ours, theirs = self.context.Pipe()
        process = self.context.Process(
            target=run_slot, daemon=True, args=(theirs, self.options, self.out, self.gpus[index], workdir)
        )
        process.start()
        theirs.close()
        self.slots[index] = Slot(process, ours, workdir)

    def _assign(self, slot: Slot) -> None:
        if self.pending:
            slot.student, slot.since = self.pending.popleft(), time.monotonic()
            slot.conn.send(slot.student)
            self.progress.running += 1
        else:
            slot.student = None
        self.progress.update()

    def _lose(self, index: int, slot: Slot, why: str) -> None:
        """The slot is gone (died or killed): its student gets an error row; replace it while work remains."""
        slot.process.kill()
        slot.process.join(timeout=10)
        slot.conn.close()
        remove_tree(slot.workdir)
        self.slots[index] = None
        why = slot.reason or why
        if slot.student is not None:
            text = Text(
                f"the grader's slot stopped while grading this submission ({why})",
                f"评分程序的评分进程在评此提交时中止（{why}）",
            )
            save_result(
                self.out,
                slot.student,
                error_result(slot.student, text, max_points_for(self.options), 0.0, "grader"),
            )
            self.progress.running -= 1
            self.progress.done += 1
        elif not slot.ready:
            self.start_failures.append(why)
            if len(self.start_failures) >= MAX_START_FAILURES:
                raise KitError(
                    f"grading slots could not start: {'; '.join(dict.fromkeys(self.start_failures))}"
                )
        if self.pending:
            self._start(index)

    def _handle(self, index: int, slot: Slot) -> None:
        try:
            kind, detail = slot.conn.recv()
        except (EOFError, OSError):
            self._lose(index, slot, f"its process ended with exit code {slot.process.exitcode}")
            return
        if kind == "ready":
            slot.ready = True
            self.start_failures.clear()
        elif kind == "done":
            self.progress.running -= 1
            self.progress.done += 1
            slot.student = None
        elif kind == "broken":
            slot.reason = detail
            return
        self._assign(slot)

    def run(self) -> None:
        for index in range(self.jobs):
            self._start(index)
        last_rebuild = 0.0
        try:
            while self.pending or any(slot is not None and slot.student is not None for slot in self.slots):
                live = [(i, s) for i, s in enumerate(self.slots) if s is not None]
                if not live:
                    break
                ready = wait([s.conn for _i, s in live] + [s.process.sentinel for _i, s in live], timeout=1.0)
                for index, slot in live:
                    if slot.conn in ready:
                        self._handle(index, slot)
                    elif slot.process.sentinel in ready:
                        self._lose(index, slot, f"its process ended with exit code {slot.process.exitcode}")
                    elif slot.student is not None and time.monotonic() - slot.since > self.deadline:
                        self._lose(
                            index, slot, f"it ran past the {self.deadline:.0f} s deadline for one student"
                        )
                if time.monotonic() - last_rebuild > REBUILD_EVERY_S:
                    rebuild(self.out)
                    last_rebuild = time.monotonic()
        finally:
            self._stop()

    def _stop(self) -> None:
        for slot in self.slots:
            if slot is not None:
                try:
                    slot.conn.send(None)
                except OSError:
                    pass
        for slot in self.slots:
            if slot is not None:
                slot.process.join(timeout=30)
                if slot.process.is_alive():
                    slot.process.kill()
                    slot.process.join()
        remove_tree(self.scratch)


def run(todo: list[Student], out: Path, options: BatchOptions, progress: Progress) -> None:
    """Grade `todo` in local slots into `out`."""
    LocalBatch(todo, out, options, progress).run()
