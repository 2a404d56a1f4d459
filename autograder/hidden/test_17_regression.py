"""Hidden checks for 17_regression.

fit_line is judged against the closed-form least-squares line (np.polyfit,
in float64, here in the grader) on the course's points and on fresh ones;
fit_logistic against the maximum-likelihood fit found by Newton's method
(autograder.hidden.regression_answers). Epochs and learning rates are chosen
so that a correct loop lands within 2e-6 of those answers from any
initialisation, far inside the tolerances (1e-3 for k and b, 5e-3 for
probabilities). A few epochs replayed from the student's own initial weights
check each step exactly; a loop whose step is wrong is charged there once,
and the checks of where it converges are "not judged" (a wrong step cannot
converge to the right answer: one mistake). Measured on these data sets, 5
initialisations each: no zero_grad misses by 0.14 or more, a (N,) target
broadcast against (N, 1) predictions by 2.9 or more, L1 instead of MSE for
the line by 0.037 or more, MSE instead of BCE for the logistic fit by 0.055.
"""

import numpy as np
import pytest
import torch

from autograder.checking import Text, expect_close, expect_type, fail, not_judged, points
from autograder.hidden.charges import needs_right_steps, owned, verdict_of
from autograder.hidden.numbers import expect_number
from autograder.hidden.regression_answers import (
    AT,
    least_squares,
    line_data,
    logistic_data,
    maximum_likelihood,
)
from autograder.hidden.regression_fits import (
    COURSE_X,
    COURSE_Y,
    FRESH_LINES,
    FRESH_LOGISTIC,
    LINE_FIT,
    LOGISTIC_FIT,
    LOOP_ADVICE,
    LOOP_ADVICE_ZH,
    PROBABILITY_TOLERANCE,
    STEPS,
    expect_line,
    expect_start,
    fits,
    line,
    model_output,
    outcome,
    probabilities,
    triple,
)
from autograder.worker.probes import regression as probes


@pytest.fixture(scope="module")
def line_runs(student):
    runs = {"course": (probes.fit_line, (COURSE_X, COURSE_Y), LINE_FIT)}
    for index, seed in enumerate(FRESH_LINES):
        x, y = line_data(seed)
        if index:
            x, y = torch.tensor(x), torch.tensor(y)
        runs[seed] = (probes.fit_line, (x, y), LINE_FIT)
    return fits(student, runs)


@points(1)
def test_fit_line_returns_three_floats(line_runs):
    """fit_line returns (k, b, final_loss) as Python floats (.item()), not tensors.
    中文：fit_line 以 Python float（.item()）返回 (k, b, final_loss)，而不是 tensor"""
    returned = triple(outcome(line_runs, "course")["returned"], "fit_line")
    for name, value in zip(("k", "b", "final_loss"), returned):
        if isinstance(value, torch.Tensor) and value.numel() > 1:
            continue  # a final_loss of several values is fit_line_reports_the_final_mse's to charge
        expect_type(
            value,
            float,
            f"{name} returned by fit_line",
            "turn a one-element tensor into a float with .item()",
            "用 .item() 把只有一个元素的 tensor 变成 float",
        )


@points(2)
def test_fit_line_finds_the_least_squares_line_on_the_course_data(line_runs, line_steps):
    """The course's six points, 300 epochs with lr=0.15: k = 1.8449, b = 1.1624 (np.polyfit) within 1e-3.
    中文：课程的六个点，lr=0.15 训练 300 个 epoch：k = 1.8449，b = 1.1624（np.polyfit），误差不超过 1e-3"""
    needs_right_steps(line_steps, "fit_line")
    expect_line(
        outcome(line_runs, "course"),
        COURSE_X,
        COURSE_Y,
        f"fit_line(the course's points, epochs={LINE_FIT['epochs']}, lr={LINE_FIT['lr']})",
        f"fit_line(课程的点, epochs={LINE_FIT['epochs']}, lr={LINE_FIT['lr']})",
    )


@points(2)
def test_fit_line_finds_the_least_squares_line_on_fresh_data(line_runs, line_steps):
    """Fresh noisy lines (given as a list, then as 1-D tensors): the least-squares line within 1e-3.
    中文：新的带噪声的直线数据（先以列表、再以一维 tensor 给出）：得到最小二乘直线，误差不超过 1e-3"""
    needs_right_steps(line_steps, "fit_line")
    for seed in FRESH_LINES:
        x, y = line_data(seed)
        expect_line(
            outcome(line_runs, seed),
            x,
            y,
            f"fit_line({len(x)} fresh points, epochs={LINE_FIT['epochs']}, lr={LINE_FIT['lr']})",
            f"fit_line({len(x)} 个新的点, epochs={LINE_FIT['epochs']}, lr={LINE_FIT['lr']})",
        )


@points(1)
def test_fit_line_reports_the_final_mse(line_runs, line_steps):
    """final_loss is the mean squared error of the fitted line on the data (a mean, not a sum).
    中文：final_loss 是拟合出的直线在数据上的均方误差（是平均值，不是总和）"""
    needs_right_steps(line_steps, "fit_line")
    returned = outcome(line_runs, "course")["returned"]
    try:
        expect_line(outcome(line_runs, "course"), COURSE_X, COURSE_Y, "fit_line", "fit_line")
    except AssertionError:
        not_judged(
            "fit_line",
            "fit_line does not find the least-squares line yet (another check charges this)",
            "fit_line 还没有得到最小二乘直线（由另一项检查扣分）",
        )
    loss = expect_number(
        triple(returned, "fit_line")[2],
        Text("final_loss of fit_line", "fit_line 的 final_loss"),
        "the mean over the points: nn.MSELoss() gives it",
        "对所有点取平均：nn.MSELoss() 即是",
    )
    k, b = least_squares(COURSE_X, COURSE_Y)
    x, y = np.asarray(COURSE_X), np.asarray(COURSE_Y)
    expect_close(
        loss,
        float(np.mean((k * x + b - y) ** 2)),
        "final_loss of fit_line(the course's points), compared with the mean squared error of the "
        "least-squares line",
        atol=1e-4,
        rtol=1e-3,
    )


@pytest.fixture(scope="module")
def line_steps(student, reference):
    """Whether 5 epochs with lr=0.03 from the student's own initial weights give the reference's k and b."""

    def judge() -> None:
        x, y = line_data(176)
        got = student.probe(probes.fit_line, x, y, **STEPS)
        start = expect_start(got, "fit_line")
        expected = reference.probe(probes.fit_line, x, y, **STEPS, start=start)
        k, b = line(got["returned"], "fit_line")
        want_k, want_b, _ = expected["returned"]
        if abs(k - want_k) > 1e-5 or abs(b - want_b) > 1e-5:
            weight, bias = start["weight"].item(), start["bias"].item()
            fail(
                f"after 5 epochs with lr=0.03 from weight {weight:.4f}, bias {bias:.4f}: expected k = "
                f"{want_k:.6f}, b = {want_b:.6f}, got k = {k:.6f}, b = {b:.6f}; {LOOP_ADVICE}",
                f"从 weight {weight:.4f}、bias {bias:.4f} 出发，lr=0.03 训练 5 个 epoch 后应得到 k = "
                f"{want_k:.6f}，b = {want_b:.6f}，实际 k = {k:.6f}，b = {b:.6f}；{LOOP_ADVICE_ZH}",
            )

    return verdict_of(judge)


@points(2)
def test_fit_line_makes_one_sgd_step_per_epoch(line_steps):
    """5 epochs with lr=0.03 from the student's own initial weights give exactly the reference's k and b.
    中文：从学生自己的初始权重出发，lr=0.03 训练 5 个 epoch，得到的 k 和 b 与参考实现完全相同"""
    owned(line_steps)


@pytest.fixture(scope="module")
def logistic_runs(student):
    runs = {}
    for index, seed in enumerate(FRESH_LOGISTIC):
        x, y = logistic_data(seed)
        if index:
            x, y = torch.tensor(x), torch.tensor(y)
        runs[seed] = (probes.fit_logistic, (x, y), {**LOGISTIC_FIT, "at": AT})
    return fits(student, runs)


@points(1)
def test_fit_logistic_returns_a_model_of_probabilities(logistic_runs):
    """The returned model maps an (N, 1) column of x values to (N, 1) probabilities in [0, 1] (sigmoid output).
    中文：返回的模型把 (N, 1) 的 x 列映射为 [0, 1] 之间的 (N, 1) 概率（sigmoid 输出）"""  # noqa: E501
    output = probabilities(outcome(logistic_runs, FRESH_LOGISTIC[0]), "fit_logistic")
    if not bool(((output >= 0) & (output <= 1)).all()):
        fail(
            f"the model from fit_logistic gave values outside [0, 1] (from {output.min().item():.3f} to "
            f"{output.max().item():.3f}): end the model with nn.Sigmoid() so it outputs probabilities",
            f"fit_logistic 返回的模型输出了 [0, 1] 以外的值（{output.min().item():.3f} 到 "
            f"{output.max().item():.3f}）：在模型最后加上 nn.Sigmoid()，让它输出概率",
        )


@pytest.fixture(scope="module")
def logistic_steps(student, reference):
    """Whether 5 epochs with lr=0.5 from the student's own initial weights give the reference's
    probabilities."""

    def judge() -> None:
        x, y = logistic_data(186)
        got = student.probe(probes.fit_logistic, x, y, epochs=5, lr=0.5, at=AT)
        start = expect_start(got, "fit_logistic")
        expected = reference.probe(probes.fit_logistic, x, y, epochs=5, lr=0.5, at=AT, start=start)
        expect_close(
            model_output(got),
            expected["output"],
            f"the probabilities after 5 epochs with lr=0.5 from weight {start['weight'].item():.4f}, bias "
            f"{start['bias'].item():.4f} (nn.BCELoss() on sigmoid outputs; {LOOP_ADVICE})",
            atol=1e-5,
            rtol=1e-5,
        )

    return verdict_of(judge)


@points(3)
def test_fit_logistic_matches_the_maximum_likelihood_fit(logistic_runs, logistic_steps):
    """Fresh overlapping classes, 300 epochs with lr=2.0: probabilities within 5e-3 of the maximum-likelihood fit.
    中文：新的相互重叠的两类数据，lr=2.0 训练 300 个 epoch：概率与最大似然拟合的差不超过 5e-3"""  # noqa: E501
    needs_right_steps(logistic_steps, "fit_logistic")
    for seed in FRESH_LOGISTIC:
        x, y = logistic_data(seed)
        what = (
            f"fit_logistic({len(x)} fresh points, epochs={LOGISTIC_FIT['epochs']}, lr={LOGISTIC_FIT['lr']})"
        )
        output = model_output(outcome(logistic_runs, seed))
        expect_close(
            output.reshape(-1),
            torch.as_tensor(maximum_likelihood(x, y)),
            f"the probabilities of the model from {what} at x = -3, -2.5, ..., 3, compared with the "
            f"maximum-likelihood fit (train with nn.BCELoss(); {LOOP_ADVICE})",
            atol=PROBABILITY_TOLERANCE,
            rtol=0,
        )


@points(2)
def test_fit_logistic_makes_one_sgd_step_per_epoch_with_bce(logistic_steps):
    """5 epochs with lr=0.5 from the student's own initial weights give exactly the reference's probabilities.
    中文：从学生自己的初始权重出发，lr=0.5 训练 5 个 epoch，得到的概率与参考实现完全相同"""
    owned(logistic_steps)
