"""The number-like type rules of `autograder.checking`: a right value of a number-like type is a type
problem said in one line, never a wrong value; sizes must be of an integer type; "not judged" is its own
verdict."""

import numpy as np
import pytest
import torch

from autograder.checking import (
    CheckFailed,
    NotJudged,
    expect_close,
    expect_each_equal,
    expect_each_int,
    expect_equal,
    expect_int,
    number_value,
)

NUMBER_LIKE_FIVES = [
    5,
    5.0,
    np.int64(5),
    np.float32(5),
    np.float64(5),
    torch.tensor(5),
    torch.tensor(5.0),
    np.array(5),
]


def message(action) -> str:
    with pytest.raises(CheckFailed) as failure:
        action()
    return failure.value.text.en


@pytest.mark.parametrize(
    "value", NUMBER_LIKE_FIVES, ids=lambda v: type(v).__name__ + str(getattr(v, "dtype", ""))
)
def test_every_number_like_five_stands_for_five(value):
    assert number_value(value) == 5


@pytest.mark.parametrize(
    "value",
    [True, np.bool_(True), "5", None, [5], torch.tensor([5]), torch.tensor(True)],
    ids=["bool", "numpy-bool", "str", "None", "list", "tensor-of-one-element", "bool-tensor"],
)
def test_what_is_no_number_stands_for_nothing(value):
    assert number_value(value) is None


@pytest.mark.parametrize(
    "value", NUMBER_LIKE_FIVES, ids=lambda v: type(v).__name__ + str(getattr(v, "dtype", ""))
)
def test_value_checks_accept_a_right_number_of_any_number_like_type(value):
    expect_equal(value, 5, "f()")
    expect_close(value, 5.0, "f()")
    expect_each_equal([["ok", value]], [5], ["f()"])


def test_a_zero_dim_tensor_is_compared_by_value_with_a_zero_dim_tensor_of_another_kind():
    expect_close(0.5, torch.tensor(0.5), "loss", check_dtype=True)
    expect_close(np.float32(0.5), torch.tensor(0.5), "loss", check_dtype=True)


def test_a_wrong_number_of_a_number_like_type_is_a_wrong_value_with_both_numbers():
    text = message(lambda: expect_close(torch.tensor(0.25), 0.5, "loss"))
    assert "expected 0.5, got 0.25" in text


def test_several_values_where_one_number_is_asked_are_a_wrong_shape_not_a_wrong_type():
    text = message(lambda: expect_close(torch.ones(4), torch.tensor(1.0), "mse_loss(...)"))
    assert "expected one number, got a tensor of shape (4,)" in text and ".mean()" in text
    assert "int or float" not in text


def test_bool_is_never_a_number_but_equals_itself():
    assert "expected" in message(lambda: expect_equal(True, 1, "f()"))
    assert "cases wrong" in message(lambda: expect_each_equal([["ok", True]], [1], ["f()"]))
    expect_equal([True, False], [True, False], "flags")


@pytest.mark.parametrize(
    "value", [5, np.int64(5), np.int32(5), torch.tensor(5)], ids=["int", "int64", "int32", "tensor"]
)
def test_a_size_of_an_integer_type_is_an_int(value):
    expect_int(value, "size()")


@pytest.mark.parametrize(
    "value, kind",
    [(5.0, "a float"), (np.float64(5), "a NumPy float64"), (torch.tensor(5.0), "a 0-dim tensor (float32)")],
    ids=["float", "numpy-float64", "float-tensor"],
)
def test_a_whole_float_as_a_size_is_a_type_problem_in_one_line(value, kind):
    text = message(lambda: expect_int(value, "size()"))
    assert text.startswith(f"size() returned 5 as {kind}, not an int")
    assert "expected 5" not in text and "\n" not in text


def test_the_int_check_judges_only_the_right_values_and_names_the_first_float():
    outcomes = [["ok", 3], ["ok", 4.0], ["ok", 7], ["error", {"type": "ValueError"}]]
    text = message(lambda: expect_each_int(outcomes, [3, 4, 8, 1], ["f(1)", "f(2)", "f(3)", "f(4)"], "f"))
    assert text.startswith("f(2) returned 4 as a float")
    expect_each_int([["ok", 3], ["ok", 7.5]], [3, 8], ["f(1)", "f(2)"], "f")


def test_the_int_check_is_not_judged_when_no_value_is_right():
    with pytest.raises(NotJudged) as verdict:
        expect_each_int([["ok", 2], ["error", {}]], [3, 4], ["f(1)", "f(2)"], "f")
    assert verdict.value.blocked_by == "f"
    assert verdict.value.text.en.startswith("not judged:") and verdict.value.text.zh.startswith("未评判")
