"""Grading a class: `autograder grade-batch SUBMISSIONS --out RESULTS`.

Each folder or .zip in SUBMISSIONS is one student (the id is its name). Job
slots (separate processes, each with its own warm template) take students from
a queue; each student's result is written atomically to
RESULTS/students/<key>.json the moment it is done, so a kill at any point loses
no finished student, and `--resume` skips students whose result exists for the
same submission content. `gradebook.csv` and `summary.json` are rebuilt from
those files (at most every two seconds while running, and at the end).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import queue
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder import archives, catalog
from autograder.errors import KitError
from autograder.reports.gradebook import gradebook_csv

SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
GIB = 1024 ** 3


@dataclass(frozen=True)
class Student:
    """One submission: its id (as named), a file-name-safe key, where it is, and its content hash."""

    id: str
    key: str
    path: Path
    sha256: str


@dataclass
class BatchOptions:
    """How a class is graded: what, where, with how many slots, on which backend."""

    exercises: list[str] = field(default_factory=list)
    device: str = "cpu"
    isolation: str = "auto"
    data_root: Path | None = None
    time_scale: float = 1.0
    jobs: int = 1
    threads: int = 1
    resume: bool = False
    backend: str = "local"  # "local" (job slots on this machine) or "ray" (tasks on a Ray cluster)
    address: str | None = None  # the Ray cluster to join; None starts a local one
    gpu_memory_fraction: float = 0.9  # per worker; lowered when several slots share one GPU
    nbgrader: bool = False  # each student is an nbgrader submission: grade its notebooks' answer cells


# ---------------------------------------------------------------- discovery

def student_key(name: str) -> str:
    """A file-name-safe key: safe ASCII kept, every other byte percent-encoded (non-UTF-8 names too)."""
    raw = name.encode("utf-8", "surrogateescape")
    return "".join(chr(b) if chr(b) in SAFE else f"%{b:02X}" for b in raw) or "%00"


def display_id(name: str) -> str:
    """The name as text a CSV can hold: undecodable bytes shown as \\xNN."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def content_hash(path: Path) -> str:
    """sha256 of a zip's bytes, or of a folder's relative paths and regular files' contents."""
    digest = hashlib.sha256()
    if path.is_file():
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()
    for item in sorted(path.rglob("*")):
        relative = str(item.relative_to(path)).encode("utf-8", "surrogateescape")
        if item.is_symlink():
            digest.update(b"L" + relative + b"\0" + os.readlink(item).encode("utf-8", "surrogateescape"))
        elif item.is_file():
            digest.update(b"F" + relative + b"\0" + hashlib.sha256(item.read_bytes()).digest())
    return digest.hexdigest()


def discover(submissions: Path) -> list[Student]:
    """Every folder or .zip directly inside `submissions`, sorted by name."""
    if not submissions.is_dir():
        raise KitError(f"{submissions} is not a folder of submissions")
    students = []
    for entry in sorted(submissions.iterdir(), key=lambda p: p.name):
        if entry.is_symlink() or entry.name.startswith("."):
            continue
        if entry.is_dir() or (entry.is_file() and entry.suffix.lower() == ".zip"):
            name = entry.name[:-4] if entry.suffix.lower() == ".zip" else entry.name
            students.append(Student(display_id(name), student_key(name), entry, content_hash(entry)))
    if not students:
        raise KitError(f"{submissions} holds no student folders or .zip files")
    return students


def parse_shard(text: str) -> tuple[int, int]:
    """'I/N' (1 <= I <= N) as (I, N)."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise KitError(f"--shard {text!r}: expected I/N, for example 2/4") from None
    if not 1 <= index <= count:
        raise KitError(f"--shard {text!r}: I must be between 1 and N")
    return index, count


def shard(students: list[Student], index: int, count: int) -> list[Student]:
    """Shard `index` of `count`: students ordered by a hash of their key, dealt out in turn.

    The order depends only on the students' names, so every machine computes the same
    slices, each student lands in exactly one, and slice sizes differ by at most one."""
    ordered = sorted(students, key=lambda s: hashlib.sha256(s.key.encode()).hexdigest())
    return sorted(ordered[index - 1::count], key=lambda s: s.key)


# ---------------------------------------------------------------- results on disk

def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so readers and crashes never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def result_path(out: Path, student: Student) -> Path:
    return out / "students" / f"{student.key}.json"


def already_graded(out: Path, student: Student) -> bool:
    path = result_path(out, student)
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("submission_sha256") == student.sha256
    except (OSError, ValueError):
        return False


def load_results(out: Path) -> list[dict]:
    results = []
    for path in sorted((out / "students").glob("*.json")):
        try:
            results.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return results


def summarise(results: list[dict]) -> dict:
    """Mean, median, and per-exercise mean score and pass rate (share of students with full marks)."""
    totals = [r["score"] for r in results]
    exercises: dict[str, dict] = {}
    for exercise in catalog.exercises():
        rows = [x for r in results for x in r.get("exercises", []) if x["id"] == exercise.id]
        if rows:
            exercises[exercise.id] = {
                "mean": round(statistics.fmean(x["score"] for x in rows), 3),
                "max_score": max(x["max_score"] for x in rows),
                "pass_rate": round(sum(x["max_score"] > 0 and x["score"] == x["max_score"] for x in rows) / len(rows), 3),
            }
    return {
        "students": len(results),
        "errors": sum(1 for r in results if r.get("error")),
        "mean": round(statistics.fmean(totals), 3) if totals else None,
        "median": statistics.median(totals) if totals else None,
        "max_score": max((r["max_score"] for r in results), default=None),
        "exercises": exercises,
    }


def merge(result_dirs: list[Path], out: Path) -> dict:
    """One results folder from shards: every students/*.json copied into `out`, then rebuilt.

    The same student in two shards is accepted only when both graded the same submission
    to the same score; anything else is a conflict, refused with both folders named."""
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
                raise KitError(f"student {data.get('student')!r} was graded differently in {earlier[0]} and "
                               f"{folder} (different submission or score); remove one before merging")
    for name, (_folder, data) in chosen.items():
        write_atomically(out / "students" / name, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return rebuild(out)


def _outcome(result: dict) -> tuple:
    return result.get("submission_sha256"), result.get("score"), result.get("max_score"), result.get("error")


def rebuild(out: Path) -> dict:
    """gradebook.csv and summary.json from the per-student files; returns the summary."""
    results = load_results(out)
    write_atomically(out / "gradebook.csv", gradebook_csv(results))
    summary = summarise(results)
    write_atomically(out / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return summary


# ---------------------------------------------------------------- grading one student (in a slot)

def error_result(student: Student, message: str, max_points: dict[str, float], seconds: float) -> dict:
    exercises = [{"id": e.id, "title": e.title, "score": 0.0, "max_score": max_points.get(e.id, 0.0),
                  "duration_s": 0.0, "checks": []} for e in catalog.exercises() if e.id in max_points]
    return {"schema": 1, "score": 0.0, "max_score": round(sum(max_points.values()), 6), "duration_s": round(seconds, 3),
            "exercises": exercises, "student": student.id, "submission_sha256": student.sha256, "error": message}


def grade_student(student: Student, sandbox, options: BatchOptions, max_points: dict[str, float],
                  workdir: Path, source: Path | None = None) -> dict:
    """Grade one student (from `source` when given, else `student.path`); never raises for their own problems."""
    from autograder import grading

    started = time.monotonic()
    unpacked = None
    try:
        path = source or student.path
        if path.is_file():
            unpacked = Path(tempfile.mkdtemp(prefix=f"{student.key[:40]}-", dir=workdir))
            path = archives.unwrap(archives.extract(path, unpacked))
        grade_options = grading.GradeOptions(exercises=options.exercises, device=options.device,
                                             threads=options.threads, data_root=options.data_root,
                                             time_scale=options.time_scale,
                                             gpu_memory_fraction=options.gpu_memory_fraction)
        if options.nbgrader:
            from autograder import notebook_submissions

            data = notebook_submissions.grade(path, grade_options, sandbox=sandbox).to_dict()
        else:
            data = grading.grade(path, grade_options, sandbox=sandbox).to_dict()
        data.update(student=student.id, submission_sha256=student.sha256, error=None)
    except KitError as exc:
        data = error_result(student, str(exc), max_points, time.monotonic() - started)
    finally:
        if unpacked is not None:
            shutil.rmtree(unpacked, ignore_errors=True)
    return data


def save_result(out: Path, student: Student, data: dict) -> None:
    """The student's result file, written atomically."""
    write_atomically(result_path(out, student), json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def run_slot(tasks, events, options: BatchOptions, out: Path, gpu: str | None = None) -> None:
    """A job slot: one warm template; grade students from `tasks` until it is empty.

    `gpu` is the GPU this slot may see (CUDA_VISIBLE_DEVICES), set before anything starts CUDA."""
    if gpu is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = gpu
    from autograder import judge
    from autograder.sandbox import Sandbox, SandboxError
    from autograder.worker import confine

    confine.die_with_parent()
    workdir = Path(tempfile.mkdtemp(prefix="autograder-batch-"))
    sandbox = Sandbox(level=options.isolation).start()
    try:
        import torch

        torch.set_num_threads(options.threads)  # the grader's own reference work shares the cores too
        selected = options.exercises or [e.id for e in catalog.exercises()]
        max_points = judge.max_points([catalog.get(i) for i in selected], options.device)
        while True:
            try:
                student = tasks.get_nowait()
            except queue.Empty:
                return
            events.put(("started", student.id, None))
            try:
                data = grade_student(student, sandbox, options, max_points, workdir)
            except SandboxError as exc:
                sandbox.close()
                sandbox = Sandbox(level=options.isolation).start()
                data = error_result(student, f"the grader's sandbox failed: {exc}", max_points, 0.0)
            save_result(out, student, data)
            events.put(("done", student.id, data["score"]))
    except Exception as exc:  # report a broken slot instead of dying silently
        events.put(("slot-error", None, f"{type(exc).__name__}: {exc}"))
    finally:
        sandbox.close()
        shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------- the batch

def default_jobs() -> int:
    """Slots the machine can hold: one per core, each allowed about 3 GiB (grader, template, worker)."""
    cores = os.cpu_count() or 1
    available = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                available = int(line.split()[1]) * 1024
    except OSError:
        available = 3 * GIB
    return max(1, min(cores, available // (3 * GIB)))


class Progress:
    """A one-line progress bar with counts and ETA on a terminal; silent otherwise."""

    def __init__(self, total: int, stream=sys.stderr) -> None:
        self.total, self.done, self.running, self.stream = total, 0, 0, stream
        self.started = time.monotonic()
        self.active = stream.isatty()

    def update(self) -> None:
        if not self.active:
            return
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        elapsed = time.monotonic() - self.started
        eta = f"{elapsed / self.done * (self.total - self.done):.0f}s" if self.done else "?"
        self.stream.write(f"\r[{'=' * filled}{' ' * (width - filled)}] {self.done}/{self.total} graded, "
                          f"{self.running} running, ETA {eta}   ")
        self.stream.flush()

    def finish(self) -> None:
        if self.active:
            self.stream.write("\n")


def run(submissions: Path, out: Path, options: BatchOptions, students: list[Student] | None = None) -> dict:
    """Grade every student not already graded (with --resume); returns the summary."""
    students = students if students is not None else discover(submissions)
    todo = [s for s in students if not (options.resume and already_graded(out, s))]
    out.mkdir(parents=True, exist_ok=True)
    progress = Progress(len(todo))
    if todo and options.backend == "ray":
        from autograder import ray_backend

        ray_backend.run(todo, out, options, progress)
    elif todo:
        _run_slots(todo, out, options, progress)
    progress.finish()
    return rebuild(out)


def gpu_plan(options: BatchOptions, jobs: int) -> tuple[list[str | None], BatchOptions]:
    """Which GPU each slot sees, and the options slots grade with.

    With `--device cuda` and several GPUs, slot i sees GPU i mod count only (as its cuda:0), and
    slots sharing a GPU split its memory. `cuda:N` pins every slot to GPU N; CPU grading sees none."""
    slot_options = dataclasses.replace(options, threads=max(1, options.threads))
    if not options.device.startswith("cuda"):
        return [None] * jobs, slot_options
    import torch

    count = torch.cuda.device_count()
    if count == 0:
        raise KitError(f"--device {options.device} was asked for, but CUDA is not available on this machine")
    if ":" in options.device:
        gpus = [options.device.split(":", 1)[1]] * jobs
    else:
        gpus = [str(i % count) for i in range(jobs)]
    sharing = max(gpus.count(g) for g in gpus)
    return gpus, dataclasses.replace(slot_options, device="cuda", gpu_memory_fraction=0.9 / sharing)


def _run_slots(todo: list[Student], out: Path, options: BatchOptions, progress: Progress) -> None:
    context = multiprocessing.get_context("spawn")
    tasks, events = context.Queue(), context.Queue()
    for student in todo:
        tasks.put(student)
    jobs = max(1, min(options.jobs, len(todo)))
    gpus, slot_options = gpu_plan(options, jobs)
    slots = [context.Process(target=run_slot, args=(tasks, events, slot_options, out, gpus[i]), daemon=True)
             for i in range(jobs)]
    for slot in slots:
        slot.start()
    last_rebuild, errors = 0.0, []
    while progress.done < len(todo):
        try:
            kind, _student, detail = events.get(timeout=1.0)
        except queue.Empty:
            if not any(slot.is_alive() for slot in slots):
                break
            continue
        if kind == "started":
            progress.running += 1
        elif kind == "done":
            progress.running -= 1
            progress.done += 1
        else:
            errors.append(detail)
        progress.update()
        if time.monotonic() - last_rebuild > 2.0:
            rebuild(out)
            last_rebuild = time.monotonic()
    for slot in slots:
        slot.join(timeout=30)
    if errors and progress.done < len(todo):
        raise KitError(f"grading slots failed: {'; '.join(errors)}")
