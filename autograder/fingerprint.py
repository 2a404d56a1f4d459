"""What graded a result: the grader's fingerprint, recorded in every result (`fingerprint`).

Four parts, so that a resumed batch can say why it regrades a student:
  kit        the kit's version;
  exercises  the exercise selection asked for (all, or the --exercise ids) and the device kind
             (GPU-only checks count on CUDA only);
  checks     the hidden checks and their helpers (`autograder/hidden/`, `checking.py` and the
             `expectations.py` and `each_case.py` it re-exports), the probes
             (`autograder/worker/probes/`), the reference solutions and the catalog;
  data       the data plan: the data module (synthetic sets, held-out splits) and which data root.
The string reads `kit=0.1.0 exercises=3c9a1f02 checks=8e21d0a4b7c3 data=51aa09e2`. The real data
under a data root is named by its path, not hashed (it is large); replacing it in place is not seen.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from autograder import catalog
from autograder.i18n import Text
from autograder.options import GradeOptions

PACKAGE = catalog.KIT_ROOT / "autograder"
CHECK_SOURCES = (
    PACKAGE / "hidden",
    PACKAGE / "worker" / "probes",
    PACKAGE / "checking.py",
    PACKAGE / "expectations.py",
    PACKAGE / "each_case.py",
    catalog.SOLUTIONS_DIR,
    catalog.CATALOG_FILE,
)
DATA_SOURCES = (PACKAGE / "data.py",)
PARTS = ("kit", "exercises", "checks", "data")


@dataclass(frozen=True)
class Fingerprint:
    """The four parts; `str()` is the form results record."""

    kit: str
    exercises: str
    checks: str
    data: str

    def __str__(self) -> str:
        return " ".join(f"{name}={getattr(self, name)}" for name in PARTS)

    @classmethod
    def parse(cls, text: object) -> Fingerprint | None:
        """Back from `str()`; None for anything else (a result written before fingerprints)."""
        if not isinstance(text, str):
            return None
        fields = dict(item.partition("=")[::2] for item in text.split())
        return cls(**fields) if set(fields) == set(PARTS) else None

    def differences(self, other: Fingerprint) -> list[Text]:
        """What changed from `other` to this one, one line per part."""
        lines = []
        if self.kit != other.kit:
            lines.append(
                Text(f"kit version {other.kit} -> {self.kit}", f"工具包版本 {other.kit} -> {self.kit}")
            )
        if self.exercises != other.exercises:
            lines.append(Text("a different exercise selection or device", "所选练习或设备不同"))
        if self.checks != other.checks:
            lines.append(Text("the hidden checks, probes or reference solutions", "隐藏检查、探针或参考答案"))
        if self.data != other.data:
            lines.append(Text("the data plan", "数据方案"))
        return lines


def kit_version() -> str:
    """The installed kit's version (`unknown` when run from a checkout that was never installed)."""
    try:
        return metadata.version("torch-exercise-kit")
    except metadata.PackageNotFoundError:
        return "unknown"


def hash_files(sources: tuple[Path, ...], base: Path) -> str:
    """sha256 of every regular file under `sources` (folders walked, caches skipped), each named by its
    path relative to `base`."""
    digest = hashlib.sha256()
    files: list[Path] = []
    for source in sources:
        if source.is_file():
            files.append(source)
        elif source.is_dir():
            files.extend(
                path
                for path in source.rglob("*")
                if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith(".")
            )
    for path in sorted(files):
        digest.update(str(path.relative_to(base)).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@functools.lru_cache(maxsize=8)
def _checks_and_data(base: Path) -> tuple[str, str]:
    return hash_files(CHECK_SOURCES, base)[:12], hash_files(DATA_SOURCES, base)[:8]


def compute(exercises: list[str], device: str, data_root: Path | None) -> Fingerprint:
    """The fingerprint of grading `exercises` (empty: all) on `device` with data from `data_root`."""
    checks, data = _checks_and_data(catalog.KIT_ROOT)
    selection = ",".join(sorted(exercises)) or "all"
    kind = "cuda" if device.startswith("cuda") else "cpu"
    chosen = hashlib.sha256(f"{selection};{kind}".encode()).hexdigest()[:8]
    root = os.path.abspath(data_root) if data_root else "synthetic"
    data_plan = hashlib.sha256(f"{data};{root}".encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return Fingerprint(kit_version(), chosen, checks, data_plan)


def of(options: GradeOptions, device: str) -> str:
    """The fingerprint a result graded with `options` on the resolved `device` records."""
    return str(compute(options.exercises, device, options.data_root))
