"""`autograder watch NN`: re-run an exercise's visible tests on every save, answering in well under a second.

The slow part of a run is importing torch (2-4 s on a small machine). The watcher imports torch,
torchvision, pytest and the kit's feedback once, then forks a child for each run: the child starts
with all of that already in memory (the same warm-template idea as the grader's sandbox), imports
only the student's module and the tests, runs them, prints the result and exits, so no state of one
run leaks into the next. Saves are noticed by polling the folder's files (no extra dependency).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from autograder.catalog import Exercise
from autograder.i18n import Text
from autograder.learning import visible
from autograder.learning.workspace import Workspace

POLL_S = 0.05
SETTLE_S = 0.05  # editors write a file in several steps: wait this long after the last change


def warm_up() -> None:
    """Import what every run of the visible tests needs, once, in the watcher: torch, torchvision, pytest
    and its installed plugins. Then freeze the garbage collector's view of all that, so the collections
    pytest runs in each child do not walk torch's whole heap again (about 0.9 s a run otherwise)."""
    import gc
    import importlib
    from importlib.metadata import entry_points

    import numpy  # noqa: F401
    import PIL.Image  # noqa: F401
    import pytest  # noqa: F401
    import torch  # noqa: F401
    import torchvision  # noqa: F401
    from torch import nn  # noqa: F401

    import autograder.learning.feedback  # noqa: F401

    for entry in entry_points(group="pytest11"):
        try:
            importlib.import_module(entry.module)
        except Exception:  # noqa: BLE001 - a broken plugin is pytest's to report in the run itself
            continue
    gc.collect()
    gc.freeze()


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """(mtime in ns, size) of each Python file in the exercise folder."""
    found = {}
    for path in folder.glob("*.py"):
        try:
            info = path.stat()
        except OSError:
            continue
        found[path.name] = (info.st_mtime_ns, info.st_size)
    return found


def _one_thread_after_fork() -> None:
    """Keep torch to one thread in a forked child: a thread pool the parent already started is not
    there after fork, and the first parallel op would wait for it forever (DataLoader's workers do
    the same). The visible tests' tensors are small, so one thread is no slower."""
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


def run_once(workspace: Workspace, exercise: Exercise) -> int:
    """One run of the visible tests in a forked child (a fresh process where fork is unavailable)."""
    sys.stdout.flush()
    sys.stderr.flush()
    if not hasattr(os, "fork"):
        command = [sys.executable, "-m", "pytest", *visible.pytest_args(workspace, exercise)]
        return subprocess.run(command, cwd=workspace.root, check=False).returncode
    pid = os.fork()
    if pid == 0:  # the child: run, flush, leave without tearing anything down
        code = 3
        try:
            _one_thread_after_fork()
            code = visible.run(workspace, exercise)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def watch(workspace: Workspace, exercise: Exercise, once: bool = False) -> int:
    """Run now, then again after every save, until Ctrl-C (`once`: stop after the first run after a save)."""
    folder = workspace.exercises_dir / exercise.id
    print(
        Text(
            f"Watching {folder.relative_to(workspace.root)}/ (Ctrl-C stops); loading torch...",
            f"正在监视 {folder.relative_to(workspace.root)}/（Ctrl-C 停止）；正在加载 torch……",
        ).render(),
        flush=True,
    )
    warm_up()
    seen = snapshot(folder)
    run_once(workspace, exercise)
    print(Text("Waiting for a save...", "等待保存……").render(), flush=True)
    try:
        while True:
            time.sleep(POLL_S)
            now = snapshot(folder)
            if now == seen:
                continue
            time.sleep(SETTLE_S)
            seen = snapshot(folder)
            print(
                Text("--- saved: running the visible tests", "--- 已保存：运行可见测试").render(), flush=True
            )
            run_once(workspace, exercise)
            if once:
                return 0
            print(Text("Waiting for a save...", "等待保存……").render(), flush=True)
    except KeyboardInterrupt:
        return 0
