"""Running the real nbgrader, in process: `generate_assignment` for the release, with the PATH it needs.

nbgrader is an optional extra (it brings jupyterlab, notebook and jupyter_server); everything here
says how to install it when it is missing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from autograder.errors import KitError

INSTALL_HINT = "pip install 'torch-exercise-kit[nbgrader]' (in a checkout: pip install -e '.[nbgrader]')"


class NbgraderMissing(KitError):
    """A command needs nbgrader, which is not installed."""


def require_nbgrader(what: str) -> None:
    """NbgraderMissing, with the install command, when nbgrader cannot be imported."""
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        raise NbgraderMissing(f"{what} needs nbgrader, which is not installed here: {INSTALL_HINT}") from None


def nbgrader_env() -> dict[str, str]:
    """This process's environment with this interpreter's bin folder first on PATH: nbgrader runs `alembic`
    from PATH, and an unactivated virtualenv does not put it there."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    parts = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != bin_dir]
    env["PATH"] = os.pathsep.join([bin_dir, *parts])
    return env


def nbgrader_api(course: Path):
    """An in-process `nbgrader.apps.NbGraderAPI` for the course, with its nbgrader_config.py loaded.

    Sets PATH for this process (nbgrader runs `alembic` when it creates a gradebook)."""
    require_nbgrader("running nbgrader")
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    os.environ["PATH"] = nbgrader_env()["PATH"]
    config = Config()
    if (course / "nbgrader_config.py").is_file():
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config())
    config.CourseDirectory.root = str(course.resolve())
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def release(course: Path, exercise_ids: list[str]) -> list[str]:
    """`nbgrader generate_assignment` for each exercise (through the API); the release folders written."""
    api = nbgrader_api(course)
    written = []
    for exercise_id in exercise_ids:
        outcome = api.generate_assignment(exercise_id, force=True, create=True)
        if not outcome.get("success"):
            details = "\n".join(line for line in outcome.get("log", "").splitlines() if "ERROR" in line)
            raise KitError(f"nbgrader generate_assignment {exercise_id} failed:\n{details[-4000:]}")
        written.append(str(course / "release" / exercise_id))
    return written
