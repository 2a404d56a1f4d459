"""Visible tests for exercise 20 (Dropout and BatchNorm: train mode and eval mode). Run: pytest
exercises/20_dropout_batchnorm"""

import pytest
import torch
from torch import nn

from autograder.i18n import tr


def test_dropout_in_eval_mode_returns_the_input(layers):
    x = torch.rand(4, 5) + 0.5
    assert torch.equal(layers.dropout(x, 0.5, training=False), x), tr(
        "dropout with training=False changed values: in eval mode dropout does nothing, return x",
        "training=False 时 dropout 改变了值：验证模式下 dropout 什么都不做，直接返回 x",
    )


def test_dropout_scales_the_kept_values_by_1_over_1_minus_p(layers):
    x = torch.rand(1000) + 0.5
    out = layers.dropout(x, 0.5)
    kept = out != 0
    assert torch.allclose(out[kept], x[kept] * 2), tr(
        "the values dropout(x, p=0.5) keeps must be doubled: multiply the kept values by 1 / (1 - p), so "
        "each output keeps the input's expected size",
        "dropout(x, p=0.5) 保留的值应变为两倍：保留的值要乘以 1 / (1 - p)，使每个输出的期望值与输入一样",
    )


def test_dropout_zeroes_about_p_of_the_values(layers):
    zeroed = float((layers.dropout(torch.rand(100_000) + 0.5, 0.2) == 0).float().mean())
    assert abs(zeroed - 0.2) < 0.01, tr(
        f"dropout(x, p=0.2) zeroed {zeroed:.1%} of the values instead of about 20%: p is the probability of "
        "zeroing a value, not of keeping it",
        f"dropout(x, p=0.2) 把 {zeroed:.1%} 的值置 0，而不是约 20%：p 是把一个值置 0 的概率，不是保留它的概"
        f"率",
    )


def test_dropout_with_p_1_gives_zeros_not_nan(layers):
    out = layers.dropout(torch.rand(3, 4) + 0.5, 1.0)
    assert not torch.isnan(out).any() and torch.equal(out, torch.zeros(3, 4)), tr(
        "dropout(x, p=1) must be all zeros: 1 / (1 - p) divides by zero there, so return zeros when p is 1",
        "dropout(x, p=1) 应全为 0：此时 1 / (1 - p) 会除以 0，所以 p 为 1 时直接返回全 0",
    )


def test_dropout_leaves_its_input_unchanged(layers):
    x = torch.rand(50) + 0.5
    before = x.clone()
    layers.dropout(x, 0.5)
    assert torch.equal(x, before), tr(
        "dropout changed its input x: compute a new tensor instead of zeroing values of x itself",
        "dropout 修改了输入 x：请生成新的张量，不要在 x 本身上置 0",
    )


def test_batch_norm_normalizes_with_the_biased_batch_variance(layers):
    x = torch.tensor([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [6.0, 60.0]])
    out = layers.batch_norm(x, torch.zeros(2), torch.ones(2))
    assert torch.allclose(out, nn.BatchNorm1d(2, affine=False)(x), atol=1e-5), tr(
        "batch_norm in training must match nn.BatchNorm1d: normalize with the batch's biased variance, "
        "x.var(..., unbiased=False)",
        "训练时的 batch_norm 应与 nn.BatchNorm1d 一致：用批次的有偏方差 x.var(..., unbiased=False) 归一化",
    )


def test_batch_norm_updates_the_running_mean_in_place(layers):
    running_mean = torch.zeros(2)
    layers.batch_norm(torch.tensor([[1.0, 10.0], [3.0, 30.0]]), running_mean, torch.ones(2), momentum=0.1)
    assert torch.allclose(running_mean, torch.tensor([0.2, 2.0])), tr(
        f"after one batch with means [2, 20] and momentum 0.1, running_mean should be [0.2, 2.0], got "
        f"{running_mean.tolist()}: update the tensor you were given in place with "
        "(1 - momentum) * running_mean + momentum * mean",
        f"一个均值为 [2, 20] 的批次、momentum 为 0.1 之后，running_mean 应为 [0.2, 2.0]，实际为 "
        f"{running_mean.tolist()}：请用 (1 - momentum) * running_mean + momentum * mean 原地更新传入的张量",
    )


def test_batch_norm_running_variance_uses_the_unbiased_variance(layers):
    running_var = torch.ones(1)
    layers.batch_norm(torch.tensor([[1.0], [3.0]]), torch.zeros(1), running_var, momentum=0.5)
    assert torch.allclose(running_var, torch.tensor([1.5])), tr(
        f"for the batch [1, 3] (unbiased variance 2) with momentum 0.5, running_var should go from 1 to 1.5, "
        f"got {running_var.tolist()}: the running variance takes the unbiased variance (unbiased=True)",
        f"批次 [1, 3]（无偏方差为 2）、momentum 为 0.5 时，running_var 应从 1 变为 1.5，实际为 "
        f"{running_var.tolist()}：滑动方差要用无偏方差（unbiased=True）",
    )


def test_batch_norm_in_eval_mode_uses_the_running_statistics(layers):
    x = torch.tensor([[3.0], [5.0]])
    out = layers.batch_norm(x, torch.tensor([1.0]), torch.tensor([4.0]), training=False, eps=0.0)
    assert torch.allclose(out, torch.tensor([[1.0], [2.0]])), tr(
        "in eval mode, batch_norm must normalize with running_mean and running_var ((3 - 1) / 2 = 1), not "
        "with the batch's own statistics",
        "验证模式下 batch_norm 要用 running_mean 和 running_var 归一化（(3 - 1) / 2 = 1），而不是批次自己的统"
        "计量",
    )


PER_CHANNEL = (
    "batch_norm of (N, C, H, W) images must match nn.BatchNorm2d: each channel's statistics are over the "
    "batch, the height and the width (dims 0, 2 and 3), one mean and one variance per channel",
    "(N, C, H, W) 图片的 batch_norm 应与 nn.BatchNorm2d 一致：每个通道的统计量在批次、高、宽（第 0、2、3 维）"
    "上计算，每个通道一个均值、一个方差",
)


def test_batch_norm_normalizes_images_per_channel(layers):
    x = torch.randn(4, 3, 5, 5) * 3 + 1
    try:
        out = layers.batch_norm(x, torch.zeros(3), torch.ones(3))
    except RuntimeError as error:
        pytest.fail(tr(f"{PER_CHANNEL[0]} ({error})", f"{PER_CHANNEL[1]}（{error}）"), pytrace=False)
    assert out.shape == x.shape and torch.allclose(out, nn.BatchNorm2d(3, affine=False)(x), atol=1e-4), tr(
        *PER_CHANNEL
    )


def test_classifier_maps_8_rows_of_20_features_to_8_by_3(layers):
    model = layers.Classifier()
    assert model(torch.randn(8, 20)).shape == (8, 3)
    kinds = [type(layer).__name__ for layer in model.modules() if not list(layer.children())]
    assert kinds == ["Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear"]


def test_predict_puts_the_model_in_eval_mode(layers):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 64), nn.Dropout(0.9), nn.Linear(64, 3))
    x = torch.randn(32, 20)
    first, second = layers.predict(model, x), layers.predict(model.train(), x)
    assert torch.equal(first, second), tr(
        "predict gave different classes for the same rows: call model.eval() first, so dropout is off "
        "and BatchNorm uses its running statistics",
        "predict 对同样的行给出了不同的类别：先调用 model.eval()，关掉 dropout，让 BatchNorm 使用滑动统计量",
    )
