"""One number, whatever number-like type carries it: the rule the training exercises' checks apply.

The kit's rule (`autograder.checking`'s docstring), applied to the training exercises: where a contract
asks for a number a learner would print (a loss in a history, an accuracy), a 0-dim tensor or a NumPy
scalar of the right value keeps the point (the course itself divides a tensor count
by the data set size); a tensor of several values is a wrong shape, said as such ("reduce it"), never
"expected a float" (which would suggest `.item()`). Where a contract asks for a Python float on
purpose (11's train_step and train_epoch, which must not keep the graph alive), its type check says so.
"""

from __future__ import annotations

from typing import Any

import torch

from autograder.checking import Text, describe_type, fail, number_value


def as_number(value: Any) -> float | None:
    """The float a number-like value stands for (`autograder.checking.number_value`: an int, a float, a 0-dim
    tensor, a NumPy scalar; never a bool); None otherwise."""
    number = number_value(value)
    return None if number is None else float(number)


def expect_number(value: Any, what: Text, reduce_en: str = "its mean", reduce_zh: str = "取平均") -> float:
    """`value` as one float; fails saying "a tensor of N values: reduce it" or naming the type otherwise."""
    number = as_number(value)
    if number is not None:
        return number
    if isinstance(value, torch.Tensor) and not value.is_meta:
        shape = tuple(value.shape)
        fail(
            f"{what.en} is a tensor of shape {shape}, {value.numel()} values: it should be one number "
            f"({reduce_en})",
            f"{what.zh} 是形状为 {shape} 的 tensor，共 {value.numel()} 个值：应为一个数（{reduce_zh}）",
        )
    fail(
        f"{what.en} should be a number, got {describe_type(value)}",
        f"{what.zh} 应为一个数，实际是 {describe_type(value, zh=True)}",
    )
    raise AssertionError  # unreachable: fail() raises
