"""What the comparison helpers hidden checks use (`autograder.checking`) accept and refuse, and what they say.

Number-like types (NumPy scalars, 0-dim tensors, whole floats as sizes) are specified in test_number_types.py;
this file covers the values at the edges: NaN, infinities, complex numbers, tensors without data (meta),
0-dim tensors, empty tensors, shapes, and `expect_each_equal`'s case-by-case verdict.
"""

from __future__ import annotations

import math

import pytest
import torch

from autograder.checking import (
    CheckFailed,
    StudentError,
    agrees,
    expect_close,
    expect_each_equal,
    expect_tensor,
)


def verdict(check) -> str:
    """'passed', or the English half of the failure message."""
    try:
        check()
    except CheckFailed as failure:
        return str(failure).split(" | ")[0]
    return "passed"


# ---------------------------------------------------------------- NaN and infinities


def test_nan_is_right_only_where_nan_is_expected():
    expected = torch.tensor([1.0, math.nan])
    assert verdict(lambda: expect_close(torch.tensor([1.0, math.nan]), expected, "x")) == "passed"
    assert verdict(lambda: expect_close(math.nan, math.nan, "x")) == "passed"


def test_nan_where_a_number_is_expected_names_the_position_and_both_values():
    message = verdict(lambda: expect_close(torch.tensor([1.0, math.nan]), torch.tensor([1.0, 2.0]), "x"))
    assert message == "x: 1 of 2 values differ; at [1] expected 2, got nan"
    assert verdict(lambda: expect_close(math.nan, 1.0, "x")) == "x: expected 1, got nan"


def test_a_number_where_nan_is_expected_is_wrong():
    assert verdict(lambda: expect_close(0.0, math.nan, "x")) == "x: expected nan, got 0"


def test_an_infinity_equals_only_the_same_infinity():
    assert verdict(lambda: expect_close(math.inf, math.inf, "x")) == "passed"
    assert verdict(lambda: expect_close(-math.inf, math.inf, "x")) == "x: expected inf, got -inf"
    huge = torch.tensor([1e308], dtype=torch.float64)
    assert "values differ" in verdict(
        lambda: expect_close(torch.tensor([math.inf], dtype=torch.float64), huge, "x")
    )


def test_an_overflow_to_inf_is_not_close_to_the_largest_float():
    assert not agrees(math.inf, 1.7e308)


# ---------------------------------------------------------------- complex numbers


def test_complex_tensors_are_compared_on_both_parts():
    expected = torch.tensor([1 + 2j])
    assert verdict(lambda: expect_close(torch.tensor([1 + 2j]), expected, "x")) == "passed"
    assert verdict(lambda: expect_close(torch.tensor([1 + 3j]), expected, "x")) == (
        "x: 1 of 1 values differ; at [0] expected 1+2j, got 1+3j"
    )


def test_a_real_tensor_does_not_stand_for_a_complex_one():
    """Dropping the imaginary part must not make 1 equal 1+2j."""
    assert "values differ" in verdict(lambda: expect_close(torch.tensor([1.0]), torch.tensor([1 + 2j]), "x"))


def test_a_complex_number_where_a_real_one_is_expected_is_named_as_such():
    message = verdict(lambda: expect_close(1 + 0j, 1.0, "x"))
    assert message.startswith("x: expected an int or float, got a complex")


# ---------------------------------------------------------------- tensors without data, 0-dim, empty


def test_a_meta_tensor_has_no_values_to_compare():
    message = verdict(lambda: expect_close(torch.empty(3, device="meta"), torch.ones(3), "x"))
    assert message == "x: got a tensor without data (meta device)"


def test_a_0_dim_meta_tensor_where_a_number_is_expected_says_it_has_no_data():
    message = verdict(lambda: expect_close(torch.tensor(1.0, device="meta"), 1.0, "x"))
    assert message == "x: got a tensor without data (meta device)"


def test_a_0_dim_tensor_is_compared_by_value_against_a_number_or_a_0_dim_tensor():
    assert verdict(lambda: expect_close(torch.tensor(2.0), 2.0, "x")) == "passed"
    assert verdict(lambda: expect_close(torch.tensor(2.0), torch.tensor(3.0), "x")) == "x: expected 3, got 2"


def test_a_tensor_of_several_values_where_one_number_is_expected_asks_to_reduce_it():
    message = verdict(lambda: expect_close(torch.ones(4), 1.0, "loss"))
    assert message.startswith("loss: expected one number, got a tensor of shape (4,): reduce it")


def test_shapes_must_match_before_values_are_compared():
    message = verdict(lambda: expect_close(torch.ones(2, 3), torch.ones(3, 2), "x"))
    assert message == "x: expected shape (3, 2), got (2, 3)"


def test_empty_tensors_of_the_right_shape_agree():
    assert verdict(lambda: expect_close(torch.ones(0, 3), torch.zeros(0, 3), "x")) == "passed"


def test_expect_tensor_names_what_came_instead_of_a_tensor():
    assert verdict(lambda: expect_tensor([1, 2], "x")) == "x: expected a tensor, got a list"
    assert verdict(lambda: expect_tensor(torch.ones(2), "x", dtype=torch.float64)) == (
        "x: expected dtype float64, got float32"
    )


# ---------------------------------------------------------------- expect_each_equal


def test_each_equal_passes_when_every_case_returned_its_value():
    assert verdict(lambda: expect_each_equal([["ok", 1], ["ok", 2.0]], [1, 2], ["f(1)", "f(2)"])) == "passed"


def test_each_equal_counts_the_wrong_cases_and_shows_the_first():
    outcomes = [["ok", 1], ["ok", 5], ["ok", 7]]
    message = verdict(lambda: expect_each_equal(outcomes, [1, 2, 3], ["f(1)", "f(2)", "f(3)"]))
    assert message == "2 of 3 cases wrong; first: f(2) should be 2, got 5"


def test_each_equal_reports_a_case_that_raised_among_right_ones():
    error = {"type": "ValueError", "message": "bad size", "file": "m.py", "line": 3}
    message = verdict(lambda: expect_each_equal([["ok", 1], ["error", error]], [1, 2], ["f(1)", "f(2)"]))
    assert message.startswith("1 of 2 cases wrong; first: f(2) should be 2, raised ValueError: bad size")


def test_each_equal_gives_the_error_itself_when_every_case_raised_it():
    error = {"type": "NotImplementedError", "message": "f is not written yet", "file": "m.py", "line": 3}
    with pytest.raises(StudentError, match="not written yet"):
        expect_each_equal([["error", error], ["error", error]], [1, 2], ["f(1)", "f(2)"])


def test_each_equal_refuses_outcomes_that_do_not_cover_every_case():
    assert (
        verdict(lambda: expect_each_equal([["ok", 1]], [1, 2], ["f(1)", "f(2)"]))
        == "could not evaluate all cases"
    )


def test_each_equal_never_takes_a_bool_for_a_number():
    assert "cases wrong" in verdict(lambda: expect_each_equal([["ok", True]], [1], ["f()"]))
