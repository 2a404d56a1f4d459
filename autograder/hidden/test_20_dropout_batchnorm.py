"""Hidden checks for 20_dropout_batchnorm: dropout and batch normalization by hand, in train and eval mode;
the classifier that uses both layers; predict in eval mode. Expected values are computed here, in the grader,
with torch's own functional layers."""

import torch
import torch.nn.functional as F

from autograder.checking import Text, expect_close, expect_equal, expect_tensor, fail, points
from autograder.hidden.by_hand import ByHandCase, judge_by_hand
from autograder.hidden.dropout_batchnorm_cases import (
    FEATURE_SHAPES,
    IMAGE_SHAPES,
    after,
    batch,
    bn_call,
    dropout_call,
    fresh,
    judge_normalization,
    judge_running,
    shown,
    torch_batch_norm,
)
from autograder.worker.probes import dropout_batchnorm as probes
from autograder.worker.probes import generic

# ---------------------------------------------------------------- dropout


@points(1)
def test_dropout_in_eval_mode_returns_its_input(student):
    """dropout(x, p, training=False) returns x unchanged.
    中文：dropout(x, p, training=False) 原样返回 x"""
    for x in fresh(200):
        for p in (0.5, 0.9):
            got = student.probe(probes.dropout_run, x.clone(), p, False)["output"]
            expect_close(got, x, dropout_call(x, p, False), atol=0, rtol=0)


@points(1)
def test_dropout_zeroes_about_p_of_the_values(student):
    """In training, dropout zeroes each value with probability p (p = 0.2 and 0.8, on 200,000 values).
    中文：训练时 dropout 以概率 p 把每个值置 0（p = 0.2 和 0.8，各 200,000 个值）"""
    x = torch.rand(200_000, generator=torch.Generator().manual_seed(201)) + 0.5
    for p in (0.2, 0.8):
        what = Text(
            f"dropout(200,000 values, p={p:g}, training=True)",
            f"dropout（200,000 个值，p={p:g}，training=True）",
        )
        got = expect_tensor(
            student.probe(probes.dropout_run, x.clone(), p, True)["output"], what, shape=x.shape
        )
        zeroed = float((got == 0).double().mean())
        if abs(zeroed - p) > 0.01:
            fail(
                f"{what.en} zeroed {zeroed:.1%} of the values, expected about {p:.0%}: p is the probability "
                f"of zeroing a value, not of keeping it (keep a value when its random number is >= p)",
                f"{what.zh} 把 {zeroed:.1%} 的值置 0，应约为 {p:.0%}：p 是把一个值置 0 的概率，不是保留它的概"
                f"率（随机数 >= p 时保留）",
            )


@points(2)
def test_dropout_scales_the_kept_values_by_1_over_1_minus_p(student):
    """In training, every value dropout keeps is multiplied by 1 / (1 - p), so its expected value stays the same.
    中文：训练时 dropout 保留的每个值都乘以 1 / (1 - p)，使期望值保持不变"""  # noqa: E501
    for x in fresh(202):
        for p in (0.3, 0.5):
            what = dropout_call(x, p, True)
            got = expect_tensor(
                student.probe(probes.dropout_run, x.clone(), p, True)["output"], what, shape=x.shape
            )
            kept = got != 0
            if bool(kept.any()) and torch.allclose(got[kept].double(), x[kept].double()):
                fail(
                    f"{what.en} kept values as they were: multiply them by 1 / (1 - p) = {1 / (1 - p):.4g}, "
                    f"so the expected value of each output equals its input",
                    f"{what.zh} 保留的值没有变化：要乘以 1 / (1 - p) = {1 / (1 - p):.4g}，使每个输出的期望值"
                    f"等于输入",
                )
            expect_close(
                got[kept], x[kept] / (1 - p), Text(f"the values {what.en} kept", f"{what.zh} 保留的值")
            )


@points(1)
def test_dropout_with_p_1_zeroes_everything(student):
    """dropout(x, p=1, training=True) is all zeros, as nn.Dropout(1.0) gives (no division by zero).
    中文：dropout(x, p=1, training=True) 全为 0，与 nn.Dropout(1.0) 一致（不能除以 0）"""
    for x in fresh(203):
        what = dropout_call(x, 1, True)
        got = expect_tensor(
            student.probe(probes.dropout_run, x.clone(), 1.0, True)["output"], what, shape=x.shape
        )
        if bool(torch.isnan(got).any()):
            fail(
                f"{what.en} gave nan: with p = 1 nothing is kept and 1 / (1 - p) divides by zero; return "
                f"zeros then",
                f"{what.zh} 得到 nan：p = 1 时什么都不保留，1 / (1 - p) 会除以 0；这时直接返回全 0",
            )
        expect_close(got, torch.zeros_like(x), what, atol=0, rtol=0)


@points(1)
def test_dropout_leaves_its_input_unchanged(student):
    """In training, dropout returns a new tensor; x keeps its values.
    中文：训练时 dropout 返回新的张量，x 保持原来的值"""
    for x in fresh(204):
        after = student.probe(probes.dropout_run, x.clone(), 0.5, True)["input_after"]
        if not isinstance(after, torch.Tensor) or not torch.equal(after, x):
            what = dropout_call(x, 0.5, True)
            fail(
                f"{what.en} changed its input x: compute a new tensor (x * mask / (1 - p)) instead of "
                f"zeroing values of x itself",
                f"{what.zh} 修改了输入 x：请生成新的张量（x * mask / (1 - p)），不要在 x 本身上置 0",
            )


@points(2)
def test_batch_norm_normalizes_a_batch_of_features_with_its_own_statistics(student):
    """In training, batch_norm of an (N, C) batch is (x - mean) / sqrt(var + eps) with each column's own
    mean and biased variance.
    中文：训练时，对 (N, C) 的批次，batch_norm 用每一列自己的均值和有偏方差计算 (x - mean) / sqrt(var + eps)"""  # noqa: E501
    judge_normalization(student, FEATURE_SHAPES, 210)


@points(1)
def test_batch_norm_normalizes_each_channel_of_images_over_batch_height_and_width(student):
    """In training, batch_norm of (N, C, H, W) images normalizes each channel over the batch, the height
    and the width together.
    中文：训练时，对 (N, C, H, W) 的图片，batch_norm 把每个通道在批次、高、宽上一起归一化"""
    judge_normalization(student, IMAGE_SHAPES, 220)


@points(1)
def test_batch_norm_updates_the_running_mean_with_momentum(student):
    """In training, running_mean becomes (1 - momentum) * running_mean + momentum * the batch mean, in place.
    中文：训练时 running_mean 原地更新为 (1 - momentum) * running_mean + momentum * 批次均值"""
    judge_running(student, "running_mean", 230)


@points(1)
def test_batch_norm_updates_the_running_variance_with_the_unbiased_variance(student):
    """In training, running_var becomes (1 - momentum) * running_var + momentum * the batch's unbiased variance.
    中文：训练时 running_var 原地更新为 (1 - momentum) * running_var + momentum * 批次的无偏方差"""  # noqa: E501
    judge_running(student, "running_var", 240)


@points(2)
def test_batch_norm_in_eval_mode_uses_and_keeps_the_running_statistics(student):
    """With training=False, batch_norm normalizes with running_mean and running_var and leaves them as they are.
    中文：training=False 时，batch_norm 用 running_mean 和 running_var 归一化，并保持它们不变"""  # noqa: E501
    for number, shape in enumerate(FEATURE_SHAPES + IMAGE_SHAPES):
        x, running_mean, running_var = batch(250 + number, shape)
        got = student.probe(probes.batch_norm_run, x, running_mean, running_var, False, 0.1)
        expected, _, _ = torch_batch_norm(x, running_mean, running_var, False, 0.1)
        what = bn_call(x, False)
        batch_stats, _, _ = torch_batch_norm(x, running_mean, running_var, True, 0.1)
        output = got["output"]
        if (
            isinstance(output, torch.Tensor)
            and output.shape == x.shape
            and torch.allclose(output, batch_stats, atol=1e-4)
        ):
            fail(
                f"{what.en} normalized with the batch's own statistics: in eval mode use running_mean and "
                f"running_var, so the same input always gives the same output",
                f"{what.zh} 用了批次自己的统计量：验证模式要用 running_mean 和 running_var，同样的输入才总有"
                f"同样的输出",
            )
        expect_close(output, expected, what, atol=1e-4, rtol=1e-4)
        expect_close(got["running_mean"], running_mean, after("running_mean", what), atol=0, rtol=0)
        expect_close(got["running_var"], running_var, after("running_var", what), atol=0, rtol=0)


@points(1)
def test_dropout_and_batch_norm_are_written_by_hand(student):
    """dropout and batch_norm give the right values with torch's dropout and batch norm (functions, modules
    and operators) and torch.nn.functional out of reach.
    中文：在 torch 自带的 dropout、batch norm（函数、模块、算子）和 torch.nn.functional 都不可用时，
    dropout 和 batch_norm 仍得到正确的值"""
    x, running_mean, running_var = batch(260, (8, 5))
    cases = [
        ByHandCase(
            "dropout",
            lambda: student.probe(generic.call_by_hand, "dropout", "dropout_batch_norm", x, 0.0, True),
            x,
        ),
        *(
            ByHandCase(
                "batch_norm",
                lambda training=training: student.probe(
                    generic.call_by_hand,
                    "batch_norm",
                    "dropout_batch_norm",
                    x,
                    running_mean.clone(),
                    running_var.clone(),
                    training,
                    0.1,
                ),
                F.batch_norm(x, running_mean.clone(), running_var.clone(), training=training, momentum=0.1),
            )
            for training in (True, False)
        ),
    ]
    judge_by_hand(
        cases,
        Text(
            "use torch.rand_like, mean, var, sqrt and arithmetic",
            "请使用 torch.rand_like、mean、var、sqrt 和四则运算",
        ),
    )


# ---------------------------------------------------------------- Classifier and predict


@points(1)
def test_classifier_calls_its_layers_in_the_order_given(student):
    """Classifier's forward pass calls Linear, BatchNorm1d, ReLU, Dropout, Linear, in this order.
    中文：Classifier 的前向传播依次调用 Linear、BatchNorm1d、ReLU、Dropout、Linear"""
    x = torch.randn(16, probes.FEATURES, generator=torch.Generator().manual_seed(270))
    got = student.probe(probes.classifier_run, x, 0)["layers"]
    expect_equal(
        got,
        ["Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear"],
        Text("the layers Classifier's forward pass called, in order", "Classifier 前向传播依次调用的层"),
    )


@points(1)
def test_classifier_in_eval_mode_gives_the_reference_scores(student, reference):
    """Classifier in eval mode, built with the same seed, gives the reference's scores of shape (N, 3).
    中文：同一个随机种子下，验证模式的 Classifier 给出与参考答案相同的 (N, 3) 分数"""
    x = torch.randn(16, probes.FEATURES, generator=torch.Generator().manual_seed(271))
    expect_close(
        student.probe(probes.classifier_run, x, 3)["output"],
        reference.probe(probes.classifier_run, x, 3)["output"],
        Text(
            f"Classifier().eval()({shown(x).en}), torch seeded with 3",
            f"Classifier().eval()（{shown(x).zh}），随机种子为 3",
        ),
        atol=1e-5,
    )


@points(2)
def test_predict_evaluates_in_eval_mode(student):
    """predict(model, x) gives the classes of the model in eval mode, for a model left in train mode with
    dropout and trained BatchNorm statistics.
    中文：对处于训练模式、带 dropout 和已训练 BatchNorm 统计量的模型，predict(model, x) 给出验证模式下的类别"""  # noqa: E501
    x = torch.randn(64, probes.FEATURES, generator=torch.Generator().manual_seed(280)) * 2
    model = probes.trained_model(5).eval()
    with torch.no_grad():
        expected = model(x).argmax(dim=1)
    what = Text(
        f"predict(a model left in train mode, {shown(x).en})", f"predict（处于训练模式的模型，{shown(x).zh}）"
    )
    got = expect_tensor(student.probe(probes.predict_run, x, 5), what, shape=(64,))
    wrong = int((got.long() != expected).sum())
    if wrong:
        fail(
            f"{what.en}: {wrong} of 64 rows got another class than the model gives in eval mode; call "
            f"model.eval() before evaluating (dropout off, BatchNorm on its running statistics) and use "
            f"torch.no_grad()",
            f"{what.zh}：64 行中有 {wrong} 行的类别与模型在验证模式下给出的不同；评估前调用 model.eval()"
            f"（关闭 dropout，BatchNorm 用滑动统计量），并使用 torch.no_grad()",
        )
