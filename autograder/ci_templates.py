"""CI set-ups on both sides of the trust boundary: `autograder ci-template student|instructor|shell`.

`student` writes the workflow of the repository students get (`autograder release` writes the same
one into every release): the visible tests only, CPU-only PyTorch, no secret, nothing private
fetched. Students control that file, so it must hold nothing worth stealing. `instructor` writes the workflow
for the instructor's private repository (the kit with its hidden checks and a roster): by hand or on a
schedule it runs `autograder collect` (each student's last commit before the deadline, with a read-only token
from a secret) and `grade-batch --isolation strict`, and publishes the per-student results as an artifact.
With `--gpu` it runs on the instructor's self-hosted GPU runner; student code still runs only inside the kit's
sandbox. `shell` writes a script that grades one submission, for the instructor's other CI systems.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from autograder import bundles, catalog, extras
from autograder.errors import KitError

TEMPLATES = Path(__file__).resolve().parent / "templates"
GPU_LABELS = ("self-hosted", "linux", "gpu")
HOSTED_RUNNER = "ubuntu-24.04"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
CRON_FIELD = r"[0-9*/,\-A-Za-z]+"

GPU_STEP = """      - name: Check for a GPU
        run: |
          if ! command -v nvidia-smi >/dev/null || ! nvidia-smi; then
            echo "::error::no NVIDIA GPU on this runner (nvidia-smi failed): give the job a runner labelled {labels} with a working driver"
            exit 1
          fi
"""  # noqa: E501
PYTHON_STEP = """      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "3.11"
"""


def _quoted(requirements: list[str]) -> str:
    return " ".join(shlex.quote(r) for r in requirements)


def student_workflow() -> str:
    """The students' workflow, for a repository made by `autograder release`: CPU-only torch at the kit's
    ranges, the release's own packages (`pip install -e .`), its visible tests, then `autograder status`."""
    text = (TEMPLATES / "github" / "visible-tests.yml").read_text(encoding="utf-8")
    return text.replace("@TORCH@", _quoted(bundles.torch_requirements())).replace("@CPU_INDEX@", CPU_INDEX)


def _schedule(cron: str | None) -> str:
    if cron is None:
        return ""
    if not re.fullmatch(rf"{CRON_FIELD}( {CRON_FIELD}){{4}}", cron.strip()):
        raise KitError(f"--schedule {cron!r}: give a cron expression of five fields, e.g. '0 16 * * 5'")
    return f'  schedule:\n    - cron: "{cron.strip()}"\n'


def instructor_workflow(gpu: bool = False, schedule: str | None = None) -> str:
    """The instructor's workflow: collect at the deadline, grade in the strict sandbox, publish artifacts."""
    needed = extras.extras_for(catalog.exercises())
    torch = bundles.torch_requirements()
    replacements = {
        "@SCHEDULE@\n": _schedule(schedule),
        "@RUNS_ON@": f"[{', '.join(GPU_LABELS)}]" if gpu else HOSTED_RUNNER,
        "@DEVICE@": "cuda" if gpu else "cpu",
        "@GPU_STEP@@PYTHON_STEP@\n": GPU_STEP.format(labels=", ".join(GPU_LABELS)) if gpu else PYTHON_STEP,
        "@PYTHON@": "python3" if gpu else "python",
        "@TORCH_NOTE@": " (CUDA PyTorch)" if gpu else " (CPU-only PyTorch)",
        "@TORCH_INSTALL@": ""
        if gpu
        else f"          .venv/bin/python -m pip install {_quoted(torch)} --index-url {CPU_INDEX}\n",
        "@EXTRAS@": f"[{','.join(needed)}]" if needed else "",
    }
    text = (TEMPLATES / "github" / "grade-class.yml").read_text(encoding="utf-8")
    for marker, value in replacements.items():
        text = text.replace(marker, value)
    return text


def shell_entry_point() -> str:
    """The plain shell script that grades one submission with the instructor's kit."""
    return (TEMPLATES / "ci" / "grade.sh").read_text(encoding="utf-8")


def write(kind: str, out: Path, gpu: bool = False, schedule: str | None = None) -> list[Path]:
    """Write the `kind` ("student", "instructor" or "shell") set-up under `out`; the files written."""
    if kind != "instructor" and (gpu or schedule):
        raise KitError(
            "--gpu and --schedule are for `ci-template instructor`: students' workflows run only "
            "the visible tests, on GitHub's CPU runners"
        )
    if kind == "student":
        target, text = out / ".github" / "workflows" / "visible-tests.yml", student_workflow()
    elif kind == "instructor":
        target, text = out / ".github" / "workflows" / "grade-class.yml", instructor_workflow(gpu, schedule)
    elif kind == "shell":
        target, text = out / "ci" / "grade.sh", shell_entry_point()
    else:
        raise KitError(f"unknown CI kind {kind!r}: use student, instructor or shell")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    if kind == "shell":
        target.chmod(0o755)
    return [target]
