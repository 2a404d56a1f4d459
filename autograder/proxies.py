"""What hidden checks hold as `student` and `reference`: one interface over three ways to run a module.

`ModuleProxy` is that interface: `probe(fn, ...)` runs a probe function (`autograder.worker.probes`)
against the module, `call(name, ...)` and `each(name, cases)` call one of its functions, and
`is_student`, `work_dir`, `source()` and `share()` answer what checks need to know. `RemoteModule`
runs the student's module in sandboxed workers; `LocalModule` runs the reference in the grader's
own process; `nbgrader.kernel.KernelModule` runs a notebook's namespace inside nbgrader's kernel.
"""

from __future__ import annotations

import importlib.util
import itertools
import shutil
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from autograder import safe_copy
from autograder.catalog import Exercise
from autograder.execution import RunSettings, Worker
from autograder.problems import StudentProblem, SubmissionProblem, WorkerCrashed, budget_used, missing_file
from autograder.sandbox import Sandbox
from autograder.tree import TreeProblem
from autograder.worker import probes, wire
from autograder.worker.probes import generic

_worker_ids = itertools.count(1)


class ModuleProxy:
    """A module hidden checks can probe and call, whichever process it lives in."""

    is_student = True
    work_dir: Path | None = None

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self._functions: list[str] = []

    def probe(self, fn: probes.Probe, *args: Any, **kwargs: Any) -> Any:
        """`fn(module, *args, **kwargs)` for a registered probe function, as plain data."""
        name = probes.name_of(fn)
        self._functions.extend(probes.student_functions(fn, args))
        return self._run(fn, name, args, kwargs)

    def call(self, function: str, *args: Any, **kwargs: Any) -> Any:
        """`module.<function>(*args, **kwargs)`."""
        return self.probe(generic.call, function, *args, **kwargs)

    def each(self, function: str, cases: list[dict[str, Any]]) -> list[list[Any]]:
        """Outcomes of `function(**case)` for many cases in one round trip: ["ok", value] or
        ["error", info]."""
        return self.probe(generic.call_each, function, cases)

    def note_functions(self, names: list[str]) -> None:
        """Count `names` as exercised since the last `take_functions` (a shared fixture's calls)."""
        self._functions.extend(names)

    def take_functions(self) -> list[str]:
        """The module's functions the probes since the last call exercised (for hints); clears them."""
        taken, self._functions = list(dict.fromkeys(self._functions)), []
        return taken

    def source(self) -> str | None:
        """The module's text (read, never run, in the grader), or None when there is none."""
        raise NotImplementedError

    def share(self, source: Path, name: str) -> str:
        """Make a grader-side file or folder readable to the module's code; the path it sees there."""
        return str(source)

    def _run(self, fn: probes.Probe, name: str, args: tuple, kwargs: dict) -> Any:
        raise NotImplementedError


class RemoteModule(ModuleProxy):
    """The student's module for one exercise, reached only through sandboxed workers."""

    def __init__(
        self,
        sandbox: Sandbox,
        exercise: Exercise,
        folder: Path | None,
        settings: RunSettings,
        label: str = "student",
        trusted: bool = False,
    ) -> None:
        super().__init__(exercise)
        self.sandbox = sandbox
        self.settings = settings
        self.space = sandbox.new_workspace(f"{label}-{exercise.id}")
        self.submission_dir, self.data_dir, self.work_dir = (
            self.space.submission,
            self.space.data,
            self.space.work,
        )
        self.missing = self._copy_submission(folder, trusted)
        self.call_timeout = exercise.call_timeout_s * settings.time_scale
        self.budget = exercise.budget_s * settings.time_scale
        self.worker: Worker | None = None
        self.import_error: StudentProblem | None = None
        self.import_crash: WorkerCrashed | None = (
            None  # the last time importing the module killed its process
        )
        self.used_s = 0.0
        self.outputs: list[str] = []

    def _copy_submission(self, folder: Path | None, trusted: bool = False) -> StudentProblem | None:
        """Copy the exercise folder's source files (`Exercise.submission_files`) into scratch, following
        no link, read as the sandbox's unprivileged user unless `trusted` (the kit's own reference);
        the problem when the folder is missing, is or holds a link, or is over the caps."""
        wanted = self.exercise.filename
        if folder is None:
            return missing_file(f"{self.exercise.id}/{wanted}")
        limits = self.settings.limits
        caps = safe_copy.CopyCaps(max_files=limits.submission_files, max_bytes=limits.submission_bytes)
        try:
            copied = safe_copy.copy_sources(
                folder, self.submission_dir, self.exercise.submission_files, caps, folder.name, trusted
            )
        except TreeProblem as problem:
            return SubmissionProblem(problem.text)
        if wanted not in copied:
            return missing_file(f"{folder.name}/{wanted}")
        return None

    # ------------------------------------------------------------ worker life

    def _remaining(self) -> float:
        return self.budget - self.used_s

    def _ensure_worker(self) -> Worker:
        if self.missing:
            raise self.missing
        if self.import_error is not None:
            raise self.import_error
        if self.worker is not None and self.worker.alive:
            return self.worker
        self._retire_worker()
        job = self.sandbox.job_for(self.space)
        job.update(
            {
                "id": f"w{next(_worker_ids)}",
                "exercise": self.exercise.id,
                "module": self.exercise.module,
                "module_file": str(self.submission_dir / self.exercise.filename),
                "limits": self.settings.limits.rlimits(int(self.budget * max(1, self.settings.threads)) + 30),
                "threads": self.settings.threads,
                "result_limit": self.settings.limits.result_bytes,
            }
        )
        if self.exercise.uses_device and self.settings.device.startswith("cuda"):
            job["gpu"] = {
                "device": self.settings.device,
                "memory_fraction": self.settings.gpu_memory_fraction,
            }
        worker = Worker(self.sandbox, job, self.settings.limits)
        self.worker = worker
        started = time.monotonic()
        try:
            worker.handshake(min(self.call_timeout, self._remaining()))
            self.import_crash = None
        except WorkerCrashed as exc:
            self.import_crash = exc  # retried on the next call: the crash may have been this call's limits
            raise
        except StudentProblem as exc:
            self.import_error = exc
            raise
        finally:
            self.used_s += time.monotonic() - started
        return worker

    def _retire_worker(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.outputs.append(self.worker.output.text())
            self.worker = None

    def close(self) -> None:
        """Stop the worker, keep what it printed, remove its scratch folders."""
        self._retire_worker()
        self.sandbox.release_workspace(self.space)

    def output(self) -> str:
        """What the student's code printed, head and tail only."""
        text = "".join(self.outputs)
        return text[-8192:]

    def runner_for(self, reference: LocalModule) -> RemoteModule:
        """A sandboxed worker holding the reference module: where the grader runs files the student's code
        wrote (an ONNX model, TensorBoard event files) without parsing them in its own process."""
        return RemoteModule(
            self.sandbox, self.exercise, reference.path.parent, self.settings, label="runner", trusted=True
        )

    # ------------------------------------------------------------ calls

    def _run(self, fn: probes.Probe, name: str, args: tuple, kwargs: dict) -> Any:
        if self._remaining() <= 0:
            raise budget_used(self.budget)
        during = _describe_call(name, args)
        worker = self._ensure_worker()
        timeout = min(self.call_timeout, self._remaining())
        started = time.monotonic()
        try:
            return worker.call(name, args, kwargs, timeout, during)
        finally:
            self.used_s += time.monotonic() - started

    def source(self) -> str | None:
        path = self.submission_dir / self.exercise.filename
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None

    def share(self, source: Path, name: str) -> str:
        """Copy a file or folder into the worker's read-only data area; the path the worker sees."""
        target = self.data_dir / name
        if not target.exists():
            if source.is_dir():
                shutil.copytree(source, target, symlinks=False)
            else:
                shutil.copyfile(source, target)
        return str(target)


def _describe_call(probe: str, args: tuple) -> str:
    if probe in ("call", "call_each", "call_by_hand") and args and isinstance(args[0], str):
        return f"{args[0][:80]}()"
    return f"the check's call ({probe})"


class LocalModule(ModuleProxy):
    """The reference solution, run in the grader's process."""

    is_student = False

    def __init__(self, exercise: Exercise, source_dir: Path) -> None:
        super().__init__(exercise)
        self.path = source_dir / exercise.filename
        self.module = _import_reference(exercise, self.path)

    def _run(self, fn: probes.Probe, name: str, args: tuple, kwargs: dict) -> Any:
        return wire.decode(wire.encode(fn(self.module, *args, **kwargs)))

    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")


def _import_reference(exercise: Exercise, path: Path) -> ModuleType:
    name = f"reference_{exercise.id}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import the reference {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
