"""Peak memory of `autograder grade` as a container's memory cgroup counts it (Gradescope's limit).

Gradescope runs each submission in a Docker container whose memory limit (768 MB unless the
instructor raises it) is a memory cgroup. This script runs the grader in a child memory cgroup of
its own cgroup, as root, and reports:
  - peak: what the cgroup charged at most (cgroup v1 memory.max_usage_in_bytes, v2 memory.peak),
    page cache and tmpfs included, as the container's counter sees it;
  - peak anon: the most anonymous plus shared-memory pages seen while sampling every 20 ms (what
    the kernel cannot reclaim: past the limit, this is what gets the grader killed);
  - under LIMIT: with --limit MB, the same grade run again with the group's limit set to MB, and
    whether it still finished with full marks (the real test of "fits").

    sudo python bench/gradescope_memory.py --exercise 07_maxpool --limit 768
    sudo python bench/gradescope_memory.py --all --limit 768 --time-scale 3
    sudo python bench/gradescope_memory.py --each          # every exercise alone, one row each
    sudo python bench/gradescope_memory.py --figures autograder/templates/gradescope/memory.json
                                # --each and --all, written as the figures the Gradescope bundle advises from

Prints a Markdown table, one row per run, and with --json FILE writes the rows as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))

from autograder import catalog  # noqa: E402

MiB = 2**20


@dataclass
class Run:
    """One grade in its own memory group."""

    exercises: str
    limit_mb: int | None
    peak_mib: float
    peak_anon_mib: float
    score: float | None
    max_score: float | None
    seconds: float
    killed: bool
    timeouts: int


class MemoryGroup:
    """A child memory cgroup of this process's own, v1 or v2, removed on close."""

    def __init__(self, name: str) -> None:
        self.version, base = self.own_memory_group()
        self.path = base / name
        self.path.mkdir()

    @staticmethod
    def own_memory_group() -> tuple[int, Path]:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
        for line in lines:
            _, controllers, path = line.split(":", 2)
            if "memory" in controllers.split(","):
                return 1, Path("/sys/fs/cgroup/memory") / path.lstrip("/")
        for line in lines:
            if line.startswith("0::"):
                for root in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
                    if (root / "cgroup.controllers").exists() and "memory" in (
                        root / "cgroup.controllers"
                    ).read_text():
                        return 2, root / line[3:].lstrip("/")
        raise SystemExit(
            "no memory cgroup controller this process may use (run as root on a cgroup v1 or v2 host)"
        )

    def limit(self, megabytes: int) -> None:
        name = "memory.limit_in_bytes" if self.version == 1 else "memory.max"
        (self.path / name).write_text(str(megabytes * 1000 * 1000))

    def peak(self) -> int:
        name = "memory.max_usage_in_bytes" if self.version == 1 else "memory.peak"
        return int((self.path / name).read_text())

    def anon(self) -> int:
        stat = dict(line.split() for line in (self.path / "memory.stat").read_text().splitlines())
        if self.version == 1:
            return int(stat["total_rss"]) + int(stat.get("total_shmem", 0))
        return int(stat["anon"]) + int(stat.get("shmem", 0))

    def oom_kills(self) -> int:
        name = "memory.oom_control" if self.version == 1 else "memory.events"
        events = dict(line.split() for line in (self.path / name).read_text().splitlines())
        return int(events.get("oom_kill", 0))

    def limit_cpus(self, cpus: float) -> None:
        """Cap CPU time at `cpus` CPUs (Gradescope's default is half a vCPU): a cpu group beside this one."""
        period = 100_000
        if self.version == 2:
            (self.path.parent / "cgroup.subtree_control").write_text("+cpu")
            (self.path / "cpu.max").write_text(f"{int(cpus * period)} {period}")
            return
        own = next(
            line.split(":", 2)[2]
            for line in Path("/proc/self/cgroup").read_text().splitlines()
            if "cpu" in line.split(":", 2)[1].split(",")
        )
        self.cpu_path = Path("/sys/fs/cgroup/cpu") / own.lstrip("/") / self.path.name
        self.cpu_path.mkdir()
        (self.cpu_path / "cpu.cfs_period_us").write_text(str(period))
        (self.cpu_path / "cpu.cfs_quota_us").write_text(str(int(cpus * period)))

    def join(self) -> None:
        """Move the calling process into the group (run in the child before exec)."""
        for path in (self.path, getattr(self, "cpu_path", None)):
            if path is not None:
                (path / "cgroup.procs").write_text(str(os.getpid()))

    def close(self) -> None:
        for path in (self.path, getattr(self, "cpu_path", None)):
            for _ in range(50 if path is not None else 0):
                try:
                    path.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)


def grade_in_group(exercises: list[str], limit_mb: int | None, args: argparse.Namespace) -> Run:
    group = MemoryGroup(f"gradescope-memory-{os.getpid()}-{time.monotonic_ns()}")
    if limit_mb:
        group.limit(limit_mb)
    if args.cpus:
        group.limit_cpus(args.cpus)
    peak_anon, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                peak_anon[0] = max(peak_anon[0], group.anon())
            except (OSError, ValueError):
                pass
            done.wait(0.02)

    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "result.json"
        command = [
            args.python,
            "-m",
            "autograder",
            "grade",
            str(args.submission),
            "--format",
            "json",
            "--output",
            str(output),
            "--device",
            "cpu",
            "--time-scale",
            str(args.time_scale),
            *[part for exercise in exercises for part in ("--exercise", exercise)],
        ]
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        run = subprocess.run(command, cwd=KIT, preexec_fn=group.join, capture_output=True, text=True)
        seconds = time.monotonic() - started
        done.set()
        sampler.join()
        result = json.loads(output.read_text()) if output.exists() and output.stat().st_size else None
    killed = run.returncode < 0 or group.oom_kills() > 0
    timeouts = sum(
        check["status"] == "timeout" for e in (result or {}).get("exercises", []) for check in e["checks"]
    )
    try:
        return Run(
            ",".join(exercises) if exercises else "all",
            limit_mb,
            group.peak() / MiB,
            peak_anon[0] / MiB,
            result["score"] if result else None,
            result["max_score"] if result else None,
            seconds,
            killed,
            timeouts,
        )
    finally:
        group.close()


def row(run: Run) -> str:
    score = "no result" if run.score is None else f"{run.score:g} / {run.max_score:g}"
    limit = f"{run.limit_mb} MB" if run.limit_mb else "none"
    return (
        f"| {run.exercises} | {limit} | {run.peak_mib:.0f} MiB | {run.peak_anon_mib:.0f} MiB | {score} | "
        f"{run.seconds:.0f} s | {run.timeouts} | {'yes' if run.killed else 'no'} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--exercise", action="append", default=[], help="grade only this exercise (repeatable)"
    )
    parser.add_argument("--all", action="store_true", help="grade all exercises in one run")
    parser.add_argument("--each", action="store_true", help="one run per exercise")
    parser.add_argument(
        "--limit",
        type=int,
        action="append",
        default=[],
        metavar="MB",
        help="also run under this memory limit (repeatable)",
    )
    parser.add_argument("--submission", type=Path, default=KIT / "solutions")
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter that grades (a bundle's venv)"
    )
    parser.add_argument("--time-scale", type=float, default=3.0)
    parser.add_argument("--cpus", type=float, default=None, help="cap CPU time, e.g. 0.5 as on Gradescope")
    parser.add_argument("--json", type=Path, help="also write the rows here as JSON")
    parser.add_argument(
        "--figures", type=Path, help="run --each and --all and write the bundle's memory figures"
    )
    args = parser.parse_args()
    if args.figures:
        args.each = args.all = True
    selections = [[e.id] for e in catalog.exercises()] if args.each else []
    selections += [args.exercise] if args.exercise else []
    selections += [[]] if args.all or not selections else []
    print(
        f"Machine: {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.1f}, interpreter {args.python}, CPU cap {args.cpus or 'none'}, "
        f"time scale {args.time_scale:g}\n"
    )
    print(
        "| exercises | limit | peak (charged) | peak anon + shmem | score | time | timeouts | grader killed |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    runs = []
    for exercises in selections:
        for limit in [None, *args.limit]:
            runs.append(grade_in_group(exercises, limit, args))
            print(row(runs[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps([asdict(run) for run in runs], indent=2) + "\n")
    if args.figures:
        write_figures(args.figures, [run for run in runs if run.limit_mb is None])


def write_figures(path: Path, runs: list[Run]) -> None:
    """The peaks `autograder.bundle_config.advice` reads, with where they were measured."""
    import torch

    incomplete = [run.exercises for run in runs if run.killed or run.score != run.max_score]
    if incomplete:
        raise SystemExit(f"not writing figures: {', '.join(incomplete)} did not grade to full marks")
    figures = {
        "measured_on": f"{os.cpu_count()} vCPUs, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}, torch {torch.__version__}, cgroup "
        f"v{MemoryGroup.own_memory_group()[0]}, {time.strftime('%Y-%m-%d')}",
        "one_exercise_mib": {run.exercises: round(run.peak_mib) for run in runs if run.exercises != "all"},
        "all_exercises_mib": next(round(run.peak_mib) for run in runs if run.exercises == "all"),
    }
    path.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
