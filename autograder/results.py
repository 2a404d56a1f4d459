"""Grading results and their JSON form (schema 1, documented in schema/result.schema.json).

Messages are kept in both languages (`Text`) and rendered when a report is written, so a saved
result can be shown later in either language. Fields added after the first release of schema 1
(`messages`, `hint`, `functions`, `blocked_by`, `title_zh`, `artifacts`, `fingerprint`) are optional:
readers ignore keys they do not know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autograder.i18n import Text

SCHEMA_VERSION = 1
STATUSES = ("passed", "failed", "error", "timeout", "skipped", "not_judged")
NEUTRAL = ("skipped", "not_judged")  # statuses that neither pass nor fail: shown, never counted as a failure


@dataclass
class CheckResult:
    """One hidden check's outcome. `text` is the message in both languages; `message` renders it."""

    name: str
    score: float
    max_score: float
    status: str
    text: Text = field(default_factory=lambda: Text.plain(""))
    description: Text = field(default_factory=lambda: Text.plain(""))  # what the check judges: its title
    duration_s: float = 0.0
    hint: Text | None = None  # the hint of the student function a failed check is about
    functions: list[str] = field(default_factory=list)  # the student's functions the check exercised
    blocked_by: str | None = (
        None  # with status not_judged: the failing function that kept it from being judged
    )

    def __post_init__(self) -> None:
        if not isinstance(self.text, Text):
            self.text = Text.plain(self.text or "")
        if not isinstance(self.description, Text):
            self.description = Text.plain(self.description or "")

    @classmethod
    def of(
        cls,
        name: str,
        score: float,
        max_score: float,
        status: str,
        text: Text | None,
        description: Text | str = "",
    ) -> CheckResult:
        title = description if isinstance(description, Text) else Text.plain(description)
        return cls(name, score, max_score, status, text or Text.plain(""), title)

    @property
    def message(self) -> str:
        """The message in the configured language."""
        return self.text.render()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "status": self.status,
            "message": self.message,
            "messages": self.text.to_dict(),
            "duration_s": round(self.duration_s, 3),
        }
        if self.description.en:
            data["description"] = self.description.render()
            data["descriptions"] = self.description.to_dict()
        if self.hint is not None:
            data["hint"] = self.hint.to_dict()
        if self.functions:
            data["functions"] = list(self.functions)
        if self.blocked_by:
            data["blocked_by"] = self.blocked_by
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        return cls(
            data["name"],
            data["score"],
            data["max_score"],
            data["status"],
            Text.from_dict(data.get("messages"), data.get("message", "")),
            Text.from_dict(data.get("descriptions"), data.get("description", "")),
            data.get("duration_s", 0.0),
            Text.from_dict(data["hint"]) if data.get("hint") else None,
            list(data.get("functions", [])),
            data.get("blocked_by"),
        )


@dataclass
class ExerciseResult:
    id: str
    title: str
    checks: list[CheckResult] = field(default_factory=list)
    duration_s: float = 0.0
    output: str = ""
    title_zh: str = ""
    artifacts: dict[str, Any] = field(default_factory=dict)  # data for report pages (`checking.attach`)

    @property
    def score(self) -> float:
        return round(sum(check.score for check in self.checks), 6)

    @property
    def max_score(self) -> float:
        return round(sum(check.max_score for check in self.checks), 6)

    @property
    def title_text(self) -> Text:
        return Text(self.title, self.title_zh or self.title)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "score": self.score,
            "max_score": self.max_score,
            "duration_s": round(self.duration_s, 3),
            "checks": [check.to_dict() for check in self.checks],
        }
        if self.title_zh:
            data["title_zh"] = self.title_zh
        if self.output:
            data["output"] = self.output
        if self.artifacts:
            data["artifacts"] = self.artifacts
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExerciseResult:
        return cls(
            data["id"],
            data.get("title", data["id"]),
            [CheckResult.from_dict(c) for c in data["checks"]],
            data.get("duration_s", 0.0),
            data.get("output", ""),
            data.get("title_zh", ""),
            dict(data.get("artifacts") or {}),
        )


@dataclass
class GradeResult:
    exercises: list[ExerciseResult]
    duration_s: float
    isolation: dict[str, Any] | None = None
    submission: str = ""
    fingerprint: str | None = None  # what graded it: kit version, checks, references, data plan

    @property
    def score(self) -> float:
        return round(sum(exercise.score for exercise in self.exercises), 6)

    @property
    def max_score(self) -> float:
        return round(sum(exercise.max_score for exercise in self.exercises), 6)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GradeResult:
        """The result back from its JSON form (to render it in another format)."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION:
            found = data.get("schema") if isinstance(data, dict) else type(data).__name__
            raise ValueError(f"expected a schema {SCHEMA_VERSION} result, got {found!r}")
        exercises = [ExerciseResult.from_dict(e) for e in data["exercises"]]
        return cls(
            exercises,
            data.get("duration_s", 0.0),
            data.get("isolation"),
            data.get("submission", ""),
            data.get("fingerprint"),
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema": SCHEMA_VERSION,
            "score": self.score,
            "max_score": self.max_score,
            "duration_s": round(self.duration_s, 3),
            "exercises": [exercise.to_dict() for exercise in self.exercises],
        }
        if self.isolation is not None:
            data["isolation"] = self.isolation
        if self.fingerprint:
            data["fingerprint"] = self.fingerprint
        return data
