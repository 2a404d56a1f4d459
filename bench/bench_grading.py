"""Speed and memory of grading on this machine (median of several runs), as Markdown.

(a) the extra cost of starting one exercise's worker from the warm template,
    sandbox layers included, versus a cold interpreter importing torch;
(b) wall time of `autograder grade solutions`, in full and without training;
(c) batch throughput for 20 copies of a submission with --jobs 1 and --jobs 2;
(d) peak memory of the grader, the template and a worker.

  python bench/bench_grading.py                 # everything (about 15 minutes on 2 cores)
  python bench/bench_grading.py --only a b d    # skip the long batch measurement
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))

from machine import describe  # noqa: E402

from autograder import catalog  # noqa: E402
from autograder.execution import RunSettings  # noqa: E402
from autograder.proxies import LocalModule, RemoteModule  # noqa: E402
from autograder.sandbox import Sandbox  # noqa: E402
from autograder.worker.probes import cifar10_training, generic  # noqa: E402


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms (min {min(samples) * 1000:.1f}, n={len(samples)})"


def run_cli(*args: str) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        cwd=KIT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def worker_start(runs: int) -> list[str]:
    box = Sandbox().start()
    box.wait_ready()
    exercise = catalog.get("07_maxpool")
    remote = RemoteModule(box, exercise, catalog.SOLUTIONS_DIR / exercise.id, RunSettings(threads=1))
    warm = []
    for _ in range(runs):
        started = time.perf_counter()
        remote._ensure_worker()
        warm.append(time.perf_counter() - started)
        remote._retire_worker()
    remote.close()
    level = box.isolation.level
    box.close()
    cold = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import torch, torchvision"], check=True)
        cold.append(time.perf_counter() - started)
    return [
        f"| (a) worker start from the warm template, {level} isolation, student module imported "
        f"| {median_ms(warm)} |",
        f"| (a) cold interpreter: `python -c 'import torch, torchvision'` | {median_ms(cold)} |",
    ]


def full_grading(runs: int) -> list[str]:
    without_training = [
        arg for e in catalog.exercises() if e.id != "14_cifar10_training" for arg in ("--exercise", e.id)
    ]
    full = [run_cli("grade", "solutions", "--format", "json", "--output", os.devnull) for _ in range(runs)]
    lite = [
        run_cli("grade", "solutions", "--format", "json", "--output", os.devnull, *without_training)
        for _ in range(runs)
    ]
    count = len(catalog.exercises())
    return [
        f"| (b) `autograder grade solutions`, all {count} exercises, training included | "
        f"{statistics.median(full):.1f} s (min {min(full):.1f}, n={runs}) |",
        f"| (b) the same without the training exercise | {statistics.median(lite):.1f} s "
        f"(min {min(lite):.1f}, n={runs}) |",
    ]


def batch(copies: int, runs: int) -> list[str]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        classroom = Path(folder) / "class"
        for index in range(copies):
            shutil.copytree(catalog.SOLUTIONS_DIR, classroom / f"student{index:02d}")
        rates = {}
        for jobs in (1, 2):
            seconds = []
            for run in range(runs):
                out = Path(folder) / f"out-{jobs}-{run}"
                seconds.append(run_cli("grade-batch", str(classroom), "--out", str(out), "--jobs", str(jobs)))
            rates[jobs] = copies / statistics.median(seconds) * 60
            rows.append(
                f"| (c) grade-batch, {copies} copies of solutions/, --jobs {jobs} | "
                f"{statistics.median(seconds):.0f} s, {rates[jobs]:.1f} students/min (n={runs}) |"
            )
        rows.append(f"| (c) throughput ratio --jobs 2 / --jobs 1 | {rates[2] / rates[1]:.2f}x |")
    return rows


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def memory() -> list[str]:
    from autograder.data import DataStore
    from autograder.hidden.training_plans import plan_for
    from autograder.worker import processes
    from autograder.worker.probe_nets import seeded
    from autograder.worker.trajectory import flat_state

    box = Sandbox().start()
    box.wait_ready()
    exercise = catalog.get("14_cifar10_training")
    remote = RemoteModule(box, exercise, catalog.SOLUTIONS_DIR / exercise.id, RunSettings(threads=2))
    data = DataStore()
    plan = plan_for(exercise.id, data)
    train = data.cifar("train")
    reference = LocalModule(exercise, catalog.SOLUTIONS_DIR / exercise.id)
    remote.probe(
        cifar10_training.train,
        train.images[: plan.train],
        train.labels[: plan.train],
        train.images[plan.train : plan.train + plan.val],
        train.labels[plan.train : plan.train + plan.val],
        start=flat_state(seeded(reference.module.CIFAR10Net, plan.seed)),
        epochs=plan.epochs,
        lr=plan.lr,
        batch_size=plan.batch_size,
        seed=plan.seed,
        device="cpu",
        limit=plan.snapshot_limit,
    )
    worker = remote.probe(generic.usage)
    table = processes.process_table()
    templates = [
        pid
        for pid in processes.descendants(table, {box.template_pid})
        if Path(f"/proc/{pid}/comm").read_text().strip() == "ag-template"
    ]
    template_kb = status_kb(templates[0], "VmHWM") if templates else 0
    remote.close()
    box.close()
    grader_kb = status_kb(os.getpid(), "VmHWM")
    return [
        f"| (d) peak memory of the grader (this process, after the training check) | {grader_kb / 1024:.0f} "
        f"MiB |",
        f"| (d) peak memory of the warm template | {template_kb / 1024:.0f} MiB |",
        f"| (d) peak memory of the worker that trained the CIFAR-10 network (shared pages with the template "
        f"included) | {worker['max_rss_kb'] / 1024:.0f} MiB |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=["a", "b", "c", "d"], default=["a", "b", "c", "d"])
    parser.add_argument("--runs", type=int, default=3, help="runs per wall-time figure (b)")
    parser.add_argument("--batch-runs", type=int, default=1, help="runs per batch figure (c)")
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    print(f"Machine: {describe()}\n")
    print("| measurement | result |\n| --- | --- |")
    sections = {
        "a": lambda: worker_start(20),
        "b": lambda: full_grading(args.runs),
        "c": lambda: batch(args.copies, args.batch_runs),
        "d": memory,
    }
    for key in args.only:
        for row in sections[key]():
            print(row, flush=True)


if __name__ == "__main__":
    main()
