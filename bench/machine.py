"""The machine a benchmark ran on, in one line, printed with its figures (shared by the scripts in bench/)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe(*extra: str) -> str:
    """CPUs and their model, memory, OS, Python and torch versions, then `extra` (a load average, ...)."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    import torch

    parts = [
        f"{os.cpu_count()} CPUs ({model})",
        f"{memory:.0f} GiB RAM",
        f"{platform.system()} {platform.release()}",
        f"Python {platform.python_version()}",
        f"torch {torch.__version__}",
        *extra,
    ]
    return ", ".join(parts)
