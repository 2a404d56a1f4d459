"""The data 17_regression's checks fit, and the answers the grader computes for them in float64.

Fresh noisy lines and overlapping two-class samples drawn from seeds, the least-squares line
(np.polyfit) and the maximum-likelihood logistic fit (Newton's method): the expected values, all
computed here, never by a worker.
"""

from __future__ import annotations

import numpy as np
import torch

AT = torch.linspace(-3, 3, 13).reshape(-1, 1)  # where the logistic model's probabilities are compared


def line_data(seed: int) -> tuple[list[float], list[float]]:
    """Noisy points along a random line, x spread over [0, 3.2] like the course's."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 21))
    x = np.linspace(0.0, 3.2, n) + rng.uniform(-0.1, 0.1, n)
    k, b = rng.uniform(-3, 3), rng.uniform(-2, 2)
    y = k * x + b + rng.normal(0, 0.3, n)
    return x.round(3).tolist(), y.round(3).tolist()


def logistic_data(seed: int) -> tuple[list[float], list[float]]:
    """Overlapping classes (so the maximum-likelihood fit exists): y ~ Bernoulli(sigmoid(w·x + c))."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(40, 61))
    x = rng.normal(0, 1.2, n)
    w, c = rng.uniform(1, 2), rng.uniform(-0.8, 0.8)
    y = (rng.random(n) < 1 / (1 + np.exp(-(w * x + c)))).astype(float)
    return x.round(3).tolist(), y.tolist()


def least_squares(x: list[float], y: list[float]) -> tuple[float, float]:
    k, b = np.polyfit(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), 1)
    return float(k), float(b)


def maximum_likelihood(x: list[float], y: list[float]) -> np.ndarray:
    """Probabilities at AT of the logistic fit that maximises the likelihood (Newton's method, float64)."""
    design = np.stack([np.asarray(x), np.ones(len(x))], axis=1)
    labels, theta = np.asarray(y), np.zeros(2)
    for _ in range(50):
        p = 1 / (1 + np.exp(-design @ theta))
        hessian = design.T @ (design * (p * (1 - p))[:, None])
        theta -= np.linalg.solve(hessian, design.T @ (p - labels))
    return 1 / (1 + np.exp(-(theta[0] * AT.reshape(-1).double().numpy() + theta[1])))
