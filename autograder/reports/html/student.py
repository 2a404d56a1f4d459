"""A student's report page: per exercise the score, every check (the ones that lost points first) with
its message and hint, the training run's curves and the images a data exercise got wrong.

The page is built from a result as JSON (what `grade --format json` and `grade-batch` write), so a
saved result renders later in any language, exactly as graded.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from autograder.i18n import Text
from autograder.reports.html.environment import render
from autograder.reports.html.training import TrainingView, png_uri, training_view

FAILING = ("failed", "error", "timeout")
NEUTRAL = ("skipped", "not_judged")
STATUS = {
    "passed": (Text("passed", "通过"), "✓"),
    "failed": (Text("failed", "未通过"), "✗"),
    "error": (Text("error", "出错"), "!"),
    "timeout": (Text("timed out", "超时"), "⏱"),
    "skipped": (Text("skipped", "跳过"), "–"),
    "not_judged": (Text("not judged", "未评判"), "–"),
}


@dataclass(frozen=True)
class ImagePair:
    check: str
    caption: Text
    expected: str
    got: str


@dataclass(frozen=True)
class CheckView:
    name: str
    status: str
    score: float
    max_score: float
    title: Text  # the check's title; its name when it has none
    message: Text
    hint: Text | None
    blocked_by: str | None
    hint_above: bool = False  # an earlier check of the same exercise shows the same hint
    images: tuple[ImagePair, ...] = ()  # what the check expected and got, when it judged images

    @property
    def label(self) -> Text:
        return STATUS.get(self.status, (Text.plain(self.status), "?"))[0]

    @property
    def mark(self) -> str:
        return STATUS.get(self.status, (Text.plain(self.status), "?"))[1]


@dataclass
class ExerciseView:
    id: str
    title: Text
    score: float
    max_score: float
    problems: list[CheckView] = field(default_factory=list)  # failed, error, timeout: these lost points
    neutral: list[CheckView] = field(default_factory=list)  # skipped, not judged
    passed: list[CheckView] = field(default_factory=list)
    training: TrainingView | None = None
    images: list[ImagePair] = field(default_factory=list)  # pairs of no check shown here
    output: str = ""

    @property
    def full_marks(self) -> bool:
        return self.max_score > 0 and self.score >= self.max_score

    @property
    def checks(self) -> int:
        return len(self.problems) + len(self.neutral) + len(self.passed)


@dataclass
class StudentPage:
    name: str  # the student's id in a class, else the submission's path
    score: float
    max_score: float
    exercises: list[ExerciseView]
    duration_s: float
    fingerprint: str
    error: str  # why a batch could not grade this submission at all
    index: str = ""  # the class dashboard's address from this page, when there is one

    @property
    def failed_checks(self) -> int:
        return sum(len(e.problems) for e in self.exercises)

    @property
    def full_marks(self) -> int:
        return sum(e.full_marks for e in self.exercises)


def as_text(data: Any, fallback: Any = "") -> Text:
    """A {"en", "zh"} pair from a result as Text; the plain `fallback` string (an older result) otherwise."""
    return Text.from_dict(data, fallback if isinstance(fallback, str) else "")


def as_number(value: Any) -> float:
    """A score from a result; 0 for anything that is not a number (a hand-edited file)."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def check_view(data: dict[str, Any]) -> CheckView:
    """One check of a result as JSON, ready to show."""
    name = str(data.get("name", "?"))
    title = as_text(data.get("descriptions"), data.get("description", ""))
    blocked = data.get("blocked_by")
    return CheckView(
        name,
        str(data.get("status", "")),
        as_number(data.get("score")),
        as_number(data.get("max_score")),
        title if title.en else Text.plain(name),
        as_text(data.get("messages"), data.get("message", "")),
        Text.from_dict(data["hint"]) if isinstance(data.get("hint"), dict) else None,
        str(blocked) if blocked else None,
    )


def image_pairs(value: Any) -> list[ImagePair]:
    """The "images" artifact's expected/got pairs whose images are PNG data URIs (at most 8)."""
    pairs = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        expected, got = png_uri(item.get("expected")), png_uri(item.get("got"))
        if expected and got:
            pairs.append(ImagePair(str(item.get("check", "")), as_text(item.get("caption")), expected, got))
    return pairs[:8]


def _once(checks: list[CheckView]) -> list[CheckView]:
    """The checks in order, each hint shown only the first time it comes
    (a stub fails many checks with one)."""
    seen: set[Text] = set()
    marked = []
    for check in checks:
        marked.append(replace(check, hint_above=check.hint in seen) if check.hint else check)
        if check.hint:
            seen.add(check.hint)
    return marked


def exercise_view(data: dict[str, Any]) -> ExerciseView:
    """One exercise: its checks split by outcome, its training run and its images, from the same result."""
    artifacts = data.get("artifacts")
    if not isinstance(artifacts, dict):
        artifacts = {}
    pairs = image_pairs(artifacts.get("images"))
    checks = [check_view(c) for c in data.get("checks", []) if isinstance(c, dict)]
    checks = [replace(c, images=tuple(p for p in pairs if p.check == c.name)) for c in checks]
    shown = {p for c in checks for p in c.images}
    title = str(data.get("title") or data.get("id", ""))
    return ExerciseView(
        str(data.get("id", "")),
        Text(title, str(data.get("title_zh") or title)),
        as_number(data.get("score")),
        as_number(data.get("max_score")),
        _once([c for c in checks if c.status in FAILING]),
        [c for c in checks if c.status in NEUTRAL],
        [c for c in checks if c.status not in FAILING + NEUTRAL],
        training_view(artifacts.get("training")),
        [p for p in pairs if p not in shown],
        str(data.get("output") or ""),
    )


def student_page(data: dict[str, Any], index: str = "") -> StudentPage:
    """The page's content from a result as JSON; `index` links back to the class dashboard."""
    exercises = [exercise_view(e) for e in data.get("exercises", []) if isinstance(e, dict)]
    name = str(data.get("student") or data.get("submission") or "")
    return StudentPage(
        name,
        as_number(data.get("score")),
        as_number(data.get("max_score")),
        exercises,
        as_number(data.get("duration_s")),
        str(data.get("fingerprint") or ""),
        str(data.get("error") or ""),
        index,
    )


def render_student(data: dict[str, Any], lang: str, index: str = "") -> str:
    """The whole page, self-contained, in `lang`."""
    return render("student.html.j2", lang, page=student_page(data, index))
