"""What `autograder new` is asked to make: a new exercise's names and its course lesson, validated.

The id is `NN_topic`: NN is the next number in the catalog (exercises stay numbered in course
order without gaps), `topic` names the probe module (`probes/<topic>.py`) and the hidden checks
(`hidden/test_NN_topic.py`); the module is the student's file (`<module>.py`) and names the
visible tests (`test_<module>.py`) and their fixture. The lesson is a heading of the course notes,
found in them so the exercise's README and hints point at a place a student can reread.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder.errors import KitError

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ID_PATTERN = re.compile(r"^(?P<number>\d\d)_(?P<topic>[a-z][a-z0-9_]*)$")
MODULE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
TAKEN_MODULES = {"torch", "torchvision", "numpy", "autograder", "conftest", "test", "tests"}


class ScaffoldError(KitError):
    """A new exercise that cannot be made as asked (a taken name, a wrong number, a lesson not found)."""


@dataclass(frozen=True)
class Lesson:
    """The course lesson an exercise comes from: the notes file, its heading, and how to name it."""

    notes: str
    heading: str
    en: str
    zh: str


@dataclass(frozen=True)
class NewExercise:
    """Everything the templates are filled with."""

    id: str
    module: str
    title: str
    title_zh: str
    lesson: Lesson

    @property
    def number(self) -> str:
        return self.id[:2]

    @property
    def topic(self) -> str:
        return self.id[3:]

    def values(self) -> dict[str, str]:
        """The templates' placeholders; `*_toml` ones are quoted TOML strings."""
        plain = {
            "id": self.id,
            "number": self.number,
            "topic": self.topic,
            "module": self.module,
            "title": self.title,
            "title_zh": self.title_zh,
            "notes": self.lesson.notes,
            "heading": self.lesson.heading,
            "lesson_en": self.lesson.en,
            "lesson_zh": self.lesson.zh,
            "lesson_en_capitalized": self.lesson.en[:1].upper() + self.lesson.en[1:],
        }
        quoted = {
            f"{key}_toml": toml_string(plain[key])
            for key in ("title", "title_zh", "notes", "heading", "lesson_en", "lesson_zh")
        }
        return {**plain, **quoted}


def toml_string(text: str) -> str:
    """`text` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def catalog_entries(root: Path) -> list[dict]:
    """The exercises listed in `root`'s catalog, as written there."""
    with open(root / "autograder" / "exercises.toml", "rb") as handle:
        return list(tomllib.load(handle).get("exercise", []))


def check_names(root: Path, exercise_id: str, module: str) -> None:
    """ScaffoldError unless `exercise_id` is the next `NN_topic` and `module` a free, importable name."""
    match = ID_PATTERN.match(exercise_id)
    if not match:
        raise ScaffoldError(
            f"{exercise_id!r} is not an exercise id: write NN_topic, two digits and a "
            f"lowercase topic in snake_case (e.g. 20_dropout_batchnorm)"
        )
    entries = catalog_entries(root)
    if any(entry["id"] == exercise_id for entry in entries):
        raise ScaffoldError(f"exercise {exercise_id} is already in the catalog")
    wanted = f"{len(entries) + 1:02d}"
    if match["number"] != wanted:
        raise ScaffoldError(
            f"the next exercise is number {wanted} (the catalog has {len(entries)}): "
            f"call it {wanted}_{match['topic']}"
        )
    if not MODULE_PATTERN.match(module) or keyword.iskeyword(module):
        raise ScaffoldError(f"{module!r} cannot be a module name: use lowercase letters, digits and _")
    if module in TAKEN_MODULES or module in sys.stdlib_module_names:
        raise ScaffoldError(
            f"a student module named {module!r} would hide the package of that name: choose another"
        )
    users = [entry["id"] for entry in entries if entry["module"] == module]
    if users:
        raise ScaffoldError(f"module {module!r} is already the student's file of {users[0]}: choose another")
    probe = root / "autograder" / "worker" / "probes" / f"{match['topic']}.py"
    if probe.exists() or match["topic"] == "generic":
        raise ScaffoldError(f"a probe module named {match['topic']!r} exists already: choose another topic")


def headings(text: str) -> list[str]:
    """The Markdown headings of a notes file, without their `#`s."""
    return [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]


def find_lesson(notes_dir: Path | None, heading: str, notes_file: str | None = None) -> tuple[str, str]:
    """(notes file, exact heading) for `heading`, an exact heading of the notes or a part of exactly one.

    Without the notes at hand, `notes_file` and the exact heading are taken as given."""
    if notes_dir is None or not notes_dir.is_dir():
        if notes_file is None:
            raise ScaffoldError(
                f"the course notes are not at {notes_dir}: pass --notes DIR, or --notes-file "
                f"NAME with the exact heading"
            )
        return notes_file, heading
    files = [notes_dir / notes_file] if notes_file else sorted(notes_dir.glob("*.txt"))
    exact, partial = [], []
    for path in files:
        if not path.is_file():
            raise ScaffoldError(f"no notes file {path}")
        for found in headings(path.read_text(encoding="utf-8")):
            if found == heading:
                exact.append((path.name, found))
            elif heading in found:
                partial.append((path.name, found))
    matches = exact or partial
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ScaffoldError(f"no heading of the course notes in {notes_dir} contains {heading!r}")
    listed = "; ".join(f"{name}: {found}" for name, found in matches[:8])
    raise ScaffoldError(
        f"{len(matches)} headings match {heading!r} ({listed}): give the whole heading, or --notes-file"
    )
