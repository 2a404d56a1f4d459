"""Grading a class on a Ray cluster: `autograder grade-batch SUBMISSIONS --out DIR --backend ray`.

Each job slot is a Ray actor holding one warm sandbox template, on whichever node
Ray places it (asking for a GPU when grading on CUDA, CPUs otherwise). The driver
sends each student's submission as zip bytes, so nodes need no shared file
system; student code still runs only in the actor's sandboxed workers, never in
the actor itself. Results stream back as plain JSON-ready dicts made by the
actor's grader, and the driver writes them exactly as the local backend does:
one atomic file per student, the same gradebook, the same `--resume`.

Every node needs the kit installed (same version) and, for real data, the same
`--data-root` path; without one, each node makes the synthetic sets itself.
"""
from __future__ import annotations

import dataclasses
import io
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from autograder import batch, catalog
from autograder.errors import KitError

LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024  # submissions are small; keep a local Ray instance light


def _ray():
    try:
        import ray
    except ImportError:
        raise KitError("--backend ray needs Ray: pip install 'torch-exercise-kit[ray]'") from None
    return ray


def pack(path: Path) -> bytes:
    """A submission as zip bytes: a .zip as it is, a folder's regular files (links skipped) zipped."""
    if path.is_file():
        return path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in sorted(path.rglob("*")):
            if item.is_file() and not item.is_symlink() and not any(p.is_symlink() for p in item.parents):
                archive.write(item, item.relative_to(path).as_posix())
    return buffer.getvalue()


class GradingSlot:
    """A Ray actor: one warm sandbox on its node, grading the students sent to it."""

    def __init__(self, options: batch.BatchOptions) -> None:
        import torch

        from autograder import judge
        from autograder.sandbox import Sandbox

        self.options = options
        self.workdir = Path(tempfile.mkdtemp(prefix="autograder-ray-"))
        self.sandbox = Sandbox(level=options.isolation).start()
        torch.set_num_threads(options.threads)
        selected = options.exercises or [e.id for e in catalog.exercises()]
        self.max_points = judge.max_points([catalog.get(i) for i in selected], options.device)

    def grade(self, student: batch.Student, payload: bytes) -> tuple[str, dict]:
        """(the student's key, their result) for one submission sent as zip bytes."""
        from autograder.sandbox import Sandbox, SandboxError

        archive = self.workdir / f"{student.key[:60]}.zip"
        archive.write_bytes(payload)
        try:
            data = batch.grade_student(student, self.sandbox, self.options, self.max_points, self.workdir,
                                       source=archive)
        except SandboxError as exc:
            self.sandbox.close()
            self.sandbox = Sandbox(level=self.options.isolation).start()
            data = batch.error_result(student, f"the grader's sandbox failed: {exc}", self.max_points, 0.0)
        finally:
            archive.unlink(missing_ok=True)
        return student.key, data

    def close(self) -> None:
        self.sandbox.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def run(todo: list[batch.Student], out: Path, options: batch.BatchOptions, progress: batch.Progress) -> None:
    """Grade `todo` on Ray (joining `options.address`, or starting a local instance) into `out`."""
    ray = _ray()
    from ray.util import ActorPool

    started_here = not ray.is_initialized()
    if started_here:
        if options.address:
            ray.init(address=options.address, log_to_driver=False)
        else:
            ray.init(include_dashboard=False, log_to_driver=False, object_store_memory=LOCAL_OBJECT_STORE_BYTES)
    resources = {"num_cpus": options.threads}
    if options.device.startswith("cuda"):
        resources["num_gpus"] = 1  # Ray sets CUDA_VISIBLE_DEVICES for the actor: it sees its GPU as cuda:0
        options = dataclasses.replace(options, device="cuda")
    slot_class = ray.remote(**resources)(GradingSlot)
    slots = [slot_class.remote(options) for _ in range(max(1, min(options.jobs, len(todo))))]
    by_key = {student.key: student for student in todo}
    last_rebuild = 0.0
    try:
        pool = ActorPool(slots)
        results = pool.map_unordered(lambda slot, student: slot.grade.remote(student, pack(student.path)), todo)
        progress.running = len(slots)
        for key, data in results:
            batch.save_result(out, by_key[key], data)
            progress.done += 1
            progress.running = min(len(slots), len(todo) - progress.done)
            progress.update()
            if time.monotonic() - last_rebuild > 2.0:
                batch.rebuild(out)
                last_rebuild = time.monotonic()
    finally:
        for slot in slots:
            try:
                ray.get(slot.close.remote(), timeout=30)
            except (ray.exceptions.RayError, TimeoutError):  # a dead actor has nothing left to close
                pass
            ray.kill(slot)
        if started_here:
            ray.shutdown()
