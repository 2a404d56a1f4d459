"""Shared fixtures for the kit's own tests: one warm sandbox for the whole session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from containment_kit import hostile, level_sandbox  # noqa: F401  (fixtures of the hostile corpus)

from autograder import catalog
from autograder.sandbox import Sandbox

SHARED_DATA = catalog.KIT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def sandbox():
    box = Sandbox().start()
    yield box
    box.close()


@pytest.fixture(scope="session")
def grade(sandbox):
    """grade(path, exercises=[...], **options) -> GradeResult, reusing the session's warm template."""
    from autograder import grading

    def run(path: Path, exercises: list[str] | None = None, **options):
        opts = grading.GradeOptions(exercises=list(exercises or []), device="cpu", threads=2)
        for key, value in options.items():
            setattr(opts, key, value)
        return grading.grade(Path(path), opts, sandbox=sandbox)

    return run


@pytest.fixture(scope="session")
def real_data_root() -> Path:
    """../shared/data (or $AUTOGRADER_DATA) when it holds the real sets; skip otherwise."""
    root = Path(os.environ.get("AUTOGRADER_DATA") or SHARED_DATA)
    if not (root / "hymenoptera_data").is_dir() or not (root / "cifar10-jpg.tar.gz").exists():
        pytest.skip(f"real data not found under {root} (see datasets/README.md)")
    return root


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The hostile corpus runs at `strict` (the level the kit deploys) in the fast tier, and again at
    `reduced` (the fallback where bubblewrap is missing) in the slow tier; so do the real data sets."""
    for item in items:
        if item.get_closest_marker("real_data"):
            item.add_marker(pytest.mark.slow)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "reduced" in [v for v in callspec.params.values() if isinstance(v, str)]:
            item.add_marker(pytest.mark.slow)
