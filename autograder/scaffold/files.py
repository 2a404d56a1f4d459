"""The files a new exercise needs, filled in from `autograder/templates/exercise/`.

The templates make one small working exercise (a function `scale`) with every piece the kit's
tests expect: the solution with its markers, hints in both languages, visible tests, a bilingual
README naming the course lesson, hidden checks with bilingual titles using a probe module named
after the topic, a course-style submission with its verdict, and a mutant. The contributor then
replaces `scale` with the exercise's real functions, piece by piece (CONTRIBUTING.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template

from autograder.scaffold.spec import NewExercise

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "exercise"


@dataclass(frozen=True)
class NewFile:
    """A file the scaffold creates: its path under the kit's root, and its text."""

    path: str
    text: str


def render(template: str, exercise: NewExercise) -> str:
    """The template `template` (a file name under templates/exercise/) filled for `exercise`."""
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    return Template(text).substitute(exercise.values())


def new_files(exercise: NewExercise) -> list[NewFile]:
    """Every file the exercise needs that does not exist yet (the stub is generated from the solution)."""
    e = exercise
    placed = {
        f"solutions/{e.id}/{e.module}.py": "solution.py.tmpl",
        f"solutions/{e.id}/hints.toml": "hints.toml.tmpl",
        f"exercises/{e.id}/test_{e.module}.py": "visible_test.py.tmpl",
        f"exercises/{e.id}/README.md": "README.md.tmpl",
        f"autograder/hidden/test_{e.id}.py": "hidden_checks.py.tmpl",
        f"autograder/worker/probes/{e.topic}.py": "probes.py.tmpl",
        f"tests/course_style/{e.id}/{e.module}.py": "course_style.py.tmpl",
        f"tests/course_style/{e.id}/verdict.toml": "verdict.toml.tmpl",
    }
    return [NewFile(path, render(template, exercise)) for path, template in placed.items()]
