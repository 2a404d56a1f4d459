"""A plain-text table for the student and the terminal: score per exercise, then each check that did
not pass, by its title, with why, in the chosen language (`--lang en|zh|both`).

Everything is in that language: headers, statuses, check titles (a check's internal name is for
machines: JSON, JUnit) and messages; with `both`, each message is given whole in English and then
whole in Chinese. Isolation details (sandbox layers, notes about the machine) are for the
instructor and shown only with `verbose`. The text is passed through `textsafe.clean`: no ANSI
codes, no lone surrogates, whatever the student's code printed or raised.
"""

from __future__ import annotations

from autograder import i18n, textsafe
from autograder.i18n import Text
from autograder.reports.columns import pad, width, wrap
from autograder.results import NEUTRAL, CheckResult, ExerciseResult, GradeResult

WIDTH = 110
MAX_LINES = 6  # lines of one message in one language
MIN_COLUMNS = 40  # narrower than this beside a title, a message starts below it
MARKS = {"failed": "✗", "error": "!", "timeout": "⏱", "skipped": "–", "not_judged": "–"}
STATUS = {
    "failed": Text("failed", "未通过"),
    "error": Text("error", "出错"),
    "timeout": Text("timed out", "超时"),
    "skipped": Text("skipped", "跳过"),
    "not_judged": Text("not judged", "未评判"),
}
LABELS = {
    "submission": Text("Submission", "提交"),
    "exercise": Text("Exercise", "练习"),
    "score": Text("Score", "得分"),
    "time": Text("Time", "用时"),
    "total": Text("Total", "总分"),
    "isolation": Text("Isolation", "隔离"),
    "note": Text("note", "说明"),
    "hint": Text("Hint", "提示"),
    "all": Text("all {n} checks", "全部 {n} 项检查"),
    "blocked": Text("until {name} works", "需先修好 {name}"),
    "not_started": Text("not started: still to write: {names}", "尚未开始：还要写 {names}"),
}
STUB = "NotImplementedError: "  # what an untouched stub raises: "<function> is not written yet / 尚未实现"


def _label(key: str, lang: str, **values: str) -> str:
    """A label in `lang`; "both" gives "English / 中文" (short enough for a header)."""
    text = LABELS[key]
    en, zh = text.en.format(**values), text.zh.format(**values)
    return {"en": en, "zh": zh}.get(lang, f"{en} / {zh}")


def _status(status: str, lang: str) -> str:
    text = STATUS.get(status, Text.plain(status))
    return {"en": text.en, "zh": text.zh}.get(lang, f"{text.en} / {text.zh}")


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def _languages(lang: str) -> list[str]:
    return ["en", "zh"] if lang == "both" else [lang]


def _block(first: str, text: str, indent: int = 8) -> list[str]:
    """`first` then `text`, wrapped to the table's width with later lines indented by `indent`; at most
    MAX_LINES lines, the last ending with `…` when the text was cut."""
    if WIDTH - width(first) < MIN_COLUMNS:  # a long title: its text starts on the next line, indented
        return [first.rstrip(), *_block(" " * indent, text, indent)]
    columns = WIDTH - max(width(first), indent)
    lines = wrap(text, columns) or [""]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        while lines[-1] and width(lines[-1]) + 2 > columns:
            lines[-1] = lines[-1][:-1]
        lines[-1] = lines[-1] + " …"
    return [first + lines[0]] + [" " * indent + line for line in lines[1:]]


def _message(text: Text, lang: str) -> list[str]:
    """The message in each language asked for, each whole, under the check's line."""
    lines: list[str] = []
    for each in dict.fromkeys(text.render(each) for each in _languages(lang)):
        if each:
            lines.extend(_block(" " * 8, each))
    return lines


def _title(check: CheckResult, lang: str) -> str:
    """The check's title in `lang` (its name when it has none)."""
    title: Text = check.description
    if not title.en:
        return check.name
    return title.render("en" if lang == "en" else "zh")


def _group_line(checks: list[CheckResult], exercise: ExerciseResult, lang: str) -> list[str]:
    status = checks[0].status
    mark = MARKS.get(status, "✗")
    if len(checks) == len(exercise.checks) > 1:
        what = _label("all", lang, n=str(len(checks)))
    else:
        titles = [_title(check, each) for check in checks for each in _languages(lang)]
        what = ("；" if lang == "zh" else "; ").join(dict.fromkeys(titles))
    lost = sum(check.max_score - check.score for check in checks)
    suffix = f" (-{lost:g})" if lost and status not in NEUTRAL else ""
    blocked = [check.blocked_by for check in checks if check.blocked_by]
    if blocked:
        suffix += f" ({_label('blocked', lang, name=blocked[0])})"
    return _block(f"    {mark} ", f"{_status(status, lang)}{_colon(lang)}{what}{suffix}")


def _hint(checks: list[CheckResult], lang: str) -> list[str]:
    hint = next((check.hint for check in checks if check.hint is not None), None)
    if hint is None:
        return []
    return [
        line
        for each in _languages(lang)
        if hint.render(each)
        for line in _block(" " * 8, f"{_label('hint', each)}{_colon(each)}{hint.render(each)}")
    ]


def _problems(exercise: ExerciseResult, lang: str) -> list[str]:
    """Notes of passed checks, then the other checks grouped by status and identical message (one import
    error is printed once, under all the checks it cost)."""
    unwritten = _unwritten(exercise)
    if unwritten:
        return _block("    – ", _label("not_started", lang, names=", ".join(unwritten)))
    lines = []
    for check in exercise.checks:
        if check.status == "passed" and check.text.en:
            for each in _languages(lang):
                lines.extend(_block(f"    · {_title(check, each)}{_colon(each)}", check.text.render(each), 8))
    groups: dict[tuple[str, str, str], list[CheckResult]] = {}
    for check in exercise.checks:
        if check.status != "passed":
            key = (check.status, check.text.en, check.text.zh)
            groups.setdefault(key, []).append(check)
    for checks in groups.values():
        lines.extend(_group_line(checks, exercise, lang))
        lines.extend(_message(checks[0].text, lang))
        if checks[0].status not in NEUTRAL:
            lines.extend(_hint(checks, lang))
    return lines


def _unwritten(exercise: ExerciseResult) -> list[str]:
    """The functions of an exercise not started yet (every graded check met an untouched stub), else []."""
    graded = [check for check in exercise.checks if check.status not in NEUTRAL]
    names = [
        check.text.en[len(STUB) :].split(" is not written yet")[0]
        for check in graded
        if check.status == "error" and check.text.en.startswith(STUB)
    ]
    return list(dict.fromkeys(names)) if graded and len(names) == len(graded) else []


def _isolation(result: GradeResult, lang: str) -> list[str]:
    isolation = result.isolation or {}
    if not isolation:
        return []
    layers = ", ".join(str(layer) for layer in isolation.get("layers", []))
    lines = _block(f"{_label('isolation', lang)}{_colon(lang)}", f"{isolation.get('level')} ({layers})", 2)
    for note in isolation.get("notes", []):
        lines.extend(_block(f"  {_label('note', lang)}{_colon(lang)}", str(note), 8))
    return lines


def _row(cells: tuple[str, str, str], widths: tuple[int, int, int]) -> str:
    name, score, points = (
        pad(cells[0], widths[0]),
        pad(cells[1], widths[1], right=True),
        pad(cells[2], widths[2], right=True),
    )
    return f"  {name}{score}{points}"


def render(result: GradeResult, verbose: bool = False) -> str:
    """The table in the configured language (`i18n.set_language`); isolation details with `verbose`."""
    lang = i18n.language()
    lines = []
    if result.submission:
        lines.append(f"{_label('submission', lang)}{_colon(lang)}{result.submission}")
    if verbose:
        lines.extend(_isolation(result, lang))
    header = (_label("exercise", lang), _label("score", lang), _label("time", lang))
    widths = (
        max([28] + [width(exercise.id) + 2 for exercise in result.exercises]),
        max(14, width(header[1]) + 2),
        max(10, width(header[2]) + 2),
    )
    lines.append(_row(header, widths))
    for exercise in result.exercises:
        lines.append(
            _row(
                (exercise.id, f"{exercise.score:g} / {exercise.max_score:g}", f"{exercise.duration_s:.1f}s"),
                widths,
            )
        )
        lines.extend(_problems(exercise, lang))
    lines.append(
        _row(
            (_label("total", lang), f"{result.score:g} / {result.max_score:g}", f"{result.duration_s:.1f}s"),
            widths,
        )
    )
    return textsafe.clean("\n".join(lines) + "\n")
