"""Visible tests for exercise 16 (autograd). Run: pytest exercises/16_autograd"""

import torch


def test_matmul_chain_grads_have_the_input_shapes(autograd):
    x, y, z = torch.randn(1, 5), torch.randn(5, 3), torch.randn(3, 1)
    dx, dy, dz = autograd.matmul_chain_grads(x, y, z)
    assert (dx.shape, dy.shape, dz.shape) == ((1, 5), (5, 3), (3, 1))


def test_matmul_chain_grads_equal_the_closed_forms(autograd):
    x, y, z = torch.randn(1, 5), torch.randn(5, 3), torch.randn(3, 1)
    dx, dy, dz = autograd.matmul_chain_grads(x, y, z)
    assert torch.allclose(dx, (y @ z).T, atol=1e-6)
    assert torch.allclose(dy, x.T @ z.T, atol=1e-6)
    assert torch.allclose(dz, (x @ y).T, atol=1e-6)


def test_cubic_grads_of_the_course_example(autograd):
    a = torch.tensor([2.0, 3.0], requires_grad=True)
    b = torch.tensor([6.0, 4.0], requires_grad=True)
    da, db = autograd.cubic_grads(a, b)
    assert da.tolist() == [36.0, 81.0]  # 9 * a ** 2
    assert db.tolist() == [-12.0, -8.0]  # -2 * b


def test_numerical_grad_of_a_sum_of_squares_is_2x(autograd):
    x = torch.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=torch.float64)
    grad = autograd.numerical_grad(lambda t: (t**2).sum(), x)
    assert grad.shape == x.shape
    assert torch.allclose(grad, 2 * x, atol=1e-6)


def test_numerical_grad_agrees_with_autograd(autograd):
    x = torch.linspace(-1, 1, 6, dtype=torch.float64)
    leaf = x.clone().requires_grad_(True)
    torch.sin(3 * leaf).pow(3).sum().backward()
    grad = autograd.numerical_grad(lambda t: torch.sin(3 * t).pow(3).sum(), x)
    assert torch.allclose(grad, leaf.grad, atol=1e-4)


def test_numerical_grad_leaves_x_unchanged(autograd):
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    autograd.numerical_grad(lambda t: (t**3).sum(), x)
    assert x.tolist() == [1.0, 2.0, 3.0]
