"""CI set-ups for course repositories: `autograder ci-template github|shell [--gpu] [--out DIR]`.

`github` writes a GitHub Actions workflow that fetches the instructor's private
grader (hidden checks included) by secret, grades the push or pull request,
uploads the kit's JSON and JUnit, writes a job summary, and fails below an
optional `--fail-under`. `shell` writes the plain entry point the workflow runs,
for any other CI system.
"""
from __future__ import annotations

from pathlib import Path

from autograder.errors import KitError

TEMPLATES = Path(__file__).resolve().parent / "templates"
GPU_LABELS = ("self-hosted", "linux", "gpu")

GPU_STEP = """      - name: Check for a GPU
        run: |
          if ! command -v nvidia-smi >/dev/null || ! nvidia-smi; then
            echo "::error::no NVIDIA GPU on this runner (nvidia-smi failed): give the job a runner labelled {labels} with a working driver"
            exit 1
          fi"""


def github_workflow(gpu: bool = False, fail_under: float | None = None) -> str:
    """The workflow's text: CPU on GitHub's hosted runners, or a self-hosted GPU runner with --gpu."""
    text = (TEMPLATES / "github" / "grade.yml").read_text(encoding="utf-8")
    runs_on = f"[{', '.join(GPU_LABELS)}]" if gpu else "ubuntu-latest"
    replacements = {
        "@RUNS_ON@": runs_on,
        "@DEVICE@": "cuda" if gpu else "cpu",
        "@FAIL_UNDER@": "" if fail_under is None else f"{fail_under:g}",
        "@GPU_STEP@\n": GPU_STEP.format(labels=", ".join(GPU_LABELS)) + "\n" if gpu else "",
    }
    for marker, value in replacements.items():
        text = text.replace(marker, value)
    return text


def shell_entry_point() -> str:
    """The plain shell script that grades a submission, as the workflow's Grade step runs it."""
    return (TEMPLATES / "ci" / "grade.sh").read_text(encoding="utf-8")


def write(kind: str, out: Path, gpu: bool = False, fail_under: float | None = None) -> Path:
    """Write the `kind` ("github" or "shell") set-up under `out`; the file written."""
    if fail_under is not None and not 0 <= fail_under <= 100:
        raise KitError(f"--fail-under {fail_under:g}: give a percentage between 0 and 100")
    if kind == "github":
        target, text = out / ".github" / "workflows" / "grade.yml", github_workflow(gpu, fail_under)
    elif kind == "shell":
        target, text = out / "ci" / "grade.sh", shell_entry_point()
    else:
        raise KitError(f"unknown CI kind {kind!r}: use github or shell")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    if kind == "shell":
        target.chmod(0o755)
    return target
