"""What a grading run was asked to do: one object from the command line to the worker.

`GradeOptions` is everything `autograder grade` is told; `BatchOptions` holds one (the same options
for every student of a class) plus how the class is run. The worker's `RunSettings` and the sandbox
are derived from them here and nowhere else. Light on purpose: the command line builds these before
torch is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.errors import KitError

if TYPE_CHECKING:  # both bring in heavy modules; imported when used
    from autograder.execution import RunSettings
    from autograder.sandbox import Sandbox

ISOLATION_LEVELS = ("auto", "strict", "reduced", "minimal")


def resolve_device(requested: str) -> str:
    """'auto' becomes 'cuda' when a GPU is usable here, else 'cpu'; others are checked."""
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise KitError(f"--device {requested} was asked for, but CUDA is not available on this machine")
    try:
        torch.device(requested)
    except RuntimeError:
        raise KitError(f"--device {requested!r} is not a device; use auto, cpu, cuda or cuda:N") from None
    return requested


@dataclass
class GradeOptions:
    """How one submission is graded: which exercises, where (device, sandbox level) and how fast."""

    exercises: list[str] = field(default_factory=list)  # empty: every exercise the submission holds
    device: str = "auto"
    threads: int = 2  # torch threads per worker (and for the grader's own reference work)
    data_root: Path | None = None  # real data sets; None: synthetic data
    time_scale: float = 1.0  # multiplies every time limit
    isolation: str = "auto"
    gpu_memory_fraction: float = 0.9  # of one GPU, per worker (lowered when batch slots share a GPU)

    def run_settings(self) -> RunSettings:
        """The settings every worker of this run gets (the device resolved here)."""
        from autograder.execution import RunSettings

        return RunSettings(
            threads=self.threads,
            device=resolve_device(self.device),
            time_scale=self.time_scale,
            gpu_memory_fraction=self.gpu_memory_fraction,
        )

    def start_sandbox(self, scratch_parent: Path | None = None) -> Sandbox:
        """Launch the sandbox's warm template at this run's isolation level (returns at once), its
        scratch under `scratch_parent` (default: the system's temporary folder)."""
        from autograder.sandbox import Sandbox

        return Sandbox(
            level=self.isolation, scratch_parent=str(scratch_parent) if scratch_parent else None
        ).start()


@dataclass
class BatchOptions:
    """How a class is graded: the grade options every student gets, and the slots that grade them."""

    grade: GradeOptions = field(default_factory=GradeOptions)
    jobs: int = 1  # students graded at once
    resume: bool = False  # keep results whose submission and grader fingerprint are unchanged
    backend: str = "local"  # "local" (job slots on this machine) or "ray" (actors on a Ray cluster)
    address: str | None = None  # the Ray cluster to join; None starts a local one
    nbgrader: bool = False  # each student is an nbgrader submission: grade its notebooks' answer cells
