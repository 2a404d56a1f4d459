"""Process trees, as the template sees them in /proc: find a worker's descendants and kill them all.

The template is a child subreaper, so anything a worker starts (a `setsid` daemon included) stays
below it; killing freezes every process of the tree first (SIGSTOP) so none can fork away from the
sweep, then SIGKILLs them, repeating until none is left.
"""

from __future__ import annotations

import os
import signal
import time


def process_table() -> dict[int, tuple[int, str]]:
    """pid -> (ppid, state) for every process visible in /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        rest = stat[stat.rfind(b")") + 2 :].split()
        table[int(entry)] = (int(rest[1]), rest[0].decode())
    return table


def descendants(table: dict[int, tuple[int, str]], roots: set[int]) -> set[int]:
    """`roots` and every process below them in `table`."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _state) in table.items():
        children.setdefault(ppid, []).append(pid)
    found: set[int] = set()
    stack = list(roots)
    while stack:
        pid = stack.pop()
        if pid in found:
            continue
        found.add(pid)
        stack.extend(children.get(pid, ()))
    return found


def _stop_and_kill(pids: set[int]) -> None:
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass


def _alive(table: dict[int, tuple[int, str]], pids: set[int]) -> set[int]:
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


def kill_process_tree(root: int, patience_s: float = 5.0) -> None:
    """Freeze then SIGKILL `root` and every descendant, repeating until none is left."""
    deadline = time.monotonic() + patience_s
    targets = {root}
    while time.monotonic() < deadline:
        table = process_table()
        targets = _alive(table, descendants(table, targets) | targets)
        if not targets:
            return
        _stop_and_kill(targets)
        time.sleep(0.001)


def kill_children_except(parent: int, keep: set[int]) -> None:
    """Kill the trees of `parent`'s children other than those in `keep`."""
    table = process_table()
    strays = {
        pid for pid, (ppid, state) in table.items() if ppid == parent and pid not in keep and state != "Z"
    }
    for pid in strays:
        kill_process_tree(pid)
