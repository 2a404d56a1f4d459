"""What a hidden check's run yields besides passing: its worth, a failure, a "not judged", notes and data.

A check fails with `fail(en, zh)` (a wrong answer, said in both languages). When it cannot be judged
because another of the student's functions it needs is already wrong (and charged by its own check),
it raises `not_judged_because(blocked_by, en, zh)` (`problems.NotJudged`): status `not_judged`, worth 0
of its points, never counted as a failure, so one bug is charged once. `note` and `attach` keep remarks and
report data. Re-exported by `autograder.checking`, where checks import everything from.
"""

from __future__ import annotations

from typing import Any, NoReturn

import pytest

from autograder.i18n import Text
from autograder.problems import NotJudged


def points(value: float):
    """Mark a check as worth `value` points."""
    return pytest.mark.points(value)


cuda_only = pytest.mark.cuda
"""Mark a check that only means something on a GPU: collected when grading with --device cuda,
reported as skipped (worth nothing) otherwise."""


class CheckFailed(AssertionError):
    """The student's answer is wrong; `text` says how, in both languages."""

    def __init__(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text.plain(text)
        super().__init__(self.text.render())

    def __str__(self) -> str:
        return self.text.render()


def fail(en: str, zh: str) -> NoReturn:
    """Fail the check with a bilingual message."""
    raise CheckFailed(Text(en, zh))


def not_judged_because(blocked_by: str, because_en: str, because_zh: str) -> NoReturn:
    """Stop the check as not judged: `blocked_by` (a function or class of the student's) is wrong in a
    way another check already charges, and this check needs it. Worth 0, never counted as a failure;
    the message reads "not judged: <because>; fix <blocked_by> first"."""
    raise NotJudged(
        Text(
            f"not judged: {because_en}; fix {blocked_by} first",
            f"未评判：{because_zh}；请先改正 {blocked_by}",
        ),
        blocked_by,
    )


_notes: list[Text] = []
_attachments: dict[str, Any] = {}


def note(en: str, zh: str) -> None:
    """Attach a remark to the running check, shown even when it passes (e.g. a measured accuracy)."""
    _notes.append(Text(en, zh))


def take_notes() -> Text | None:
    """The remarks attached since the last call, joined; clears them."""
    if not _notes:
        return None
    text = Text("; ".join(n.en for n in _notes), "；".join(n.zh for n in _notes))
    _notes.clear()
    return text


def attach(key: str, value: Any) -> None:
    """Keep JSON-ready data (numbers, strings, lists, dicts) for the exercise's report page under `key`."""
    _attachments[key] = value


def take_attachments() -> dict[str, Any]:
    """The data attached since the last call; clears them."""
    taken = dict(_attachments)
    _attachments.clear()
    return taken
