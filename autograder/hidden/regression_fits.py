"""Helpers of 17_regression's hidden checks: the course's data and the fits' settings, reading back what
fit_line and fit_logistic returned, and judging a fitted line, a run's start and a model's probabilities.

The expected answers themselves (least squares, maximum likelihood, replayed steps) are
`regression_answers`'.
"""

from __future__ import annotations

import torch

from autograder.checking import StudentProblem, Text, expect_tensor, fail, not_judged, show
from autograder.hidden.numbers import expect_number
from autograder.hidden.regression_answers import AT, least_squares

COURSE_X = [1.0, 2.0, 0.5, 2.5, 2.6, 3.1]
COURSE_Y = [3.7, 4.6, 1.65, 5.68, 5.98, 6.95]
LINE_FIT = dict(epochs=300, lr=0.15)
LOGISTIC_FIT = dict(epochs=300, lr=2.0)
LINE_TOLERANCE = 1e-3
PROBABILITY_TOLERANCE = 5e-3
LOOP_ADVICE = (
    "each epoch is one full-batch step: optimizer.zero_grad(), forward on all points, the loss on (N, 1) "
    "predictions against (N, 1) targets, backward(), optimizer.step()"
)
LOOP_ADVICE_ZH = (
    "每个 epoch 是对全部数据的一步：optimizer.zero_grad()、前向、用 (N, 1) 的预测和 (N, 1) 的目标计算损失、"
    "backward()、optimizer.step()"
)


def triple(returned, what: str) -> tuple:
    """(k, b, final_loss) as returned; fails when fit_line returned something else."""
    if not isinstance(returned, (tuple, list)) or len(returned) != 3:
        fail(
            f"{what} should return (k, b, final_loss), got {show(returned)}",
            f"{what} 应返回 (k, b, final_loss)，实际为 {show(returned, zh=True)}",
        )
    return tuple(returned)


def line(returned, what: str) -> tuple[float, float]:
    """(k, b) as floats, whatever number-like type carries them (their type is judged by its own check)."""
    k, b, _loss = triple(returned, what)
    return (
        expect_number(k, Text(f"k returned by {what}", f"{what} 返回的 k")),
        expect_number(b, Text(f"b returned by {what}", f"{what} 返回的 b")),
    )


def fits(student, runs: dict) -> dict:
    """Run each fit once per module; keep the result or the problem it hit."""
    results = {}
    for name, (probe, args, kwargs) in runs.items():
        try:
            results[name] = student.probe(probe, *args, **kwargs)
        except StudentProblem as problem:
            results[name] = problem
    return results


def outcome(results: dict, name: str) -> dict:
    if isinstance(results[name], StudentProblem):
        raise results[name]
    return results[name]


FRESH_LINES = (171, 175)
FRESH_LOGISTIC = (181, 184)


def expect_line(result: dict, x, y, what: str, what_zh: str) -> None:
    k, b = line(result["returned"], what)
    best_k, best_b = least_squares(x, y)
    if abs(k - best_k) > LINE_TOLERANCE or abs(b - best_b) > LINE_TOLERANCE:
        fail(
            f"{what}: expected the least-squares line k = {best_k:.4f}, b = {best_b:.4f} (within "
            f"{LINE_TOLERANCE}), got k = {k:.4f}, b = {b:.4f}; {LOOP_ADVICE}",
            f"{what_zh}：应得到最小二乘直线 k = {best_k:.4f}，b = {best_b:.4f}（误差不超过 "
            f"{LINE_TOLERANCE}），实际 k = {k:.4f}，b = {b:.4f}；{LOOP_ADVICE_ZH}",
        )


def expect_start(result: dict, what: str) -> dict:
    """The initial parameters of an nn.Linear(1, 1) the student's fit ran."""
    start = result["initial"]
    usable = (
        isinstance(start, dict)
        and (start.get("in"), start.get("out")) == (1, 1)
        and all(
            isinstance(start.get(name), torch.Tensor) and start[name].numel() == 1
            for name in ("weight", "bias")
        )
    )
    if not usable:
        sizes = None if not isinstance(start, dict) else (start.get("in"), start.get("out"))
        fail(
            f"{what} should train an nn.Linear(1, 1) with a bias; the first Linear it ran: {sizes}",
            f"{what} 应训练一个带 bias 的 nn.Linear(1, 1)；它运行的第一个 Linear：{sizes}",
        )
    return start


STEPS = dict(epochs=5, lr=0.03)


def probabilities(result: dict, what: str) -> torch.Tensor:
    if result["kind"] != "model":
        fail(
            f"{what} should return the trained model (an nn.Module), got a {result['kind']}",
            f"{what} 应返回训练好的模型（nn.Module），实际返回 {result['kind']}",
        )
    return expect_tensor(
        result["output"],
        f"the model from {what} applied to x of shape {tuple(AT.shape)}",
        shape=tuple(AT.shape),
    )


def model_output(result: dict) -> torch.Tensor:
    """The returned model's probabilities at AT; not judged when it returned no such model
    (another check's)."""
    output = result.get("output")
    if (
        result["kind"] != "model"
        or not isinstance(output, torch.Tensor)
        or tuple(output.shape) != tuple(AT.shape)
        or not bool(((output >= 0) & (output <= 1)).all())
    ):
        not_judged(
            "fit_logistic",
            "fit_logistic does not return a model of probabilities (another check charges this)",
            "fit_logistic 没有返回输出概率的模型（由另一项检查扣分）",
        )
    return output
