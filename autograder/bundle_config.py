"""What a Gradescope bundle is for: written into it as `gradescope.json`, read when it grades.

The instructor's choices (`autograder gradescope-bundle` options) travel in the bundle, so
`run_autograder` on Gradescope grades exactly the exercises the assignment is for, with the
check visibility, time scale and isolation floor chosen when it was built. The settings the
instructor must make on Gradescope (memory, timeout) come from measured figures and the exercises'
time budgets, and `setup.sh` prints them.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder import catalog
from autograder.errors import KitError

CONFIG_NAME = "gradescope.json"
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
MEMORY_FIGURES = Path(__file__).resolve().parent / "templates" / "gradescope" / "memory.json"
GRADESCOPE_DEFAULT_MB = 768
GRADESCOPE_DEFAULT_TIMEOUT_MIN = 10
GRADESCOPE_MAX_TIMEOUT_MIN = 40
START_UP_S = 90  # the template importing torch on half a vCPU, and the grader's own imports
MARGIN = 1.15  # over the measured peak: other hosts, other library builds
MIB_IN_MB = 1.048576


@dataclass
class BundleConfig:
    """The choices one bundle carries (see `autograder gradescope-bundle --help`)."""

    exercises: list[str]
    visibility: str = "after_due_date"
    time_scale: float = 1.0
    allow_minimal: bool = False
    lang: str = "both"
    # checks whose verdict the student's own visible tests already give (same name): always visible
    visible_checks: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.exercises:
            raise KitError("a bundle grades at least one exercise")
        for exercise_id in self.exercises:
            catalog.get(exercise_id)
        if self.visibility not in VISIBILITIES:
            raise KitError(f"--visibility {self.visibility!r}: use one of {', '.join(VISIBILITIES)}")
        if not 0 < self.time_scale <= 20:
            raise KitError(f"--time-scale {self.time_scale:g}: give a factor above 0 and at most 20")

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def load(cls, path: Path) -> BundleConfig:
        """The configuration a bundle was built with; KitError naming the file when it is unreadable."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise KitError(
                f"{path}: not a bundle configuration written by `autograder gradescope-bundle` ({exc})"
            ) from None


@dataclass(frozen=True)
class Advice:
    """The Gradescope settings a bundle needs, with the figures they come from."""

    memory_mb: int  # the least "Memory" setting that fits, in MB as Gradescope counts
    measured_mib: float  # the measured peak it is based on
    measured_on: str
    timeout_min: int  # the least "Timeout" setting that lets every time limit run out

    def lines(self) -> list[str]:
        """What setup.sh prints for the instructor."""
        memory = (
            f"Memory: set the assignment's autograder memory to at least {self.memory_mb} MB "
            f"(Gradescope's default is {GRADESCOPE_DEFAULT_MB} MB); grading these exercises peaked at "
            f"{self.measured_mib:.0f} MiB in a memory cgroup ({self.measured_on})."
        )
        if self.memory_mb <= GRADESCOPE_DEFAULT_MB:
            memory = (
                f"Memory: Gradescope's default {GRADESCOPE_DEFAULT_MB} MB is enough; grading these exercises "
                f"peaked at {self.measured_mib:.0f} MiB in a memory cgroup ({self.measured_on})."
            )
        timeout = f"Timeout: set the autograder timeout to at least {self.timeout_min} minutes"
        if self.timeout_min <= GRADESCOPE_DEFAULT_TIMEOUT_MIN:
            timeout = f"Timeout: Gradescope's default {GRADESCOPE_DEFAULT_TIMEOUT_MIN} minutes is enough"
        timeout += " (every exercise's time budget used up, plus start-up)."
        return [memory, timeout]


def _figures() -> dict:
    return json.loads(MEMORY_FIGURES.read_text(encoding="utf-8"))


def advice(exercises: list[str], time_scale: float) -> Advice:
    """Settings for grading `exercises`: memory from the measured peaks (one exercise alone, else the
    measured run of all of them, an upper bound for any subset), timeout from the time budgets."""
    figures = _figures()
    if len(exercises) == 1 and exercises[0] in figures["one_exercise_mib"]:
        measured = figures["one_exercise_mib"][exercises[0]]
    else:
        measured = figures["all_exercises_mib"]
    needed_mb = measured * MIB_IN_MB * MARGIN
    memory_mb = (
        GRADESCOPE_DEFAULT_MB if needed_mb <= GRADESCOPE_DEFAULT_MB else math.ceil(needed_mb / 256) * 256
    )
    budget_s = sum(catalog.get(e).budget_s for e in exercises) * time_scale + START_UP_S
    timeout_min = int(math.ceil(budget_s / 60))
    if timeout_min > GRADESCOPE_MAX_TIMEOUT_MIN:
        raise KitError(
            f"these exercises' time limits add up to {timeout_min} minutes at --time-scale "
            f"{time_scale:g}, past Gradescope's {GRADESCOPE_MAX_TIMEOUT_MIN}-minute maximum: "
            f"make one assignment per exercise, or fewer exercises per bundle"
        )
    return Advice(memory_mb, measured, figures["measured_on"], timeout_min)
