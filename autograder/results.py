"""Grading results and their JSON form (schema 1, documented in schema/result.schema.json)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1
STATUSES = ("passed", "failed", "error", "timeout", "skipped")


@dataclass
class CheckResult:
    name: str
    score: float
    max_score: float
    status: str
    message: str = ""
    description: str = ""
    duration_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "status": self.status,
            "message": self.message,
            "duration_s": round(self.duration_s, 3),
        }


@dataclass
class ExerciseResult:
    id: str
    title: str
    checks: list[CheckResult] = field(default_factory=list)
    duration_s: float = 0.0
    output: str = ""

    @property
    def score(self) -> float:
        return round(sum(check.score for check in self.checks), 6)

    @property
    def max_score(self) -> float:
        return round(sum(check.max_score for check in self.checks), 6)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "title": self.title,
            "score": self.score,
            "max_score": self.max_score,
            "duration_s": round(self.duration_s, 3),
            "checks": [check.to_dict() for check in self.checks],
        }
        if self.output:
            data["output"] = self.output
        return data


@dataclass
class GradeResult:
    exercises: list[ExerciseResult]
    duration_s: float
    isolation: dict[str, Any] | None = None
    submission: str = ""

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
        exercises = [
            ExerciseResult(e["id"], e.get("title", e["id"]),
                           [CheckResult(c["name"], c["score"], c["max_score"], c["status"], c.get("message", ""),
                                        duration_s=c.get("duration_s", 0.0)) for c in e["checks"]],
                           e.get("duration_s", 0.0), e.get("output", ""))
            for e in data["exercises"]
        ]
        return cls(exercises, data.get("duration_s", 0.0), data.get("isolation"), data.get("submission", ""))

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
        return data
