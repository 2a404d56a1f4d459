"""Visible tests for exercise 17 (linear and logistic regression). Run: pytest exercises/17_regression"""

import numpy as np
import pytest
import torch


def test_fit_line_returns_three_floats(regression):
    k, b, final_loss = regression.fit_line(regression.COURSE_X, regression.COURSE_Y, epochs=10, lr=0.05)
    assert (type(k), type(b), type(final_loss)) == (float, float, float)


def test_fit_line_finds_the_least_squares_line_on_the_course_data(regression):
    k, b, final_loss = regression.fit_line(regression.COURSE_X, regression.COURSE_Y, epochs=300, lr=0.15)
    best_k, best_b = np.polyfit(regression.COURSE_X, regression.COURSE_Y, 1)  # 1.8449, 1.1624
    assert k == pytest.approx(best_k, abs=1e-3)
    assert b == pytest.approx(best_b, abs=1e-3)
    assert final_loss == pytest.approx(0.1244, abs=1e-3)


def test_fit_line_accepts_1d_tensors(regression):
    x = torch.linspace(0, 3, 10)
    k, b, _ = regression.fit_line(x, 2 * x - 1, epochs=300, lr=0.15)
    assert (k, b) == (pytest.approx(2, abs=1e-3), pytest.approx(-1, abs=1e-3))


def test_fit_logistic_returns_a_model_of_probabilities(regression):
    model = regression.fit_logistic([1.0, 2.0, 3.0], [0.0, 0.0, 1.0], epochs=100, lr=0.5)
    with torch.no_grad():
        p = model(torch.linspace(-5, 10, 16).reshape(-1, 1))
    assert p.shape == (16, 1)
    assert bool(((p >= 0) & (p <= 1)).all())


def test_fit_logistic_separates_the_classes(regression):
    model = regression.fit_logistic([1.0, 2.0, 3.0], [0.0, 0.0, 1.0], epochs=200, lr=2.0)
    with torch.no_grad():
        p = model(torch.tensor([[1.0], [4.0]])).reshape(-1)
    assert p[0] < 0.5 < p[1]
