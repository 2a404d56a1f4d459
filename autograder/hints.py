"""Hints, the single source: three levels per function to write, in English and Chinese.

Each exercise keeps a `hints.toml` (in the kit beside its solution, `solutions/NN_topic/hints.toml`;
in a student release under `.course/hints/NN_topic.toml`) with the course lesson it comes from and,
for every function or method a solution region sits in, three levels: `idea` (1: what to do and
why), `api` (2: which calls to use) and `code` (3: close to code, never a line of the solution).
The stubs show level 1 only; `autograder hint NN --level 2|3` shows the others when asked; the
judge and the visible tests attach level 1 to a failure.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from autograder.errors import KitError
from autograder.i18n import Text

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

LEVELS = ("idea", "api", "code")


class HintError(KitError):
    """A hints file that is missing or malformed."""


@dataclass(frozen=True)
class Lesson:
    """Where in the course notes an exercise comes from: the notes file and the lesson's heading."""

    notes: str
    heading: str
    text: Text


@dataclass(frozen=True)
class Hint:
    """The three levels of one function's hint."""

    function: str
    levels: tuple[Text, Text, Text]

    def level(self, number: int) -> Text:
        """Level 1, 2 or 3."""
        if number not in (1, 2, 3):
            raise HintError(f"hint levels are 1, 2 and 3, not {number}")
        return self.levels[number - 1]


@dataclass(frozen=True)
class ExerciseHints:
    """An exercise's lesson and its hints, in the order of its functions."""

    exercise: str
    lesson: Lesson
    hints: tuple[Hint, ...]

    def functions(self) -> list[str]:
        return [hint.function for hint in self.hints]

    def find(self, name: str) -> Hint | None:
        """The hint for a function (`relu`), a method (`MaxPoolNet.forward`) or a class
        (its first method's)."""
        for hint in self.hints:
            if hint.function == name:
                return hint
        return next((hint for hint in self.hints if hint.function.startswith(name + ".")), None)

    def first_for(self, names: list[str]) -> Hint | None:
        """The hint of the first name in `names` that has one (a check's or a test's functions)."""
        for name in names:
            hint = self.find(name)
            if hint is not None:
                return hint
        return None


def _text(value: object, where: str) -> Text:
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) and v for v in value)):
        raise HintError(f"{where} must be [English, Chinese], two non-empty strings")
    return Text(value[0], value[1])


def parse(text: str, exercise: str, where: str) -> ExerciseHints:
    """Parse the text of a hints file; HintError naming the file and the entry when it is malformed."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise HintError(f"{where}: {exc}") from None
    lesson = raw.get("lesson", {})
    if not all(isinstance(lesson.get(key), str) for key in ("notes", "heading", "en", "zh")):
        raise HintError(f"{where}: [lesson] needs notes, heading, en and zh")
    hints = []
    for function, entry in raw.get("hints", {}).items():
        levels = tuple(_text(entry.get(level), f"{where}: hints.{function}.{level}") for level in LEVELS)
        hints.append(Hint(function, levels))  # type: ignore[arg-type]
    return ExerciseHints(
        exercise, Lesson(lesson["notes"], lesson["heading"], Text(lesson["en"], lesson["zh"])), tuple(hints)
    )


def load(path: Path, exercise: str) -> ExerciseHints:
    """The hints file at `path` for `exercise`."""
    if not path.is_file():
        raise HintError(f"no hints file {path} for exercise {exercise}")
    return parse(path.read_text(encoding="utf-8"), exercise, str(path))


def kit_hints(exercise: str) -> ExerciseHints | None:
    """The kit's hints for an exercise (solutions/NN_topic/hints.toml), or None where the kit has none."""
    from autograder import catalog

    path = catalog.SOLUTIONS_DIR / exercise / "hints.toml"
    return load(path, exercise) if path.is_file() else None


def failure_hint(hints: ExerciseHints | None, functions: list[str]) -> Text | None:
    """Level 1 of the hint for the first of `functions` that has one, for a failed check or test."""
    hint = hints.first_for(functions) if hints else None
    return hint.level(1) if hint else None
