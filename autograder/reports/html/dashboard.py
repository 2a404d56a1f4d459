"""The class dashboard (index.html beside gradebook.csv): what the class gets wrong, at a glance.

From every student's result: the score distribution of each exercise, every check ranked by how many
students lost points on it (with its most frequent message and links to those students' pages),
the students the grader could not grade or whose code raised or ran out of time, and which sandbox
level and grader (fingerprint) produced the results.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from autograder.i18n import Text
from autograder.reports.html.charts import Histogram, histogram
from autograder.reports.html.environment import render
from autograder.reports.html.student import FAILING, as_number, as_text


@dataclass(frozen=True)
class Entry:
    """One student's result as JSON, and the address of their page from the dashboard."""

    data: dict[str, Any]
    href: str

    @property
    def name(self) -> str:
        return str(self.data.get("student") or self.data.get("submission") or self.href)


@dataclass(frozen=True)
class StudentLink:
    name: str
    href: str


@dataclass
class CheckRank:
    """A check, or several checks of one exercise lost by the same students with the same messages (all
    the checks of a file that is missing, say), and the students who lost points on it."""

    exercise: str
    checks: list[tuple[str, Text]]  # (name, title)
    judged: int = 0  # students whose result holds this check
    students: list[StudentLink] = field(default_factory=list)
    messages: Counter = field(default_factory=Counter)  # (en, zh) -> how many students got it

    @property
    def failed(self) -> int:
        return len(self.students)

    @property
    def share(self) -> float:
        return self.failed / self.judged if self.judged else 0.0

    @property
    def top_messages(self) -> list[tuple[Text, int]]:
        """The (at most) three most frequent messages and how many students got each."""
        return [(Text(en, zh), count) for (en, zh), count in self.messages.most_common(3)]

    @property
    def outcome(self) -> tuple:
        """What makes two checks one row: the exercise, who lost points, with which messages, of how many."""
        return (
            self.exercise,
            self.judged,
            tuple(s.href for s in self.students),
            tuple(sorted(self.messages.items())),
        )


def grouped(ranks: list[CheckRank]) -> list[CheckRank]:
    """Checks with the same outcome as one row, most students first."""
    rows: dict[tuple, CheckRank] = {}
    for rank in ranks:
        if rank.outcome in rows:
            rows[rank.outcome].checks.extend(rank.checks)
        else:
            rows[rank.outcome] = rank
    return sorted(rows.values(), key=lambda r: (-r.failed, r.exercise, r.checks[0][0]))


@dataclass(frozen=True)
class Problem:
    """A student the grader could not grade fully: no result, or checks whose code raised or ran too long."""

    student: StudentLink
    kind: Text
    details: list[Text]  # the error, or "exercise · check: message" per check


@dataclass(frozen=True)
class StudentRow:
    link: StudentLink
    score: float
    max_score: float
    cells: list[tuple[float, float] | None]  # (score, max) per exercise in the dashboard's order
    failed: int  # checks that lost points
    error: str


@dataclass(frozen=True)
class Distribution:
    exercise: str
    title: Text
    max_score: float
    mean: float
    median: float
    full_marks: float  # share of students with every point
    bars: Histogram


@dataclass
class Dashboard:
    title: str
    rows: list[StudentRow]
    exercises: list[str]
    titles: dict[str, Text]
    total: Distribution | None
    distributions: list[Distribution]
    ranking: list[CheckRank]
    problems: list[Problem]
    isolation: list[tuple[str, int]]
    fingerprints: list[tuple[str, int]]

    @property
    def errors(self) -> int:
        return sum(bool(row.error) for row in self.rows)


def _distribution(exercise: str, title: Text, rows: list[tuple[float, float]]) -> Distribution:
    scores = [score for score, _ in rows]
    top = max(maximum for _, maximum in rows)
    full = sum(maximum > 0 and score >= maximum for score, maximum in rows) / len(rows)
    return Distribution(
        exercise,
        title,
        top,
        statistics.fmean(scores),
        statistics.median(scores),
        full,
        histogram(scores, top),
    )


def _checks(count: int) -> str:
    return f"{count} check" if count == 1 else f"{count} checks"


def _problem(entry: Entry, link: StudentLink) -> Problem | None:
    error = str(entry.data.get("error") or "")
    if error:
        sandbox = "sandbox" in error.lower()
        kind = Text("sandbox failure", "沙箱故障") if sandbox else Text("not graded", "未能评分")
        return Problem(link, kind, [Text.plain(error)])
    details, counts = [], Counter[str]()
    for exercise in entry.data.get("exercises", []):
        for check in exercise.get("checks", []) if isinstance(exercise, dict) else []:
            if isinstance(check, dict) and check.get("status") in ("error", "timeout"):
                counts[check["status"]] += 1
                message = as_text(check.get("messages"), check.get("message", ""))
                where = f"{exercise.get('id')} · {check.get('name')}"
                same = message.en == message.zh
                details.append(Text(f"{where}: {message.en}", f"{where}{': ' if same else '：'}{message.zh}"))
    if not details:
        return None
    parts = []
    if counts["error"]:
        parts.append(
            Text(f"code raised in {_checks(counts['error'])}", f"{counts['error']} 项检查中代码出错")
        )
    if counts["timeout"]:
        parts.append(Text(f"timed out in {_checks(counts['timeout'])}", f"{counts['timeout']} 项检查超时"))
    kind = parts[0] + Text(", ", "，") + parts[1] if len(parts) == 2 else parts[0]
    return Problem(link, kind, details)


def _row(entry: Entry, order: list[str]) -> StudentRow:
    found = {x.get("id"): x for x in entry.data.get("exercises", []) if isinstance(x, dict)}
    cells = [
        (as_number(found[i].get("score")), as_number(found[i].get("max_score"))) if i in found else None
        for i in order
    ]
    failed = sum(
        isinstance(c, dict) and c.get("status") in FAILING
        for x in found.values()
        for c in x.get("checks", [])
    )
    return StudentRow(
        StudentLink(entry.name, entry.href),
        as_number(entry.data.get("score")),
        as_number(entry.data.get("max_score")),
        cells,
        failed,
        str(entry.data.get("error") or ""),
    )


def dashboard(entries: list[Entry], title: str) -> Dashboard:
    """The dashboard's content from every student's result."""
    exercises: dict[str, Text] = {}
    per_exercise: dict[str, list[tuple[float, float]]] = {}
    ranks: dict[tuple[str, str], CheckRank] = {}
    problems: list[Problem] = []
    for entry in sorted(entries, key=lambda e: e.name):
        link = StudentLink(entry.name, entry.href)
        problem = _problem(entry, link)
        if problem:
            problems.append(problem)
        for exercise in entry.data.get("exercises", []):
            if not isinstance(exercise, dict):
                continue
            ident = str(exercise.get("id", ""))
            name = str(exercise.get("title") or ident)
            exercises.setdefault(ident, Text(name, str(exercise.get("title_zh") or name)))
            per_exercise.setdefault(ident, []).append(
                (as_number(exercise.get("score")), as_number(exercise.get("max_score")))
            )
            for check in exercise.get("checks", []):
                if not isinstance(check, dict):
                    continue
                key = (ident, str(check.get("name", "")))
                title_text = as_text(check.get("descriptions"), check.get("description", ""))
                title_text = title_text if title_text.en else Text.plain(key[1])
                rank = ranks.setdefault(key, CheckRank(ident, [(key[1], title_text)]))
                rank.judged += 1
                if check.get("status") in FAILING:
                    rank.students.append(link)
                    message = as_text(check.get("messages"), check.get("message", ""))
                    rank.messages[(message.en, message.zh)] += 1
    order = sorted(exercises)
    totals = [(as_number(e.data.get("score")), as_number(e.data.get("max_score"))) for e in entries]
    ranking = grouped([r for r in ranks.values() if r.failed])
    isolation = Counter(
        str((e.data.get("isolation") or {}).get("level") or "–") for e in entries if not e.data.get("error")
    )
    fingerprints = Counter(str(e.data.get("fingerprint") or "–") for e in entries if not e.data.get("error"))
    return Dashboard(
        title,
        [_row(entry, order) for entry in sorted(entries, key=lambda e: e.name)],
        order,
        exercises,
        _distribution("total", Text("Total", "总分"), totals) if totals else None,
        [_distribution(i, exercises[i], per_exercise[i]) for i in order],
        ranking,
        problems,
        isolation.most_common(),
        fingerprints.most_common(),
    )


def render_dashboard(entries: list[Entry], title: str, lang: str) -> str:
    """index.html for a class, self-contained, in `lang`."""
    return render("dashboard.html.j2", lang, board=dashboard(entries, title))
