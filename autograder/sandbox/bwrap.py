"""The bubblewrap command line that starts the template at `strict`: the view a worker's world is built on.

New user, PID, network, IPC and UTS namespaces; `/usr` and the system's library folders read-only; the
interpreter and the kit's package read-only (staged copies when the sandbox uid could not reach them);
the hidden checks covered by an empty tmpfs (the solutions are never bound); Ghostscript replaced by
/dev/null; size-capped private `/tmp` and `/dev/shm`; scratch read-write; GPUs when present.
`CAP_SYS_ADMIN` is kept inside the sandbox's user namespace so that the template can give each worker
its own namespaces; every worker drops it before student code runs.
"""

from __future__ import annotations

import os
from pathlib import Path

from autograder.catalog import HIDDEN_DIR
from autograder.sandbox import paths
from autograder.sandbox.plan import SandboxPlan
from autograder.sandbox.views import TemplateView


def command(
    bwrap: str, plan: SandboxPlan, view: TemplateView, scratch: Path, template: list[str]
) -> list[str]:
    """`template` (an argv) run inside bubblewrap as `plan` asks."""
    line = [
        bwrap,
        "--unshare-user",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--cap-add",
        "CAP_SYS_ADMIN",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(plan.tmp_bytes),
        "--tmpfs",
        "/tmp",
        "--size",
        str(plan.tmp_bytes),
        "--tmpfs",
        "/dev/shm",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    for top in paths.SYSTEM_TOPS:
        path = Path("/") / top
        if path.is_symlink():
            line += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            line += ["--ro-bind", str(path), str(path)]
    for shared in ("/sys/devices/system/cpu", "/etc/ld.so.cache"):
        if Path(shared).exists():
            line += ["--ro-bind", shared, shared]
    for node in paths.gpu_device_nodes():
        line += ["--dev-bind", node, node]
    for source in paths.python_and_kit():
        line += ["--ro-bind", str(view.staged(source)), str(source)]
    for binary in paths.ghostscript_binaries():
        line += ["--ro-bind", "/dev/null", binary]
    line += ["--tmpfs", str(HIDDEN_DIR), "--bind", str(scratch), str(scratch), "--chdir", str(scratch), "--"]
    return line + template
