"""`show` quotes any value a check got back in one bounded line, without building a larger text first."""

import numpy as np
import pytest
import torch

from autograder.showing import REPR_LIMIT, show


@pytest.mark.parametrize(
    "value",
    [
        b"\xff" * (60 << 20),
        [b"\xff" * (1 << 20)] * 3,
        {i: "x" * 1000 for i in range(100_000)},
        "s" * (10 << 20),
        10**4000,
    ],
)
def test_any_value_shows_in_at_most_repr_limit_characters(value):
    assert len(show(value)) <= REPR_LIMIT and len(show(value, zh=True)) <= REPR_LIMIT


def test_big_bytes_say_how_many_there_are():
    assert show(b"\x00" * 1000).endswith("… (1000 bytes)") and show(b"\x00" * 1000, zh=True).endswith(
        "（共 1000 字节）"
    )


def test_nesting_is_shown_to_any_depth_without_recursing_without_bound():
    value: list = []
    for _ in range(64):
        value = [value]
    assert show(value) == "[" * 65 + "]" * 65


def test_small_values_read_as_python_writes_them():
    assert show([1, (2,), {"a": None}]) == "[1, (2,), {'a': None}]"
    assert show(np.float32(2.5)) == "np.float32(2.5)" and show(torch.tensor([1.0, 2.0])).startswith(
        "tensor([1.0, 2.0]"
    )


def test_text_from_the_worker_is_shown_cleaned():
    assert "\x1b" not in show("\x1b[31mred") and show("a\ud800") == repr("a\ud800")
