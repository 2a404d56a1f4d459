"""Packaging the grader for other platforms: the Gradescope autograder bundle.

`autograder gradescope-bundle OUT.zip` writes a zip with `setup.sh` and
`run_autograder` at its root (Gradescope's contract) and the kit's source,
hidden checks and reference solutions included, beside them: the bundle is
for the instructor's Gradescope account, never for students.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from autograder.catalog import KIT_ROOT

TEMPLATES = Path(__file__).resolve().parent / "templates"
SOURCE_PARTS = ("autograder", "solutions", "datasets", "pyproject.toml", "README.md")
SKIPPED = ("__pycache__", ".pyc", ".egg-info")


def _source_files() -> list[Path]:
    files = []
    for part in SOURCE_PARTS:
        path = KIT_ROOT / part
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        files += [p for p in candidates if not any(skip in str(p) for skip in SKIPPED)]
    return files


def _add(bundle: zipfile.ZipFile, path: Path, name: str, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = ((0o755 if executable else 0o644) | 0o100000) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, path.read_bytes())


def gradescope_bundle(out: Path) -> Path:
    """Write the Gradescope autograder zip (reproducible: fixed timestamps, sorted entries)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as bundle:
        for name in ("setup.sh", "run_autograder"):
            _add(bundle, TEMPLATES / "gradescope" / name, name, executable=True)
        for path in _source_files():
            _add(bundle, path, str(path.relative_to(KIT_ROOT)))
    return out
