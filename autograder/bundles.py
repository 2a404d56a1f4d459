"""Packaging the grader for Gradescope: `autograder gradescope-bundle OUT.zip [--exercise ID ...]`.

The zip holds `setup.sh` and `run_autograder` at its root (Gradescope's contract), `gradescope.json`
(what this bundle grades and how: see `bundle_config`), and the kit's source with its hidden checks
and reference solutions: it is for the instructor's Gradescope account, never for students.
`setup.sh` installs the extras the selected exercises' grading imports (`extras`), and prints the
memory and timeout settings the assignment needs.
"""

from __future__ import annotations

import ast
import shlex
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder import catalog, extras
from autograder.bundle_config import CONFIG_NAME, Advice, BundleConfig, advice
from autograder.catalog import KIT_ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

TEMPLATES = Path(__file__).resolve().parent / "templates"
SOURCE_PARTS = ("autograder", "solutions", "datasets", "pyproject.toml", "README.md", "LICENSE")
SKIPPED = ("__pycache__", ".pyc", ".egg-info")
TORCH_PACKAGES = ("torch", "torchvision")


@dataclass(frozen=True)
class Bundle:
    """A written bundle: where, what it grades, and the Gradescope settings it needs."""

    path: Path
    config: BundleConfig
    extras: list[str]
    advice: Advice


def _source_files() -> list[Path]:
    files = []
    for part in SOURCE_PARTS:
        path = KIT_ROOT / part
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        files += [p for p in candidates if not any(skip in str(p) for skip in SKIPPED)]
    return files


def _add(bundle: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = ((0o755 if executable else 0o644) | 0o100000) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, data)


def defined_tests(path: Path) -> set[str]:
    """Names of the test functions defined at the top level of a test file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


def visible_counterparts(exercise: catalog.Exercise) -> list[str]:
    """Hidden checks that have a visible test of the same name in the exercise students receive.

    Such a check judges what the student's own `pytest` run already reports, so its verdict on
    Gradescope tells them nothing new: it stays visible whatever --visibility says."""
    visible = set()
    for path in sorted((catalog.EXERCISES_DIR / exercise.id).glob("test_*.py")):
        visible |= defined_tests(path)
    return sorted(name.removeprefix("test_") for name in defined_tests(exercise.hidden_checks) & visible)


def torch_requirements() -> list[str]:
    """The kit's own torch and torchvision ranges, installed first from the CPU-only wheel index."""
    with open(KIT_ROOT / "pyproject.toml", "rb") as handle:
        dependencies = tomllib.load(handle)["project"]["dependencies"]
    return [r for r in dependencies if extras.requirement_name(r) in TORCH_PACKAGES]


def setup_script(config: BundleConfig, needed: list[str], settings: Advice) -> str:
    """setup.sh for this bundle: its extras and the settings it prints."""
    text = (TEMPLATES / "gradescope" / "setup.sh").read_text(encoding="utf-8")
    replacements = {
        "@EXERCISES@": ", ".join(config.exercises),
        "@EXTRAS_NOTE@": ", ".join(needed) if needed else "none needed",
        "@TORCH@": " ".join(shlex.quote(r) for r in torch_requirements()),
        "@EXTRAS@": f"[{','.join(needed)}]" if needed else "",
        "@SETTINGS@": "\n".join(settings.lines()),
    }
    for marker, value in replacements.items():
        text = text.replace(marker, value)
    return text


def gradescope_bundle(
    out: Path,
    exercises: list[str] | None = None,
    visibility: str = "after_due_date",
    time_scale: float = 1.0,
    allow_minimal: bool = False,
    lang: str = "both",
) -> Bundle:
    """Write the Gradescope autograder zip for `exercises` (all when none are named).

    Reproducible: fixed timestamps, sorted entries. KitError for an unknown exercise or visibility,
    or time limits past Gradescope's maximum timeout."""
    chosen = [catalog.get(e) for e in exercises] if exercises else list(catalog.exercises())
    ordered = [e for e in catalog.exercises() if e in chosen]
    config = BundleConfig(
        [e.id for e in ordered],
        visibility,
        time_scale,
        allow_minimal,
        lang,
        {e.id: visible_counterparts(e) for e in ordered},
    )
    needed = extras.extras_for(ordered)
    settings = advice(config.exercises, time_scale)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as bundle:
        _add(bundle, "setup.sh", setup_script(config, needed, settings).encode(), executable=True)
        _add(
            bundle,
            "run_autograder",
            (TEMPLATES / "gradescope" / "run_autograder").read_bytes(),
            executable=True,
        )
        _add(bundle, CONFIG_NAME, config.to_json().encode())
        for path in _source_files():
            _add(bundle, str(path.relative_to(KIT_ROOT)), path.read_bytes())
    return Bundle(out, config, needed, settings)
