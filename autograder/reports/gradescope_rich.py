"""Gradescope's rich output: each test's and the submission's `output` as HTML (`output_format: html`).

A check's output gives its status, its message (each language in its own paragraph when both are
shown) and, for a check that lost points, the hint. The submission's output gives the score per
exercise and, for each exercise that trains, its key plot: held-out loss and accuracy per epoch for the
student's model and the reference loop, both measured by the grader, as an inline PNG, with the same
numbers in a table (they stay readable wherever an image is not shown). Every text is escaped.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

from autograder import i18n
from autograder.i18n import Text
from autograder.reports.html.training import TrainingView, training_view
from autograder.reports.line_png import Curve, Panel, panels_png
from autograder.results import CheckResult, ExerciseResult, GradeResult

STATUS = {
    "failed": Text("Failed", "未通过"),
    "error": Text("Error", "出错"),
    "timeout": Text("Timed out", "超时"),
    "not_judged": Text("Not judged", "未评判"),
    "passed": Text("Passed", "通过"),
}
YOURS, REFERENCE = (213, 94, 0), (107, 114, 128)


def _languages(text: Text, lang: str) -> list[str]:
    """`text` escaped, once per language shown (once when both languages read the same)."""
    if lang == "both" and text.zh and text.zh != text.en:
        return [escape(text.en), escape(text.zh)]
    return [escape(text.zh if lang == "zh" and text.zh else text.en)]


def _line(text: Text, lang: str) -> str:
    """`text` in `lang` as HTML; with both languages, the Chinese after a line break."""
    return "<br>".join(_languages(text, lang)).replace("\n", "<br>")


def _paragraphs(text: Text, lang: str, label: Text | None = None) -> str:
    """A paragraph per language shown, each starting with `label` in its language."""
    labels = _languages(label, lang) if label else []
    bodies = [body.replace("\n", "<br>") for body in _languages(text, lang)]
    return "".join(
        f"<p><strong>{labels[min(i, len(labels) - 1)]}</strong> {body}</p>" if labels else f"<p>{body}</p>"
        for i, body in enumerate(bodies)
    )


def check_output(check: CheckResult, lang: str | None = None) -> str:
    """One test's output: status and points, message, hint (for a check that did not pass)."""
    lang = lang or i18n.language()
    parts = []
    if check.status != "passed":
        label = " / ".join(_languages(STATUS.get(check.status, Text.plain(check.status)), lang))
        parts.append(f"<p><strong>{label}</strong> · {check.score:g} / {check.max_score:g}</p>")
    if check.text.en or check.text.zh:
        parts.append(_paragraphs(check.text, lang))
    if check.blocked_by:
        parts.append(
            _paragraphs(
                Text(f"Judged once {check.blocked_by} works.", f"{check.blocked_by} 正确工作后才能评判。"),
                lang,
            )
        )
    if check.hint is not None and check.status != "passed":
        parts.append(_paragraphs(check.hint, lang, Text("Hint:", "提示：")))
    return "".join(parts)


def _percent(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value * 100:.1f}%"


def _loss(value: float | None) -> str:
    return "–" if value is None else ("NaN" if value != value else f"{value:.4g}")


def training_summary(exercise: ExerciseResult, view: TrainingView, lang: str) -> str:
    """The key plot of one training exercise, with its numbers."""
    epochs = max(view.plan.epochs, *(row.epoch for row in view.rows))
    panels = [
        Panel(
            [
                Curve([(r.epoch, r.heldout_loss) for r in view.rows], YOURS),
                Curve([(r.epoch, r.reference_loss) for r in view.rows], REFERENCE, True),
            ],
            epochs,
        ),
        Panel(
            [
                Curve([(r.epoch, r.heldout_accuracy) for r in view.rows], YOURS),
                Curve([(r.epoch, r.reference_accuracy) for r in view.rows], REFERENCE, True),
            ],
            epochs,
            True,
            view.plan.threshold,
        ),
    ]
    image = "data:image/png;base64," + base64.b64encode(panels_png(panels)).decode("ascii")
    title = _line(exercise.title_text + Text(": your training run", "：你的训练过程"), lang)
    legend = Text(
        "Left: loss, right: accuracy on held-out images, per epoch, both measured by the grader. Orange: "
        "your model; grey, dashed: the reference loop on the same data and plan; green: the accuracy "
        "needed.",
        "左：损失，右：保留图片上的准确率，按轮次，均由评分程序测得。橙色：你的模型；灰色虚线："
        "相同数据与设置下的参考训练循环；绿色：需要达到的准确率。",
    )
    head = [
        Text("epoch", "轮次"),
        Text("your loss", "你的损失"),
        Text("your accuracy", "你的准确率"),
        Text("reference loss", "参考损失"),
        Text("reference accuracy", "参考准确率"),
    ]
    rows = "".join(
        f"<tr><td>{r.epoch}</td><td>{_loss(r.heldout_loss)}</td><td>{_percent(r.heldout_accuracy)}</td>"
        f"<td>{_loss(r.reference_loss)}</td><td>{_percent(r.reference_accuracy)}</td></tr>"
        for r in view.rows
    )
    return (
        f'<p><strong>{title}</strong></p><p><img src="{image}" alt="{escape(legend.en)}" width="640" '
        f'height="220"></p><p>{_line(legend, lang)}</p><table><tr>'
        + "".join(f"<th>{_line(h, lang)}</th>" for h in head)
        + f"</tr>{rows}</table>"
    )


def summary(result: GradeResult, lang: str | None = None, notes: Sequence[Text] = ()) -> str:
    """The submission's output: the total, a row per exercise, `notes` (such as when hidden results will
    show), and the training exercises' key plots."""
    lang = lang or i18n.language()
    total = Text(
        f"Total: {result.score:g} / {result.max_score:g}", f"总分：{result.score:g} / {result.max_score:g}"
    )
    rows = "".join(
        f"<tr><td>{escape(e.id)}</td><td>{_line(e.title_text, lang)}</td>"
        f"<td>{e.score:g} / {e.max_score:g}</td></tr>"
        for e in result.exercises
    )
    head = "".join(
        f"<th>{_line(h, lang)}</th>"
        for h in (Text("Exercise", "练习"), Text("Title", "名称"), Text("Score", "得分"))
    )
    parts = [
        f"<p><strong>{_line(total, lang)}</strong></p>",
        f"<table><tr>{head}</tr>{rows}</table>",
        *(f"<p>{_line(note, lang)}</p>" for note in notes),
    ]
    for exercise in result.exercises:
        view = training_view(exercise.artifacts.get("training"))
        if view is not None and any(r.heldout_accuracy is not None for r in view.rows):
            parts.append(training_summary(exercise, view, lang))
    return "".join(parts)
