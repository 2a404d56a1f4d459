"""Helpers of 20_dropout_batchnorm's hidden checks: fresh inputs, torch's functional layers as the expected
values, the calls as messages show them, and the judging of batch norm's normalization and running
statistics.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.checking import Text, expect_close, fail
from autograder.worker.probes import dropout_batchnorm as probes

EPS = 1e-5
FEATURE_SHAPES = [(8, 5), (4, 3), (32, 16)]
IMAGE_SHAPES = [(4, 3, 5, 5), (2, 6, 8, 8)]


def shown(x: torch.Tensor) -> Text:
    dtype = str(x.dtype).removeprefix("torch.")
    return Text(f"a {dtype} tensor of shape {tuple(x.shape)}", f"形状为 {tuple(x.shape)} 的 {dtype} 张量")


def dropout_call(x: torch.Tensor | str, p: float, training: bool) -> Text:
    described = shown(x) if isinstance(x, torch.Tensor) else Text(x, x)
    return Text(
        f"dropout({described.en}, p={p:g}, training={training})",
        f"dropout（{described.zh}，p={p:g}，training={training}）",
    )


def fresh(seed: int, shapes=((7,), (3, 5), (2, 3, 4, 4))) -> list[torch.Tensor]:
    """Random tensors without zeros (a zero would look dropped), float32 and one float64."""
    generator = torch.Generator().manual_seed(seed)
    made = [torch.rand(shape, generator=generator) + 0.5 for shape in shapes]
    return made + [(torch.rand(4, 6, generator=generator) - 2).double()]


def batch(seed: int, shape: tuple) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A batch far from mean 0 and variance 1, and running statistics for its channels."""
    generator = torch.Generator().manual_seed(seed)
    channels = shape[1]
    return (
        torch.randn(shape, generator=generator) * 3 + 1,
        torch.randn(channels, generator=generator),
        torch.rand(channels, generator=generator) + 0.5,
    )


def torch_batch_norm(x, running_mean, running_var, training, momentum):
    """F.batch_norm without weight and bias: the output and the running statistics it leaves."""
    mean, var = running_mean.clone(), running_var.clone()
    return F.batch_norm(x, mean, var, None, None, training, momentum, EPS), mean, var


def bn_call(x: torch.Tensor, training: bool, momentum: float = 0.1) -> Text:
    described = shown(x)
    rest = f"running_mean, running_var, training={training}, momentum={momentum:g}"
    return Text(f"batch_norm({described.en}, {rest})", f"batch_norm（{described.zh}，{rest}）")


def after(key: str, call: Text) -> Text:
    return Text(f"{key} after {call.en}", f"{call.zh} 之后的 {key}")


# ---------------------------------------------------------------- batch_norm


def judge_normalization(student, shapes, seed: int) -> None:
    for number, shape in enumerate(shapes):
        x, running_mean, running_var = batch(seed + number, shape)
        got = student.probe(probes.batch_norm_run, x.clone(), running_mean, running_var, True, 0.1)["output"]
        expected, _, _ = torch_batch_norm(x, running_mean, running_var, True, 0.1)
        dims = [0] + list(range(2, x.dim()))
        unbiased = (
            F.batch_norm(x, None, None, training=True, eps=EPS)
            * torch.sqrt(x.var(dim=dims, unbiased=False, keepdim=True) + EPS)
            / torch.sqrt(x.var(dim=dims, keepdim=True) + EPS)
        )
        what = bn_call(x, True)
        if (
            isinstance(got, torch.Tensor)
            and got.shape == x.shape
            and torch.allclose(got, unbiased, atol=1e-5)
        ):
            fail(
                f"{what.en} normalized with the unbiased variance (divided by the count minus 1): normalize "
                f"with the batch's biased variance, x.var(..., unbiased=False)",
                f"{what.zh} 用无偏方差（除以个数减 1）做了归一化：应使用批次的有偏方差 x.var(..., "
                f"unbiased=False)",
            )
        expect_close(got, expected, what, atol=1e-4, rtol=1e-4)


def running_mistake(key: str, got, given, x, momentum: float):
    """The known mistake `got` shows for a running statistic after a training call, in both languages, or
    None."""
    if not isinstance(got, torch.Tensor) or got.shape != given.shape:
        return None
    if torch.equal(got, given):
        return (
            "was not updated: change the tensor you were given in place (running_mean.mul_(...).add_(...)); "
            "assigning a new tensor to the name changes nothing outside the function",
            "没有更新：请原地修改传入的张量（running_mean.mul_(...).add_(...)）；给变量名赋一个新张量"
            "不会改变函数外面的那个",
        )
    statistic = x.mean(dim=0) if key == "running_mean" else x.var(dim=0)
    if torch.allclose(got, momentum * given + (1 - momentum) * statistic):
        return (
            "gave the new batch the weight 1 - momentum: PyTorch's momentum is the new batch's weight, "
            "(1 - momentum) * running + momentum * statistic (the opposite of Keras's momentum)",
            "给了新批次 1 - momentum 的权重：PyTorch 的 momentum 是新批次的权重，即 "
            "(1 - momentum) * running + momentum * 统计量（与 Keras 的 momentum 相反）",
        )
    if key == "running_var" and torch.allclose(
        got, (1 - momentum) * given + momentum * x.var(dim=0, unbiased=False)
    ):
        return (
            "used the biased variance: the running variance takes the unbiased one, x.var(..., "
            "unbiased=True), as nn.BatchNorm does",
            "用了有偏方差：滑动方差要用无偏方差 x.var(..., unbiased=True)，与 nn.BatchNorm 一致",
        )
    return None


def judge_running(student, key: str, seed: int) -> None:
    """Compare one running statistic after training calls with what F.batch_norm leaves."""
    for number, shape in enumerate(FEATURE_SHAPES):
        for momentum in (0.1, 0.3):
            x, running_mean, running_var = batch(seed + number, shape)
            got = student.probe(probes.batch_norm_run, x, running_mean, running_var, True, momentum)[key]
            _, mean, var = torch_batch_norm(x, running_mean, running_var, True, momentum)
            given, expected = (running_mean, mean) if key == "running_mean" else (running_var, var)
            what = after(key, bn_call(x, True, momentum))
            mistake = running_mistake(key, got, given, x, momentum)
            if mistake:
                fail(f"{what.en} {mistake[0]}", f"{what.zh}{mistake[1]}")
            expect_close(got, expected, what, atol=1e-5, rtol=1e-4)
