"""Grading a class on a Ray cluster: `autograder grade-batch SUBMISSIONS --out DIR --backend ray`.

Each job slot is a Ray actor holding one `SlotGrader` (a warm sandbox) on whichever node Ray places it
(asking for a GPU when grading on CUDA, CPUs otherwise), so it grades exactly as a local slot does.
The driver sends each submission as bytes, so nodes need no shared file system: a .zip as it is; a
folder as a pack that keeps its shape (folders, links and special files as what they are, never
followed) with the contents of the files the grader may copy into a sandbox (other files travel
empty: they are never read), so the actor's grader refuses a link exactly where a local slot would.
Student code still runs only in the actor's sandboxed workers, never in the actor itself.

Every node needs the kit installed (same version) and, for real data, the same `--data-root` path;
without one, each node makes the synthetic sets itself.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import io
import os
import stat
import tempfile
import time
import zipfile
from collections import deque
from pathlib import Path
from typing import Any

from autograder import archives, catalog
from autograder.batch.folder import rebuild, save_result
from autograder.batch.progress import Progress
from autograder.batch.slots import SlotGrader, error_result, max_points_for
from autograder.batch.students import STUDENT_CAPS, Student
from autograder.cleanup import remove_tree
from autograder.errors import KitError
from autograder.execution import Limits
from autograder.i18n import Text
from autograder.tree import TreeProblem, open_beneath, open_folder, read_chunks, walk

LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024  # submissions are small; keep a local Ray instance light
MAX_PACK_BYTES = 256 * 1024 * 1024
KINDS = {
    "dir": stat.S_IFDIR | 0o755,
    "file": stat.S_IFREG | 0o644,
    "link": stat.S_IFLNK | 0o777,
    "other": stat.S_IFIFO | 0o644,
}


def ray_missing() -> bool:
    """Whether Ray is not installed here (it is an optional extra)."""
    import importlib.util

    return importlib.util.find_spec("ray") is None


def _ray():
    try:
        import ray
    except ImportError:
        raise KitError("--backend ray needs Ray: pip install 'torch-exercise-kit[ray]'") from None
    return ray


def copied_patterns(nbgrader: bool) -> tuple[str, ...]:
    """File names whose contents a grader may read: every exercise's sources (notebooks for nbgrader)."""
    patterns = {p for exercise in catalog.exercises() for p in exercise.submission_files}
    return tuple(sorted(patterns | ({"*.ipynb", "timestamp.txt"} if nbgrader else set())))


def pack(path: Path, patterns: tuple[str, ...]) -> tuple[str, bytes]:
    """("zip", its bytes) for a .zip; ("pack", zip bytes keeping the folder's shape) for a folder."""
    if path.is_file() and not path.is_symlink():
        return "zip", path.read_bytes()
    cap = Limits().submission_bytes + 1  # enough for the copier to see a file is over its cap
    buffer, total = io.BytesIO(), 0
    root_fd = open_folder(path, path.name)
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
            for node in walk(root_fd, STUDENT_CAPS, path.name):
                info = zipfile.ZipInfo("/".join(node.parts) + ("/" if node.kind == "dir" else ""))
                info.create_system, info.external_attr = archives.UNIX, KINDS[node.kind] << 16
                data = b""
                if node.kind == "link":
                    parent = open_beneath(root_fd, node.parts[:-1], directory=True)
                    try:
                        data = os.fsencode(os.readlink(node.parts[-1], dir_fd=parent))
                    finally:
                        os.close(parent)
                elif node.kind == "file" and any(fnmatch.fnmatchcase(node.parts[-1], p) for p in patterns):
                    data = b"".join(read_chunks(root_fd, node.parts, cap))
                total += len(data)
                if total > MAX_PACK_BYTES:
                    raise KitError(
                        f"{path.name}: the files to grade add up to more than "
                        f"{MAX_PACK_BYTES // 2**20} MiB, too much to send to the cluster"
                    )
                bundle.writestr(info, data)
    finally:
        os.close(root_fd)
    return "pack", buffer.getvalue()


def unpack(payload: bytes, target: Path) -> None:
    """Rebuild a folder `pack` made: folders, files, links and FIFOs as they were (links never followed)."""
    target.mkdir(mode=0o755)
    with zipfile.ZipFile(io.BytesIO(payload)) as bundle:
        for info in bundle.infolist():
            parts = archives.member_parts(info, Path("pack"), STUDENT_CAPS.max_depth + 1)
            destination = target.joinpath(*parts)
            kind = stat.S_IFMT(info.external_attr >> 16)
            if kind == stat.S_IFDIR:
                destination.mkdir(mode=0o755)
                os.chmod(destination, 0o755)
            elif kind == stat.S_IFLNK:
                os.symlink(bundle.read(info), destination)
            elif kind == stat.S_IFIFO:
                os.mkfifo(destination)
            else:
                destination.write_bytes(bundle.read(info))
                os.chmod(destination, 0o644)


class GradingSlot:
    """A Ray actor: one SlotGrader on its node, grading the students sent to it."""

    def __init__(self, options) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="autograder-ray-"))
        os.chmod(self.workdir, 0o711)
        self.grader = SlotGrader(options, self.workdir)

    def grade(self, student: Student, kind: str, payload: bytes) -> tuple[str, dict]:
        """(the student's key, their result) for one submission sent as bytes."""
        received = Path(tempfile.mkdtemp(prefix="student-", dir=self.workdir))
        os.chmod(received, 0o711)
        try:
            source = received / ("submission.zip" if kind == "zip" else student.key[:40])
            if kind == "zip":
                source.write_bytes(payload)
            else:
                unpack(payload, source)
            return student.key, self.grader.grade(student, source)
        finally:
            remove_tree(received)

    def close(self) -> None:
        self.grader.close()
        remove_tree(self.workdir)


def run(todo: list[Student], out: Path, options, progress: Progress) -> None:
    """Grade `todo` on Ray (joining `options.address`, or starting a local instance) into `out`.

    An actor that dies mid-student (its node lost, its process killed) costs that student an error
    row; a new actor takes its place."""
    ray = _ray()
    started_here = not ray.is_initialized()
    if started_here:
        if options.address:
            ray.init(address=options.address, log_to_driver=False)
        else:
            ray.init(
                include_dashboard=False, log_to_driver=False, object_store_memory=LOCAL_OBJECT_STORE_BYTES
            )
    resources: dict = {"num_cpus": options.grade.threads}
    if options.grade.device.startswith("cuda"):
        resources["num_gpus"] = 1  # Ray sets CUDA_VISIBLE_DEVICES for the actor: it sees its GPU as cuda:0
        options = dataclasses.replace(options, grade=dataclasses.replace(options.grade, device="cuda"))
    slot_class = ray.remote(**resources)(GradingSlot)
    idle = [slot_class.remote(options) for _ in range(max(1, min(options.jobs, len(todo))))]
    everyone = list(idle)
    pending, running = deque(todo), dict[Any, tuple[Any, Student]]()  # ray ObjectRef -> (actor, student)
    patterns = copied_patterns(options.nbgrader)
    last_rebuild = 0.0
    try:
        while pending or running:
            while idle and pending:
                slot, student = idle.pop(), pending.popleft()
                student, kind, payload = _payload(student, patterns)
                running[slot.grade.remote(student, kind, payload)] = (slot, student)
            progress.running = len(running)
            progress.update()
            (finished,), _rest = ray.wait(list(running), num_returns=1)
            slot, student = running.pop(finished)
            try:
                _key, data = ray.get(finished)
            except ray.exceptions.RayError as exc:
                text = Text(
                    f"the grader's slot on the cluster stopped while grading this submission ({exc})",
                    f"集群上的评分进程在评此提交时中止（{exc}）",
                )
                data = error_result(student, text, max_points_for(options), 0.0, "grader")
                ray.kill(slot)
                slot = slot_class.remote(options)
                everyone.append(slot)
            save_result(out, student, data)
            idle.append(slot)
            progress.done += 1
            if time.monotonic() - last_rebuild > 2.0:
                rebuild(out)
                last_rebuild = time.monotonic()
    finally:
        for slot in everyone:
            try:
                ray.get(slot.close.remote(), timeout=30)
            except (ray.exceptions.RayError, TimeoutError):  # a dead actor has nothing left to close
                pass
            ray.kill(slot)
        if started_here:
            ray.shutdown()


def _payload(student: Student, patterns: tuple[str, ...]) -> tuple[Student, str, bytes]:
    """What to send for a student. One the driver cannot pack is sent with an empty pack and a
    `problem`, so the actor's grader gives them their error row."""
    if student.problem is None:
        try:
            return (student, *pack(student.path, patterns))
        except TreeProblem as problem:
            student = dataclasses.replace(student, problem=problem.text)
        except (KitError, OSError) as exc:
            student = dataclasses.replace(student, problem=Text.plain(str(exc)))
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    return student, "pack", buffer.getvalue()
